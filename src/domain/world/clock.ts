import { err, ok, type Result } from '../result.ts';
import { assert } from '../assert.ts';

// World time is simulated: milliseconds since the Unix epoch on the world's own clock, stored in the
// world and shared by all its tabs. Domain code receives it as a parameter and never reads the wall
// clock, so a scenario replays the same way every time.

export const minuteMs = 60_000;
export const hourMs = 60 * minuteMs;
export const dayMs = 24 * hourMs;

/** A new world starts on Monday 5 January 2026, 09:00 Beijing time (UTC+8). */
export const worldEpochMs = Date.UTC(2026, 0, 5, 1, 0, 0);

/** One advance may move at most ten years: a typo of 36500 days should not freeze the tab. */
export const advanceDaysMax = 3660;

/** The world's display time zone: the seed's institutions are in China. */
export const worldTimeZone = 'Asia/Shanghai';
const worldOffsetMs = 8 * hourMs;

export type ClockAdvance =
  | { readonly kind: 'hours'; readonly hours: number }
  | { readonly kind: 'days'; readonly days: number }
  | { readonly kind: 'to'; readonly at: number };

export type ClockError = 'clock_not_forward' | 'clock_step_invalid' | 'clock_step_too_large';

/** Where the clock lands after an advance; it never moves backwards. */
export function advanceTarget(now: number, step: ClockAdvance): Result<number, ClockError> {
  assert(Number.isSafeInteger(now), 'world time must be an integer');
  let target: number;
  switch (step.kind) {
    case 'hours':
      if (!Number.isInteger(step.hours) || step.hours <= 0) return err('clock_step_invalid');
      if (step.hours > advanceDaysMax * 24) return err('clock_step_too_large', { daysMax: advanceDaysMax });
      target = now + step.hours * hourMs;
      break;
    case 'days':
      if (!Number.isInteger(step.days) || step.days <= 0) return err('clock_step_invalid');
      if (step.days > advanceDaysMax) return err('clock_step_too_large', { daysMax: advanceDaysMax });
      target = now + step.days * dayMs;
      break;
    case 'to':
      if (!Number.isSafeInteger(step.at)) return err('clock_step_invalid');
      if (step.at <= now) return err('clock_not_forward');
      if (step.at - now > advanceDaysMax * dayMs) return err('clock_step_too_large', { daysMax: advanceDaysMax });
      target = step.at;
      break;
  }
  assert(target > now, 'an advance moves forward');
  return ok(target);
}

/** Whole world days since the epoch (day 0 is the first day), counted at Beijing midnight. */
export function worldDay(at: number): number {
  return Math.floor((at + worldOffsetMs) / dayMs) - Math.floor((worldEpochMs + worldOffsetMs) / dayMs);
}

/** Start of the world day containing `at` (Beijing midnight). */
export function startOfWorldDay(at: number): number {
  return Math.floor((at + worldOffsetMs) / dayMs) * dayMs - worldOffsetMs;
}

/** Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:mm" as Beijing time. */
export function parseWorldDate(text: string): Result<number, 'date_invalid'> {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!match) return err('date_invalid');
  const [, y, mo, d, h, mi] = match;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h ?? '0'), minute = Number(mi ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return err('date_invalid');
  const utc = Date.UTC(year, month - 1, day, hour, minute) - worldOffsetMs;
  const back = new Date(utc + worldOffsetMs);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return err('date_invalid');
  return ok(utc);
}
