import Dexie from 'dexie';
import { seedInstitutions } from '../domain/index.ts';
import { openRegistry, type WorldEntry } from '../storage/registry.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { WorldDb, worldDbPrefix } from '../storage/schema.ts';
import { clockKey } from './clock-read.ts';

// Crash-safe world databases. A world's database is built whole (create, reset, import) under a
// name the registry does not know yet, and the registry names it only once it is complete: killed
// part way, the browser is left with an unlisted database, never a listed half-world. At start,
// sweepUnlistedWorlds finishes a complete one (its build marker says what it was for) and removes
// anything else.

/** What a database being built says about itself, written once it is complete. A reset names the
 * database it replaces: it is finished only while the registry still names that one (a later
 * reset's leftover must never switch the world back). */
export type BuildMarker = { readonly op: 'create' | 'reset' | 'import'; readonly entry: WorldEntry; readonly replaces?: string };
/** Its key in the world's meta table. Never exported (a file's marker names another device's world). */
export const buildKey = 'build';

export function isBuildMarker(v: unknown): v is BuildMarker {
  const m = v as BuildMarker | null;
  return typeof m === 'object' && m !== null && ['create', 'reset', 'import'].includes(m.op) && typeof m.entry === 'object' && m.entry !== null &&
    typeof m.entry.id === 'string' && typeof m.entry.name === 'string' && typeof m.entry.dbName === 'string' && Number.isFinite(m.entry.createdAtMs) &&
    (m.replaces === undefined || typeof m.replaces === 'string');
}

/**
 * Runs `build` while holding this database's build lock (Web Locks), so a start-up sweep in another
 * tab never removes a database that is still being built. Without Web Locks the app runs in one
 * tab (README), so there is nobody to race.
 */
export async function withBuildLock<T>(dbName: string, build: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks === undefined) return build();
  return (await locks.request(`settlelab-build:${dbName}`, build)) as T;
}

/** Like withBuildLock, but does nothing when another tab holds the lock (it is still building). */
async function unlessBuilding(dbName: string, work: () => Promise<void>): Promise<void> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks === undefined) return work();
  await locks.request(`settlelab-build:${dbName}`, { ifAvailable: true }, async (lock) => {
    if (lock !== null) await work();
  });
}

