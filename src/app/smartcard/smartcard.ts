import {
  assert,
  bytesToHex,
  concatBytes,
  createMerchantDevice,
  createSmartCard,
  dayMs,
  err,
  hexToBytes,
  issueCertificate,
  makeCertificateRequest,
  makeRootCertificate,
  mondexCardHello,
  mondexCardPay,
  mondexCardSettle,
  mondexDepositTakings,
  mondexDeviceAcceptValue,
  mondexDeviceRequest,
  mondexLoadCard,
  mondexPaymentKey,
  mondexRecover,
  mondexValueBreakdown,
  ok,
  paymentAccountId,
  reportSmartCardLost,
  sha256,
  utf8Encode,
  type AccountInput,
  type MerchantDevice,
  type MondexAuthContext,
  type MondexValueBreakdown,
  type Result,
  type SmartCard,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { smartCardTables, type SmartCardSchemeRow } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { ecashBankIds, ensureEcashBankKeys } from '../ecash/bank.ts';
import { interpretEffects, paymentEffects } from '../effects/interpret.ts';
import { ecashTables } from '../../storage/ecash-tables.ts';
import { recordWalletPayment } from '../ecash/recorder.ts';

// Mondex smart cards (智能卡). The scheme has its own CA (made on first use): it certifies every chip
// and every merchant device (role 'device'), and revokes a lost card. A chip's and a device's signing
// seeds live in smartCardSecrets (inside the simulated hardware; no other command reads them). All
// protocol messages are signed and checked synchronously (noble), so a whole exchange between the
// card and the device runs inside one command; the lab's `interrupt` stops it at the point a real
// connection could drop, leaving both pending logs as they would be, and recoverSmartCard resolves
// them (value neither created nor lost: mondexValueBreakdown).

export const smartCardBalanceMax = '5000.00';
const schemeValidityMs = 3650 * dayMs;

/** Where the lab cuts the exchange: after the card signed the value (value lost) or after the device accepted it (ack lost). */
export type MondexInterrupt = 'none' | 'value_lost' | 'ack_lost';

// No randomness inside a command (issue #19, docs/pipeline.md): the scheme's and the chips' keys are
// derived, inside the transaction, from a secret the world already holds, and the device's nonce
// from the command's id. The scheme CA's root seed is a domain-separated hash of the first bank's
// e-cash key seed (seeded at the world's creation from the genesis tape; the banks run the scheme);
// a chip's or device's seed is a hash of the root seed and its id. So replay derives the same keys,
// and no key ever travels in a command's input (the log). A world whose scheme was made before
// this keeps its stored random root; its new chips derive from that.

/** The bank whose e-cash key seed the scheme's root is derived from. */
const schemeSecretBankId = ecashBankIds[0]!;

function derivedSeed(label: string, secret: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8Encode(`settlelab/mondex/${label}`), secret));
}

/** The device's fresh nonce for one payment: the command's id is unique (idempotency) and drawn by the tab. */
function paymentNonce(commandId: string, deviceId: string): Uint8Array {
  return sha256(utf8Encode(`settlelab/mondex/nonce/${deviceId}/${commandId}`));
}

/** Before a command that may create the scheme: a world made before e-cash gets its banks' keys. */
async function prepareScheme(db: WorldDb): Promise<void> {
  await ensureEcashBankKeys(db, schemeSecretBankId);
}

async function scheme(db: WorldDb, now: number): Promise<SmartCardSchemeRow> {
  const t = smartCardTables(db);
  const row = await t.scheme.get('scheme');
  if (row !== undefined) return row;
  const bankSecret = await ecashTables(db).bankSecrets.get(schemeSecretBankId);
  assert(bankSecret !== undefined, `e-cash keys of ${schemeSecretBankId} (seeded, or prepareScheme before the command)`);
  const seed = derivedSeed('scheme-root/v1', hexToBytes(bankSecret.seed));
  const created: SmartCardSchemeRow = {
    id: 'scheme', rootSeed: bytesToHex(seed), nextSerial: 2, revoked: [],
    root: makeRootCertificate(seed, { name: 'Mondex scheme CA', partyId: 'mondex-ca' }, now, schemeValidityMs),
  };
  await t.scheme.add(created);
  return created;
}

function contextOf(s: SmartCardSchemeRow, now: number): MondexAuthContext {
  return { roots: [s.root], crl: s.revoked, now };
}

