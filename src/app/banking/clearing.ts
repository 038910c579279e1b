import Dexie from 'dexie';
import {
  assert,
  bankingCurrency,
  dayMs,
  minorToAmount,
  netPositions,
  amountToMinor,
  scaleOf,
  settlementRequests,
  startOfWorldDay,
  worldDay,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankTransferRow, type ClearingBatchRow } from '../../storage/banking-tables.ts';
import { applyInTransaction } from '../ledger.ts';
import { registerJobHandler } from '../scheduler.ts';
import type { Tx } from '../command.ts';

// The clearing system (支付清算系统). An interbank transfer is booked in both banks at once (see
// domain/payments/banking/booking.ts) and waits here as an open position. At the end of its world
// day (Beijing midnight) the leader tab runs that day's job: it nets every bank's positions
// (multilateral netting), moves only the nets between the banks' reserve accounts, clears both
// banks' transit accounts, marks the payments settled and stores the batch report.
//
// The job is scheduled by the first interbank transfer of a day (id clearing.settle:<day>, so a
// day has one job however many transfers it has): idle days cost nothing, and a world made before
// banking needs no job chain repaired. Jobs run in due order, so batches settle day by day.

export const clearingJobKind = 'clearing.settle';

/** A day's batch never loads more than this many payments (see clearingBatchPaymentsMax). */
export const batchPaymentsMax = 1_000_000;

export function batchIdOf(day: number): string {
  return `batch:${day}`;
}

/** Schedules the settlement of the world day containing `at` (idempotent per day). */
export async function scheduleClearing(tx: Tx, at: number): Promise<void> {
  const day = worldDay(at);
  const cutoffAt = startOfWorldDay(at) + dayMs;
  await tx.schedule({ id: `${clearingJobKind}:${day}`, kind: clearingJobKind, dueAt: cutoffAt, payload: { day, cutoffAt } });
}

/** Open interbank transfers submitted before `cutoffAt`, oldest first. */
export async function openPositionsBefore(db: WorldDb, cutoffAt: number, limit = batchPaymentsMax): Promise<BankTransferRow[]> {
  return bankingTables(db).bankTransfers.where('[clearing+at]').between(['open', Dexie.minKey], ['open', cutoffAt], true, false).limit(limit).toArray();
}

/** Settles the batch of payments submitted before `cutoffAt`, inside the job's transaction. */
export async function settleBatch(tx: Tx, day: number, cutoffAt: number): Promise<ClearingBatchRow> {
  const t = bankingTables(tx.db);
  const id = batchIdOf(day);
  assert((await t.clearingBatches.get(id)) === undefined, `batch ${id} settles once`);
  const payments = await openPositionsBefore(tx.db, cutoffAt);
  assert(payments.length < batchPaymentsMax, 'a batch fits in one transaction');
  const positions = netPositions(payments.map((p) => ({ payerBankId: p.payerBankId, payeeBankId: p.payeeBankId, amount: p.amount })), bankingCurrency);
  const requests = settlementRequests(id, positions, bankingCurrency);
  if (requests.length > 0) {
    const linked = requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 }));
    const results = await applyInTransaction(tx.db, linked, tx.now);
    // Cannot fail: submission refused any payment its bank's reserve could not cover at settlement.
    assert(results.every((r) => r.status === 'created'), `clearing batch ${id} posts: ${JSON.stringify(results.find((r) => r.status === 'failed'))}`);
  }
  const scale = scaleOf(bankingCurrency);
  const sum = (values: readonly string[]) => minorToAmount(values.reduce((s, v) => s + (amountToMinor(v, scale) ?? 0n), 0n), scale);
  const batch: ClearingBatchRow = {
    id,
    day,
    cutoffAt,
    settledAt: tx.now,
    currency: bankingCurrency,
    payments: payments.length,
    grossTotal: sum(payments.map((p) => p.amount)),
    settledTotal: sum(positions.map((p) => p.net).filter((n) => !n.startsWith('-'))),
    positions,
  };
  await t.clearingBatches.add(batch);
  await t.bankTransfers.bulkPut(payments.map((p) => ({ ...p, clearing: 'settled' as const, batchId: id, settledAt: tx.now })));
  const banks = positions.map((p) => p.bankId);
  await tx.appendEvent({ type: 'clearing.batch_settled', actor: 'clearing', parties: banks, payload: { batch: id, payments: batch.payments, gross: batch.grossTotal, settled: batch.settledTotal } });
  tx.notify({ to: ['clearing', ...banks], kind: 'clearing.batch_settled', ref: id });
  return batch;
}

registerJobHandler(clearingJobKind, async (tx, job) => {
  const day = Number(job.payload.day);
  const cutoffAt = Number(job.payload.cutoffAt);
  assert(Number.isSafeInteger(day) && Number.isSafeInteger(cutoffAt) && cutoffAt === job.dueAt, 'a clearing job names its day and cutoff');
  await settleBatch(tx, day, cutoffAt);
});

// ---- queries ----------------------------------------------------------------------------------

/** Settled batches, newest first. */
export async function clearingBatches(db: WorldDb, limit = 100): Promise<ClearingBatchRow[]> {
  return bankingTables(db).clearingBatches.orderBy('cutoffAt').reverse().limit(limit).toArray();
}

/** Every interbank transfer still waiting for its batch. */
export async function openPositions(db: WorldDb): Promise<BankTransferRow[]> {
  return openPositionsBefore(db, Number.MAX_SAFE_INTEGER);
}
