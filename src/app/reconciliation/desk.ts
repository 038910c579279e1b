import {
  assert,
  assertCharge,
  billWindowOf,
  buildBill,
  checkResolution,
  counterChannels,
  dayStatus,
  err,
  fromStored,
  isBillDate,
  negate,
  nextDate,
  ok,
  rematchNumbers,
  toStored,
  type Bill,
  type Charge,
  type Difference,
  type MatchResult,
  type ResolutionAction,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { reconTables, type ChannelTradeRow, type ReconDayRow, type ReconResolutionRow } from '../../storage/recon-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { stepOrder } from '../market/orders.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import { channelAdapter } from '../payments/channels.ts';
import { platformPartyId } from '../market/accounts.ts';
import { bookFeeAdjustment } from './fees.ts';
import { duplicateCharge, refundCounterDuplicate, tradesOfCharge, writeTrade } from './records.ts';
import { billRowOf, billSummariesAfter, billSummariesOf, dayRowsEstimate, dayTradesMax, matchDigest, matchInputs, readDayInputs, readNumberInputs, worldStamp, type BillSummary, type PrecomputedMatch, type ReconScope } from './day-inputs.ts';

// The reconciliation desk (对账台) of the platform operator, and of each seller for its own orders.
// A day is read from three places: the platform's charges (its records of each callback), the
// channels' trades (their bills) and the ledger entries each trade moved (the bank side). The
// match is pure (src/domain/reconciliation/match.ts); the clerk's actions are commands, and money
// moves only through the channels' own adapters and the ledger.

export { billsOf, chargeLookbackDays, dayChargesMax, dayTradesMax, matchInputs, readDayInputs, type BillSummary, type DayInputs, type PrecomputedMatch, type ReconScope } from './day-inputs.ts';

/**
 * Rows (estimated as the worker's progress counts them) of a day the desk still matches on the
 * page when it has no current saved match: a classroom day of a few hundred orders matches in
 * milliseconds; a larger day is matched only by a run (in a worker) and shown from its save.
 */
export const deskLiveMatchRowsMax = 3_000;

export type DeskDay = {
  readonly date: string;
  readonly result: MatchResult;
  readonly bills: readonly BillSummary[];
  readonly row: ReconDayRow | null;
  /** Differences of the latest match not resolved yet. */
  readonly open: readonly Difference[];
  readonly balanced: boolean;
  /**
   * Where `result` comes from: 'saved', the day's last saved match, nothing changed since;
   * 'live', matched now (a small day); 'stale', a large day changed since its last run (or never
   * run): `result` is the last saved match, or empty, until the day is run again.
   */
  readonly source: 'saved' | 'live' | 'stale';
};

export const dayId = (scope: ReconScope, date: string) => `${scope}:${date}`;

const emptyMatch = (date: string): MatchResult => ({ date, matched: 0, differences: [], settlements: [] });

/** Whether the command that saved `row` is still the log's last: nothing changed since. */
async function savedIsCurrent(db: WorldDb, row: ReconDayRow): Promise<boolean> {
  if (row.latest === undefined || row.savedBy === undefined) return false;
  const [saved, last] = await Promise.all([db.commandLog.where('commandId').equals(row.savedBy).first(), db.commandLog.orderBy('seq').last()]);
  return saved !== undefined && last !== undefined && saved.seq === last.seq;
}

/**
 * The desk's view of a day (reads only). A day whose last save is current is shown from it with
 * no read of the day's rows (a 100,000-order day would block the page for seconds); otherwise a
 * small day is matched here, and a large one shows its last save as stale until it is run again.
 */
export async function deskDay(db: WorldDb, scope: ReconScope, date: string): Promise<DeskDay> {
  // The day row first: in a live query, reads after the ledger's parallel journal reads
  // (Promise.all in journalEntriesAt) are not observed, and the desk must follow this row.
  const row = (await reconTables(db).reconDays.get(dayId(scope, date))) ?? null;
  const view = (result: MatchResult, bills: readonly BillSummary[], source: DeskDay['source']): DeskDay => {
    const status = dayStatus(result.differences, row?.resolutions ?? []);
    return { date, result, bills, row, open: status.open, balanced: row !== null && status.balanced, source };
  };
  if (row !== null && (await savedIsCurrent(db, row))) return view(row.latest!, row.bills ?? [], 'saved');
  if ((await dayRowsEstimate(db, date, scope)) > deskLiveMatchRowsMax) return view(row?.latest ?? emptyMatch(date), row?.bills ?? [], 'stale');
  const inputs = await readDayInputs(db, scope, date);
  return view(matchInputs(date, inputs), billSummariesOf(date, inputs), 'live');
}

/** One institution's bill of `date` with its rows (for its CSV file): the channel's trades kept on that day and the next. */
export async function deskBill(db: WorldDb, scope: ReconScope, date: string, institutionId: string): Promise<Bill> {
  const trades = await reconTables(db).channelTrades.where('billDate').anyOf([date, nextDate(date)]).limit(dayTradesMax).toArray();
  return buildBill(institutionId, date, 'CNY', trades.filter((t) => t.institutionId === institutionId && (scope === 'platform' || t.sellerId === scope)).map(billRowOf));
}

async function mayReconcile(tx: Tx, scope: ReconScope): Promise<Result<null, 'not_the_operator' | 'not_authorized'>> {
  const party = await tx.db.parties.get(tx.meta.actor);
  if (scope === 'platform') return party?.kind === 'operator' ? ok(null) : err('not_the_operator');
  return tx.meta.actor === scope && party?.kind === 'seller' ? ok(null) : err('not_authorized');
}

function dayOpen(tx: Tx, date: string): Result<null, 'recon_date_invalid' | 'recon_day_not_cut'> {
  if (!isBillDate(date)) return err('recon_date_invalid');
  // The channels publish a day's bill after its cut-off (23:59).
  if (tx.now < billWindowOf(date).to) return err('recon_day_not_cut', { date });
  return ok(null);
}

async function saveDay(tx: Tx, scope: ReconScope, date: string, result: MatchResult, bills: readonly BillSummary[], resolutions: readonly ReconResolutionRow[]): Promise<ReconDayRow> {
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
    latest: result,
    bills,
    savedBy: tx.meta.id,
  };
  await t.put(row);
  if (balanced && before?.closedAt == null) await tx.appendEvent({ type: 'recon.day_closed', actor: tx.meta.actor, payload: { scope, date } });
  return row;
}