async function certify(db: WorldDb, partyId: string, name: string, now: number): Promise<{ keyRef: string; certificate: SmartCard['certificate'] }> {
  const t = smartCardTables(db);
  const s = await scheme(db, now);
  const seed = derivedSeed(`chip/v1/${partyId}`, hexToBytes(s.rootSeed));
  const request = makeCertificateRequest({ name, role: 'device', partyId }, seed, now);
  const issued = issueCertificate(request, hexToBytes(s.rootSeed), s.root, s.nextSerial, now);
  assert(issued.ok, 'the scheme CA certifies its own request');
  await t.scheme.put({ ...s, nextSerial: s.nextSerial + 1 });
  const keyRef = `key:${partyId}`;
  await t.secrets.put({ keyRef, seed: bytesToHex(seed) });
  return { keyRef, certificate: issued.value };
}

async function seedOf(db: WorldDb, keyRef: string): Promise<Uint8Array> {
  const row = await smartCardTables(db).secrets.get(keyRef);
  assert(row !== undefined, `secret of ${keyRef}`);
  return hexToBytes(row.seed);
}

async function ensureAccount(db: WorldDb, input: AccountInput, now: number): Promise<void> {
  if ((await ledgerTables(db).accounts.get(input.id)) !== undefined) return;
  const opened = await openAccountInTransaction(db, input, now);
  assert(opened.ok, `open ${input.id}`);
}

function floatInput(issuerId: string): AccountInput {
  return {
    id: paymentAccountId({ role: 'smartcard_float', issuerId }), partyId: issuerId, bookId: issuerId, code: 'smartcard.float',
    name: 'Smart-card float', currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true },
  };
}

async function hasDeposit(db: WorldDb, bankId: string, partyId: string): Promise<boolean> {
  return (await ledgerTables(db).accounts.get(paymentAccountId({ role: 'bank_deposit', bankId, partyId }))) !== undefined;
}

/** The holder gets a Mondex card from a bank where it has an account (the card's issuer). */
export const smartCardIssueCommand = defineCommand({
  name: 'smartcard.issue',
  apply: async (tx, input: { readonly issuerId: string }) => {
    const meta = tx.meta;
    if (!ecashBankIds.includes(input.issuerId)) return err('bank_not_found', { bankId: input.issuerId });
    if (!(await hasDeposit(tx.db, input.issuerId, meta.actor))) return err('ecash_no_bank_account', { bankId: input.issuerId, partyId: meta.actor });
    const t = smartCardTables(tx.db);
    const number = (await t.cards.count()) + 1;
    const cardId = `card:${String(number).padStart(4, '0')}`;
    const { keyRef, certificate } = await certify(tx.db, cardId, `Mondex card ${cardId}`, tx.now);
    const card = createSmartCard({ cardId, issuerId: input.issuerId, holderId: meta.actor, currency: 'CNY', balanceMax: smartCardBalanceMax, keyRef, certificate });
    await t.cards.add(card);
    await ensureAccount(tx.db, floatInput(input.issuerId), tx.now);
    await tx.appendEvent({ type: 'smartcard.issued', actor: meta.actor, parties: [input.issuerId], payload: { cardId } });
    return ok(card);
  },
});

/** The holder gets a Mondex card from a bank where it has an account (the card's issuer). */
export async function issueSmartCard(db: WorldDb, meta: CommandMeta, input: { readonly issuerId: string }, env: CommandEnv = {}): Promise<Result<SmartCard, string>> {
  await prepareScheme(db);
  return execute(db, smartCardIssueCommand, meta, { issuerId: input.issuerId }, env);
}

/** A merchant installs a device whose takings go to its account at the acquiring bank. */
export const smartCardRegisterDeviceCommand = defineCommand({
  name: 'smartcard.registerDevice',
  apply: async (tx, input: { readonly acquirerId: string }) => {
    const meta = tx.meta;
    if (!ecashBankIds.includes(input.acquirerId)) return err('bank_not_found', { bankId: input.acquirerId });
    if (!(await hasDeposit(tx.db, input.acquirerId, meta.actor))) return err('ecash_no_bank_account', { bankId: input.acquirerId, partyId: meta.actor });
    const t = smartCardTables(tx.db);
    const deviceId = `pos:${String((await t.devices.count()) + 1).padStart(4, '0')}`;
    const { keyRef, certificate } = await certify(tx.db, deviceId, `POS ${deviceId} of ${meta.actor}`, tx.now);
    const device = createMerchantDevice({ deviceId, merchantId: meta.actor, acquirerId: input.acquirerId, currency: 'CNY', keyRef, certificate });
    await t.devices.add(device);
    await tx.appendEvent({ type: 'smartcard.device', actor: meta.actor, parties: [input.acquirerId], payload: { deviceId } });
    return ok(device);
  },
});

