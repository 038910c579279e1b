// When a cheque may be presented. A cheque's date is a day (出票日期), so both limits are whole
// world days (Beijing midnight, clock.ts), not hours from the moment it was signed: a cheque
// dated the 5th is presentable from the first minute of the 5th, and with a ten-day period until
// the last minute of the 15th (the date's own day is not counted, as the law counts periods).

import { assert } from '../../assert.ts';
import { dayMs, startOfWorldDay } from '../../world/clock.ts';

/** The first world time at which the cheque is no longer post-dated. */
export function chequePresentableFrom(date: number): number {
  return startOfWorldDay(date);
}

/** The first world time at which the cheque is stale (exclusive end of the period). */
export function chequePresentableUntil(date: number, presentmentPeriodDays: number): number {
  assert(Number.isInteger(presentmentPeriodDays) && presentmentPeriodDays >= 0, 'period in whole days');
  return startOfWorldDay(date) + (presentmentPeriodDays + 1) * dayMs;
}

export function isChequePostDated(date: number, now: number): boolean {
  return now < chequePresentableFrom(date);
}

export function isChequeStaleDated(date: number, now: number, presentmentPeriodDays: number): boolean {
  return now >= chequePresentableUntil(date, presentmentPeriodDays);
}
