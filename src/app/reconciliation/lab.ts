import { billDateOf, counterChannels, dateStartMs, dayMs, err, fromStored, isPaymentChannelId, money, ok, parseBillCsv, subtract, toStored, worldDateOf, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { reconTables, type ChannelTradeRow, type ReconLabKind } from '../../storage/recon-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireTeacher, type TeacherToken } from '../teacher.ts';
import { channelAdapter } from '../payments/channels.ts';
import { dayTradesMax } from './day-inputs.ts';

// The reconciliation lab's tools to make trouble (teacher only: each checks the teacher's token).
// They alter the channels' records or arm a fault the next payment suffers; the desk then has to
// find it. A refused file or value changes nothing.

/** The channels whose payment moves the money in the charge step itself, so the lab can lose or
 * repeat its callback (the escrow wallet moves money in the order's own step; the others wait). */
export function labChannelOk(channel: string): boolean {
  // A counter payment (手机支付) moves its money in the paying command itself (writeCounterTrade).
  if (counterChannels.includes(channel)) return true;
  if (!isPaymentChannelId(channel) || channel === 'escrow') return false;
  const adapter = channelAdapter(channel);
  return adapter !== undefined && adapter.channel.flow === 'immediate';
}

/** Lab: a fault armed for the next payment through the channel (the teacher's sign-in and the channel checked by the wrapper). */
export const reconLabArmCommand = defineCommand({
  name: 'reconLabArm',
  apply: async (tx, input: { readonly channel: string; readonly kind: ReconLabKind; readonly teacher: true }) => {
    await reconTables(tx.db).reconLab.put({ id: `${input.kind}:${input.channel}`, channel: input.channel, kind: input.kind, armedAt: tx.now });
    await tx.appendEvent({ type: 'recon.lab_armed', actor: tx.meta.actor, payload: { channel: input.channel, fault: input.kind } });
    return ok(null);
  },
});

/** Arms a fault for the next payment through `channel`: its callback is lost, or delivered twice. */
export async function labArmFault(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { readonly channel: string; readonly kind: ReconLabKind }, env: CommandEnv = {}): Promise<Result<null, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  if (!labChannelOk(input.channel)) return err('recon_lab_channel_unsupported', { method: input.channel });
  return execute(db, reconLabArmCommand, meta, { channel: input.channel, kind: input.kind, teacher: true }, env);
}

export async function armedFaults(db: WorldDb): Promise<{ channel: string; kind: ReconLabKind }[]> {
  return (await reconTables(db).reconLab.toArray()).map((r) => ({ channel: r.channel, kind: r.kind }));
}

/** Lab: another fee on one trade (the fee's form checked by the wrapper, trimmed). */
export const reconLabFeeCommand = defineCommand({
  name: 'reconLabFee',
  apply: async (tx, input: { readonly channelTradeNo: string; readonly fee: string; readonly teacher: true }) => {
    const t = reconTables(tx.db).channelTrades;
    const trade = await t.get(input.channelTradeNo);
    if (trade === undefined || trade.type !== 'payment') return err('recon_trade_not_found');
    const fee = toStored(money(input.fee, trade.gross.currency));
    const row = { ...trade, fee, net: toStored(subtract(fromStored(trade.gross), fromStored(fee))) };
    await t.put(row);
    await tx.appendEvent({ type: 'recon.lab_fee', actor: tx.meta.actor, payload: { channelTradeNo: trade.channelTradeNo, fee: fee.amount } });
    return ok(row);
  },
});

/** The channel charged another fee on one trade (its bill says so; the ledger does not). */
export async function labChangeFee(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { readonly channelTradeNo: string; readonly fee: string }, env: CommandEnv = {}): Promise<Result<ChannelTradeRow, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(input.fee.trim())) return err('amount_invalid');
  return execute(db, reconLabFeeCommand, meta, { channelTradeNo: input.channelTradeNo, fee: input.fee.trim(), teacher: true }, env);
}