/** A merchant installs a device whose takings go to its account at the acquiring bank. */
export async function registerMerchantDevice(db: WorldDb, meta: CommandMeta, input: { readonly acquirerId: string }, env: CommandEnv = {}): Promise<Result<MerchantDevice, string>> {
  await prepareScheme(db);
  return execute(db, smartCardRegisterDeviceCommand, meta, { acquirerId: input.acquirerId }, env);
}

async function ownCard(db: WorldDb, actor: string, cardId: string) {
  const card = await smartCardTables(db).cards.get(cardId);
  if (card === undefined || card.holderId !== actor) return err('smartcard_not_found', { cardId });
  return ok(card);
}

/** Loads value from the holder's account at the issuer onto the chip. */
export const smartCardLoadCommand = defineCommand({
  name: 'smartcard.load',
  apply: async (tx, input: { readonly cardId: string; readonly amount: string }) => {
    const meta = tx.meta;
    const card = await ownCard(tx.db, meta.actor, input.cardId);
    if (!card.ok) return card;
    const loaded = mondexLoadCard(card.value, { loadId: meta.id, amount: input.amount, now: tx.now });
    if (!loaded.ok) return loaded;
    const moved = await interpretEffects(tx, paymentEffects(loaded.value.effects));
    if (!moved.ok) return moved;
    await smartCardTables(tx.db).cards.put(loaded.value.card);
    await tx.appendEvent({ type: 'smartcard.loaded', actor: meta.actor, parties: [card.value.issuerId], payload: { cardId: input.cardId, amount: loaded.value.effects[0]!.amount.amount } });
    return ok(loaded.value.card);
  },
});

