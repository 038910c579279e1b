import {
  assertCharge,
  billWindowOf,
  buildBill,
  checkResolution,
  counterReceiptNo,
  dateStartMs,
  dayMs,
  dayStatus,
  err,
  fromStored,
  isBillDate,
  matchDay,
  mobileChannel,
  negate,
  nextDate,
  ok,
  toStored,
  worldDateOf,
  zero,
  type BankLine,
  type Bill,
  type BillRow,
  type Charge,
  type Difference,
  type MatchResult,
  type PlatformRecord,
  type ResolutionAction,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { mobileTables } from '../../storage/mobile-tables.ts';
import { reconTables, type ChannelTradeRow, type ReconDayRow, type ReconResolutionRow } from '../../storage/recon-tables.ts';
import { runCommand, type CommandEnv, type CommandMeta, type Tx } from '../command.ts';
import { entriesOfTransfers } from '../ledger.ts';
import { stepOrder } from '../market/orders.ts';
import { applyChannelEffects } from '../payments/booking.ts';
import { channelAdapter } from '../payments/gateway.ts';
import { platformPartyId } from '../market/accounts.ts';
import { bookFeeAdjustment } from './fees.ts';
import { billRowOf, duplicateCharge, institutionOfCharge, tradesOfCharge, writeTrade } from './records.ts';

// The reconciliation desk (对账台) of the platform operator, and of each seller for its own orders.
// A day is read from three places: the platform's charges (its records of each callback), the
// channels' trades (their bills) and the ledger entries each trade moved (the bank side). The
// match is pure (src/domain/reconciliation/match.ts); the clerk's actions are commands, and money
// moves only through the channels' own adapters and the ledger.

/** How far back a day's refunds may reach their charge: the longest refund window, and more. */
export const chargeLookbackDays = 90;
/** Charges read for one day at most (the bench day is 100,000 orders). */
export const dayChargesMax = 250_000;
export const dayTradesMax = 500_000;

/** 'platform', or a seller's party id. */
export type ReconScope = string;

export type DayInputs = {
  readonly platform: PlatformRecord[];
  readonly bill: BillRow[];
  readonly bank: BankLine[];
  readonly trades: ChannelTradeRow[];
};

function platformStatusOf(charge: Charge): PlatformRecord['status'] {
  return charge.status === 'refunded' ? 'refunded' : 'success';
}

/** The platform's records of one charge: its payment (once captured) and each refund. */
function recordsOfCharge(charge: Charge, sellerOf: (orderId: string) => string | undefined): PlatformRecord[] {
  if (charge.paidAt === null || charge.status === 'pending' || charge.status === 'failed') return [];
  const base = { merchantOrderNo: charge.id, orderId: charge.orderId, institutionId: institutionOfCharge(charge), channel: charge.channel, expectedFee: toStored(fromStored({ amount: '0', currency: charge.currency })) };
  void sellerOf;
  const out: PlatformRecord[] = [{ ...base, merchantRefundNo: '', type: 'payment', amount: charge.captured, status: platformStatusOf(charge), at: charge.paidAt }];
  for (const r of charge.refunds) out.push({ ...base, merchantRefundNo: r.id, type: 'refund', amount: toStored(negate(fromStored(r.amount))), status: 'success', at: r.at });
  return out;
}

/** Everything the match of `date` needs, for one scope. Reads only; callable inside a command. */
export async function readDayInputs(db: WorldDb, scope: ReconScope, date: string): Promise<DayInputs> {
  const window = billWindowOf(date);
  const start = dateStartMs(date);
  const charges = await paymentsTables(db).charges.where('createdAt').between(start - chargeLookbackDays * dayMs, window.to + 2 * dayMs, true, false).limit(dayChargesMax).toArray();
  const orderIds = [...new Set(charges.map((c) => c.orderId))];
  const orders = await marketTables(db).orders.bulkGet(orderIds);
  const sellerByOrder = new Map(orders.flatMap((o) => (o === undefined ? [] : [[o.id, o.sellerId] as const])));
  const inScope = (orderId: string, sellerId?: string) => scope === 'platform' || (sellerId ?? sellerByOrder.get(orderId)) === scope;
  const trades = await reconTables(db).channelTrades.where('billDate').anyOf([date, nextDate(date)]).limit(dayTradesMax).toArray();
  const platform: PlatformRecord[] = [];
  for (const charge of charges) if (inScope(charge.orderId)) platform.push(...recordsOfCharge(charge, (id) => sellerByOrder.get(id)));
  // Earlier bills' rows of today's records (a callback that came late, or was restored by 补单).
  const today = platform.filter((p) => worldDateOf(p.at) === date).map((p) => p.merchantOrderNo);
  const known = new Set(trades.map((t) => t.channelTradeNo));
  const earlier = today.length === 0 ? [] : await reconTables(db).channelTrades.where('merchantOrderNo').anyOf([...new Set(today)]).limit(dayTradesMax).toArray();
  const all = [...trades, ...earlier.filter((t) => !known.has(t.channelTradeNo))].filter((t) => inScope(t.orderId, t.sellerId));
  // A refund the desk asked for itself (a duplicate returned) is the platform's record as well.
  for (const t of all) if (t.platformAt !== null) platform.push({ merchantOrderNo: t.merchantOrderNo, merchantRefundNo: t.merchantRefundNo, orderId: t.orderId, institutionId: t.institutionId, channel: t.channel, type: t.type === 'refund' ? 'refund' : 'payment', amount: t.gross, expectedFee: t.fee, status: 'success', at: t.platformAt });
  // Counter payments (手机支付): no order and no charge; the seller's own record of each payment,
  // kept on the escrow agent's bill date, is the platform side of its bill row.
  const counter = await mobileTables(db).mobilePayments.where('billDate').anyOf([date, nextDate(date)]).limit(dayTradesMax).toArray();
  for (const m of counter) {
    if (m.status !== 'paid' || m.paidAt === null || !inScope('', m.payeeId)) continue;
    platform.push({ merchantOrderNo: counterReceiptNo(m.id), merchantRefundNo: '', orderId: '', institutionId: m.institutionId, channel: mobileChannel, type: 'payment', amount: m.amount, expectedFee: toStored(zero(m.amount.currency)), status: 'success', at: m.paidAt, billDate: m.billDate });
  }
  // The bank side: the money each of the day's trades moved, as the ledger recorded it.
  const todays = all.filter((t) => t.billDate === date);
  const entries = await entriesOfTransfers(db, todays.flatMap((t) => t.ledgerIds.slice(0, 1)));
  const amountOf = new Map(entries.map((e) => [e.transferId, e.amount]));
  const bank: BankLine[] = todays.map((t) => {
    const moved = t.ledgerIds[0] === undefined ? undefined : amountOf.get(t.ledgerIds[0]);
    const amount = fromStored({ amount: moved ?? '0', currency: t.gross.currency });
    return { id: t.channelTradeNo, institutionId: t.institutionId, billDate: date, amount: toStored(t.type === 'payment' ? amount : negate(amount)) };
  });
  return { platform, bill: all.map(billRowOf), bank, trades: all };
}

export function matchInputs(date: string, inputs: DayInputs): MatchResult {
  return matchDay({ date, currency: 'CNY', platform: inputs.platform, bill: inputs.bill, bank: inputs.bank });
}

/** The bills of `date`, one per institution with rows, for the scope. */
export function billsOf(date: string, inputs: DayInputs): Bill[] {
  const institutions = [...new Set(inputs.bill.map((r) => r.institutionId))].sort();
  return institutions.map((id) => buildBill(id, date, 'CNY', inputs.bill)).filter((b) => b.rows.length > 0);
}

export type DeskDay = {
  readonly date: string;
  readonly result: MatchResult;
  readonly bills: readonly Bill[];
  readonly row: ReconDayRow | null;
  /** Differences of the latest match not resolved yet. */
  readonly open: readonly Difference[];
  readonly balanced: boolean;
};

export const dayId = (scope: ReconScope, date: string) => `${scope}:${date}`;

/** The desk's view of a day (reads only). */
export async function deskDay(db: WorldDb, scope: ReconScope, date: string): Promise<DeskDay> {
  // The day row first: in a live query, reads after the ledger's parallel journal reads
  // (Promise.all in journalEntriesAt) are not observed, and the desk must follow this row.
  const row = (await reconTables(db).reconDays.get(dayId(scope, date))) ?? null;
  const inputs = await readDayInputs(db, scope, date);
  const result = matchInputs(date, inputs);
  const status = dayStatus(result.differences, row?.resolutions ?? []);
  return { date, result, bills: billsOf(date, inputs), row, open: status.open, balanced: row !== null && status.balanced };
}

async function mayReconcile(tx: Tx, scope: ReconScope): Promise<Result<null, string>> {
  const party = await tx.db.parties.get(tx.meta.actor);
  if (scope === 'platform') return party?.kind === 'operator' ? ok(null) : err('not_the_operator');
  return tx.meta.actor === scope && party?.kind === 'seller' ? ok(null) : err('not_authorized');
}

function dayOpen(tx: Tx, date: string): Result<null, string> {
  if (!isBillDate(date)) return err('recon_date_invalid');
  // The channels publish a day's bill after its cut-off (23:59).
  if (tx.now < billWindowOf(date).to) return err('recon_day_not_cut', { date });
  return ok(null);
}

async function saveDay(tx: Tx, scope: ReconScope, date: string, result: MatchResult, resolutions: readonly ReconResolutionRow[]): Promise<ReconDayRow> {
  const t = reconTables(tx.db).reconDays;
  const before = await t.get(dayId(scope, date));
  const balanced = dayStatus(result.differences, resolutions).balanced;
  const row: ReconDayRow = {
    id: dayId(scope, date),
    scope,
    date,
    opening: before?.opening ?? result.differences,
    resolutions,
    ranAt: tx.now,
    closedAt: balanced ? (before?.closedAt ?? tx.now) : null,
  };
  await t.put(row);
  if (balanced && before?.closedAt == null) await tx.appendEvent({ type: 'recon.day_closed', actor: tx.meta.actor, payload: { scope, date } });
  return row;
}

/** Runs the match of a day (the first run fixes the report's opening differences). */
export async function reconcileDay(db: WorldDb, meta: CommandMeta, input: { readonly scope: ReconScope; readonly date: string }, env: CommandEnv = {}): Promise<Result<ReconDayRow, string>> {
  return runCommand(db, 'reconcileDay', meta, async (tx) => {
    const allowed = await mayReconcile(tx, input.scope);
    if (!allowed.ok) return allowed;
    const open = dayOpen(tx, input.date);
    if (!open.ok) return open;
    const result = matchInputs(input.date, await readDayInputs(tx.db, input.scope, input.date));
    const before = await reconTables(tx.db).reconDays.get(dayId(input.scope, input.date));
    return ok(await saveDay(tx, input.scope, input.date, result, before?.resolutions ?? []));
  }, env);
}

export type ResolveInput = { readonly scope: ReconScope; readonly date: string; readonly differenceId: string; readonly action: ResolutionAction; readonly reason: string };

/** One of the clerk's actions on one difference; money moves through the channel and the ledger. */
export async function resolveDifference(db: WorldDb, meta: CommandMeta, input: ResolveInput, env: CommandEnv = {}): Promise<Result<ReconDayRow, string>> {
  return runCommand(db, 'resolveDifference', meta, async (tx) => {
    const allowed = await mayReconcile(tx, input.scope);
    if (!allowed.ok) return allowed;
    const open = dayOpen(tx, input.date);
    if (!open.ok) return open;
    const day = await reconTables(tx.db).reconDays.get(dayId(input.scope, input.date));
    if (day === undefined) return err('recon_day_not_run');
    const result = matchInputs(input.date, await readDayInputs(tx.db, input.scope, input.date));
    const difference = result.differences.find((d) => d.id === input.differenceId);
    const checked = checkResolution(difference, new Set(day.resolutions.map((r) => r.differenceId)), input.action, input.reason);
    if (!checked.ok) return checked;
    const moved = await carryOut(tx, input.scope, difference!, input.action);
    if (!moved.ok) return moved;
    const resolution: ReconResolutionRow = { differenceId: difference!.id, action: input.action, reason: input.reason.trim(), at: tx.now, actorId: tx.meta.actor, transferIds: moved.value };
    const resolutions = [...day.resolutions, resolution];
    await tx.appendEvent({ type: 'recon.resolved', actor: tx.meta.actor, payload: { date: input.date, difference: difference!.kind, action: input.action } });
    // The match after the action: 补单 turns a long into a matched row.
    const after = matchInputs(input.date, await readDayInputs(tx.db, input.scope, input.date));
    return ok(await saveDay(tx, input.scope, input.date, { ...after, differences: dedupe([...after.differences, ...result.differences.filter((d) => resolutions.some((r) => r.differenceId === d.id) && !after.differences.some((a) => a.id === d.id))]) }, resolutions));
  }, env);
}

function dedupe(list: readonly Difference[]): Difference[] {
  const seen = new Set<string>();
  return list.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
}

async function tradeOf(tx: Tx, d: Difference): Promise<ChannelTradeRow | undefined> {
  return d.channelTradeNo === null ? undefined : reconTables(tx.db).channelTrades.get(d.channelTradeNo);
}

/** The action's bookings; returns the ledger transfers it made (none for a carry or a write-off). */
async function carryOut(tx: Tx, scope: ReconScope, d: Difference, action: ResolutionAction): Promise<Result<string[], string>> {
  switch (action) {
    case 'carry_forward':
    case 'write_off':
      return ok([]);
    case 'mark_paid':
      return markPaidFromBill(tx, d);
    case 'refund_duplicate':
      return refundDuplicate(tx, d);
    case 'book_fee_adjustment':
      // The fee the bill names, against the one the money moved at: the difference is booked
      // between the reconciling party and the channel (fees.ts).
      return bookFeeAdjustment(tx, d, scope === 'platform' ? platformPartyId : scope);
  }
}

/** 补单: the bill shows the channel took the money; the platform's charge and order catch up. */
async function markPaidFromBill(tx: Tx, d: Difference): Promise<Result<string[], string>> {
  const trade = await tradeOf(tx, d);
  if (trade === undefined) return err('recon_trade_not_found');
  const charge = await paymentsTables(tx.db).charges.get(trade.merchantOrderNo);
  if (charge === undefined || charge.status !== 'pending') return err('recon_charge_not_pending');
  const order = await marketTables(tx.db).orders.get(charge.orderId);
  if (order === undefined) return err('order_not_found', { orderId: charge.orderId });
  // An order closed meanwhile (its pay deadline passed) cannot be paid any more.
  if (order.state !== 'WAIT_BUYER_PAY') return err('order_not_awaiting_payment', { state: order.state });
  const paid: Charge = {
    ...charge,
    status: 'succeeded',
    captured: trade.gross,
    paidAt: tx.now,
    history: [...charge.history, { action: 'authorize', status: 'succeeded', at: tx.now, actorId: tx.meta.actor, amount: trade.gross.amount }],
  };
  assertCharge(paid);
  await paymentsTables(tx.db).charges.put(paid);
  // The buyer did pay (the bill proves it): the order steps PAY as if the callback had come.
  const stepped = await stepOrder(tx, order.id, { type: 'PAY' }, { role: 'buyer', partyId: order.buyerId });
  if (!stepped.ok) return stepped;
  tx.notify({ to: [charge.payerId, order.sellerId], kind: 'payments.charge.succeeded', ref: charge.id });
  return ok([]);
}

/** The duplicate's money goes back to the payer, by the channel that took it twice. */
async function refundDuplicate(tx: Tx, d: Difference): Promise<Result<string[], string>> {
  const trade = await tradeOf(tx, d);
  if (trade === undefined || trade.type !== 'payment') return err('recon_trade_not_found');
  const charge = await paymentsTables(tx.db).charges.get(trade.merchantOrderNo);
  if (charge === undefined) return err('charge_not_found', { chargeId: trade.merchantOrderNo });
  const adapter = channelAdapter(charge.channel);
  if (adapter === undefined) return err('payment_method_unavailable', { method: charge.channel });
  const refundNo = `dup-${trade.channelTradeNo}`;
  if ((await tradesOfCharge(tx, charge.id)).some((t) => t.merchantRefundNo === refundNo)) return err('already_resolved');
  const paid = duplicateCharge(charge, 'succeeded', trade.at);
  const state = await adapter.load(tx, paid, 'refund');
  if (!state.ok) return state;
  const refund = { id: refundNo, amount: trade.gross, reason: 'duplicate', at: tx.now };
  const refunded: Charge = { ...paid, status: 'refunded', refunded: trade.gross, refunds: [refund], history: [...paid.history, { action: 'refund', status: 'refunded', at: tx.now, actorId: tx.meta.actor, amount: trade.gross.amount }] };
  const step = adapter.channel.refund(refunded, refund, state.value, { now: tx.now });
  if (!step.ok) return err(step.code, step.detail === undefined ? undefined : { ...step.detail });
  const applied = await applyChannelEffects(tx, charge.orderId, step.value.effects);
  if (!applied.ok) return applied;
  if (adapter.save !== undefined) await adapter.save(tx, refunded, step.value.state);
  if (adapter.afterStep !== undefined) {
    const after = await adapter.afterStep(tx, refunded, 'refund');
    if (!after.ok) return after;
  }
  const back = await writeTrade(tx, { charge, type: 'refund', gross: toStored(negate(fromStored(trade.gross))).amount, refundNo, origin: 'desk', platformAt: tx.now });
  await reconTables(tx.db).channelTrades.put({ ...trade, status: 'refunded' });
  return ok([...back.ledgerIds]);
}
