import {
  assert,
  assertCharge,
  billDateOf,
  counterReceiptNo,
  err,
  fromStored,
  holdTransferId,
  negate,
  ok,
  toStored,
  zero,
  type BillRowStatus,
  type Charge,
  type StoredMoney,
} from '../../domain/index.ts';
import { entriesOfTransfers, moveMoney } from '../ledger.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { mobileTables } from '../../storage/mobile-tables.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { reconTables, type ChannelTradeRow } from '../../storage/recon-tables.ts';
import type { Tx } from '../command.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import { channelAdapter } from '../payments/channels.ts';
import { institutionOfCharge } from './day-inputs.ts';

export { billRowOf, institutionOfCharge } from './day-inputs.ts';

// The channel institutions' own records (docs/bill-format.md): every time a channel takes or gives
// back money for a charge, it writes a row of its books, numbered by itself, naming the merchant's
// number (the charge id). The platform's records are its charges; the desk matches the two.
//
// Fees: every channel of this world charges its fees at its settlement batch (the acquirer's
// merchant discount, the courier's cash-on-delivery fee), not per trade, so a trade's fee is zero
// on both sides unless a bill says otherwise (the lab's "change a fee").
//
// The ledger side of each row (the money that really moved) is the first journal entry of the
// order's money trail the step posted: the step runs in one command at one world time, so it is the
// first entry at that time no earlier row of the order claimed. The escrow wallet moves nothing
// itself; the order's hold that follows in the same command carries its money.

/** Trades an order has at most (payments, duplicates, refunds). */
export const tradesPerOrderMax = 64;
/** Order trail entries read to find a step's ledger entry. */
const trailEntriesMax = 400;

/**
 * The channel's trade number, as a wallet prints it: the institution's code, the bill date and a
 * sequence within the institution's day ("BANKA-20260105-000002"; no party id on a bill a student
 * reads).
 */
async function nextTradeNo(tx: Tx, institutionId: string, billDate: string): Promise<string> {
  const t = reconTables(tx.db).channelTrades;
  const prefix = `${institutionId.toUpperCase().replace(/[^A-Z0-9]/g, '')}-${billDate.replaceAll('-', '')}-`;
  const count = await t.where('channelTradeNo').startsWith(prefix).count();
  return `${prefix}${String(count + 1).padStart(6, '0')}`;
}

/**
 * The entries of the order's trail posted now that no trade of the order claims yet, oldest first:
 * the legs of the step just booked (the first carries the trade's money; the others are the same
 * money's way through the books).
 */
async function unclaimedEntriesNow(tx: Tx, orderId: string): Promise<string[]> {
  const trail = await marketTables(tx.db).orderEntries.where('[orderId+seq]').between([orderId, 0], [orderId, Infinity]).limit(trailEntriesMax).toArray();
  const claimed = new Set((await reconTables(tx.db).channelTrades.where('orderId').equals(orderId).limit(tradesPerOrderMax).toArray()).flatMap((t) => t.ledgerIds));
  const entries = await entriesOfTransfers(tx.db, trail.map((e) => e.transferId));
  return entries.filter((e) => e.at === tx.now && !claimed.has(e.transferId) && e.transferId !== holdTransferId(orderId)).sort((a, b) => a.seq - b.seq).map((e) => e.transferId);
}

export type TradeInput = {
  readonly charge: Charge;
  readonly type: 'payment' | 'refund';
  readonly gross: string;
  readonly refundNo: string;
  readonly origin: ChannelTradeRow['origin'];
  readonly platformAt: number | null;
};

