import { describe, expect, it } from 'vitest';
import { advanceTarget, dayMs, hourMs, parseWorldDate, worldDay, worldEpochMs, advanceDaysMax } from '../../src/domain/index.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { freshWorld, meta } from '../helpers/world.ts';

describe('world clock (domain)', () => {
  it('advances by hours, days and to a date, never backwards', () => {
    expect(advanceTarget(worldEpochMs, { kind: 'hours', hours: 1 })).toEqual({ ok: true, value: worldEpochMs + hourMs });
    expect(advanceTarget(worldEpochMs, { kind: 'days', days: 3 })).toEqual({ ok: true, value: worldEpochMs + 3 * dayMs });
    expect(advanceTarget(worldEpochMs, { kind: 'to', at: worldEpochMs + 5 })).toEqual({ ok: true, value: worldEpochMs + 5 });
    expect(advanceTarget(worldEpochMs, { kind: 'to', at: worldEpochMs })).toMatchObject({ ok: false, code: 'clock_not_forward' });
    expect(advanceTarget(worldEpochMs, { kind: 'to', at: worldEpochMs - dayMs })).toMatchObject({ ok: false, code: 'clock_not_forward' });
    expect(advanceTarget(worldEpochMs, { kind: 'days', days: 0 })).toMatchObject({ ok: false, code: 'clock_step_invalid' });
    expect(advanceTarget(worldEpochMs, { kind: 'days', days: 1.5 })).toMatchObject({ ok: false, code: 'clock_step_invalid' });
    expect(advanceTarget(worldEpochMs, { kind: 'days', days: advanceDaysMax + 1 })).toMatchObject({ ok: false, code: 'clock_step_too_large' });
  });

  it('counts world days at Beijing midnight and parses Beijing dates', () => {
    expect(worldDay(worldEpochMs)).toBe(0);
    const day2 = parseWorldDate('2026-01-06');
    expect(day2.ok && worldDay(day2.value)).toBe(1);
    // 2026-01-05 23:59 Beijing is still day 0; 00:00 the next day is day 1.
    const late = parseWorldDate('2026-01-05T23:59');
    expect(late.ok && worldDay(late.value)).toBe(0);
    expect(parseWorldDate('2026-02-30')).toMatchObject({ ok: false, code: 'date_invalid' });
    expect(parseWorldDate('tomorrow')).toMatchObject({ ok: false, code: 'date_invalid' });
    const d = parseWorldDate('2026-01-05T09:00');
    expect(d).toEqual({ ok: true, value: worldEpochMs });
  });
});

describe('world clock (stored)', () => {
  it('starts at the epoch, advances, records an event, and refuses to go back', async () => {
    const { db } = await freshWorld();
    expect(await readClock(db)).toBe(worldEpochMs);
    const r = await advanceClock(db, meta(), { kind: 'days', days: 2 });
    expect(r).toEqual({ ok: true, value: { from: worldEpochMs, to: worldEpochMs + 2 * dayMs } });
    expect(await readClock(db)).toBe(worldEpochMs + 2 * dayMs);
    const last = await db.events.orderBy('seq').last();
    expect(last).toMatchObject({ type: 'clock.advanced', at: worldEpochMs + 2 * dayMs, payload: { from: worldEpochMs, to: worldEpochMs + 2 * dayMs } });
    const back = await advanceClock(db, meta(), { kind: 'to', at: worldEpochMs });
    expect(back).toMatchObject({ ok: false, code: 'clock_not_forward' });
    expect(await readClock(db)).toBe(worldEpochMs + 2 * dayMs);
  });

  it('is idempotent per command id: a repeat returns the first result and moves nothing', async () => {
    const { db } = await freshWorld();
    const m = meta();
    const first = await advanceClock(db, m, { kind: 'days', days: 1 });
    const again = await advanceClock(db, m, { kind: 'days', days: 1 });
    expect(again).toEqual(first);
    expect(await readClock(db)).toBe(worldEpochMs + dayMs);
    expect(await db.events.where('type').equals('clock.advanced').count()).toBe(1);
  });

  it('an expected failure changes nothing and a repeat returns the same failure', async () => {
    const { db } = await freshWorld();
    const before = await db.events.count();
    const m = meta();
    const r1 = await advanceClock(db, m, { kind: 'days', days: -1 });
    const r2 = await advanceClock(db, m, { kind: 'days', days: 5 });
    expect(r1).toMatchObject({ ok: false, code: 'clock_step_invalid' });
    expect(r2).toEqual(r1);
    expect(await db.events.count()).toBe(before);
    expect(await readClock(db)).toBe(worldEpochMs);
  });
});
