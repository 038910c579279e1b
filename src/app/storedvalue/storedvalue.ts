import Dexie from 'dexie';
import {
  assert,
  balanceOf,
  bankingAccountIds,
  createRecurringBill,
  createStoredValueIssuer,
  err,
  issueStoredValueCard,
  ok,
  payRecurringBill,
  paymentAccountId,
  recurringBillJob,
  setStoredValueParticipant,
  storedValueBillJobKind,
  storedValueSettleMerchant,
  storedValueSpend,
  storedValueTopUp,
  toStored,
  type AccountInput,
  type RecurringBill,
  type RecurringBillKind,
  type Result,
  type StoredValueCard,
  type StoredValueIssuer,
  type StoredValueTxn,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { smartCardTables } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { type CommandEnv, type CommandMeta, type Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import type { ChannelJob } from '../payments/gateway.ts';
import { interpretEffects, paymentEffects } from '../effects/interpret.ts';
import { recordWalletPayment } from '../ecash/recorder.ts';

// The stored-value card (储值卡, 一卡通). The world's scheme is run by the platform operator (a
// campus-style card: "EasyMall 一卡通"); it banks at bank-a, so top-ups come from the holder's
// account at bank-a and settlements go to the merchant's account there. Merchants join the scheme
// to accept the card. Recurring bills (phone, internet) are paid by the scheduler when due.

export const storedValueIssuerId = 'platform';
export const storedValueBankId = 'bank-a';
export const storedValueBalanceMax = '1000.00';

async function ensureAccount(db: WorldDb, input: AccountInput, now: number): Promise<void> {
  if ((await ledgerTables(db).accounts.get(input.id)) !== undefined) return;
  const opened = await openAccountInTransaction(db, input, now);
  assert(opened.ok, `open ${input.id}`);
}

function liability(id: string, name: string, code: string): AccountInput {
  return { id, partyId: storedValueIssuerId, bookId: storedValueIssuerId, code, name, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } };
}

async function issuer(db: WorldDb, now: number): Promise<StoredValueIssuer> {
  const t = smartCardTables(db);
  const row = await t.issuers.get(storedValueIssuerId);
  if (row !== undefined) return row;
  const created = createStoredValueIssuer({ issuerId: storedValueIssuerId, name: 'EasyMall 一卡通', kind: 'campus', currency: 'CNY', balanceMax: storedValueBalanceMax, participants: [] });
  await t.issuers.add(created);
  await ensureAccount(db, liability(paymentAccountId({ role: 'stored_value_float', issuerId: storedValueIssuerId }), 'Stored-value float', 'storedvalue.float'), now);
  return created;
}

export async function storedValueIssuer(db: WorldDb): Promise<StoredValueIssuer | undefined> {
  return smartCardTables(db).issuers.get(storedValueIssuerId);
}

/** A merchant joins (or leaves) the scheme: only participants accept the card. */
export const storedValueJoinCommand = defineCommand({
  name: 'storedvalue.join',
  apply: async (tx, input: { readonly participating: boolean }) => {
    const actor = tx.meta.actor;
    const next = setStoredValueParticipant(await issuer(tx.db, tx.now), actor, input.participating);
    await smartCardTables(tx.db).issuers.put(next);
    await ensureAccount(tx.db, liability(paymentAccountId({ role: 'stored_value_payable', issuerId: storedValueIssuerId, merchantId: actor }), `Payable to ${actor}`, 'storedvalue.payable'), tx.now);
    await tx.appendEvent({ type: 'storedvalue.joined', actor, parties: [storedValueIssuerId], payload: { participating: input.participating } });
    return ok(next);
  },
});

export async function joinStoredValueScheme(db: WorldDb, meta: CommandMeta, input: { readonly participating: boolean }, env: CommandEnv = {}): Promise<Result<StoredValueIssuer, string>> {
  return execute(db, storedValueJoinCommand, meta, { participating: input.participating }, env);
}

export const storedValueIssueCommand = defineCommand({
  name: 'storedvalue.issue',
  apply: async (tx, _input: Record<string, never>) => {
    const t = smartCardTables(tx.db);
    const scheme = await issuer(tx.db, tx.now);
    // Derived from the world (the count of cards), so replay gives the same id.
    const cardId = `ykt-${String((await t.svCards.count()) + 1).padStart(6, '0')}`;
    const card = issueStoredValueCard(scheme, { cardId, holderId: tx.meta.actor, now: tx.now });
    await t.svCards.add(card);
    await tx.appendEvent({ type: 'storedvalue.issued', actor: tx.meta.actor, parties: [storedValueIssuerId], payload: { cardId } });
    return ok(card);
  },
});

export async function issueStoredValue(db: WorldDb, meta: CommandMeta, env: CommandEnv = {}): Promise<Result<StoredValueCard, string>> {
  return execute(db, storedValueIssueCommand, meta, {}, env);
}

async function ownCard(tx: Tx, cardId: string) {
  const card = await smartCardTables(tx.db).svCards.get(cardId);
  if (card === undefined || card.holderId !== tx.meta.actor) return err('stored_value_card_not_found', { cardId });
  return ok(card);
}

export const storedValueTopUpCommand = defineCommand({
  name: 'storedvalue.topUp',
  apply: async (tx, input: { readonly cardId: string; readonly amount: string }) => {
    const meta = tx.meta;
    const card = await ownCard(tx, input.cardId);
    if (!card.ok) return card;
    if ((await ledgerTables(tx.db).accounts.get(paymentAccountId({ role: 'bank_deposit', bankId: storedValueBankId, partyId: meta.actor }))) === undefined) {
      return err('ecash_no_bank_account', { bankId: storedValueBankId, partyId: meta.actor });
    }
    const done = storedValueTopUp(card.value, await issuer(tx.db, tx.now), { topUpId: meta.id, amount: input.amount, bankId: storedValueBankId, now: tx.now });
    if (!done.ok) return done;
    const moved = await interpretEffects(tx, paymentEffects(done.value.effects));
    if (!moved.ok) return moved;
    const t = smartCardTables(tx.db);
    await t.svCards.put(done.value.card);
    await t.svTxns.add(done.value.txn);
    await tx.appendEvent({ type: 'storedvalue.topped_up', actor: meta.actor, parties: [storedValueIssuerId], payload: { cardId: input.cardId, amount: done.value.txn.amount } });
    return ok(done.value.card);
  },
});

export async function topUpStoredValue(db: WorldDb, meta: CommandMeta, input: { readonly cardId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<StoredValueCard, string>> {
  return execute(db, storedValueTopUpCommand, meta, { cardId: input.cardId, amount: input.amount }, env);
}

export const storedValuePayCommand = defineCommand({
  name: 'storedvalue.pay',
  apply: async (tx, input: { readonly cardId: string; readonly merchantId: string; readonly amount: string; readonly reference: string }) => {
    const r = await payWithStoredValueInTx(tx, { ...input, paymentId: tx.meta.id });
    return r.ok ? ok(r.value.card) : r;
  },
});

export async function payWithStoredValue(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly cardId: string; readonly merchantId: string; readonly amount: string; readonly reference: string },
  env: CommandEnv = {},
): Promise<Result<StoredValueCard, string>> {
  return execute(db, storedValuePayCommand, meta, { cardId: input.cardId, merchantId: input.merchantId, amount: input.amount, reference: input.reference }, env);
}

/** A card payment inside the caller's transaction (also used by the checkout channel). */
export async function payWithStoredValueInTx(
  tx: Tx,
  input: { readonly cardId: string; readonly merchantId: string; readonly amount: string; readonly reference: string; readonly paymentId: string },
) {
  const card = await ownCard(tx, input.cardId);
  if (!card.ok) return card;
  const spent = storedValueSpend(card.value, await issuer(tx.db, tx.now), { paymentId: input.paymentId, merchantId: input.merchantId, amount: input.amount, reference: input.reference, now: tx.now });
  if (!spent.ok) return spent;
  const moved = await interpretEffects(tx, paymentEffects(spent.value.effects));
  if (!moved.ok) return moved;
  const t = smartCardTables(tx.db);
  await t.svCards.put(spent.value.card);
  await t.svTxns.add(spent.value.txn);
  const recorded = await recordWalletPayment(tx, { id: `svp-${input.paymentId}`, payee: input.merchantId, payeeId: input.merchantId, amount: spent.value.txn.amount, channel: 'stored_value', reference: input.reference });
  if (!recorded.ok) return recorded;
  await tx.appendEvent({ type: 'storedvalue.paid', actor: tx.meta.actor, parties: [input.merchantId, storedValueIssuerId], payload: { cardId: input.cardId, amount: spent.value.txn.amount } });
  tx.notify({ to: [input.merchantId], kind: 'storedvalue.paid', ref: input.cardId });
  return ok({ card: spent.value.card, transferIds: spent.value.effects.map((e) => e.transferId) });
}

/** The merchant collects what the scheme owes it for card sales, into its account at the scheme's bank. */
export const storedValueSettleCommand = defineCommand({
  name: 'storedvalue.settle',
  apply: async (tx, _input: Record<string, never>) => {
    const meta = tx.meta;
    const payable = await ledgerTables(tx.db).accounts.get(paymentAccountId({ role: 'stored_value_payable', issuerId: storedValueIssuerId, merchantId: meta.actor }));
    if (payable === undefined) return err('merchant_not_participating', { merchantId: meta.actor });
    const amount = toStored(balanceOf(payable)).amount;
    const effects = storedValueSettleMerchant(await issuer(tx.db, tx.now), { settlementId: meta.id, merchantId: meta.actor, bankId: storedValueBankId, amount });
    if (!effects.ok) return err('stored_value_nothing_to_settle');
    const moved = await interpretEffects(tx, paymentEffects(effects.value));
    if (!moved.ok) return moved;
    await tx.appendEvent({ type: 'storedvalue.settled', actor: meta.actor, parties: [storedValueIssuerId], payload: { amount } });
    return ok({ amount });
  },
});

export async function settleStoredValue(db: WorldDb, meta: CommandMeta, env: CommandEnv = {}): Promise<Result<{ amount: string }, string>> {
  return execute(db, storedValueSettleCommand, meta, {}, env);
}

/** A participating merchant's card sales not yet collected, and the account a collection pays into. */
export type StoredValueTakings = {
  /** What the scheme owes the merchant now (the payable's balance). */
  readonly pending: string;
  /** The scheme's bank: collections are paid into the merchant's account there. */
  readonly bankId: string;
  /** The merchant's account (card) number at that bank; null when it has none (collecting fails). */
  readonly accountNumber: string | null;
};

/** The merchant's pending takings (null: never joined the scheme, so nothing can be owed). */
export async function storedValueTakings(db: WorldDb, merchantId: string): Promise<StoredValueTakings | null> {
  const payable = await ledgerTables(db).accounts.get(paymentAccountId({ role: 'stored_value_payable', issuerId: storedValueIssuerId, merchantId }));
  if (payable === undefined) return null;
  const account = await bankingTables(db).bankAccounts.get(bankingAccountIds.deposit(storedValueBankId, merchantId));
  return { pending: toStored(balanceOf(payable)).amount, bankId: storedValueBankId, accountNumber: account?.cardNumber ?? null };
}

type RecurringBillFormInput = { readonly cardId: string; readonly payeeId: string; readonly kind: RecurringBillKind; readonly account: string; readonly amount: string; readonly intervalDays: number };

export const storedValueAddBillCommand = defineCommand({
  name: 'storedvalue.addBill',
  apply: async (tx, input: RecurringBillFormInput) => {
    const meta = tx.meta;
    const card = await ownCard(tx, input.cardId);
    if (!card.ok) return card;
    if (input.account.trim().length === 0) return err('field_required', { field: 'account' });
    const bill = createRecurringBill({ ...input, billId: `bill-${meta.id}`, firstDueAt: tx.now + input.intervalDays * 86_400_000 }, card.value);
    if (!bill.ok) return bill;
    await smartCardTables(tx.db).bills.add(bill.value);
    await tx.schedule(recurringBillJob(bill.value));
    await tx.appendEvent({ type: 'storedvalue.bill_added', actor: meta.actor, parties: [input.payeeId], payload: { billId: bill.value.billId } });
    return ok(bill.value);
  },
});

export async function addRecurringBill(db: WorldDb, meta: CommandMeta, input: RecurringBillFormInput, env: CommandEnv = {}): Promise<Result<RecurringBill, string>> {
  // A day count the form parsed from bad text (NaN) is the user's mistake: 0, which the domain refuses by name.
  const intervalDays = Number.isFinite(input.intervalDays) ? input.intervalDays : 0;
  const { cardId, payeeId, kind, account, amount } = input;
  return execute(db, storedValueAddBillCommand, meta, { cardId, payeeId, kind, account, amount, intervalDays }, env);
}

// The scheduler pays a due bill; a refusal (card short, blocked) is recorded on the bill and the
// holder is told, and the bill is retried at its next run only after a new due date is set by payment.
const billJob: ChannelJob['handler'] = async (tx, job) => {
  const t = smartCardTables(tx.db);
  const bill = await t.bills.get(String(job.payload.billId));
  if (bill === undefined || bill.status !== 'active' || bill.nextDueAt > tx.now) return;
  const card = await t.svCards.get(bill.cardId);
  assert(card !== undefined, 'a bill names a stored card');
  const outcome = payRecurringBill(bill, card, await issuer(tx.db, tx.now), tx.now);
  await t.bills.put(outcome.bill);
  if (!outcome.paid) {
    tx.notify({ to: [card.holderId], kind: 'storedvalue.bill_failed', ref: bill.billId });
    await tx.appendEvent({ type: 'storedvalue.bill_failed', actor: 'system', parties: [card.holderId], payload: { billId: bill.billId, problem: outcome.problem } });
    return;
  }
  await ensureAccount(tx.db, liability(paymentAccountId({ role: 'stored_value_payable', issuerId: storedValueIssuerId, merchantId: bill.payeeId }), `Payable to ${bill.payeeId}`, 'storedvalue.payable'), tx.now);
  const moved = await interpretEffects(tx, paymentEffects(outcome.effects));
  assert(moved.ok, `bill ${bill.billId} books`);
  await t.svCards.put(outcome.card);
  await t.svTxns.add(outcome.txn);
  await tx.appendEvent({ type: 'storedvalue.bill_paid', actor: 'system', parties: [card.holderId, bill.payeeId], payload: { billId: bill.billId, amount: outcome.txn.amount } });
  await tx.schedule(recurringBillJob(outcome.bill));
};

/**
 * The stored-value card's jobs (a due recurring bill), run for its channel: the channel registry
 * registers them (payments/channels.ts); importing this file registers nothing.
 */
export const storedValueJobs: readonly ChannelJob[] = [{ kind: storedValueBillJobKind, handler: billJob }];

export async function storedValueCardsOf(db: WorldDb, holderId: string): Promise<StoredValueCard[]> {
  return smartCardTables(db).svCards.where('holderId').equals(holderId).toArray();
}
/** A card's statement lines the card page lists at first; "Older transactions" shows this many more. */
export const storedValueTxnsPageRows = 20;

/** The newest `limit` lines of a card's statement, newest first (v17's [cardId+at] index: the page
 * reads its rows, not the card's whole history). */
export async function storedValueTxnsOf(db: WorldDb, cardId: string, limit: number): Promise<StoredValueTxn[]> {
  return smartCardTables(db).svTxns.where('[cardId+at]').between([cardId, Dexie.minKey], [cardId, Dexie.maxKey]).reverse().limit(limit).toArray();
}
export async function billsOf(db: WorldDb, cardId: string): Promise<RecurringBill[]> {
  return smartCardTables(db).bills.where('cardId').equals(cardId).toArray();
}