/**
 * What the desk's commands return, so what their idempotency record keeps and the log digests:
 * the saved day's id and a count, not the row. A 100,000-order day's row holds its match twice
 * (opening and latest, a thousand differences or more each): returning it had the pipeline copy
 * and digest it on the page's thread in the command's task (the reconcile.desk.longtask bench row).
 * The exported wrappers read the saved row after the command.
 */
export type ReconDaySaved = { readonly id: string; readonly savedBy: string; readonly differenceCount: number; readonly closedAt: number | null };

const savedOf = (row: ReconDayRow): ReconDaySaved => ({ id: row.id, savedBy: row.savedBy ?? '', differenceCount: row.latest?.differences.length ?? 0, closedAt: row.closedAt });

/**
 * What the desk's command logs of a match made outside it: the world's stamp before its reads
 * began and its digest (matchDigest). The match itself is handed to the command outside its
 * input (handedMatches): logging, copying and checking a thousand differences as the command's
 * JSON input held the page's thread for 100 ms and more after each run.
 */
export type MatchRef = { readonly stamp: number; readonly digest: string };

/** The input's match as logged before MatchRef (the match itself): a replay of such a log saves it as it did. */
type LoggedMatch = Omit<PrecomputedMatch, 'digest'>;

/**
 * Matches made outside the command, by digest, for the command run by this tab's reconcileDay
 * (set just before it runs, removed when it returns). A replay of the logged input, or another
 * replica in class mode, finds none here and matches the day again from the world, which the
 * stamp says is the one the match was read from: the same digest.
 */
const handedMatches = new Map<string, PrecomputedMatch>();

