import {
  checkCertificateRequest,
  chequeMovementId,
  roles,
  verifyEcashCoin,
  ecashBlindSignatureHolds,
  ecashBankWithdrawalView,
  findEcashKey,
  type Certificate,
  type Charge,
  type OrderRow,
  type JournalEntry,
  type SignedDocument,
  type WorldEvent,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { echequeTables } from '../../storage/echeque-tables.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { ecashTables, tillRowId } from '../../storage/ecash-tables.ts';
import { orderTrail } from '../market/trail.ts';
import { entriesOfTransfers } from '../ledger.ts';
import { receiptIdOf } from '../market/receipt.ts';
import { readTrust } from '../identity/common.ts';
import { verifyInWorld, viewCertificate } from '../identity/verify.ts';
import { buildSequence, isCardCompanyChannel, type DocRef, type ExtraMessage, type FlowRef, type FlowTransfer, type Sequence, type SequenceInput } from './sequence.ts';

// Reads one flow's rows for its sequence diagram: the flow's own row (order, cheque, certificate)
// gives its start time and parties; its events are read through the events' world-time index from
// that start (at most flowEventsScanMax rows) and kept when their payload names the flow; its money
// through the order → journal index or the bank transfer ids the flow's documents name. Run inside
// a Dexie liveQuery, the diagram grows as other tabs act.

/** Events read per flow at most, from the flow's start: a busy class writes many between an order's steps. */
export const flowEventsScanMax = 3000;
/** The world-level view shows this many recent flows. */
export const recentFlowsMax = 3;
/** Newest events the world-level view looks through for flows. */
export const recentEventsScanMax = 200;

type FlowEvents = { readonly events: WorldEvent[]; readonly truncated: boolean };

async function eventsOfFlow(db: WorldDb, startAt: number, endAt: number, names: (e: WorldEvent) => boolean): Promise<FlowEvents> {
  const rows = await db.events.where('at').between(startAt, endAt, true, true).limit(flowEventsScanMax).toArray();
  const events = rows.filter((r): r is WorldEvent => r.seq !== undefined).filter(names);
  return { events, truncated: rows.length >= flowEventsScanMax };
}

async function ownersOf(db: WorldDb, entries: readonly JournalEntry[]): Promise<Map<string, string>> {
  const ids = [...new Set(entries.flatMap((e) => [e.debitAccountId, e.creditAccountId]))];
  const rows = await ledgerTables(db).accounts.bulkGet(ids);
  return new Map(rows.filter((a) => a !== undefined).map((a) => [a.id, a.partyId]));
}

/** Charges (payment attempts) read per order at most: a retried checkout makes a few. */
export const chargesPerOrderMax = 20;
/** Card statements and acquiring batches looked through for one card payment. */
export const cardRowsScanMax = 400;
/** Remittance transfers matched to one charge at most (an underpayment topped up by hand). */
export const remittanceMatchesMax = 20;

/** The charge that paid the order (or is paying it): the newest attempt that did not fail. */
async function payingCharge(db: WorldDb, orderId: string): Promise<Charge | undefined> {
  const charges = await paymentsTables(db).charges.where('orderId').equals(orderId).limit(chargesPerOrderMax).toArray();
  return charges.filter((c) => c.status !== 'failed').sort((a, b) => a.createdAt - b.createdAt).at(-1);
}

/** What a payment channel adds to its order's diagram: its parties, its own events and its money outside the order's trail. */
type ChannelParts = {
  readonly input: Pick<SequenceInput, 'card' | 'remittance'>;
  /** Events outside the order's own (a statement, a settlement batch, the buyer's bank transfer). */
  readonly names: (e: WorldEvent) => boolean;
  readonly transfers: FlowTransfer[];
  readonly extra: ExtraMessage[];
  /** Those events can come long after the order ended (the statement on the billing day). */
  readonly open: boolean;
};

/**
 * A credit or charge card payment: the card company authorises (a hold on the card) and, when the
 * seller ships, the seller's acquiring bank captures the sale; the card company pays the acquirer,
 * which pays the seller in its T+1 batch less the merchant discount; the sale is a line of the
 * card's next statement.
 */
async function cardParts(db: WorldDb, charge: Charge, sellerId: string): Promise<ChannelParts> {
  const t = paymentsTables(db);
  const statements = (await t.cardStatements.where('cardId').equals(charge.source.cardId ?? '').limit(cardRowsScanMax).toArray()).filter((st) => st.entries.some((e) => e.ref === charge.id));
  const statementIds = new Set(statements.map((st) => st.id));
  const saleId = `${charge.id}:sale`;
  const batches = (await t.acquiringBatches.where('bankId').equals(charge.payee.bankId).limit(cardRowsScanMax).toArray()).filter((b) => b.merchants.some((m) => m.itemIds.includes(saleId)));
  const transfers: FlowTransfer[] = [];
  for (const b of batches) {
    const m = b.merchants.find((x) => x.merchantId === sellerId && x.itemIds.includes(saleId));
    if (m === undefined || m.net.amount.startsWith('-')) continue;
    // The seller's net of the whole batch (every card sale of that day), the discount in the same arrow's entries.
    const entries = await entriesOfTransfers(db, [`${m.id}:net`, `${m.id}:discount`]);
    if (entries.length > 0) transfers.push({ from: b.bankId, to: sellerId, amount: m.net, code: entries[0]!.code, entries, step: 'money_acquiring_net' });
  }
  const batchIds = new Set(batches.map((b) => b.id));
  const names = (e: WorldEvent) =>
    (e.type === 'card.statement_issued' && statementIds.has(String(e.payload.statementId))) || (e.type === 'acquiring.batch_settled' && batchIds.has(String(e.payload.batch)));
  return { input: { card: { acquirerId: charge.payee.bankId } }, names, transfers, extra: [], open: true };
}

/**
 * A remittance: the order page shows the seller's account, bank and the order number as the
 * reference; the buyer orders a transfer at its own bank; the seller's matcher finds it by
 * reference and amount and the order is paid. The buyer's transfer event names no order: it is
 * the one of the matched transfer row (same payer, payee, amount and world time).
 */
async function remittanceParts(db: WorldDb, charge: Charge, order: OrderRow): Promise<ChannelParts> {
  const matches = await paymentsTables(db).remittanceMatches.where('chargeId').equals(charge.id).limit(remittanceMatchesMax).toArray();
  const rows = (await bankingTables(db).bankTransfers.bulkGet(matches.map((m) => m.transferId))).filter((r) => r !== undefined);
  const transfers: FlowTransfer[] = [];
  for (const r of rows) {
    const entries = await entriesOfTransfers(db, legSuffixes.map((x) => `${r.id}${x}`));
    if (entries.length > 0) transfers.push({ from: r.payerBankId, to: r.payeeBankId, amount: { amount: r.amount, currency: r.currency }, code: r.code, entries, step: 'money_remittance' });
  }
  const first = rows[0];
  const names = (e: WorldEvent) =>
    (e.type === 'bank.transfer' || e.type === 'bank.transfer_interbank') &&
    rows.some((r) => r.at === e.at && e.payload.payer === r.payerPartyId && e.payload.payee === r.payeePartyId && e.payload.amount === r.amount);
  // The instruction the order page shows the buyer once the remittance is chosen.
  const extra: ExtraMessage[] = [{ id: 'd-instruction', at: charge.createdAt, from: order.sellerId, to: order.buyerId, kind: 'instruction', step: 'remittance_instruction', amount: charge.amount, signed: false, doc: null }];
  const payeeBankId = first?.payeeBankId ?? charge.payee.bankId;
  return { input: { remittance: { payerBankId: first?.payerBankId ?? payeeBankId, payeeBankId } }, names, transfers, extra, open: false };
}

async function channelParts(db: WorldDb, order: OrderRow): Promise<ChannelParts | null> {
  const charge = await payingCharge(db, order.id);
  if (charge === undefined) return null;
  if (isCardCompanyChannel(charge.channel)) return cardParts(db, charge, order.sellerId);
  if (charge.channel === 'remittance') return remittanceParts(db, charge, order);
  return null;
}

/** Event types of a card payment's own flow, and of a remittance's, within their order's events. */
const cardPaymentTypes = new Set(['marketplace.order_created', 'marketplace.pay', 'charge.succeeded', 'charge.authorized', 'charge.captured', 'charge.failed', 'charge.refunded', 'card.statement_issued', 'acquiring.batch_settled']);
const remittanceTypes = new Set(['marketplace.order_created', 'bank.transfer', 'bank.transfer_interbank', 'charge.succeeded', 'charge.refunded', 'marketplace.pay']);

async function orderSequence(db: WorldDb, order: OrderRow, flow: FlowRef, only?: ReadonlySet<string>): Promise<Sequence> {
  const parts = await channelParts(db, order);
  // An ended order's last step bounds its events; an open one may still grow.
  const ended = order.state === 'TRADE_FINISHED' || order.state === 'TRADE_CLOSED';
  const lastAt = order.history[order.history.length - 1]?.at ?? order.createdAt;
  const endAt = ended && order.reviewedAt !== null && parts?.open !== true ? lastAt : Infinity;
  const names = (e: WorldEvent) => (e.payload.orderId === order.id || (parts?.names(e) ?? false)) && (only === undefined || only.has(e.type));
  const { events, truncated } = await eventsOfFlow(db, order.createdAt, endAt, names);
  const trail = await orderTrail(db, order);
  const entries = only === undefined ? trail.entries : trail.entries.filter((e) => parts?.input.card !== undefined && e.code.startsWith('card.'));
  const created = events.find((e) => e.type === 'marketplace.order_created');
  const extra = (parts?.extra ?? []).map((x) => (created === undefined ? x : { ...x, afterEventSeq: created.seq }));
  return buildSequence({ flow, events, entries, owners: await ownersOf(db, entries), order, transfers: parts?.transfers ?? [], extra, ...(parts?.input ?? {}), truncated });
}

export async function orderFlow(db: WorldDb, orderId: string): Promise<Sequence | null> {
  const order = await marketTables(db).orders.get(orderId);
  if (order === undefined) return null;
  return orderSequence(db, order, { kind: 'order', id: orderId });
}

/** Card payments the card page lists (each opens its diagram), newest first. */
export const cardPaymentsShownMax = 50;

/** A cardholder's credit and charge card payments, newest first (at most cardPaymentsShownMax). */
export async function cardPaymentsOf(db: WorldDb, payerId: string): Promise<Charge[]> {
  const charges = await paymentsTables(db).charges.where('payerId').equals(payerId).toArray();
  return charges.filter((c) => isCardCompanyChannel(c.channel)).sort((a, b) => b.createdAt - a.createdAt).slice(0, cardPaymentsShownMax);
}

/** A card payment alone (the card page): the buyer, the card company, the acquirer and the seller. */
export async function cardPaymentFlow(db: WorldDb, chargeId: string): Promise<Sequence | null> {
  const charge = await paymentsTables(db).charges.get(chargeId);
  const order = charge === undefined ? undefined : await marketTables(db).orders.get(charge.orderId);
  if (charge === undefined || order === undefined || !isCardCompanyChannel(charge.channel)) return null;
  return orderSequence(db, order, { kind: 'card_payment', id: chargeId }, cardPaymentTypes);
}

/** A remittance alone (the remittances page): the instruction, the transfer through the banks, the match. */
export async function remittanceFlow(db: WorldDb, chargeId: string): Promise<Sequence | null> {
  const charge = await paymentsTables(db).charges.get(chargeId);
  const order = charge === undefined ? undefined : await marketTables(db).orders.get(charge.orderId);
  if (charge === undefined || order === undefined || charge.channel !== 'remittance') return null;
  return orderSequence(db, order, { kind: 'remittance', id: chargeId }, remittanceTypes);
}

/** Ids a bank transfer's legs are booked under (banking/booking.ts transferRequests). */
const legSuffixes = ['', ':bank', ':payer-bank', ':payee-bank', ':payer-book', ':payee-book'];

export async function chequeFlow(db: WorldDb, chequeId: string): Promise<Sequence | null> {
  const t = echequeTables(db);
  const cheque = await t.cheques.get(chequeId);
  if (cheque === undefined) return null;
  const notice = await t.chequeNotices.get(chequeId);
  const startAt = Math.min(cheque.writtenAt, notice?.receivedAt ?? cheque.writtenAt);
  const { events, truncated } = await eventsOfFlow(db, startAt, Infinity, (e) => e.payload.chequeId === chequeId);
  const presentments = await t.chequePresentments.where('chequeId').equals(chequeId).limit(20).toArray();
  const last = presentments.sort((a, b) => a.depositedAt - b.depositedAt).at(-1);
  const transfers: FlowTransfer[] = [];
  const payId = chequeMovementId(chequeId, 'pay');
  const paid = await bankingTables(db).bankTransfers.get(payId);
  if (paid !== undefined) {
    const entries = await entriesOfTransfers(db, legSuffixes.map((s) => `${payId}${s}`));
    if (entries.length > 0) transfers.push({ from: paid.payerPartyId, to: paid.payeePartyId, amount: { amount: paid.amount, currency: paid.currency }, code: paid.code, entries });
  }
  // A returned cheque's fee, when the drawer caused the return: the drawer's account pays the paying bank.
  for (const p of presentments.filter((x) => x.status === 'returned' && x.fee !== null && x.fee !== '0.00')) {
    const feeId = chequeMovementId(p.id, 'returned-fee');
    const entries = await entriesOfTransfers(db, [`${feeId}:bank`, `${feeId}:book`]);
    if (entries.length > 0) transfers.push({ from: cheque.drawerPartyId, to: p.payingBankId, amount: { amount: entries[0]!.amount, currency: entries[0]!.currency }, code: entries[0]!.code, entries, step: 'money_returned_fee' });
  }
  const extra: ExtraMessage[] = [];
  if (notice !== undefined) {
    const sent = events.find((e) => e.type === 'echeque.written');
    extra.push({ ...(sent === undefined ? {} : { afterEventSeq: sent.seq }), id: 'd-notice', at: notice.receivedAt, from: cheque.drawerPartyId, to: notice.bankId, kind: 'notice', step: 'payment_notice', amount: cheque.cheque.payload.amount, signed: true, doc: { kind: 'payment_notice', chequeId } });
  }
  return buildSequence({ flow: { kind: 'cheque', id: chequeId }, events, transfers, extra, ...(last === undefined ? {} : { collectingBankId: last.collectingBankId }), truncated });
}

export async function certificateFlow(db: WorldDb, serial: number): Promise<Sequence | null> {
  const t = identityTables(db);
  const cert = await t.certificates.get(serial);
  if (cert === undefined) return null;
  const request = cert.requestId === null ? undefined : await t.certificateRequests.get(cert.requestId);
  const startAt = request?.submittedAt ?? cert.issuedAt;
  const { events, truncated } = await eventsOfFlow(db, startAt, Infinity, (e) => {
    const p = e.payload;
    if (e.type === 'certificate.requested') return request !== undefined && p.requestId === request.id;
    // This certificate's issue, its revocation, and its renewal (a newer certificate from this one).
    // Only the CA's own events: an online-banking login also names the certificate it used.
    if (!e.type.startsWith('certificate.')) return false;
    return p.serial === serial || (e.type === 'certificate.renewed' && p.old === serial);
  });
  return buildSequence({ flow: { kind: 'certificate', id: String(serial) }, events, truncated });
}

/**
 * An e-cash coin. The bank signs it blind: at withdrawal it sees the account, the value and the
 * blinded challenge, never the serial; at deposit it sees the serial and its own signature, and
 * enters the serial in its spent list (a copy deposited again is refused as a double spend). Only
 * the owner's wallet links the two: so the withdrawal is drawn only when the flow names the purse
 * row (the owner's e-wallet page); the merchant's and the world's views start at the payment.
 */
export async function coinFlow(db: WorldDb, flow: FlowRef): Promise<Sequence | null> {
  const t = ecashTables(db);
  const serial = flow.id;
  const spent = await t.spent.get(serial);
  const merchantId = flow.merchantId ?? (spent?.purpose === 'deposit' ? spent.payee : undefined);
  const till = merchantId === undefined ? undefined : await t.till.get(tillRowId(merchantId, serial));
  const purse = flow.purseRowId === undefined ? undefined : await t.purse.get(flow.purseRowId);
  // withdraw.ts names each bank session after the wallet's purse row.
  const session = purse === undefined ? undefined : await t.sessions.get(`ecs-${purse.id}`);
  const starts = [session?.openedAt, till?.receivedAt, spent?.at].filter((x): x is number => x !== undefined);
  if (starts.length === 0) return null;
  const { events, truncated } = await eventsOfFlow(db, Math.min(...starts), Infinity, (e) =>
    (e.type === 'ecash.withdrawn' && session !== undefined && e.payload.sessionId === session.sessionId) ||
    (e.type === 'ecash.paid' && till !== undefined && e.payload.paymentId === till.paymentId) ||
    ((e.type === 'ecash.deposited' || e.type === 'ecash.paid_back') && spent !== undefined && e.payload.depositId === spent.depositId),
  );
  const transfers: FlowTransfer[] = [];
  const extra: ExtraMessage[] = [];
  if (session !== undefined && purse !== undefined && session.status === 'signed') {
    const entries = await entriesOfTransfers(db, [`ecash:withdraw:${session.sessionId}`]);
    if (entries.length > 0) transfers.push({ from: purse.ownerId, to: session.bankId, amount: { amount: entries[0]!.amount, currency: entries[0]!.currency }, code: entries[0]!.code, entries, step: 'money_ecash_withdraw' });
    const withdrawn = events.find((e) => e.type === 'ecash.withdrawn');
    const after = withdrawn === undefined ? {} : { afterEventSeq: withdrawn.seq, afterMoney: true };
    const at = session.closedAt ?? session.openedAt;
    extra.push({ ...after, id: 'd-blind-signature', at, from: session.bankId, to: purse.ownerId, kind: 'coin', step: 'ecash_blind_signature', amount: null, signed: false, doc: { kind: 'ecash_withdrawal', sessionId: session.sessionId } });
    extra.push({ ...after, id: 'd-unblind', at, from: purse.ownerId, to: purse.ownerId, kind: 'coin', step: 'ecash_unblind', amount: null, signed: false, doc: null });
  }
  if (spent !== undefined) {
    const acquirerId = spent.acquirerId ?? spent.bankId;
    const base = `ecash:${spent.purpose}:${spent.depositId}`;
    const entries = await entriesOfTransfers(db, legSuffixes.map((x) => `${base}${x}`));
    if (entries.length > 0) transfers.push({ from: spent.bankId, to: spent.payee, amount: { amount: entries[0]!.amount, currency: entries[0]!.currency }, code: entries[0]!.code, entries, step: 'money_ecash_deposit' });
    const deposited = events.find((e) => e.payload.depositId === spent.depositId);
    const after = deposited === undefined ? {} : { afterEventSeq: deposited.seq };
    if (acquirerId !== spent.bankId) extra.push({ ...after, id: 'd-forward', at: spent.at, from: acquirerId, to: spent.bankId, kind: 'deposit', step: 'ecash_forwarded', amount: null, signed: false, doc: null });
    extra.push({ ...after, id: 'd-spent', at: spent.at, from: spent.bankId, to: spent.bankId, kind: 'coin', step: 'ecash_spent_recorded', amount: null, signed: false, doc: { kind: 'ecash_coin', serial, merchantId: merchantId ?? null } });
  }
  return buildSequence({ flow, events, transfers, extra, truncated });
}

export async function readFlow(db: WorldDb, flow: FlowRef): Promise<Sequence | null> {
  switch (flow.kind) {
    case 'coin':
      return coinFlow(db, flow);
    case 'card_payment':
      return cardPaymentFlow(db, flow.id);
    case 'remittance':
      return remittanceFlow(db, flow.id);
    case 'order':
      return orderFlow(db, flow.id);
    case 'cheque':
      return chequeFlow(db, flow.id);
    case 'certificate':
      return certificateFlow(db, Number(flow.id));
  }
}

/** The flow an event belongs to, if it belongs to one the diagram draws. */
export function flowOfEvent(e: Pick<WorldEvent, 'type' | 'payload'>): FlowRef | null {
  const p = e.payload;
  if (typeof p.chequeId === 'string' && p.chequeId !== '') return { kind: 'cheque', id: p.chequeId };
  if (typeof p.orderId === 'string' && p.orderId !== '') return { kind: 'order', id: p.orderId };
  if ((e.type === 'certificate.issued' || e.type === 'certificate.revoked' || e.type === 'certificate.renewed') && typeof p.serial === 'number') return { kind: 'certificate', id: String(p.serial) };
  return null;
}

/** "What just happened": the last few flows any tab of the world acted in, newest first. */
export async function recentFlows(db: WorldDb): Promise<FlowRef[]> {
  const newest = await db.events.orderBy('seq').reverse().limit(recentEventsScanMax).toArray();
  const flows: FlowRef[] = [];
  for (const e of newest) {
    const f = flowOfEvent(e);
    if (f === null || flows.some((x) => x.kind === f.kind && x.id === f.id)) continue;
    flows.push(f);
    if (flows.length >= recentFlowsMax) break;
  }
  return flows;
}

// ---- a message's document and its signature check -------------------------------------------

export type DocField = { readonly name: string; readonly value: string | number | boolean | null };

export type DocDetail = {
  /** The document's fields, by name (the UI words each name and value). */
  readonly fields: readonly DocField[];
  /** Who signed it: the party the signing certificate names, and the name it was signed with. */
  readonly signer: { readonly partyId: string; readonly name: string } | null;
  /** The signature check: ok, or the verifier's named failure. */
  readonly check: { readonly ok: true } | { readonly ok: false; readonly code: string };
};

type Loaded = {
  readonly fields: DocField[];
  readonly verify: () => Promise<DocDetail['check']>;
  readonly signer: Certificate | null;
  /** A signer that is no certificate's subject: a bank's e-cash key. */
  readonly signerParty?: string;
};

/** Hex values are long: the detail shows their start, enough to compare two of them by eye. */
const hexShownChars = 16;
const shortHex = (hex: string | null) => (hex === null ? null : hex.length > hexShownChars ? `${hex.slice(0, hexShownChars)}…` : hex);

const leaf = (v: unknown): DocField['value'] => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null);

