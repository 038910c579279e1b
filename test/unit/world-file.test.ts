import { describe, expect, it } from 'vitest';
import { exportWorld, importWorld } from '../../src/app/world-file.ts';
import { listWorlds, getWorld, openWorldDb, deleteWorld, renameWorld, resetWorld } from '../../src/app/worlds.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { dayMs, worldEpochMs } from '../../src/domain/index.ts';
import { currentSchemaVersion } from '../../src/storage/schema.ts';
import { freshWorld, meta, testPasswordIterations } from '../helpers/world.ts';

async function exported(): Promise<{ bytes: Uint8Array; worldId: string }> {
  const { db, id } = await freshWorld('Prepared lesson');
  await advanceClock(db, meta(), { kind: 'days', days: 3 });
  db.close();
  const entry = await getWorld(id);
  const blob = await exportWorld(entry!);
  return { bytes: new Uint8Array(await blob.arrayBuffer()), worldId: id };
}

async function snapshot() {
  const worlds = await listWorlds();
  return worlds.map((w) => w.id).sort();
}

describe('world export and import', () => {
  it('round-trips a world into a new world with the same data', async () => {
    const { bytes, worldId } = await exported();
    const r = await importWorld(new Blob([bytes as Uint8Array<ArrayBuffer>]), { id: 'imported-world-1', createdAtMs: 1 });
    expect(r).toMatchObject({ ok: true, value: { id: 'imported-world-1', name: 'Prepared lesson' } });
    const db = openWorldDb(r.ok ? r.value : { dbName: '' });
    expect(await readClock(db)).toBe(worldEpochMs + 3 * dayMs);
    expect((await db.meta.get('worldId'))?.value).toBe('imported-world-1');
    expect(await db.parties.count()).toBe(8);
    const types = (await db.events.orderBy('seq').toArray()).map((e) => e.type);
    expect(types.filter((t) => t === 'world.created' || t === 'clock.advanced')).toEqual(['world.created', 'clock.advanced']);
    db.close();
    expect(worldId).not.toBe('imported-world-1');
  });

  it.each([
    ['truncated', (b: Uint8Array) => b.slice(0, b.length - 10), 'file_truncated'],
    // One letter of the world's name in its meta row changed, the digest left as exported.
    ['tampered', (b: Uint8Array) => { const c = b.slice(); const i = new TextDecoder().decode(b).lastIndexOf('Prepared lesson'); c[i] = c[i]! ^ 1; return c; }, 'file_checksum_mismatch'],
    ['not ours', () => new TextEncoder().encode('{"hello": "world"}\n{}'), 'file_not_settlelab'],
    ['empty', () => new Uint8Array(0), 'file_not_settlelab'],
    ['too new', (b: Uint8Array) => {
      const text = new TextDecoder().decode(b);
      const nl = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, nl));
      header.schemaVersion = currentSchemaVersion() + 1;
      return new TextEncoder().encode(JSON.stringify(header) + text.slice(nl));
    }, 'file_schema_too_new'],
    ['header malformed', (b: Uint8Array) => {
      const text = new TextDecoder().decode(b);
      const nl = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, nl));
      delete header.pageRowsMax;
      return new TextEncoder().encode(JSON.stringify(header) + text.slice(nl));
    }, 'file_malformed'],
  ])('refuses a %s file and leaves every world untouched', async (_label, mangle, code) => {
    const { bytes } = await exported();
    const before = await snapshot();
    const r = await importWorld(new Blob([mangle(bytes) as Uint8Array<ArrayBuffer>]), { id: `refused-${code}`, createdAtMs: 1 });
    expect(r).toMatchObject({ ok: false, code });
    expect(await snapshot()).toEqual(before);
  });
});

describe('world list', () => {
  it('creates, renames, resets and deletes worlds', async () => {
    const { db, id, teacher } = await freshWorld('Old name');
    await advanceClock(db, meta(), { kind: 'days', days: 2 });
    db.close();
    expect(await renameWorld(id, '   ')).toMatchObject({ ok: false, code: 'world_name_empty' });
    expect(await renameWorld(id, 'New name')).toMatchObject({ ok: true, value: { name: 'New name' } });
    expect((await getWorld(id))?.name).toBe('New name');
    expect(await resetWorld(id, teacher, { passwordIterations: testPasswordIterations })).toMatchObject({ ok: true });
    const reopened = openWorldDb((await getWorld(id))!);
    expect(await readClock(reopened)).toBe(worldEpochMs);
    expect((await reopened.meta.get('name'))?.value).toBe('New name');
    reopened.close();
    expect(await deleteWorld(id)).toMatchObject({ ok: true });
    expect(await getWorld(id)).toBeUndefined();
    expect(await deleteWorld(id)).toMatchObject({ ok: false, code: 'world_not_found' });
  });
});
