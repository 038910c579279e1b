import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { deleteWorld, getWorld, repairWorld, resetWorld, openWorldDb } from '../../src/app/worlds.ts';
import { buildKey, sweepUnlistedWorlds, worldHealth, type BuildMarker } from '../../src/app/world-build.ts';
import { readClock } from '../../src/app/clock.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { openRegistry } from '../../src/storage/registry.ts';
import { WorldDb, worldDbPrefix } from '../../src/storage/schema.ts';
import { dayMs, worldEpochMs } from '../../src/domain/index.ts';
import { freshWorld, meta, testPasswordIterations } from '../helpers/world.ts';

// Crash-safe create, reset and delete: what a killed browser leaves behind is an unlisted database,
// and the next start finishes it (complete) or removes it; a listed world whose database is missing
// or damaged is reported and repaired.

async function dbNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

/** A database as a killed build leaves it: some rows, and the marker only if it completed. */
async function leftover(dbName: string, marker?: BuildMarker): Promise<void> {
  const db = new WorldDb(dbName);
  await db.parties.add({ id: 'platform', kind: 'operator', institution: true, name: { en: 'x', zh: 'x' }, createdAt: 0 });
  if (marker) await db.meta.put({ key: buildKey, value: marker });
  db.close();
}

const opts = { passwordIterations: testPasswordIterations };

describe('reset builds the fresh world before it switches', () => {
  it('a reset replaces the database: the world opens at the epoch, the old database is gone', async () => {
    const { id, db, teacher } = await freshWorld('Reset me');
    await advanceClock(db, meta(), { kind: 'days', days: 2 });
    db.close();
    const before = (await getWorld(id))!;
    const r = await resetWorld(id, teacher, opts);
    expect(r.ok).toBe(true);
    const after = (await getWorld(id))!;
    expect(after.dbName).not.toBe(before.dbName);
    expect(await dbNames()).not.toContain(before.dbName);
    const reopened = openWorldDb(after);
    expect(await readClock(reopened)).toBe(worldEpochMs);
    reopened.close();
    expect(await worldHealth(after)).toBe('ok');
  });

  it('killed while building (no marker yet): the world still opens as it was; the next start removes the half-built one', async () => {
    const { id, db } = await freshWorld('Interrupted reset');
    await advanceClock(db, meta(), { kind: 'days', days: 3 });
    db.close();
    const entry = (await getWorld(id))!;
    const half = `${worldDbPrefix}${id}~deadbeef0001`;
    await leftover(half);
    expect(await sweepUnlistedWorlds(200)).toMatchObject({ removed: 1 });
    expect(await dbNames()).not.toContain(half);
    expect((await getWorld(id))!.dbName).toBe(entry.dbName);
    expect(await worldHealth(entry)).toBe('ok');
    const reopened = openWorldDb(entry);
    expect(await readClock(reopened)).toBe(worldEpochMs + 3 * dayMs);
    reopened.close();
  });

  it('killed after building, before the switch: the next start switches to the fresh world and removes the old', async () => {
    const { id, db } = await freshWorld('Almost reset');
    db.close();
    const entry = (await getWorld(id))!;
    const fresh = { ...entry, dbName: `${worldDbPrefix}${id}~deadbeef0002` };
    await leftover(fresh.dbName, { op: 'reset', entry: fresh, replaces: entry.dbName });
    expect(await sweepUnlistedWorlds(200)).toMatchObject({ finished: 1 });
    expect((await getWorld(id))!.dbName).toBe(fresh.dbName);
    expect(await dbNames()).not.toContain(entry.dbName);
  });

  it('the leftover of an older reset never switches the world back', async () => {
    const { id, db } = await freshWorld('Reset twice');
    db.close();
    const entry = (await getWorld(id))!;
    const older = { ...entry, dbName: `${worldDbPrefix}${id}~deadbeef0003` };
    await leftover(older.dbName, { op: 'reset', entry: older, replaces: `${worldDbPrefix}${id}~gone` });
    expect(await sweepUnlistedWorlds(200)).toMatchObject({ removed: 1 });
    expect((await getWorld(id))!.dbName).toBe(entry.dbName);
  });
});

describe('create and delete', () => {
  it('a create killed before listing leaves nothing the UI cannot see: complete ones are finished, others removed', async () => {
    const complete = { id: `ghost-${Date.now().toString(36)}-a`, name: 'Finished later', dbName: `${worldDbPrefix}ghost-complete-${Date.now().toString(36)}`, createdAtMs: 5 };
    await leftover(complete.dbName, { op: 'create', entry: complete });
    const partial = `${worldDbPrefix}ghost-partial-${Date.now().toString(36)}`;
    await leftover(partial);
    const counts = await sweepUnlistedWorlds(200);
    expect(counts.finished).toBeGreaterThanOrEqual(1);
    expect(await getWorld(complete.id)).toEqual(complete);
    expect(await dbNames()).not.toContain(partial);
  });

  it('a delete killed between the registry and the database leaves a database the next start removes', async () => {
    const { id, db } = await freshWorld('Half deleted');
    db.close();
    const entry = (await getWorld(id))!;
    // deleteWorld's first two steps, then the kill.
    const marked = openWorldDb(entry);
    await marked.meta.delete(buildKey);
    marked.close();
    await openRegistry().worlds.delete(id);
    await sweepUnlistedWorlds(200);
    expect(await dbNames()).not.toContain(entry.dbName);
    expect(await getWorld(id)).toBeUndefined();
  });

  it('a world deleted normally stays deleted after a sweep', async () => {
    const { id, db } = await freshWorld('Deleted');
    db.close();
    expect(await deleteWorld(id)).toMatchObject({ ok: true });
    await sweepUnlistedWorlds(200);
    expect(await getWorld(id)).toBeUndefined();
  });
});

describe('damaged worlds', () => {
  it('a world whose database is missing is listed as missing and repaired with a new teacher password', async () => {
    const { id, db } = await freshWorld('Lost');
    db.close();
    const entry = (await getWorld(id))!;
    await Dexie.delete(entry.dbName);
    expect(await worldHealth(entry)).toBe('missing');
    const r = await repairWorld(id, opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.generatedTeacherPassword).toMatch(/\S{8,}/);
    expect(await worldHealth(r.value.entry)).toBe('ok');
  });

  it('a world whose clock is gone (the old reset crash) is damaged; repair keeps its teacher', async () => {
    const { id, db } = await freshWorld('Blank');
    await db.meta.delete('clock');
    db.close();
    const entry = (await getWorld(id))!;
    expect(await worldHealth(entry)).toBe('damaged');
    const r = await repairWorld(id, opts);
    expect(r).toMatchObject({ ok: true, value: { generatedTeacherPassword: null } });
    expect(await worldHealth((await getWorld(id))!)).toBe('ok');
  });

  it('a whole world is not repaired', async () => {
    const { id, db } = await freshWorld('Fine');
    db.close();
    expect(await repairWorld(id, opts)).toMatchObject({ ok: false, code: 'world_not_damaged' });
  });
});