/** Runs (and saves) the match of a day; `matched`: a match made outside the transaction, saved if its stamp holds. */
export const reconcileDayCommand = defineCommand({
  name: 'reconcileDay',
  apply: async (tx, input: { readonly scope: ReconScope; readonly date: string; readonly matched?: MatchRef | LoggedMatch }) => {
    const allowed = await mayReconcile(tx, input.scope);
    if (!allowed.ok) return allowed;
    const open = dayOpen(tx, input.date);
    if (!open.ok) return open;
    const { matched } = input;
    const handed = matched === undefined ? undefined : 'result' in matched ? matched : handedMatches.get(matched.digest);
    if (matched !== undefined && ((handed !== undefined && handed.result.date !== input.date) || (await worldStamp(tx.db)) !== matched.stamp)) return err('recon_day_changed', { date: input.date });
    const inputs = handed === undefined ? await readDayInputs(tx.db, input.scope, input.date) : null;
    const result = handed?.result ?? matchInputs(input.date, inputs!);
    const bills = handed?.bills ?? billSummariesOf(input.date, inputs!);
    // Matched again here (a replay): the world is the one the logged match was read from (its
    // stamp holds), and the match is pure, so a different digest is a defect, not a user's error.
    assert(matched === undefined || handed !== undefined || ('digest' in matched && matchDigest(result, bills) === matched.digest), 'reconcileDay: the day matched again has the logged match digest');
    const before = await reconTables(tx.db).reconDays.get(dayId(input.scope, input.date));
    return ok(savedOf(await saveDay(tx, input.scope, input.date, result, bills, before?.resolutions ?? [])));
  },
});

/** The day row a desk command saved (read after it committed). */
async function savedRow(db: WorldDb, saved: Result<ReconDaySaved, string>): Promise<Result<ReconDayRow, string>> {
  if (!saved.ok) return saved;
  const row = await reconTables(db).reconDays.get(saved.value.id);
  assert(row !== undefined, `the saved reconciliation day ${saved.value.id} is stored`);
  return ok(row);
}

/**
 * Runs the match of a day (the first run fixes the report's opening differences). With `matched`,
 * the command saves that match instead of reading the day again inside its transaction (a
 * 100,000-order day is read and matched in a worker): only when nothing changed since its reads
 * began, else it refuses with recon_day_changed and the caller matches again. The command's
 * logged input names the match by its stamp and digest only.
 */
export async function reconcileDay(db: WorldDb, meta: CommandMeta, input: { readonly scope: ReconScope; readonly date: string; readonly matched?: PrecomputedMatch }, env: CommandEnv = {}): Promise<Result<ReconDayRow, string>> {
  const { matched } = input;
  if (matched === undefined) return savedRow(db, await execute(db, reconcileDayCommand, meta, { scope: input.scope, date: input.date }, env));
  handedMatches.set(matched.digest, matched);
  try {
    return savedRow(db, await execute(db, reconcileDayCommand, meta, { scope: input.scope, date: input.date, matched: { stamp: matched.stamp, digest: matched.digest } }, env));
  } finally {
    handedMatches.delete(matched.digest);
  }
}

export type ResolveInput = { readonly scope: ReconScope; readonly date: string; readonly differenceId: string; readonly action: ResolutionAction; readonly reason: string };

