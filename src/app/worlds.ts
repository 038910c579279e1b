import Dexie from 'dexie';
import { assert, bytesToHex, concatBytes, err, ok, seedInstitutions, worldEpochMs, type Result } from '../domain/index.ts';
import { openRegistry, type WorldEntry } from '../storage/registry.ts';
import { WorldDb, worldDbPrefix } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { appendEventRow } from './command.ts';
import { appendLog, genesisCommandName, resultDigest } from './pipeline.ts';
import { clockKey } from './clock-read.ts';
import { buildWorldDb, rebuildDbName, unmarkWorldDb, worldHealth } from './world-build.ts';
import { checkTeacherInput, prepareTeacher, readTeacherRow, requireTeacher, tokenForNewWorld, writeTeacher, type TeacherInput, type TeacherToken } from './teacher.ts';
import type { TeacherRow } from '../storage/teacher-table.ts';
import { worldsMax } from './world-list.ts';

export { getWorld, listWorlds, worldsMax } from './world-list.ts';

// Worlds: create, list, rename, delete, reset. Each world is its own database, so deleting one can
// never touch another.

export const worldNameMax = 60;

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

/**
 * What seeding consumed, the command log's first row (pipeline.ts): replay seeds a fresh database
 * from it and gets the same world. `tape` is every random byte the seeders drew, in order (hex);
 * the teacher's row is the prepared one (PBKDF2 hash and sealed key), never the password.
 */
export type GenesisInput = { readonly worldId: string; readonly name: string; readonly tape: string; readonly iterations: number; readonly teacher: TeacherRow };

