import { billDateOf } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { reconTables, type ReconDayRow } from '../../storage/recon-tables.ts';
import type { CheckResult, LabCheck, LabQuery } from './checks.ts';

// The checks and queries of the reconciliation lab (对账). Each reads the world: the day is the
// bill day on which the teacher's lab tools armed the faults (the preset's), the run is the
// platform's logged reconcileDay of that day, and the clerk's actions are the day's resolutions.

/** Arming events looked at to find the lab's day: a lab world has a few. */
export const reconLabEventsScannedMax = 2_000;
/** The desk's runs looked at in the command log: a lab is reconciled a few times. */
export const reconLabRunsScannedMax = 500;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The lab's day: the bill day on which the teacher's lab tools first armed a fault (the preset's). */
async function labDate(db: WorldDb): Promise<string | undefined> {
  const armed = await db.events.where('type').equals('recon.lab_armed').limit(reconLabEventsScannedMax).toArray();
  const first = armed.sort((a, b) => a.at - b.at)[0];
  return first === undefined ? undefined : billDateOf(first.at);
}

/** The platform's desk day of the lab's day, once run. */
async function labDay(db: WorldDb): Promise<ReconDayRow | undefined> {
  const date = await labDate(db);
  return date === undefined ? undefined : reconTables(db).reconDays.get(`platform:${date}`);
}

function resolvedBy(action: string): LabCheck {
  return async (db) => doneAt((await labDay(db))?.resolutions.find((r) => r.action === action)?.at);
}

export const reconLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The operator's desk ran the lab's day (its first logged run). */
  'recon.day_run': async (db) => {
    const date = await labDate(db);
    if (date === undefined) return notDone;
    const runs = await db.commandLog.where('name').equals('reconcileDay').limit(reconLabRunsScannedMax).toArray();
    const input = (r: (typeof runs)[number]) => r.input as { readonly scope?: unknown; readonly date?: unknown };
    return doneAt(runs.find((r) => input(r).scope === 'platform' && input(r).date === date)?.at);
  },
  /** 补单: the long (the lost callback) marked paid from the bill. */
  'recon.long_marked_paid': resolvedBy('mark_paid'),
  /** The duplicate payment refunded to the payer. */
  'recon.duplicate_refunded': resolvedBy('refund_duplicate'),
  /** Every difference resolved: the day closed. */
  'recon.day_closed': async (db) => doneAt((await labDay(db))?.closedAt),
};

export const reconLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'recon.day_run': ['events', 'commandLog'],
  'recon.long_marked_paid': ['events', 'reconDays'],
  'recon.duplicate_refunded': ['events', 'reconDays'],
  'recon.day_closed': ['events', 'reconDays'],
};

export const reconLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The amount of the long: what the bank took for the payment the platform never heard of. */
  'recon.long_amount': async (db) => (await labDay(db))?.opening.find((d) => d.kind === 'long')?.billAmount?.amount ?? null,
  /** The channel trade number of the duplicate payment (the second notification's trade). */
  'recon.duplicate_trade_no': async (db) => (await labDay(db))?.opening.find((d) => d.kind === 'duplicate_payment')?.channelTradeNo ?? null,
};
