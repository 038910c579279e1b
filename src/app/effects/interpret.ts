import {
  assert,
  chequeFeeMoveRequests,
  err,
  ok,
  paymentAccountId,
  releaseStock,
  reserveStock,
  unreachable,
  type Account,
  type ChannelEffect,
  type ChannelLedgerEffect,
  type ChequeEffect,
  type ChequeFeeEffect,
  type CodeOfFn,
  type EventDraft,
  type JobDraft,
  type LedgerEffect,
  type MarketplaceEffect,
  type PaymentLedgerEffect,
  type ProductRow,
  type ReviewRow,
  type StockLine,
  type TransferRequest,
  type TransferResult,
} from '../../domain/index.ts';
import { bankingTables, type BankTransferRow } from '../../storage/banking-tables.ts';
import type { MailText } from '../../storage/identity-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { scheduleClearing } from '../banking/clearing.ts';
import type { Tx } from '../command.ts';
import { entriesOfTransfers, moveMoneyChained, openAccountInTransaction, rootFailure } from '../ledger.ts';
import { sendMail } from '../mailbox.ts';
import { ensureTradeAccounts, ledgerRequestsOf, walletPartiesOf } from '../market/accounts.ts';
import { ensureChannelAccounts, ledgerRequestsOfChannel } from './channel-ledger.ts';

// THE effect interpreter (issue #19 item 1, docs/pipeline.md): a command's pure domain step returns
// typed effects; the command hands them here, and this one function carries them out inside the
// command's transaction, all of them or (on a named error) none: the error is returned, the
// command returns it, and the pipeline rolls back everything written so far.
//
// Each domain speaks its own effect dialect (the marketplace's roles, a payment channel's roles,
// the e-cheque bank's fee, the wallets' book-named transfers); the `...Effects` functions below
// translate a dialect into this module's vocabulary, `Effect`, without touching the world. Then
// `interpretEffects` applies a list in three phases:
//   1. stock (reserve, then release): a sold-out line refuses the command before anything else;
//   2. money: every ledger effect becomes ledger requests, posted as ONE linked batch (an order's
//      money never moves halfway), indexed under the order when one is named; accounts opened on
//      first use; interbank positions recorded and the day's clearing scheduled;
//   3. the rest, in list order: jobs, events, mail (and the tab notice), reviews, order entries.

/** One command carries out at most this many effects (an order step has about a dozen). */
export const effectsPerCommandMax = 500;

/** The interpreter's vocabulary: what every domain's effects translate into. */
export type Effect =
  /** Take units off a product's stock (order time) or give them back (an order closed unshipped). */
  | { readonly kind: 'stock'; readonly op: 'reserve' | 'release'; readonly productId: string; readonly quantity: number }
  /** Ledger requests as the ledger takes them (single transfers, two-phase holds, posts, voids). */
  | { readonly kind: 'transfers'; readonly requests: readonly TransferRequest[] }
  /** A marketplace (escrow) movement between trade roles; the wallets it names open on first use. */
  | { readonly kind: 'escrow.ledger'; readonly effect: LedgerEffect }
  /** A payment channel's movement between roles, across books through the banks when needed. */
  | { readonly kind: 'channel.ledger'; readonly effect: ChannelLedgerEffect }
  /** An e-cash, smart-card or stored-value movement inside one institution's book. */
  | { readonly kind: 'payment.ledger'; readonly effect: PaymentLedgerEffect }
  /** A returned-cheque fee: the drawer's deposit pays the bank's fee income (opened on first use). */
  | { readonly kind: 'cheque.fee'; readonly effect: ChequeFeeEffect }
  | { readonly kind: 'job.schedule'; readonly job: JobDraft }
  | { readonly kind: 'job.cancel'; readonly jobId: string }
  | { readonly kind: 'event'; readonly event: EventDraft }
  /** A mail to one party; `notify` also tells the recipient's tabs under the subject's key. */
  | { readonly kind: 'mail'; readonly to: string; readonly from: string; readonly subject: MailText; readonly body: MailText; readonly ref: string | null; readonly notify: boolean }
  /** A review row; a second review of the same order is refused by name. */
  | { readonly kind: 'review'; readonly review: ReviewRow }
  /** Journal entries another module posted (postBankTransfer), indexed under the order's money trail. */
  | { readonly kind: 'order.entries'; readonly orderId: string; readonly transferIds: readonly string[] };