/** One of the clerk's actions on one difference (see resolveDifference). */
export const resolveDifferenceCommand = defineCommand({
  name: 'resolveDifference',
  apply: async (tx, input: ResolveInput) => {
    const allowed = await mayReconcile(tx, input.scope);
    if (!allowed.ok) return allowed;
    const open = dayOpen(tx, input.date);
    if (!open.ok) return open;
    const day = await reconTables(tx.db).reconDays.get(dayId(input.scope, input.date));
    if (day === undefined) return err('recon_day_not_run');
    // The day's saved match is the one the desk shows while nothing changed since it was saved:
    // the difference is looked up there, with no read of the day's rows (reading and matching a
    // 100,000-order day here, on the page's thread, blocks it for seconds). The stamp is world
    // state (the command log), so a replay of this input takes the same path.
    const current = await savedIsCurrent(tx.db, day);
    if (!current && (await dayRowsEstimate(tx.db, input.date, input.scope)) > deskLiveMatchRowsMax) return err('recon_day_stale', { date: input.date });
    const result = current ? day.latest! : matchInputs(input.date, await readDayInputs(tx.db, input.scope, input.date));
    const difference = result.differences.find((d) => d.id === input.differenceId);
    const checked = checkResolution(difference, new Set(day.resolutions.map((r) => r.differenceId)), input.action, input.reason);
    if (!checked.ok) return checked;
    // On the saved path, the rows of the difference's merchant number are matched before and
    // after the action (a handful of rows), and the saved match and bills are updated by the
    // change: 补单 turns a long into a matched row, a refund writes its trade. A carry or a
    // write-off changes no row.
    const touched = current && changesRows(input.action) && difference!.merchantOrderNo !== '' ? [difference!.merchantOrderNo] : [];
    const partBefore = touched.length === 0 ? null : await readNumberInputs(tx.db, input.scope, input.date, touched);
    const moved = await carryOut(tx, input.scope, difference!, input.action);
    if (!moved.ok) return moved;
    const resolution: ReconResolutionRow = { differenceId: difference!.id, action: input.action, reason: input.reason.trim(), at: tx.now, actorId: tx.meta.actor, transferIds: moved.value };
    const resolutions = [...day.resolutions, resolution];
    await tx.appendEvent({ type: 'recon.resolved', actor: tx.meta.actor, payload: { date: input.date, difference: difference!.kind, action: input.action } });
    // From the saved match, the update is incremental: the difference stays in the list, now
    // resolved, and the closing differences (and whether the day closes) follow from the saved
    // list and the resolutions (saveDay). The save is this command's, so it stays current.
    if (current && partBefore === null) return ok(savedOf(await saveDay(tx, input.scope, input.date, result, day.bills ?? [], resolutions)));
    if (current) {
      const partAfter = await readNumberInputs(tx.db, input.scope, input.date, touched);
      const kept = new Set(resolutions.map((r) => r.differenceId));
      const updated = rematchNumbers(result, matchInputs(input.date, partBefore!), matchInputs(input.date, partAfter), kept);
      const bills = billSummariesAfter(input.date, day.bills ?? [], billSummariesOf(input.date, partBefore!), billSummariesOf(input.date, partAfter));
      return ok(savedOf(await saveDay(tx, input.scope, input.date, updated, bills, resolutions)));
    }
    // A small day matched here is matched again after the action: 补单 turns a long into a matched row.
    const afterInputs = await readDayInputs(tx.db, input.scope, input.date);
    const after = matchInputs(input.date, afterInputs);
    return ok(savedOf(await saveDay(tx, input.scope, input.date, { ...after, differences: dedupe([...after.differences, ...result.differences.filter((d) => resolutions.some((r) => r.differenceId === d.id) && !after.differences.some((a) => a.id === d.id))]) }, billSummariesOf(input.date, afterInputs), resolutions)));
  },
});

/**
 * One of the clerk's actions on one difference; money moves through the channel and the ledger.
 * While the day's last save is current the difference is taken from it and the save is updated
 * in place; a small day changed since is matched again here; a large one is refused with
 * recon_day_stale until it is run again (in a worker).
 */
export async function resolveDifference(db: WorldDb, meta: CommandMeta, input: ResolveInput, env: CommandEnv = {}): Promise<Result<ReconDayRow, string>> {
  return savedRow(db, await execute(db, resolveDifferenceCommand, meta, { scope: input.scope, date: input.date, differenceId: input.differenceId, action: input.action, reason: input.reason }, env));
}

/** Whether an action may change the day's rows (a charge, a trade): a carry or a write-off books nothing. */
function changesRows(action: ResolutionAction): boolean {
  return action !== 'carry_forward' && action !== 'write_off';
}

function dedupe(list: readonly Difference[]): Difference[] {
  const seen = new Set<string>();
  return list.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
}

async function tradeOf(tx: Tx, d: Difference): Promise<ChannelTradeRow | undefined> {
  return d.channelTradeNo === null ? undefined : reconTables(tx.db).channelTrades.get(d.channelTradeNo);
}

/** The action's bookings; returns the ledger transfers it made (none for a carry or a write-off). */
async function carryOut(tx: Tx, scope: ReconScope, d: Difference, action: ResolutionAction) {
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
async function markPaidFromBill(tx: Tx, d: Difference) {
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
async function refundDuplicate(tx: Tx, d: Difference) {
  const trade = await tradeOf(tx, d);
  if (trade === undefined || trade.type !== 'payment') return err('recon_trade_not_found');
  // A counter payment has no charge: the merchant's wallet pays the duplicate back.
  if (counterChannels.includes(trade.channel)) return refundCounterDuplicate(tx, trade);
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
  const applied = await interpretEffects(tx, channelEffects(step.value.effects), { orderId: charge.orderId });
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