/** Writes one channel trade for `charge` at the command's time. */
export async function writeTrade(tx: Tx, input: TradeInput): Promise<ChannelTradeRow> {
  const { charge } = input;
  const institutionId = institutionOfCharge(charge);
  const order = await marketTables(tx.db).orders.get(charge.orderId);
  assert(order !== undefined, `order ${charge.orderId}`);
  // Bills carry whole seconds (docs/bill-format.md).
  const at = Math.floor(tx.now / 1000) * 1000;
  const billDate = billDateOf(at);
  const gross = { amount: input.gross, currency: charge.currency };
  const fee = toStored(zero(charge.currency));
  const ledgerIds = charge.channel === 'escrow' && input.type === 'payment' ? [holdTransferId(charge.orderId)] : await unclaimedEntriesNow(tx, charge.orderId);
  const row: ChannelTradeRow = {
    channelTradeNo: await nextTradeNo(tx, institutionId, billDate),
    merchantOrderNo: charge.id,
    merchantRefundNo: input.refundNo,
    institutionId,
    channel: charge.channel,
    type: input.type,
    gross,
    fee,
    net: gross,
    status: 'success',
    at,
    billDate,
    sellerId: order.sellerId,
    orderId: charge.orderId,
    ledgerIds,
    platformAt: input.platformAt,
    origin: input.origin,
  };
  await reconTables(tx.db).channelTrades.add(row);
  return row;
}

export type CounterTradeInput = {
  /** The counter payment's id: the channel's trade number on its bill. */
  readonly paymentId: string;
  readonly institutionId: string;
  readonly channel: string;
  readonly gross: StoredMoney;
  /** The merchant paid (each seller reconciles its own counter payments). */
  readonly sellerId: string;
  /** The ledger transfer that moved the money. */
  readonly transferId: string;
};

/**
 * The channel's trade of a counter payment (手机支付 at a shop counter), written by the channel in the
 * payment's own command: the trade number is the payment's id, the merchant's number its receipt
 * number (no platform order, so no order id). The desk matches it against the seller's own record
 * of the payment (src/app/mobile) and the transfer, not against a charge.
 *
 * A fault the teacher armed for the channel strikes here, in the same command: "deliver twice"
 * takes the money a second time (a second trade for the same receipt, a second transfer), "lose
 * the callback" loses the seller's record of the payment (the money moved, the cashier never
 * heard: the payment row is gone from the seller's books).
 */
export async function writeCounterTrade(tx: Tx, input: CounterTradeInput): Promise<ChannelTradeRow> {
  // Bills carry whole seconds (docs/bill-format.md).
  const at = Math.floor(tx.now / 1000) * 1000;
  const row: ChannelTradeRow = {
    channelTradeNo: input.paymentId,
    merchantOrderNo: counterReceiptNo(input.paymentId),
    merchantRefundNo: '',
    institutionId: input.institutionId,
    channel: input.channel,
    type: 'payment',
    gross: input.gross,
    fee: toStored(zero(input.gross.currency)),
    net: input.gross,
    status: 'success',
    at,
    billDate: billDateOf(at),
    sellerId: input.sellerId,
    orderId: '',
    ledgerIds: [input.transferId],
    platformAt: null,
    origin: 'gateway',
  };
  await reconTables(tx.db).channelTrades.add(row);
  const lab = reconTables(tx.db).reconLab;
  const twice = await lab.get(`deliver_twice:${input.channel}`);
  if (twice !== undefined) {
    await lab.delete(twice.id);
    await deliverCounterTwice(tx, row);
  }
  const lose = await lab.get(`lose_callback:${input.channel}`);
  if (lose !== undefined) {
    await lab.delete(lose.id);
    await mobileTables(tx.db).mobilePayments.delete(input.paymentId);
    await tx.appendEvent({ type: 'recon.counter_record_lost', actor: 'platform', parties: [input.sellerId], payload: { paymentId: input.paymentId, channel: input.channel } });
  }
  return row;
}

/** The duplicate's number: the payment's, marked (unique in the channel's books). */
const counterDuplicateNo = (paymentId: string) => `${paymentId}-2`;
const counterTransferCode = 'mobile.pay';

