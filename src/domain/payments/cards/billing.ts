// Billing-cycle dates on the world calendar (Beijing time, like the world clock).
//
// A card's billing day (账单日) is a day of the month, 1 to 28 so that every month has it. The
// statement CUT-OFF is the start (00:00 Beijing) of the billing day: a cycle is the half-open
// interval [previous cut-off, this cut-off), and the statement job runs at the cut-off. So a
// purchase posted on the billing day itself belongs to the NEXT statement.
// Days are counted on world days (worldDay): interest counts a balance once for every world day
// on whose end it stood.

import { assert } from '../../assert.ts';
import { dayMs, hourMs, startOfWorldDay, worldDay } from '../../world/clock.ts';

export const billingDayMin = 1;
export const billingDayMax = 28;
const beijingOffsetMs = 8 * hourMs;

export function isBillingDay(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= billingDayMin && value <= billingDayMax;
}

/** The first cut-off (00:00 Beijing on `billingDay`) strictly after `after`. */
export function nextBillingAt(after: number, billingDay: number): number {
  assert(Number.isSafeInteger(after), 'world time is an integer');
  assert(isBillingDay(billingDay), `billing day in [${billingDayMin}, ${billingDayMax}]`);
  const local = new Date(after + beijingOffsetMs);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  let at = Date.UTC(year, month, billingDay) - beijingOffsetMs;
  // Date.UTC rolls month 12 over into January of the next year.
  if (at <= after) at = Date.UTC(year, month + 1, billingDay) - beijingOffsetMs;
  assert(at > after && at === startOfWorldDay(at), 'a cut-off is a Beijing midnight after `after`');
  assert(at - after <= 31 * dayMs, 'the next cut-off is within a month');
  return at;
}

/** "2026-02-20": the Beijing calendar date of `at`, for ids and statement headers. */
export function worldDateLabel(at: number): string {
  return new Date(at + beijingOffsetMs).toISOString().slice(0, 10);
}

/** World day number of `at` (clock.ts's worldDay), named here for what interest counts. */
export function postingDay(at: number): number {
  return worldDay(at);
}