function signedFields(doc: SignedDocument, names: readonly string[]): DocField[] {
  const payload = doc.payload as Record<string, unknown>;
  return names.map((name) => {
    const [head, tail] = name.split('.');
    const v = tail === undefined ? payload[head!] : (payload[head!] as Record<string, unknown> | undefined)?.[tail];
    return { name, value: leaf(v) };
  });
}

async function loadDoc(db: WorldDb, ref: DocRef): Promise<Loaded | null> {
  const verifyDoc = (doc: SignedDocument, now: number) => async (): Promise<DocDetail['check']> => {
    const r = await verifyInWorld(db, doc, { role: roles, now });
    return r.ok ? { ok: true } : { ok: false, code: r.code };
  };
  switch (ref.kind) {
    case 'receipt': {
      const row = await marketTables(db).receipts.get(receiptIdOf(ref.orderId));
      if (row === undefined) return null;
      return { fields: signedFields(row.doc, ['orderId', 'buyerId', 'sellerId', 'total', 'signedAt']), verify: verifyDoc(row.doc, row.at), signer: row.doc.signerCertificate };
    }
    case 'cheque':
    case 'endorsement': {
      const row = await echequeTables(db).cheques.get(ref.chequeId);
      if (row === undefined) return null;
      if (ref.kind === 'cheque') {
        const doc = row.cheque as unknown as SignedDocument;
        return { fields: signedFields(doc, ['chequeNumber', 'drawer.name', 'payee.name', 'amount.amount', 'amountInWords', 'date']), verify: verifyDoc(doc, row.cheque.payload.date), signer: row.cheque.signerCertificate };
      }
      if (row.endorsement === null) return null;
      const doc = row.endorsement as unknown as SignedDocument;
      return { fields: signedFields(doc, ['endorser.name', 'endorsedAt']), verify: verifyDoc(doc, row.endorsement.payload.endorsedAt), signer: row.endorsement.signerCertificate };
    }
    case 'payment_notice': {
      const row = await echequeTables(db).chequeNotices.get(ref.chequeId);
      if (row === undefined) return null;
      const doc = row.notice as unknown as SignedDocument;
      return { fields: signedFields(doc, ['chequeNumber', 'amount.amount', 'payee.name']), verify: verifyDoc(doc, row.receivedAt), signer: row.notice.signerCertificate };
    }
    case 'certificate_request': {
      const row = await identityTables(db).certificateRequests.get(ref.requestId);
      if (row === undefined) return null;
      const r = row.request;
      return {
        fields: [{ name: 'subject.name', value: r.subject.name }, { name: 'subject.partyId', value: r.subject.partyId }, { name: 'requestedAt', value: r.requestedAt }],
        // A request is signed by the key it asks a certificate for (proof of possession).
        verify: () => {
          const checked = checkCertificateRequest(r);
          return Promise.resolve(checked.ok ? { ok: true } : { ok: false, code: checked.code });
        },
        signer: null,
      };
    }
    case 'ecash_withdrawal': {
      const session = await ecashTables(db).sessions.get(ref.sessionId);
      if (session === undefined || session.status !== 'signed') return null;
      // All the bank ever learns at withdrawal: no serial, no coin signature.
      const view = ecashBankWithdrawalView(session);
      const key = findEcashKey(await ecashTables(db).keys.toArray(), session.bankId, session.denomination);
      return {
        fields: [{ name: 'ecash.account', value: view.account }, { name: 'ecash.denomination', value: view.denomination }, { name: 'ecash.r', value: shortHex(view.r) }, { name: 'ecash.e', value: shortHex(view.e) }, { name: 'ecash.s', value: shortHex(view.s) }],
        verify: () => Promise.resolve(key !== undefined && ecashBlindSignatureHolds(view, key) ? { ok: true } : { ok: false, code: 'bad_coin_signature' }),
        signer: null,
        signerParty: session.bankId,
      };
    }
    case 'ecash_coin': {
      const t = ecashTables(db);
      const spent = await t.spent.get(ref.serial);
      const till = ref.merchantId === null ? undefined : await t.till.get(tillRowId(ref.merchantId, ref.serial));
      const row = spent ?? till;
      if (row === undefined) return null;
      const coin = { bankId: row.bankId, denomination: row.denomination, serial: row.serial, signature: { r: row.r, s: row.s } };
      return {
        fields: [
          { name: 'ecash.serial', value: shortHex(row.serial) },
          { name: 'ecash.denomination', value: row.denomination },
          { name: 'ecash.r', value: shortHex(row.r) },
          { name: 'ecash.s', value: shortHex(row.s) },
          ...(spent === undefined ? [] : [{ name: 'ecash.spentAt', value: spent.at }, { name: 'ecash.payee', value: spent.payee }]),
        ],
        verify: async () => {
          const checked = verifyEcashCoin(coin, await t.keys.toArray());
          return checked.ok ? { ok: true } : { ok: false, code: checked.code };
        },
        signer: null,
        signerParty: row.bankId,
      };
    }
    case 'certificate': {
      const row = await identityTables(db).certificates.get(ref.serial);
      if (row === undefined) return null;
      const b = row.certificate.body;
      return {
        fields: [{ name: 'subject.partyId', value: b.subject.partyId }, { name: 'serial', value: b.serial }, { name: 'notBefore', value: b.notBefore }, { name: 'notAfter', value: b.notAfter }],
        verify: async () => {
          const trust = await readTrust(db);
          if (trust === null) return { ok: false, code: 'identities_not_set_up' };
          const view = viewCertificate(row.certificate, trust, row.issuedAt);
          return view.chainValid ? { ok: true } : { ok: false, code: 'certificate_altered' };
        },
        // A certificate is signed by its issuer, the CA.
        signer: null,
      };
    }
  }
}

/**
 * A message's document with its signature checked. Reads its row, then verifies after the read
 * (verifyInWorld reads the trust rows itself): never inside a transaction of the caller.
 */
export async function docDetail(db: WorldDb, ref: DocRef, signerOf: { readonly certificateIssuer: string }): Promise<DocDetail | null> {
  const loaded = await loadDoc(db, ref);
  if (loaded === null) return null;
  const check = await loaded.verify();
  const signer =
    loaded.signer !== null
      ? { partyId: loaded.signer.body.subject.partyId, name: loaded.signer.body.subject.name }
      : loaded.signerParty !== undefined
        ? { partyId: loaded.signerParty, name: '' }
        : ref.kind === 'certificate'
        ? { partyId: signerOf.certificateIssuer, name: '' }
        : ref.kind === 'certificate_request'
          ? { partyId: String(loaded.fields.find((f) => f.name === 'subject.partyId')?.value ?? ''), name: String(loaded.fields.find((f) => f.name === 'subject.name')?.value ?? '') }
          : null;
  return { fields: loaded.fields, signer, check };
}