/** A fresh database name for rebuilding world `id` (reset, repair): never the one in use. */
export function rebuildDbName(id: string, random: (bytes: number) => Uint8Array): string {
  return `${worldDbPrefix}${id}~${[...random(6)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Registers a complete database, or removes it if it never completed or its world is gone. */
async function settleUnlisted(dbName: string, worldsMax: number): Promise<'finished' | 'removed' | 'kept'> {
  const db = new WorldDb(dbName);
  let marker: unknown;
  try {
    marker = (await db.meta.get(buildKey))?.value;
  } catch (e) {
    // A database this build cannot open (a newer SettleLab's, say) is not ours to remove.
    if (storageFaultOf(e) !== undefined || e instanceof Dexie.DexieError) return 'kept';
    throw e;
  } finally {
    db.close();
  }
  const registry = openRegistry();
  if (isBuildMarker(marker) && marker.entry.dbName === dbName) {
    const entry = marker.entry;
    const switched = await registry.transaction('rw', registry.worlds, async () => {
      const listed = await registry.worlds.get(entry.id);
      if (marker.op !== 'reset' && listed === undefined && (await registry.worlds.count()) < worldsMax) {
        await registry.worlds.add(entry);
        return { old: null };
      }
      if (marker.op === 'reset' && listed !== undefined && listed.dbName === marker.replaces) {
        await registry.worlds.put({ ...listed, dbName });
        return { old: listed.dbName };
      }
      return undefined;
    });
    if (switched !== undefined) {
      if (switched.old !== null) await Dexie.delete(switched.old);
      return 'finished';
    }
  }
  await Dexie.delete(dbName);
  return 'removed';
}

/** Unlisted databases looked at per start: a bound, not a quota (a crash leaves one or two). */
export const sweepDatabasesMax = 50;

/**
 * At start: every world database the registry does not name is left over from a create, reset,
 * import or delete that was interrupted (the tab closed, the browser was killed). A complete one
 * is finished (registered, or switched to for a reset), anything else is removed.
 */
export async function sweepUnlistedWorlds(worldsMax: number): Promise<{ finished: number; removed: number }> {
  const counts = { finished: 0, removed: 0 };
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return counts;
  const listed = new Set((await openRegistry().worlds.toArray()).map((w) => w.dbName));
  const unlisted = (await indexedDB.databases())
    .map((d) => d.name ?? '')
    .filter((name) => name.startsWith(worldDbPrefix) && !listed.has(name))
    .slice(0, sweepDatabasesMax);
  for (const dbName of unlisted) {
    await unlessBuilding(dbName, async () => {
      // Read again under the lock: the build that held it may have registered it meanwhile.
      if ((await openRegistry().worlds.toArray()).some((w) => w.dbName === dbName)) return;
      const outcome = await settleUnlisted(dbName, worldsMax);
      if (outcome !== 'kept') counts[outcome] += 1;
    });
  }
  return counts;
}

export type WorldHealth = 'ok' | 'missing' | 'damaged';

/**
 * Is a listed world's database there and whole (a clock, its own id, every institution)? A world
 * whose database is missing or damaged is listed as such, with repair and delete.
 */
export async function worldHealth(entry: WorldEntry): Promise<WorldHealth> {
  const checked = await openCheckedWorld(entry);
  checked.db?.close();
  return checked.health;
}

/**
 * worldHealth for the world a tab is about to show: a whole world's database is left open and
 * handed back (`db`), so the tab's session uses it rather than opening the database a second time
 * (issue #18: a cold start of a 1M-entry world opened its database twice, once for this check
 * and once for the session). A world not whole, or one this build cannot read, is closed and
 * hands back nothing.
 */
export async function openCheckedWorld(entry: WorldEntry): Promise<{ readonly health: WorldHealth; readonly db: WorldDb | undefined }> {
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    const names = new Set((await indexedDB.databases()).map((d) => d.name));
    if (!names.has(entry.dbName)) return { health: 'missing', db: undefined };
  }
  const db = new WorldDb(entry.dbName);
  try {
    const [clock, worldId] = await db.meta.bulkGet([clockKey, 'worldId']);
    const institutions = await db.parties.bulkGet(seedInstitutions(0).map((p) => p.id));
    const whole = Number.isSafeInteger(clock?.value) && worldId?.value === entry.id && institutions.every((p) => p !== undefined && typeof p.name?.en === 'string');
    if (whole) return { health: 'ok', db };
  } catch (e) {
    db.close();
    // A newer SettleLab's world is whole, just not readable by this build: the world page says so.
    return { health: storageFaultOf(e) === 'storage_version_too_new' ? 'ok' : 'damaged', db: undefined };
  }
  db.close();
  return { health: 'damaged', db: undefined };
}

/**
 * Builds `entry`'s database under the build lock: `seed` writes it, then the build marker says it
 * is complete, then `publish` makes the registry name it. A failure before publish succeeds
 * removes the database; a crash leaves it unlisted for the next start's sweep.
 */
export async function buildWorldDb<T>(
  op: BuildMarker['op'],
  entry: WorldEntry,
  seed: (db: WorldDb) => Promise<void>,
  publish: () => Promise<T>,
  replaces?: string,
): Promise<T> {
  return withBuildLock(entry.dbName, async () => {
    const db = new WorldDb(entry.dbName);
    try {
      await seed(db);
      const marker: BuildMarker = replaces === undefined ? { op, entry } : { op, entry, replaces };
      await db.meta.put({ key: buildKey, value: marker });
      db.close();
      return await publish();
    } catch (e) {
      db.close();
      await Dexie.delete(entry.dbName).catch(() => undefined);
      throw e;
    }
  });
}

/** Before a world is unlisted (delete): its database stops saying it is complete, so a crash
 * between the registry and the database leaves something the next start removes, not finishes. */
export async function unmarkWorldDb(dbName: string): Promise<void> {
  const db = new WorldDb(dbName);
  try {
    await db.meta.delete(buildKey);
  } catch {
    // A missing or damaged database has nothing to unmark; it is deleted next.
  } finally {
    db.close();
  }
}
