import Dexie from 'dexie';
import { assert, err, ok, seedInstitutions, worldEpochMs, type Result } from '../domain/index.ts';
import { openRegistry, type WorldEntry } from '../storage/registry.ts';
import { WorldDb, worldDbPrefix } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { appendEventRow } from './command.ts';
import { clockKey } from './clock-read.ts';

// Worlds: create, list, rename, delete, reset. Each world is its own database, so deleting one can
// never touch another.

export const worldNameMax = 60;
export const worldsMax = 200;

export type WorldError = 'world_name_empty' | 'world_name_too_long' | 'world_not_found' | 'worlds_too_many';

/** What a feature may use to prepare a new world's rows before the seeding transaction. */
export type SeedContext = {
  readonly now: number;
  readonly random: (bytes: number) => Uint8Array;
  /** PBKDF2 iterations for passwords made at seeding (600,000 in the app; tests may lower it). */
  readonly passwordIterations: number;
};

/**
 * Seeding hooks: later features (ledger accounts, CA root, ...) add rows to a brand-new world.
 * `prepare` runs first, outside any transaction, for async work (key generation, PBKDF2, signing);
 * `write` then writes inside the world's seeding transaction and may only await Dexie.
 */
export type WorldSeeder<P = unknown> = {
  readonly name: string;
  readonly prepare?: (ctx: SeedContext) => Promise<P>;
  readonly write: (db: WorldDb, now: number, prepared: P) => Promise<void>;
};
const seeders: WorldSeeder[] = [];
export function registerWorldSeeder<P>(seeder: WorldSeeder<P>): void {
  if (seeders.some((s) => s.name === seeder.name)) return;
  seeders.push(seeder as WorldSeeder);
}

/** 600,000 PBKDF2-SHA256 iterations, as OWASP recommends for passwords. */
export const defaultPasswordIterations = 600_000;

function browserRandom(bytes: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(bytes));
}

function checkName(raw: string): Result<string, WorldError> {
  const name = raw.trim();
  if (name.length === 0) return err('world_name_empty');
  if (name.length > worldNameMax) return err('world_name_too_long', { max: worldNameMax });
  return ok(name);
}

export function openWorldDb(entry: Pick<WorldEntry, 'dbName'>): WorldDb {
  return new WorldDb(entry.dbName);
}

async function seedWorld(db: WorldDb, worldId: string, name: string, options: SeedOptions = {}): Promise<void> {
  const now = worldEpochMs;
  const ctx: SeedContext = { now, random: options.random ?? browserRandom, passwordIterations: options.passwordIterations ?? defaultPasswordIterations };
  const prepared: unknown[] = [];
  for (const seeder of seeders) prepared.push(seeder.prepare ? await seeder.prepare(ctx) : undefined);
  await db.transaction('rw', db.tables, async () => {
    await db.meta.bulkPut([
      { key: 'worldId', value: worldId },
      { key: 'name', value: name },
      { key: clockKey, value: now },
    ]);
    await db.parties.bulkAdd(seedInstitutions(now));
    for (const [i, seeder] of seeders.entries()) await seeder.write(db, now, prepared[i]);
    await appendEventRow(db, { type: 'world.created', actor: 'platform', payload: { name } }, now);
  });
}

export async function listWorlds(): Promise<WorldEntry[]> {
  return openRegistry().worlds.orderBy('createdAtMs').limit(worldsMax).toArray();
}

export async function getWorld(id: string): Promise<WorldEntry | undefined> {
  return openRegistry().worlds.get(id);
}

export type SeedOptions = { readonly random?: (bytes: number) => Uint8Array; readonly passwordIterations?: number };

/** `id` and `createdAtMs` come from the caller (UI: crypto.randomUUID and the device clock). */
export async function createWorld(input: { id: string; name: string; createdAtMs: number } & SeedOptions): Promise<Result<WorldEntry, string>> {
  const name = checkName(input.name);
  if (!name.ok) return name;
  assert(/^[A-Za-z0-9-]{8,64}$/.test(input.id), 'world id shape');
  try {
    if ((await openRegistry().worlds.count()) >= worldsMax) return err('worlds_too_many', { max: worldsMax });
    const entry: WorldEntry = { id: input.id, name: name.value, dbName: worldDbPrefix + input.id, createdAtMs: input.createdAtMs };
    const db = openWorldDb(entry);
    try {
      await seedWorld(db, entry.id, entry.name, input);
    } finally {
      db.close();
    }
    try {
      await openRegistry().worlds.add(entry);
    } catch (e) {
      await Dexie.delete(entry.dbName);
      throw e;
    }
    return ok(entry);
  } catch (e) {
    const fault = storageFaultOf(e);
    if (fault) return err(fault);
    throw e;
  }
}

export async function renameWorld(id: string, rawName: string): Promise<Result<WorldEntry, string>> {
  const name = checkName(rawName);
  if (!name.ok) return name;
  const registry = openRegistry();
  const entry = await registry.worlds.get(id);
  if (!entry) return err('world_not_found');
  const db = openWorldDb(entry);
  try {
    await db.meta.put({ key: 'name', value: name.value });
  } finally {
    db.close();
  }
  const renamed = { ...entry, name: name.value };
  await registry.worlds.put(renamed);
  return ok(renamed);
}

/** Deletes a world's database. Other tabs of that world get a versionchange and close it. */
export async function deleteWorld(id: string): Promise<Result<null, string>> {
  const registry = openRegistry();
  const entry = await registry.worlds.get(id);
  if (!entry) return err('world_not_found');
  await registry.worlds.delete(id);
  await Dexie.delete(entry.dbName);
  return ok(null);
}

/** Starts a world over: same id and name, fresh institutions, clock back at the epoch. */
export async function resetWorld(id: string, options: SeedOptions = {}): Promise<Result<WorldEntry, string>> {
  const entry = await openRegistry().worlds.get(id);
  if (!entry) return err('world_not_found');
  await Dexie.delete(entry.dbName);
  const db = openWorldDb(entry);
  try {
    await seedWorld(db, entry.id, entry.name, options);
  } finally {
    db.close();
  }
  return ok(entry);
}
