import {
  assert,
  acquiringItemsOfCharge,
  cardChannels,
  dayMs,
  defaultAcquiringConfig,
  startOfWorldDay,
  settleAcquiringBatch,
  worldDay,
  type AcquiringBatch,
  type AcquiringConfig,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { Tx } from '../command.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import type { ChannelJob } from './gateway.ts';

// Acquiring (收单) T+1: card sales of world day D reach the merchant's deposit account at its
// acquiring bank in the batch at the start of day D + settleAfterDays, less the merchant discount
// rate (domain settleAcquiringBatch: per-item rounding, net + discount = gross). One job per bank
// per day, scheduled by the card channels when a sale or refund happens. A batch row lists the
// item ids it settled; an item is never settled twice.

export const acquiringJobKind = 'acquiring.settle';
/** Charges one batch reads (every card charge of the world; a classroom has far fewer). */
export const acquiringChargesMax = 100_000;

export function acquiringConfig(): AcquiringConfig {
  return defaultAcquiringConfig;
}

/** Schedules the batch that settles what happened at `at` (idempotent per bank and day). */
export async function scheduleAcquiring(tx: Tx, bankId: string, at: number): Promise<void> {
  const dueAt = startOfWorldDay(at) + acquiringConfig().settleAfterDays * dayMs;
  const day = worldDay(dueAt);
  await tx.schedule({ id: `${acquiringJobKind}:${bankId}:${day}`, kind: acquiringJobKind, dueAt, payload: { bankId } });
}

export async function settleAcquiringTx(tx: Tx, bankId: string): Promise<AcquiringBatch | null> {
  const t = paymentsTables(tx.db);
  const charges = await t.charges.where('channel').anyOf([...cardChannels]).limit(acquiringChargesMax).toArray();
  const settled = new Set((await t.acquiringBatches.where('bankId').equals(bankId).toArray()).flatMap((b) => b.merchants.flatMap((m) => m.itemIds)));
  const items = charges.filter((c) => c.payee.bankId === bankId).flatMap(acquiringItemsOfCharge).filter((i) => !settled.has(i.id));
  const result = settleAcquiringBatch(bankId, items, tx.now, acquiringConfig());
  if (result.batch.merchants.length === 0) return null;
  assert((await t.acquiringBatches.get(result.batch.id)) === undefined, `acquiring batch ${result.batch.id} runs once`);
  const applied = await interpretEffects(tx, channelEffects(result.effects));
  assert(applied.ok, `acquiring batch ${result.batch.id} posts: ${applied.ok ? '' : applied.code}`);
  await t.acquiringBatches.add(result.batch);
  await tx.appendEvent({ type: 'acquiring.batch_settled', actor: bankId, parties: result.batch.merchants.map((m) => m.merchantId), payload: { batch: result.batch.id, gross: result.batch.gross.amount, discount: result.batch.discount.amount, net: result.batch.net.amount } });
  tx.notify({ to: result.batch.merchants.map((m) => m.merchantId), kind: 'payments.acquiring_settled', ref: result.batch.id });
  return result.batch;
}

/**
 * The acquiring batch job, run for every card channel (debit, credit, charge): the channel registry
 * registers it (payments/channels.ts); importing this file registers nothing.
 */
export const acquiringJobs: readonly ChannelJob[] = [
  {
    kind: acquiringJobKind,
    handler: async (tx, job) => {
      const bankId = job.payload.bankId;
      assert(typeof bankId === 'string', 'an acquiring job names its bank');
      await settleAcquiringTx(tx, bankId);
    },
  },
];

/** Settled batches, newest first. */
export async function acquiringBatches(db: WorldDb, limit = 200): Promise<AcquiringBatch[]> {
  return paymentsTables(db).acquiringBatches.orderBy('settledAt').reverse().limit(limit).toArray();
}
