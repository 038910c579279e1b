import { describe, expect, it } from 'vitest';
import { compareJobs, dayMs, worldEpochMs } from '../../src/domain/index.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { registerJobHandler, runDueJobs } from '../../src/app/scheduler.ts';
import { runCommand } from '../../src/app/command.ts';
import { ok } from '../../src/domain/index.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// A test job kind that counts its runs in an event per run, so "exactly once" is visible in data.
registerJobHandler('test.count', async (tx, job) => {
  await tx.appendEvent({ type: 'test.ran', actor: 'system', payload: { job: job.id } });
});

async function scheduleAt(db: WorldDb, id: string, day: number) {
  const r = await runCommand(db, 'scheduleTest', meta(), async (tx) => {
    await tx.schedule({ id, kind: 'test.count', dueAt: worldEpochMs + day * dayMs, payload: {} });
    return ok(null);
  });
  expect(r.ok).toBe(true);
}

async function runs(db: WorldDb): Promise<string[]> {
  const events = await db.events.where('type').equals('test.ran').sortBy('seq');
  return events.map((e) => String(e.payload.job));
}

describe('scheduler', () => {
  it('orders jobs by due time, then id', () => {
    const jobs = [{ id: 'b', dueAt: 2 }, { id: 'a', dueAt: 2 }, { id: 'c', dueAt: 1 }];
    expect([...jobs].sort(compareJobs).map((j) => j.id)).toEqual(['c', 'a', 'b']);
  });

  it('runs a job due on day 10 exactly once when the clock moves from day 9 to day 11', async () => {
    const { db } = await freshWorld();
    await scheduleAt(db, 'due-day-10', 10);
    await advanceClock(db, meta(), { kind: 'days', days: 9 });
    expect((await runDueJobs(db, 'tab-1')).ran).toHaveLength(0);
    expect(await runs(db)).toEqual([]);
    await advanceClock(db, meta(), { kind: 'days', days: 2 });
    const pass = await runDueJobs(db, 'tab-1');
    expect(pass.ran.map((j) => j.id)).toEqual(['due-day-10']);
    expect(pass.ran[0]).toMatchObject({ status: 'done', ranAt: worldEpochMs + 10 * dayMs, ranBy: 'tab-1' });
    // Running again, later, does nothing.
    await advanceClock(db, meta(), { kind: 'days', days: 5 });
    expect((await runDueJobs(db, 'tab-1')).ran).toHaveLength(0);
    expect(await runs(db)).toEqual(['due-day-10']);
    // The job's event carries the job's due time, not the clock's.
    const ev = await db.events.where('type').equals('test.ran').first();
    expect(ev?.at).toBe(worldEpochMs + 10 * dayMs);
  });

  it('runs each due job exactly once when two scheduler instances race on one database', async () => {
    const { db, id } = await freshWorld();
    for (let i = 0; i < 20; i++) await scheduleAt(db, `race-${String(i).padStart(2, '0')}`, 1 + (i % 7));
    await advanceClock(db, meta(), { kind: 'days', days: 10 });
    // A second connection, as another tab would have.
    const other = openWorldDb({ dbName: db.name });
    await other.open();
    const [a, b] = await Promise.all([runDueJobs(db, 'tab-a'), runDueJobs(other, 'tab-b')]);
    const ranIds = [...a.ran, ...b.ran].map((j) => j.id).sort();
    expect(ranIds).toHaveLength(20);
    expect(new Set(ranIds).size).toBe(20);
    const events = await runs(db);
    expect(events).toHaveLength(20);
    expect(new Set(events).size).toBe(20);
    other.close();
    expect(id).toBeTruthy();
  });

  it('runs jobs in due order even when scheduled out of order', async () => {
    const { db } = await freshWorld();
    await scheduleAt(db, 'z-day-3', 3);
    await scheduleAt(db, 'y-day-1', 1);
    await scheduleAt(db, 'x-day-2', 2);
    await scheduleAt(db, 'a-day-2', 2);
    await advanceClock(db, meta(), { kind: 'days', days: 4 });
    await runDueJobs(db, 'tab-1');
    expect(await runs(db)).toEqual(['y-day-1', 'a-day-2', 'x-day-2', 'z-day-3']);
  });

  it('does not run a job that is not yet due', async () => {
    const { db } = await freshWorld();
    await scheduleAt(db, 'later', 10);
    await advanceClock(db, meta(), { kind: 'days', days: 9 });
    await runDueJobs(db, 'tab-1');
    expect(await runs(db)).toEqual([]);
    expect((await db.jobs.get('later'))?.status).toBe('pending');
  });
});