/** The lab's "deliver twice" for a counter payment: the same money moves once more, payer to merchant. */
async function deliverCounterTwice(tx: Tx, first: ChannelTradeRow): Promise<void> {
  const transfer = await ledgerTables(tx.db).transfers.get(first.ledgerIds[0]!);
  assert(transfer !== undefined, `the counter payment's transfer ${first.ledgerIds[0]}`);
  const transferId = `${transfer.id}:2`;
  const moved = await moveMoney(tx, [{ id: transferId, kind: 'single', debitAccountId: transfer.debitAccountId, creditAccountId: transfer.creditAccountId, amount: transfer.amount, currency: transfer.currency, code: counterTransferCode, refs: { mobilePaymentId: first.channelTradeNo } }]);
  // The payer's wallet could not pay twice: nothing was delivered twice.
  if (!moved.ok) return;
  await reconTables(tx.db).channelTrades.add({ ...first, channelTradeNo: counterDuplicateNo(first.channelTradeNo), ledgerIds: [transferId], origin: 'duplicate' });
}

/**
 * The desk returns a counter payment's duplicate: the merchant's wallet pays the second payment
 * back to the payer's (the reverse of the duplicate's own transfer), and the channel writes the
 * refund on today's bill, asked for by the desk. Returns the transfers.
 */
export async function refundCounterDuplicate(tx: Tx, trade: ChannelTradeRow) {
  const transfer = trade.ledgerIds[0] === undefined ? undefined : await ledgerTables(tx.db).transfers.get(trade.ledgerIds[0]);
  if (transfer === undefined) return err('recon_trade_not_found');
  const refundNo = `dup-${trade.channelTradeNo}`;
  const t = reconTables(tx.db).channelTrades;
  if ((await t.where('merchantOrderNo').equals(trade.merchantOrderNo).limit(tradesPerOrderMax).toArray()).some((r) => r.merchantRefundNo === refundNo)) return err('already_resolved');
  const transferId = `${transfer.id}:refund`;
  const moved = await moveMoney(tx, [{ id: transferId, kind: 'single', debitAccountId: transfer.creditAccountId, creditAccountId: transfer.debitAccountId, amount: transfer.amount, currency: transfer.currency, code: counterTransferCode, refs: { mobilePaymentId: trade.merchantOrderNo, reason: 'duplicate' } }]);
  if (!moved.ok) return moved;
  const at = Math.floor(tx.now / 1000) * 1000;
  const gross = toStored(negate(fromStored(trade.gross)));
  await t.add({ ...trade, channelTradeNo: `${trade.channelTradeNo}-R`, merchantRefundNo: refundNo, type: 'refund', gross, fee: toStored(zero(trade.gross.currency)), net: gross, status: 'success', at, billDate: billDateOf(at), ledgerIds: [transferId], platformAt: tx.now, origin: 'desk' });
  await t.put({ ...trade, status: 'refunded' });
  return ok([transferId]);
}

/** The trades of one merchant number (a charge and its duplicates and refunds). */
export async function tradesOfCharge(tx: Tx, chargeId: string): Promise<ChannelTradeRow[]> {
  return reconTables(tx.db).channelTrades.where('merchantOrderNo').equals(chargeId).limit(tradesPerOrderMax).toArray();
}

/** The channel marks its payment rows of a charge with the charge's status (a full refund). */
async function markPaymentStatus(tx: Tx, chargeId: string, status: BillRowStatus): Promise<void> {
  for (const trade of await tradesOfCharge(tx, chargeId)) {
    if (trade.type === 'payment' && trade.origin !== 'duplicate' && trade.status !== status) await reconTables(tx.db).channelTrades.put({ ...trade, status });
  }
}

/** The charge as it was created: what the platform still holds when the success callback is lost. */
function unpaid(charge: Charge): Charge {
  const first = charge.history[0]!;
  const none = toStored(zero(charge.currency));
  const lost: Charge = { ...charge, status: 'pending', failureReason: null, authorized: null, captured: none, refunded: none, refunds: [], paidAt: null, failedAt: null, history: [first] };
  assertCharge(lost);
  return lost;
}

const duplicateSuffix = ':dup';