/** Where the money of a list of effects belongs: its journal entries are indexed under this order. */
export type EffectContext = { readonly orderId: string | null };

/** An order's reference in a notice's params, if it quotes one. */
function orderRefOf(params: Readonly<Record<string, string | number>>): string | null {
  return typeof params.orderId === 'string' ? params.orderId : null;
}

/** The marketplace's effects. Notices are mail from the platform (body: `market.mail.body`). */
export function marketEffects(effects: readonly MarketplaceEffect[]): Effect[] {
  return effects.map((e): Effect => {
    switch (e.kind) {
      case 'ledger':
        return { kind: 'escrow.ledger', effect: e };
      case 'notice':
        return { kind: 'mail', to: e.to, from: 'platform', subject: { key: e.key, params: { ...e.params } }, body: { key: 'market.mail.body', params: { ...e.params } }, ref: orderRefOf(e.params), notify: true };
      case 'stock':
      case 'job.schedule':
      case 'job.cancel':
      case 'event':
      case 'review':
        return e;
      default:
        return unreachable(e, 'marketplace effect');
    }
  });
}

/** A payment channel's effects. Notices are mail from `mailFrom`, the body at `<key>.body` (catalog payments.ts). */
export function channelEffects(effects: readonly ChannelEffect[], mailFrom = 'platform'): Effect[] {
  return effects.map((e): Effect => {
    switch (e.kind) {
      case 'ledger':
        return { kind: 'channel.ledger', effect: e };
      case 'notice':
        return { kind: 'mail', to: e.to, from: mailFrom, subject: { key: e.key, params: { ...e.params } }, body: { key: `${e.key}.body`, params: { ...e.params } }, ref: orderRefOf(e.params), notify: true };
      case 'stock':
      case 'job.schedule':
      case 'job.cancel':
      case 'event':
        return e;
      default:
        return unreachable(e, 'channel effect');
    }
  });
}

/**
 * The e-cheque bank's effects. The cheque's own payment (`bank_transfer`) is booked by the caller
 * through the banking module (postBankTransfer: it also records the interbank position), so it is
 * left out here. Notices are mail from `from` quoting the cheque `ref` (subject `<key>.subject`),
 * without a tab notice: the inbox shows them.
 */
export function chequeEffects(effects: readonly ChequeEffect[], from: string, ref: string): Effect[] {
  return effects.flatMap((e): Effect[] => {
    switch (e.kind) {
      case 'bank_transfer':
        return [];
      case 'bank_fee':
        return [{ kind: 'cheque.fee', effect: e }];
      case 'notice':
        return [{ kind: 'mail', to: e.to, from, subject: { key: `${e.key}.subject`, params: e.params }, body: { key: e.key, params: e.params }, ref, notify: false }];
      case 'event':
        return [{ kind: 'event', event: { type: e.event.type, actor: e.event.actor, parties: e.event.parties, payload: e.event.payload } }];
      default:
        return unreachable(e, 'cheque effect');
    }
  });
}

/** The wallets' (e-cash, smart card, stored value) ledger effects. */
export function paymentEffects(effects: readonly PaymentLedgerEffect[]): Effect[] {
  return effects.map((effect): Effect => ({ kind: 'payment.ledger', effect }));
}

/** The bank's fee income account (its own book), opened on first use. */
export function feeIncomeAccountId(bankId: string): string {
  return `${bankId}:fee-income`;
}