/** Loads value from the holder's account at the issuer onto the chip. */
export async function loadSmartCard(db: WorldDb, meta: CommandMeta, input: { readonly cardId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<SmartCard, string>> {
  return execute(db, smartCardLoadCommand, meta, { cardId: input.cardId, amount: input.amount }, env);
}

type SmartCardPayInput = { readonly cardId: string; readonly deviceId: string; readonly amount: string; readonly reference?: string; readonly interrupt?: MondexInterrupt };

/** The card pays the merchant's device (see payWithSmartCard). */
export const smartCardPayCommand = defineCommand({
  name: 'smartcard.pay',
  apply: (tx, input: SmartCardPayInput) => payWithSmartCardInTx(tx, input),
});

export type SmartCardPayOutcome = { readonly card: SmartCard; readonly device: MerchantDevice; readonly stage: 'completed' | Exclude<MondexInterrupt, 'none'> };

/**
 * The card pays the merchant's device: hello → device request (device authenticates the card) →
 * card pays (card authenticates the device, pending log, sequence) → device accepts (replay check)
 * → ack settles the card's log. `interrupt` cuts it as a lost message would.
 */
export async function payWithSmartCard(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly cardId: string; readonly deviceId: string; readonly amount: string; readonly reference?: string; readonly interrupt?: MondexInterrupt },
  env: CommandEnv = {},
): Promise<Result<SmartCardPayOutcome, string>> {
  const { cardId, deviceId, amount, reference, interrupt } = input;
  return execute(db, smartCardPayCommand, meta, { cardId, deviceId, amount, reference, interrupt }, env);
}

/** The card–device exchange inside the caller's transaction (also used by the checkout channel). */
export async function payWithSmartCardInTx(
  tx: Tx,
  input: { readonly cardId: string; readonly deviceId: string; readonly amount: string; readonly reference?: string; readonly interrupt?: MondexInterrupt },
) {
  const t = smartCardTables(tx.db);
  const owned = await ownCard(tx.db, tx.meta.actor, input.cardId);
  if (!owned.ok) return owned;
  let card = owned.value;
  let device = await t.devices.get(input.deviceId);
  if (device === undefined) return err('unknown_device', { deviceId: input.deviceId });
  const context = contextOf(await scheme(tx.db, tx.now), tx.now);
  const cardSeed = await seedOf(tx.db, card.keyRef);
  const deviceSeed = await seedOf(tx.db, device.keyRef);
  if (card.status !== 'active') return err('card_lost');
  const requested = mondexDeviceRequest(device, mondexCardHello(card, cardSeed), { amount: input.amount, nonce: paymentNonce(tx.meta.id, device.deviceId), now: tx.now }, context, deviceSeed);
  if (!requested.ok) return requested;
  device = requested.value.device;
  const paid = mondexCardPay(card, requested.value.request, context, cardSeed);
  if (!paid.ok) return paid;
  card = paid.value.card;
  let stage: SmartCardPayOutcome['stage'] = 'value_lost';
  if (input.interrupt !== 'value_lost') {
    const accepted = mondexDeviceAcceptValue(device, paid.value.value, context, deviceSeed);
    if (!accepted.ok) return accepted;
    device = accepted.value.device;
    stage = 'ack_lost';
    if (input.interrupt !== 'ack_lost') {
      const settled = mondexCardSettle(card, accepted.value.ack, context);
      if (!settled.ok) return settled;
      card = settled.value.card;
      stage = 'completed';
    }
  }
  await t.cards.put(card);
  await t.devices.put(device);
  const amount = paid.value.value.payload.amount;
  const recorded = await recordWalletPayment(tx, {
    id: `scp-${card.cardId}-${card.sequence}`, payee: device.merchantId, payeeId: device.merchantId, amount, channel: 'smart_card',
    reference: input.reference ?? device.deviceId, status: stage === 'completed' ? 'completed' : 'pending',
  });
  if (!recorded.ok) return recorded;
  await tx.appendEvent({ type: 'smartcard.paid', actor: tx.meta.actor, parties: [device.merchantId], payload: { cardId: card.cardId, deviceId: device.deviceId, sequence: card.sequence, amount, stage } });
  tx.notify({ to: [device.merchantId], kind: 'smartcard.paid', ref: device.deviceId });
  return ok({ card, device, stage });
}

/** Card and device meet again: every pending entry of the card for that device is resolved. */
export const smartCardRecoverCommand = defineCommand({
  name: 'smartcard.recover',
  apply: async (tx, input: { readonly cardId: string; readonly deviceId: string }) => {
    const meta = tx.meta;
    const t = smartCardTables(tx.db);
    const owned = await ownCard(tx.db, meta.actor, input.cardId);
    if (!owned.ok) return owned;
    const device = await t.devices.get(input.deviceId);
    if (device === undefined) return err('unknown_device', { deviceId: input.deviceId });
    const recovered = mondexRecover(owned.value, device, contextOf(await scheme(tx.db, tx.now), tx.now), await seedOf(tx.db, device.keyRef));
    if (!recovered.ok) return recovered;
    await t.cards.put(recovered.value.card);
    await t.devices.put(recovered.value.device);
    for (const o of recovered.value.outcomes) {
      const id = `scp-${owned.value.cardId}-${o.sequence}`;
      const row = await tx.db.table('walletTransactions').get(id);
      if (row !== undefined) await tx.db.table('walletTransactions').update(id, { status: o.outcome === 'cleared' ? 'completed' : 'failed', updatedAt: tx.now });
    }
    await tx.appendEvent({ type: 'smartcard.recovered', actor: meta.actor, parties: [device.merchantId], payload: { cardId: input.cardId, deviceId: input.deviceId, outcomes: recovered.value.outcomes.length } });
    return ok({ card: recovered.value.card, outcomes: recovered.value.outcomes });
  },
});

/** Card and device meet again: every pending entry of the card for that device is resolved (ack or abort). */
export async function recoverSmartCard(db: WorldDb, meta: CommandMeta, input: { readonly cardId: string; readonly deviceId: string }, env: CommandEnv = {}): Promise<Result<{ card: SmartCard; outcomes: { sequence: number; outcome: 'cleared' | 'refunded' }[] }, string>> {
  return execute(db, smartCardRecoverCommand, meta, { cardId: input.cardId, deviceId: input.deviceId }, env);
}

/** The merchant deposits its device's takings at the acquiring bank. */
export const smartCardDepositCommand = defineCommand({
  name: 'smartcard.deposit',
  apply: async (tx, input: { readonly deviceId: string }) => {
    const meta = tx.meta;
    const t = smartCardTables(tx.db);
    const device = await t.devices.get(input.deviceId);
    if (device === undefined || device.merchantId !== meta.actor) return err('unknown_device', { deviceId: input.deviceId });
    const s = await scheme(tx.db, tx.now);
    const keys = device.receipts.filter((r) => r.depositId === null).map((r) => mondexPaymentKey(r.cardId, r.sequence));
    const seen = new Set((await t.deposits.bulkGet(keys)).filter((r) => r !== undefined).map((r) => r.key));
    const deposited = mondexDepositTakings(device, { depositId: meta.id, now: tx.now }, { roots: [s.root], crl: s.revoked }, seen);
    if (!deposited.ok) return deposited;
    for (const e of deposited.value.effects) {
      // Cross-bank takings run through the issuer's account for the acquirer and its mirror.
      if (e.from.role === 'institution_at_bank') {
        await ensureAccount(tx.db, { id: paymentAccountId(e.from), partyId: e.from.institutionId, bookId: e.from.institutionId, code: 'bank.at', name: `At ${e.from.bankId}`, currency: 'CNY', normal: 'debit', flags: { creditsMustNotExceedDebits: true } }, tx.now);
      }
      if (e.to.role === 'bank_deposit' && e.to.partyId === device.acquirerId) {
        await ensureAccount(tx.db, { id: paymentAccountId(e.to), partyId: e.to.partyId, bookId: e.to.bankId, code: 'bank.deposit', name: `Deposit of ${e.to.partyId}`, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } }, tx.now);
      }
    }
    const moved = await interpretEffects(tx, paymentEffects(deposited.value.effects));
    if (!moved.ok) return moved;
    await t.deposits.bulkAdd(deposited.value.rows.map((r) => ({ ...r, key: mondexPaymentKey(r.cardId, r.sequence) })));
    await t.devices.put(deposited.value.device);
    await tx.appendEvent({ type: 'smartcard.deposited', actor: meta.actor, parties: [device.acquirerId], payload: { deviceId: device.deviceId, amount: deposited.value.total.amount } });
    return ok({ amount: deposited.value.total.amount });
  },
});

