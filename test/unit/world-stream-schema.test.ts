import { describe, expect, it, vi } from 'vitest';
import Dexie from 'dexie';
import { databaseAt } from '../../src/app/world-stream.ts';
import { migrations } from '../../src/storage/migrations/index.ts';

// An import writes a world file's rows into a new database at the file's schema version
// (databaseAt), declared as that one version with every store up to it. The stores and indexes
// IndexedDB ends with must be those of declaring each version in turn, for every version a file
// may have; and the spec is parsed once, not once per declared version for every version before it.

type StoreShape = { keyPath: unknown; autoIncrement: boolean; indexes: { name: string; keyPath: unknown; unique: boolean; multiEntry: boolean }[] };

/** What IndexedDB holds: every store's key, auto-increment and indexes, by name. */
async function storesOf(name: string): Promise<{ version: number; stores: Record<string, StoreShape> }> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const names = [...idb.objectStoreNames].sort();
  const stores: Record<string, StoreShape> = {};
  if (names.length > 0) {
    const tx = idb.transaction(names, 'readonly');
    for (const n of names) {
      const s = tx.objectStore(n);
      const indexes = [...s.indexNames].sort().map((i) => {
        const index = s.index(i);
        return { name: i, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
      });
      stores[n] = { keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes };
    }
  }
  const version = idb.version;
  idb.close();
  return { version, stores };
}

/** The database at `version` declared version by version (as databaseAt did). */
function oneByOne(name: string, version: number): Dexie {
  const db = new Dexie(name);
  for (const m of migrations) if (m.version <= version) db.version(m.version).stores({ ...m.stores });
  return db;
}

describe('the import build database at a file schema version', () => {
  it('has the stores and indexes of every version declared in turn', async () => {
    for (const { version } of migrations) {
      const fast = databaseAt(`build-fast-${version}`, version);
      const slow = oneByOne(`build-slow-${version}`, version);
      await fast.open();
      await slow.open();
      fast.close();
      slow.close();
      expect(await storesOf(`build-fast-${version}`), `version ${version}`).toEqual(await storesOf(`build-slow-${version}`));
    }
  });

  it('parses each table spec once', () => {
    const probe = new Dexie('build-probe-a');
    probe.version(1).stores({ a: 'id' });
    const versionProto = Object.getPrototypeOf(Object.getPrototypeOf((probe as unknown as { _versions: object[] })._versions[0])) as { _parseIndexSyntax: () => void };
    const parse = vi.spyOn(versionProto, '_parseIndexSyntax');
    const last = migrations[migrations.length - 1]!.version;
    const db = databaseAt('build-probe-b', last);
    expect(parse.mock.calls.length).toBeLessThanOrEqual(db.tables.length);
    parse.mockRestore();
    db.close();
    probe.close();
  });
});