async function ensureFeeIncome(tx: Tx, bankId: string): Promise<string> {
  const id = feeIncomeAccountId(bankId);
  if ((await ledgerTables(tx.db).accounts.get(id)) === undefined) {
    const opened = await openAccountInTransaction(tx.db, { id, partyId: bankId, bookId: bankId, code: 'bank.fee_income', name: 'Fee income', currency: 'CNY', normal: 'credit' }, tx.now);
    assert(opened.ok, `fee income account of ${bankId} opens`);
  }
  return id;
}

function paymentRequest(e: PaymentLedgerEffect): TransferRequest {
  return { id: e.transferId, kind: 'single', debitAccountId: paymentAccountId(e.from), creditAccountId: paymentAccountId(e.to), amount: e.amount.amount, currency: e.amount.currency, code: e.code, refs: e.refs };
}

/** Phase 1: stock. */
async function applyStock(tx: Tx, effects: readonly Effect[]) {
  const lines = (op: 'reserve' | 'release'): StockLine[] => effects.flatMap((e) => (e.kind === 'stock' && e.op === op ? [{ productId: e.productId, quantity: e.quantity }] : []));
  const reserve = lines('reserve');
  const release = lines('release');
  if (reserve.length === 0 && release.length === 0) return ok(null);
  const products = marketTables(tx.db).products;
  const ids = [...new Set([...reserve, ...release].map((l) => l.productId))];
  const touched = (rows: readonly ProductRow[]) => rows.map((p) => ({ ...p, updatedAt: Math.max(p.updatedAt, tx.now) }));
  if (reserve.length > 0) {
    const reserved = reserveStock((await products.bulkGet(ids)).filter((p) => p !== undefined), reserve);
    if (!reserved.ok) return reserved;
    await products.bulkPut(touched(reserved.value));
  }
  if (release.length > 0) {
    const fresh = (await products.bulkGet(ids)).filter((p) => p !== undefined);
    await products.bulkPut(touched(releaseStock(fresh, release)));
  }
  return ok(null);
}

/** Phase 2: every ledger effect as one linked batch, indexed under `orderId` when given. */
async function applyMoney(tx: Tx, effects: readonly Effect[], orderId: string | null) {
  const escrow = effects.flatMap((e) => (e.kind === 'escrow.ledger' ? [e.effect] : []));
  const channel = effects.flatMap((e) => (e.kind === 'channel.ledger' ? [e.effect] : []));
  const requests: TransferRequest[] = [];
  const read: Account[] = [];
  const positions: BankTransferRow[] = [];
  if (escrow.length > 0) {
    assert(orderId !== null, 'escrow ledger effects belong to an order');
    // The accounts just checked (or opened) are handed to the ledger, which then reads none again.
    read.push(...(await ensureTradeAccounts(tx.db, walletPartiesOf(escrow), tx.now)));
    requests.push(...ledgerRequestsOf(escrow));
  }
  if (channel.length > 0) {
    const lowered = await ledgerRequestsOfChannel(tx, channel);
    if (!lowered.ok) return lowered;
    if (lowered.value.requests.length > 0) await ensureChannelAccounts(tx, channel);
    requests.push(...lowered.value.requests);
    positions.push(...lowered.value.positions);
  }
  for (const e of effects) {
    if (e.kind === 'transfers') requests.push(...e.requests);
    else if (e.kind === 'payment.ledger') requests.push(paymentRequest(e.effect));
    else if (e.kind === 'cheque.fee') requests.push(...chequeFeeMoveRequests(e.effect, await ensureFeeIncome(tx, e.effect.payer.bankId)));
  }
  if (requests.length > 0) {
    assert(new Set(requests.map((r) => r.id)).size === requests.length, 'one request per transfer id in a batch');
    const moved = await moveMoneyChained(tx, requests, read, rootFailure);
    if (!moved.ok) return moved;
    const results: readonly TransferResult[] = moved.value.results;
    assert(results.length === requests.length && results.every((r) => r.status !== 'failed'), 'every request of an accepted batch took effect');
    if (orderId !== null) await indexEntries(tx, orderId, requests.map((r) => r.id), moved.value.entries);
  }
  if (positions.length > 0) {
    await bankingTables(tx.db).bankTransfers.bulkAdd(positions);
    await scheduleClearing(tx, tx.now);
  }
  return ok(null);
}

