import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src/domain/index.ts';
import { runCommand } from '../../src/app/command.ts';
import { scheduleNotice } from '../../src/app/notices.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { dayMs, worldEpochMs } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';

describe('event log', () => {
  it('a new world starts with its creation event and its eight institutions', async () => {
    const { db } = await freshWorld('Class 3');
    // Seeders of later features may log their own events; exactly one says the world was created.
    const created = await db.events.where('type').equals('world.created').toArray();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ type: 'world.created', actor: 'platform', at: worldEpochMs, payload: { name: 'Class 3' } });
    const kinds = (await db.parties.toArray()).map((p) => p.kind).sort();
    expect(kinds).toEqual(['bank', 'bank', 'ca', 'card_company', 'clearing', 'escrow', 'logistics', 'operator']);
  });

  it('appends events in order with world time, actor, parties and payload, in the command transaction', async () => {
    const { db } = await freshWorld();
    const r = await runCommand(db, 'demo', meta('bank-a'), async (tx) => {
      await tx.appendEvent({ type: 'demo.one', actor: 'bank-a', parties: ['escrow'], payload: { n: 1 } });
      await tx.appendEvent({ type: 'demo.two', actor: 'bank-a', payload: { n: 2 } });
      return ok(null);
    });
    expect(r.ok).toBe(true);
    const before = (await db.events.where('type').equals('world.created').first())!.seq!;
    const events = await db.events.where('seq').above(before).toArray();
    expect(events.map((e) => e.type)).toEqual(['demo.one', 'demo.two']);
    expect(events[0]).toMatchObject({ actor: 'bank-a', parties: ['bank-a', 'escrow'], at: worldEpochMs, payload: { n: 1 } });
    expect(await db.events.where('parties').equals('escrow').count()).toBe(1);
  });

  it('events written by a command that fails are rolled back with it', async () => {
    const { db } = await freshWorld();
    const r = await runCommand(db, 'demo', meta(), async (tx) => {
      await tx.appendEvent({ type: 'demo.half', actor: 'platform', payload: {} });
      return err('demo_failed');
    });
    expect(r).toMatchObject({ ok: false, code: 'demo_failed' });
    expect(await db.events.where('type').equals('demo.half').count()).toBe(0);
  });

  it('a scheduled notice is delivered as an event when the clock passes it', async () => {
    const { db } = await freshWorld();
    const bad = await scheduleNotice(db, meta(), { text: '  ', dueAt: worldEpochMs + dayMs });
    expect(bad).toMatchObject({ ok: false, code: 'notice_empty' });
    const past = await scheduleNotice(db, meta(), { text: 'hi', dueAt: worldEpochMs });
    expect(past).toMatchObject({ ok: false, code: 'notice_not_in_future' });
    const r = await scheduleNotice(db, meta('ca'), { text: 'Auditors arrive', dueAt: worldEpochMs + 3 * dayMs });
    expect(r.ok).toBe(true);
    await advanceClock(db, meta(), { kind: 'days', days: 4 });
    await runDueJobs(db, 'tab-1');
    const delivered = await db.events.where('type').equals('notice.delivered').toArray();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ actor: 'ca', at: worldEpochMs + 3 * dayMs, payload: { text: 'Auditors arrive' } });
  });
});