/** `teacher` may still be deriving (PBKDF2): it runs alongside the seeders' own preparation. */
export async function seedWorld(db: WorldDb, worldId: string, name: string, teacher: TeacherRow | Promise<TeacherRow>, options: SeedOptions = {}): Promise<void> {
  const now = worldEpochMs;
  const random = options.random ?? browserRandom;
  const tape: Uint8Array[] = [];
  const iterations = options.passwordIterations ?? defaultPasswordIterations;
  const recorded = (bytes: number): Uint8Array => {
    const drawn = random(bytes);
    tape.push(drawn.slice());
    return drawn;
  };
  const ctx: SeedContext = { now, random: recorded, passwordIterations: iterations };
  const prepared: unknown[] = [];
  for (const seeder of seeders) prepared.push(seeder.prepare ? await seeder.prepare(ctx) : undefined);
  const teacherRow = await teacher;
  const genesis: GenesisInput = { worldId, name, tape: bytesToHex(concatBytes(...tape)), iterations, teacher: teacherRow };
  await db.transaction('rw', db.tables, async () => {
    await appendLog(db, { name: genesisCommandName, input: genesis, actor: 'system', commandId: genesisCommandName, at: now, resultDigest: resultDigest(ok(null)) });
    await writeTeacher(db, teacherRow);
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

export type SeedOptions = { readonly random?: (bytes: number) => Uint8Array; readonly passwordIterations?: number };

/** What a preset (a guided lab's prepared world, src/app/labs/presets.ts) gets to run commands with. */
export type PresetContext = {
  readonly worldId: string;
  /** The world's teacher, signed in (a preset uses the teacher's lab tools, e.g. giving cash). */
  readonly teacher: TeacherToken;
  readonly random: (bytes: number) => Uint8Array;
};
/** Runs after the seeding, inside the world's build: a crash part way leaves no listed half-lab. */
export type WorldPreset = (db: WorldDb, ctx: PresetContext) => Promise<void>;

/** A new world, and its creator's tab signed in as its teacher. */
export type CreatedWorld = {
  readonly entry: WorldEntry;
  readonly teacher: TeacherToken;
  /** The teacher password made for the creator when they left it empty (shown once), else null. */
  readonly generatedTeacherPassword: string | null;
};

/**
 * `id` and `createdAtMs` come from the caller (UI: crypto.randomUUID and the device clock). The
 * teacher's name may be empty; an empty teacher password makes one, returned to show at once.
 */
export async function createWorld(input: { id: string; name: string; createdAtMs: number; teacher?: TeacherInput; preset?: WorldPreset } & SeedOptions): Promise<Result<CreatedWorld, string>> {
  const name = checkName(input.name);
  if (!name.ok) return name;
  const teacherChoice = checkTeacherInput(input.teacher ?? {});
  if (!teacherChoice.ok) return teacherChoice;
  assert(/^[A-Za-z0-9-]{8,64}$/.test(input.id), 'world id shape');
  try {
    if ((await openRegistry().worlds.count()) >= worldsMax) return err('worlds_too_many', { max: worldsMax });
    const entry: WorldEntry = { id: input.id, name: name.value, dbName: worldDbPrefix + input.id, createdAtMs: input.createdAtMs };
    // The teacher's PBKDF2 runs while the seeders prepare theirs (WebCrypto derives off the main thread).
    const preparing = prepareTeacher(teacherChoice.value, worldEpochMs, input.random ?? browserRandom, input.passwordIterations ?? defaultPasswordIterations);
    preparing.catch(() => undefined); // observed below; a build that fails first must not leave it unhandled
    // Built whole before the registry names it: a crash part way leaves an unlisted database that
    // the next start removes (world-build.ts), never a listed half-world.
    await buildWorldDb('create', entry, async (db) => {
      await seedWorld(db, entry.id, entry.name, preparing.then((t) => t.row), input);
      if (input.preset !== undefined) {
        const teacher = tokenForNewWorld(await preparing, entry.id, input.createdAtMs);
        await input.preset(db, { worldId: entry.id, teacher, random: input.random ?? browserRandom });
      }
    }, () => openRegistry().worlds.add(entry));
    const teacher = await preparing;
    return ok({ entry, teacher: tokenForNewWorld(teacher, entry.id, input.createdAtMs), generatedTeacherPassword: teacher.generated ? teacher.password : null });
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
  await unmarkWorldDb(entry.dbName);
  await registry.worlds.delete(id);
  await Dexie.delete(entry.dbName);
  return ok(null);
}

/**
 * Starts a world over: same id, name and teacher (so the teacher's password and key still work),
 * fresh institutions, clock back at the epoch. Only the world's teacher may: `teacher` is the token
 * their sign-in gave this tab.
 */
export async function resetWorld(id: string, teacher: TeacherToken | null, options: SeedOptions = {}): Promise<Result<WorldEntry, string>> {
  const entry = await openRegistry().worlds.get(id);
  if (!entry) return err('world_not_found');
  const old = openWorldDb(entry);
  let teacherRow: TeacherRow | undefined;
  try {
    const allowed = requireTeacher(old, teacher);
    if (!allowed.ok) return allowed;
    teacherRow = await readTeacherRow(old);
  } finally {
    old.close();
  }
  // A token exists only for a world with a teacher (sign-in or claim needs the row).
  assert(teacherRow !== undefined, 'a signed-in teacher has a row');
  return rebuildWorld(entry, teacherRow, options);
}

/**
 * The fresh world is built in a new database; the registry switches to it only once it is
 * complete, and only then is the old one deleted. Killed at any point, the world opens: the old
 * database (the next start removes the half-built one) or the new one (the next start removes the
 * old). Other tabs of the world see their database deleted and say so (storage_closed).
 */
async function rebuildWorld(entry: WorldEntry, teacherRow: TeacherRow, options: SeedOptions): Promise<Result<WorldEntry, string>> {
  const registry = openRegistry();
  const fresh: WorldEntry = { ...entry, dbName: rebuildDbName(entry.id, options.random ?? browserRandom) };
  try {
    const switched = await buildWorldDb('reset', fresh, (db) => seedWorld(db, entry.id, entry.name, teacherRow, options), () =>
      registry.transaction('rw', registry.worlds, async () => {
        const current = await registry.worlds.get(entry.id);
        // Deleted in another tab meanwhile: publishing fails, so the new database is removed.
        if (current === undefined) throw new Dexie.NotFoundError('world deleted while it was being reset');
        const next = { ...current, dbName: fresh.dbName };
        await registry.worlds.put(next);
        return { old: current.dbName, next };
      }),
      entry.dbName,
    );
    await Dexie.delete(switched.old);
    return ok(switched.next);
  } catch (e) {
    if (e instanceof Dexie.NotFoundError) return err('world_not_found');
    const fault = storageFaultOf(e);
    if (fault) return err(fault);
    throw e;
  }
}

/**
 * Repairs a world whose database is missing or damaged (worldHealth): starts it over like a reset.
 * Such a world cannot be opened, so nobody can sign in as its teacher: anyone may repair it, as
 * anyone may delete it. Its teacher is kept when the damaged database still holds the row;
 * otherwise a new teacher password is made and returned, to show once.
 */
export async function repairWorld(id: string, options: SeedOptions = {}): Promise<Result<{ entry: WorldEntry; generatedTeacherPassword: string | null }, string>> {
  const entry = await openRegistry().worlds.get(id);
  if (!entry) return err('world_not_found');
  const health = await worldHealth(entry);
  if (health === 'ok') return err('world_not_damaged');
  let kept: TeacherRow | undefined;
  if (health === 'damaged') {
    const old = openWorldDb(entry);
    try {
      kept = await readTeacherRow(old);
    } catch {
      // A database too damaged to read its teacher: a new teacher is made below.
    } finally {
      old.close();
    }
  }
  const made = kept === undefined ? await prepareTeacher({ name: null, password: null }, worldEpochMs, options.random ?? browserRandom, options.passwordIterations ?? defaultPasswordIterations) : undefined;
  const r = await rebuildWorld(entry, kept ?? made!.row, options);
  if (!r.ok) return r;
  return ok({ entry: r.value, generatedTeacherPassword: made?.generated ? made.password : null });
}