/** The merchant deposits its device's takings at the acquiring bank. */
export async function depositDeviceTakings(db: WorldDb, meta: CommandMeta, input: { readonly deviceId: string }, env: CommandEnv = {}): Promise<Result<{ amount: string }, string>> {
  return execute(db, smartCardDepositCommand, meta, { deviceId: input.deviceId }, env);
}

/** The holder reports the card lost (see reportCardLost). */
export const smartCardLostCommand = defineCommand({
  name: 'smartcard.lost',
  apply: async (tx, input: { readonly cardId: string }) => {
    const meta = tx.meta;
    const t = smartCardTables(tx.db);
    const owned = await ownCard(tx.db, meta.actor, input.cardId);
    if (!owned.ok) return owned;
    const lost = reportSmartCardLost(owned.value);
    if (!lost.ok) return lost;
    const s = await scheme(tx.db, tx.now);
    await t.scheme.put({ ...s, revoked: [...s.revoked, { serial: owned.value.certificate.body.serial, reason: 'key_compromise', revokedAt: tx.now }] });
    await t.cards.put(lost.value);
    await tx.appendEvent({ type: 'smartcard.lost', actor: meta.actor, parties: [owned.value.issuerId], payload: { cardId: input.cardId } });
    return ok(lost.value);
  },
});

/** The holder reports the card lost: the chip's value is lost with it and the scheme revokes its certificate. */
export async function reportCardLost(db: WorldDb, meta: CommandMeta, input: { readonly cardId: string }, env: CommandEnv = {}): Promise<Result<SmartCard, string>> {
  return execute(db, smartCardLostCommand, meta, { cardId: input.cardId }, env);
}

export async function smartCardsOf(db: WorldDb, holderId: string): Promise<SmartCard[]> {
  return smartCardTables(db).cards.where('holderId').equals(holderId).toArray();
}
export async function devicesOf(db: WorldDb, merchantId: string): Promise<MerchantDevice[]> {
  return smartCardTables(db).devices.where('merchantId').equals(merchantId).toArray();
}
export async function allDevices(db: WorldDb): Promise<MerchantDevice[]> {
  return smartCardTables(db).devices.toArray();
}

/** Value on chips + on devices + in flight, for the lab and the conservation tests. */
export async function mondexConservation(db: WorldDb): Promise<MondexValueBreakdown> {
  const t = smartCardTables(db);
  // Lost cards count too: their value stays owed by the float, it is only out of anyone's reach.
  return mondexValueBreakdown(await t.cards.toArray(), await t.devices.toArray(), 'CNY');
}