/** The charge the channel's second delivery paid (same payer, payee and amount), as the channel sees it. */
export function duplicateCharge(charge: Charge, status: 'pending' | 'succeeded', now: number): Charge {
  const none = toStored(fromStored({ amount: '0', currency: charge.currency }));
  const first = { ...charge.history[0]!, at: now };
  const base: Charge = { ...charge, id: `${charge.id}${duplicateSuffix}`, status: 'pending', failureReason: null, authorized: null, captured: none, refunded: none, refunds: [], paidAt: null, failedAt: null, history: [first], createdAt: now };
  if (status === 'pending') return base;
  return { ...base, status: 'succeeded', captured: charge.amount, paidAt: now, history: [first, { action: 'authorize', status: 'succeeded', at: now, actorId: charge.payerId, amount: charge.amount.amount }] };
}

/** The lab's "deliver twice": the channel runs the same payment once more (an immediate channel). */
async function deliverTwice(tx: Tx, charge: Charge) {
  const adapter = channelAdapter(charge.channel);
  if (adapter === undefined || adapter.channel.flow !== 'immediate' || charge.channel === 'escrow') return ok(null);
  const draft = duplicateCharge(charge, 'pending', tx.now);
  const state = await adapter.load(tx, draft, 'authorize');
  if (!state.ok) return state;
  const step = adapter.channel.authorize(draft, state.value, { now: tx.now });
  if (!step.ok) return ok(null); // the payer could not pay twice: nothing was delivered twice
  const paid = duplicateCharge(charge, 'succeeded', tx.now);
  const applied = await interpretEffects(tx, channelEffects(step.value.effects), { orderId: charge.orderId });
  if (!applied.ok) return applied;
  if (adapter.save !== undefined) await adapter.save(tx, paid, step.value.state);
  if (adapter.afterStep !== undefined) {
    const after = await adapter.afterStep(tx, paid, 'authorize');
    if (!after.ok) return after;
  }
  const trade = await writeTrade(tx, { charge, type: 'payment', gross: charge.amount.amount, refundNo: '', origin: 'duplicate', platformAt: null });
  return ok(trade.channelTradeNo);
}

/**
 * Called by the gateway after each successful step of a charge, in its transaction: the channel
 * writes its trade. Returns the charge as the PLATFORM keeps it: the same, unless the teacher armed
 * "lose the next callback" for the channel, when the money has moved but the platform never heard
 * (its charge stays as created, and the order unpaid).
 */
export async function recordChannelStep(tx: Tx, charge: Charge, op: 'authorize' | 'capture' | 'void' | 'refund') {
  const lab = reconTables(tx.db).reconLab;
  if ((op === 'authorize' || op === 'capture') && charge.status === 'succeeded') {
    await writeTrade(tx, { charge, type: 'payment', gross: charge.captured.amount, refundNo: '', origin: 'gateway', platformAt: null });
    const twice = await lab.get(`deliver_twice:${charge.channel}`);
    if (twice !== undefined) {
      await lab.delete(twice.id);
      const dup = await deliverTwice(tx, charge);
      if (!dup.ok) return dup;
    }
    const lose = await lab.get(`lose_callback:${charge.channel}`);
    if (lose !== undefined && op === 'authorize') {
      await lab.delete(lose.id);
      await tx.appendEvent({ type: 'recon.callback_lost', actor: 'platform', payload: { chargeId: charge.id, orderId: charge.orderId, channel: charge.channel } });
      return ok(unpaid(charge));
    }
    return ok(charge);
  }
  if (op === 'refund') {
    const refund = charge.refunds[charge.refunds.length - 1];
    assert(refund !== undefined, 'a refund step records a refund');
    await writeTrade(tx, { charge, type: 'refund', gross: toStored(negate(fromStored(refund.amount))).amount, refundNo: refund.id, origin: 'gateway', platformAt: null });
    if (charge.status === 'refunded') await markPaymentStatus(tx, charge.id, 'refunded');
  }
  return ok(charge);
}

