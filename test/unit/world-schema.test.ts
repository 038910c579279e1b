import { describe, expect, it, vi } from 'vitest';
import Dexie from 'dexie';
import { WorldDb } from '../../src/storage/schema.ts';
import { migrations } from '../../src/storage/migrations/index.ts';

// Issue #18 item 2: building a WorldDb declared its 16 versions one by one, and Dexie's stores()
// parses every version declared so far on each call (136 parses, ~70 ms per WorldDb in Chromium
// under load, twice per cold open of a world). WorldDb now parses each version once; the schema
// Dexie ends with, for every version (what an upgrade from it applies), must be the same.

type VersionInternals = { _cfg: { version: number; dbschema: Record<string, { primKey: { src: string }; indexes: { src: string }[] }> } };

/** Every declared version's parsed schema, as Dexie keeps it for upgrades. */
function schemas(db: object): unknown {
  const versions = (db as unknown as { _versions: VersionInternals[] })._versions;
  return versions.map((v) => ({
    version: v._cfg.version,
    tables: Object.fromEntries(Object.entries(v._cfg.dbschema).map(([name, t]) => [name, [t.primKey.src, ...t.indexes.map((i) => i.src)]])),
  }));
}

/** The world database declared version by version through Dexie's public API (as it was). */
class OneByOne extends Dexie {
  constructor(name: string) {
    super(name, { autoOpen: false });
    for (const m of migrations) {
      const v = this.version(m.version).stores({ ...m.stores });
      if (m.upgrade) v.upgrade(m.upgrade);
    }
  }
}

describe('the world database schema', () => {
  it('parses each version once', () => {
    const probe = new WorldDb('schema-probe-a', { autoOpen: false });
    // Each Dexie instance derives its own Version class from Dexie's shared one: spy on the shared one.
    const versionProto = Object.getPrototypeOf(Object.getPrototypeOf((probe as unknown as { _versions: object[] })._versions[0])) as { _parseIndexSyntax: () => void };
    const parse = vi.spyOn(versionProto, '_parseIndexSyntax');
    new WorldDb('schema-probe-b', { autoOpen: false }).close();
    // One parse of each table's spec in each version (a version's schema holds the tables of all
    // versions up to it): at most the latest table count per version.
    expect(parse.mock.calls.length).toBeLessThanOrEqual(migrations.length * probe.tables.length);
    parse.mockRestore();
    probe.close();
  });

  it('ends with the same tables, indexes and version schemas as declaring each version in turn', () => {
    const fast = new WorldDb('schema-probe-c', { autoOpen: false });
    const slow = new OneByOne('schema-probe-d');
    expect(fast.verno).toBe(slow.verno);
    expect(fast.tables.map((t) => t.name).sort()).toEqual(slow.tables.map((t) => t.name).sort());
    expect(schemas(fast)).toEqual(schemas(slow));
    fast.close();
    slow.close();
  });
});