/**
 * Indexes each transfer's journal entry under the order (the order page's money trail): the one
 * this batch appended for it, else the one it wrote before (a replayed id, 'exists'), read back.
 */
async function indexEntries(tx: Tx, orderId: string, transferIds: readonly string[], appendedNow: readonly { readonly seq: number; readonly transferId: string }[]) {
  const appended = new Map(appendedNow.map((e) => [e.transferId, e]));
  const earlier = transferIds.filter((id) => !appended.has(id));
  const entries = [...transferIds.flatMap((id) => appended.get(id) ?? []), ...(earlier.length === 0 ? [] : await entriesOfTransfers(tx.db, earlier))];
  // A replayed transfer id ('exists') has its entry already indexed; bulkPut keeps it once.
  await marketTables(tx.db).orderEntries.bulkPut(entries.map((e) => ({ orderId, seq: e.seq, transferId: e.transferId })));
}

/** The codes interpretEffects can refuse with (stock, the ledger, an unknown payee, a second review). */
export type EffectCode = CodeOfFn<typeof interpretEffects>;

/**
 * Carries out `effects` inside the caller's transaction (the command's): all of them, or, on a
 * named error (stock refused, the ledger refused, an unknown payee, a second review), the error,
 * which the caller returns so the pipeline rolls back what was written. Programmer errors (too many
 * effects, escrow money without an order, a duplicate transfer id) are assertions.
 */
export async function interpretEffects(tx: Tx, effects: readonly Effect[], context: EffectContext = { orderId: null }) {
  assert(effects.length <= effectsPerCommandMax, `too many effects: ${effects.length}`);
  const stocked = await applyStock(tx, effects);
  if (!stocked.ok) return stocked;
  const moved = await applyMoney(tx, effects, context.orderId);
  if (!moved.ok) return moved;
  const reviews = marketTables(tx.db).reviews;
  const jobs = tx.db.jobs;
  for (const effect of effects) {
    switch (effect.kind) {
      case 'stock':
      case 'transfers':
      case 'escrow.ledger':
      case 'channel.ledger':
      case 'payment.ledger':
      case 'cheque.fee':
        break; // done above
      case 'job.schedule':
        await tx.schedule(effect.job);
        break;
      case 'job.cancel': {
        const job = await jobs.get(effect.jobId);
        if (job !== undefined && job.status === 'pending') await jobs.put({ ...job, status: 'cancelled' });
        break;
      }
      case 'event':
        await tx.appendEvent(effect.event);
        break;
      case 'mail': {
        const id = await sendMail(tx, { to: effect.to, from: effect.from, subject: effect.subject, body: effect.body, ...(effect.ref === null ? {} : { ref: effect.ref }) });
        assert(id > 0, 'mail stored');
        if (effect.notify) tx.notify(effect.ref === null ? { to: [effect.to], kind: effect.subject.key } : { to: [effect.to], kind: effect.subject.key, ref: effect.ref });
        break;
      }
      case 'review': {
        if ((await reviews.get(effect.review.id)) !== undefined) return err('already_reviewed');
        const key = await reviews.add(effect.review);
        assert(key === effect.review.id, 'review stored under its id');
        break;
      }
      case 'order.entries': {
        const entries = await entriesOfTransfers(tx.db, effect.transferIds);
        await marketTables(tx.db).orderEntries.bulkPut(entries.map((e) => ({ orderId: effect.orderId, seq: e.seq, transferId: e.transferId })));
        break;
      }
      default:
        return unreachable(effect, 'unknown effect');
    }
  }
  return ok(null);
}
