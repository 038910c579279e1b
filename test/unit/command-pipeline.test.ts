import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { advanceClock, advanceClockCommand, readClock } from '../../src/app/clock.ts';
import { defineCommand, execute, genesisCommandName, resultDigest } from '../../src/app/pipeline.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// execute: a defined command runs through runCommand and, when accepted, is appended to the
// world's command log in its own transaction; a failure or a throw changes nothing and logs nothing.

/** Every row of every table but `except`, for before/after checks. */
async function dumpWorld(db: WorldDb, except: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) if (!except.includes(table.name)) out[table.name] = await table.toArray();
  return out;
}

describe('execute and the command log', () => {
  it('a new world’s log starts with its genesis; an accepted command is logged once with its input, actor, id, time and result digest', async () => {
    const { db } = await freshWorld();
    const before = await db.commandLog.toArray();
    expect(before.map((r) => [r.seq, r.name, r.actor, r.commandId])).toEqual([[1, genesisCommandName, 'system', genesisCommandName]]);
    expect(before[0]!.input).toMatchObject({ name: 'test world', iterations: 1000, teacher: { name: 'Ms Wang' } });
    expect(JSON.stringify(before[0]!.input)).not.toContain('teacher pass 42');

    const m = meta('platform');
    const moved = await advanceClock(db, m, { kind: 'hours', hours: 2 });
    expect(moved.ok).toBe(true);
    const log = await db.commandLog.toArray();
    expect(log).toHaveLength(2);
    expect(log[1]).toEqual({ seq: 2, name: 'advanceClock', input: { step: { kind: 'hours', hours: 2 } }, actor: 'platform', commandId: m.id, at: moved.ok ? moved.value.from : 0, resultDigest: resultDigest(moved) });

    // The same id again returns the first result and is not logged twice.
    expect(await advanceClock(db, m, { kind: 'hours', hours: 2 })).toEqual(moved);
    expect(await db.commandLog.count()).toBe(2);
  });

  it('a refused command changes nothing and is not logged', async () => {
    const { db } = await freshWorld();
    const clock = await readClock(db);
    const refused = await advanceClock(db, meta(), { kind: 'to', at: clock - 1 });
    expect(refused.ok).toBe(false);
    expect(await advanceClock(db, meta(), { kind: 'days', days: Number.NaN })).toMatchObject({ code: 'clock_step_invalid' });
    expect(await db.commandLog.count()).toBe(1);
    expect(await readClock(db)).toBe(clock);
  });

  it('a command that writes then throws (or returns a named error) leaves every store as before', async () => {
    const { db } = await freshWorld();
    const before = await dumpWorld(db, ['commands']);
    const writesThenFails = (how: 'throw' | 'refuse') => defineCommand({
      name: `testWritesThen-${how}`,
      stores: ['parties'],
      apply: async (tx, input: { readonly id: string }) => {
        await tx.db.parties.add({ id: input.id, kind: 'buyer', name: { en: 'x', zh: 'x' }, createdAt: tx.now, institution: false });
        await tx.appendEvent({ type: 'test.written', actor: tx.meta.actor, payload: {} });
        await tx.schedule({ id: `job-${input.id}`, kind: 'notice.deliver', dueAt: tx.now + 1, payload: {} });
        if (how === 'throw') throw new Error('midway');
        return err('test_refused');
      },
    });
    await expect(execute(db, writesThenFails('throw'), meta('platform'), { id: 'p-1' })).rejects.toThrow('midway');
    expect(await execute(db, writesThenFails('refuse'), meta('platform'), { id: 'p-2' })).toMatchObject({ code: 'test_refused' });
    expect(await dumpWorld(db, ['commands'])).toEqual(before);
  });

  it('an input that is not plain JSON is a programmer error, refused before anything runs', async () => {
    const { db } = await freshWorld();
    const echo = defineCommand({ name: 'testEcho', stores: [], apply: async (_tx, input: { readonly at: unknown }) => ok(input.at) });
    await expect(execute(db, echo, meta(), { at: new Date(0) })).rejects.toThrow(/not plain JSON/);
    expect(await db.commandLog.count()).toBe(1);
    expect((await execute(db, advanceClockCommand, meta(), { step: { kind: 'days', days: 1 } })).ok).toBe(true);
  });
});