/** Lab: one trade moved past its day's cut-off. */
export const reconLabCutoffCommand = defineCommand({
  name: 'reconLabCutoff',
  apply: async (tx, input: { readonly channelTradeNo: string; readonly teacher: true }) => {
    const t = reconTables(tx.db).channelTrades;
    const trade = await t.get(input.channelTradeNo);
    if (trade === undefined) return err('recon_trade_not_found');
    const at = dateStartMs(worldDateOf(trade.at)) + dayMs - 30_000;
    const row = { ...trade, at, billDate: billDateOf(at) };
    await t.put(row);
    await tx.appendEvent({ type: 'recon.lab_cutoff', actor: tx.meta.actor, payload: { channelTradeNo: trade.channelTradeNo } });
    return ok(row);
  },
});

/** The channel's time of one trade moves to 23:59:30 of its day: past the cut-off, into the next bill. */
export async function labMoveAcrossCutoff(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { readonly channelTradeNo: string }, env: CommandEnv = {}): Promise<Result<ChannelTradeRow, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  return execute(db, reconLabCutoffCommand, meta, { channelTradeNo: input.channelTradeNo, teacher: true }, env);
}

/** Lab: an edited bill file replaces the channel's records (the wrapper refused a malformed file first; parsing is pure, so apply parses the same text again). */
export const reconLabImportCommand = defineCommand({
  name: 'reconLabImport',
  apply: async (tx, input: { readonly text: string; readonly teacher: true }) => {
    const parsed = parseBillCsv(input.text);
    if (!parsed.ok) return parsed;
    const bill = parsed.value;
    const t = reconTables(tx.db).channelTrades;
    const existing = (await t.where('billDate').equals(bill.date).limit(dayTradesMax).toArray()).filter((r) => r.institutionId === bill.institutionId);
    const byNo = new Map(existing.map((r) => [r.channelTradeNo, r]));
    const keep = new Set(bill.rows.map((r) => r.channelTradeNo));
    const other = await t.where('channelTradeNo').anyOf(bill.rows.map((r) => r.channelTradeNo).filter((no) => !byNo.has(no))).toArray();
    if (other.length > 0) return err('bill_refused', { line: 6 + bill.rows.findIndex((r) => r.channelTradeNo === other[0]!.channelTradeNo), reason: 'trade_no_repeated' });
    await t.bulkDelete(existing.filter((r) => !keep.has(r.channelTradeNo)).map((r) => r.channelTradeNo));
    for (const row of bill.rows) {
      const before = byNo.get(row.channelTradeNo);
      if (before !== undefined) {
        await t.put({ ...before, ...row, billDate: bill.date, origin: 'imported' });
        continue;
      }
      const charge = await paymentsTables(tx.db).charges.get(row.merchantOrderNo);
      const order = charge === undefined ? undefined : await marketTables(tx.db).orders.get(charge.orderId);
      await t.add({ ...row, billDate: bill.date, sellerId: order?.sellerId ?? 'platform', orderId: charge?.orderId ?? row.merchantOrderNo, ledgerIds: [], platformAt: null, origin: 'imported' });
    }
    await tx.appendEvent({ type: 'recon.lab_import', actor: tx.meta.actor, payload: { institutionId: bill.institutionId, date: bill.date, rows: bill.rows.length } });
    return ok({ institutionId: bill.institutionId, date: bill.date, rows: bill.rows.length });
  },
});

/**
 * A bill file the teacher edited replaces the channel's records of that institution and day: rows
 * changed, added or left out. A malformed or inconsistent file is refused with its line and reason
 * (err('bill_refused', { line, reason })), and nothing changes.
 */
export async function labImportBill(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { readonly text: string }, env: CommandEnv = {}): Promise<Result<{ readonly institutionId: string; readonly date: string; readonly rows: number }, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const parsed = parseBillCsv(input.text);
  if (!parsed.ok) return parsed;
  return execute(db, reconLabImportCommand, meta, { text: input.text, teacher: true }, env);
}

/**
 * The payment rows kept on `date`'s bills for the scope (the lab's list of rows to change), the
 * first `limit` by trade number; `more` when there are others (the lab lists them a page at a time).
 */
export async function labPaymentsPage(db: WorldDb, scope: string, date: string, limit: number): Promise<{ readonly rows: ChannelTradeRow[]; readonly more: boolean }> {
  const rows = await reconTables(db).channelTrades.where('billDate').equals(date).filter((t) => t.type === 'payment' && (scope === 'platform' || t.sellerId === scope)).limit(limit + 1).toArray();
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}
