import {
  assert,
  bytesToHex,
  checkPassword,
  err,
  keyPairFromSeed,
  ok,
  openPrivateKey,
  passwordLengthMax,
  passwordLengthMin,
  seedLength,
  type Result,
} from '../domain/index.ts';
import { worldDbPrefix, type WorldDb } from '../storage/schema.ts';
import { teacherRowId, teacherTable, type TeacherRow } from '../storage/teacher-table.ts';
import { identityTables, type LabSheetRow } from '../storage/identity-tables.ts';
import { readClock } from './clock-read.ts';
import { makeLabPassword, protectWithPassword, readPasswordIterations, systemRandom, type Random } from './identity/common.ts';

// The teacher of a world. A world has one teacher: a display name, a password (kept as a PBKDF2
// hash, like users') and an Ed25519 key whose seed is sealed under that password (like parties'
// keys), so the teacher can sign what they prepare (an exported world file).
//
// Signing in proves the password and gives a TeacherToken: an object only this module makes, kept
// in the signing-in tab's memory (ui/identity/teacher-session.svelte.ts). Every lab tool that
// creates, moves or alters money or records takes that token and refuses without it, so hiding the
// controls from students' tabs is not the only lock.

/** A display name fits in the header and on a file's "prepared by". */
export const teacherNameMax = 40;

export type TeacherError =
  | 'teacher_name_too_long'
  | 'teacher_password_blank'
  | 'teacher_password_too_short'
  | 'teacher_password_too_long'
  | 'teacher_password_required'
  | 'teacher_wrong_password'
  | 'teacher_not_set'
  | 'teacher_already_set'
  | 'teacher_sign_in_required';

/** What the creator typed: the name may be empty, and an empty password means "make one for me". */
export type TeacherInput = { readonly name?: string; readonly password?: string };

/** A checked teacher input: `password` null means generate one. */
export type TeacherChoice = { readonly name: string | null; readonly password: string | null };

/** The same length rules as parties' passwords (counted in code points after NFKC); never trimmed. */
export function checkTeacherInput(input: TeacherInput): Result<TeacherChoice, TeacherError> {
  const name = (input.name ?? '').normalize('NFKC').trim();
  if ([...name].length > teacherNameMax) return err('teacher_name_too_long', { max: teacherNameMax });
  const password = input.password ?? '';
  if (password === '') return ok({ name: name === '' ? null : name, password: null });
  const checked = checkTeacherPassword(password);
  if (!checked.ok) return checked;
  return ok({ name: name === '' ? null : name, password });
}

function checkTeacherPassword(password: string): Result<string, TeacherError> {
  if (password.trim() === '') return err('teacher_password_blank');
  // Overlong input is refused before normalizing it (NFKC can grow text).
  if (password.length > passwordLengthMax * 4) return err('teacher_password_too_long', { max: passwordLengthMax });
  const length = [...password.normalize('NFKC')].length;
  if (length < passwordLengthMin) return err('teacher_password_too_short', { min: passwordLengthMin });
  if (length > passwordLengthMax) return err('teacher_password_too_long', { max: passwordLengthMax });
  return ok(password);
}

/** A generated teacher password: the lab sheet's form, 3 groups of 4 base32 symbols (60 bits). */
export function makeTeacherPassword(random: Random): string {
  return makeLabPassword(random);
}

export type PreparedTeacher = { readonly row: TeacherRow; readonly password: string; readonly generated: boolean };

const preparedHere = new WeakSet<PreparedTeacher>();

/** PBKDF2 and sealing: run before the transaction that stores the row, never inside one. */
export async function prepareTeacher(choice: TeacherChoice, now: number, random: Random, iterations: number): Promise<PreparedTeacher> {
  const password = choice.password ?? makeTeacherPassword(random);
  const seed = random(seedLength);
  const { passwordHash, sealed } = await protectWithPassword(seed, password, random, iterations);
  const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
  seed.fill(0);
  const prepared: PreparedTeacher = { row: { id: teacherRowId, name: choice.name, passwordHash, publicKey, sealed, createdAt: now }, password, generated: choice.password === null };
  preparedHere.add(prepared);
  return prepared;
}

// ---- the token --------------------------------------------------------------------------------

const mintKey = Symbol('teacher token');
const issued = new WeakSet<TeacherToken>();

/**
 * The world a database belongs to: its name is the prefix and the world id, and a database rebuilt
 * for a reset or repair adds "~" and a suffix (world ids never hold "~").
 */
function worldIdOfDb(db: WorldDb): string {
  const rest = db.name.startsWith(worldDbPrefix) ? db.name.slice(worldDbPrefix.length) : db.name;
  const cut = rest.indexOf('~');
  return cut < 0 ? rest : rest.slice(0, cut);
}

/**
 * Proof that the teacher's password was given in this tab for one world. A class (not a plain
 * object) so Svelte state keeps it as is; only this module can construct one (the private symbol),
 * and only after checking or setting the teacher's password. It names the world, not a database:
 * a reset rebuilds the database under a new name and keeps the teacher, so the sign-in stays good.
 */
export class TeacherToken {
  readonly #worldId: string;
  readonly signedInAtMs: number;
  constructor(key: symbol, worldId: string, signedInAtMs: number) {
    assert(key === mintKey, 'teacher tokens are made by signing in');
    this.#worldId = worldId;
    this.signedInAtMs = signedInAtMs;
    issued.add(this);
    Object.freeze(this);
  }
  /** Whether this token was made for the world `db` holds. */
  isFor(db: WorldDb): boolean {
    return this.#worldId === worldIdOfDb(db);
  }
}

function issueToken(worldId: string, signedInAtMs: number): TeacherToken {
  return new TeacherToken(mintKey, worldId, signedInAtMs);
}


/**
 * The creator of a world typed (or was shown) its teacher password: their tab is signed in at once.
 * Only a PreparedTeacher made by prepareTeacher counts.
 */
export function tokenForNewWorld(prepared: PreparedTeacher, worldId: string, signedInAtMs: number): TeacherToken {
  assert(preparedHere.has(prepared), 'a teacher prepared by prepareTeacher');
  return issueToken(worldId, signedInAtMs);
}

/** What lab tools check first: a token this module issued, for this world. */
export function requireTeacher(db: WorldDb, token: TeacherToken | null | undefined): Result<null, 'teacher_sign_in_required'> {
  if (token === null || token === undefined || !issued.has(token) || !token.isFor(db)) return err('teacher_sign_in_required');
  return ok(null);
}

// ---- reading, signing in, opening the key -----------------------------------------------------

export type TeacherInfo = { readonly name: string | null; readonly publicKey: string };

/** The teacher's display name and public key, or null in a world whose teacher was never set. */
export async function readTeacher(db: WorldDb): Promise<TeacherInfo | null> {
  const row = await teacherTable(db).get(teacherRowId);
  return row === undefined ? null : { name: row.name, publicKey: row.publicKey };
}

export async function readTeacherRow(db: WorldDb): Promise<TeacherRow | undefined> {
  return teacherTable(db).get(teacherRowId);
}

/** Checks the teacher's password; on success the token for this tab. */
export async function signInTeacher(db: WorldDb, password: string, options: { readonly nowMs: number }): Promise<Result<TeacherToken, TeacherError>> {
  if (password === '') return err('teacher_password_required');
  const row = await readTeacherRow(db);
  if (row === undefined) return err('teacher_not_set');
  if (!(await checkPassword(row.passwordHash, password))) return err('teacher_wrong_password');
  return ok(issueToken(worldIdOfDb(db), options.nowMs));
}

/**
 * Opens the teacher's private key with the password, for signing (an exported world). The caller
 * owns the returned seed and should overwrite it (`seed.fill(0)`) once it has signed.
 */
export async function openTeacherKey(db: WorldDb, password: string): Promise<Result<{ readonly seed: Uint8Array } & TeacherInfo, TeacherError>> {
  if (password === '') return err('teacher_password_required');
  const row = await readTeacherRow(db);
  if (row === undefined) return err('teacher_not_set');
  const opened = await openPrivateKey(row.sealed, password);
  if (!opened.ok) return err('teacher_wrong_password');
  assert(bytesToHex(keyPairFromSeed(opened.value).publicKey) === row.publicKey, 'the sealed teacher key matches its public key');
  return ok({ seed: opened.value, name: row.name, publicKey: row.publicKey });
}

/**
 * A world made before teachers existed (schema < 11) or imported from such a file has no teacher:
 * the first to set one becomes it (see migrations/v11-teacher.ts for why that is safe). Writes only
 * if no teacher exists by then, so two tabs setting it at once cannot both win.
 */
export async function claimTeacher(
  db: WorldDb,
  input: TeacherInput,
  options: { readonly nowMs: number; readonly random?: Random; readonly passwordIterations?: number },
): Promise<Result<{ readonly token: TeacherToken; readonly password: string; readonly generated: boolean }, TeacherError>> {
  const choice = checkTeacherInput(input);
  if (!choice.ok) return choice;
  if ((await readTeacherRow(db)) !== undefined) return err('teacher_already_set');
  const [now, iterations] = await Promise.all([readClock(db), options.passwordIterations ?? readPasswordIterations(db)]);
  const prepared = await prepareTeacher(choice.value, now, options.random ?? systemRandom, iterations);
  const stored = await db.transaction('rw', teacherTable(db), async () => {
    if ((await teacherTable(db).get(teacherRowId)) !== undefined) return false;
    await teacherTable(db).add(prepared.row);
    return true;
  });
  if (!stored) return err('teacher_already_set');
  return ok({ token: issueToken(worldIdOfDb(db), options.nowMs), password: prepared.password, generated: prepared.generated });
}

/** Stores a prepared teacher; inside the world's seeding transaction. */
export async function writeTeacher(db: WorldDb, row: TeacherRow): Promise<void> {
  await teacherTable(db).put(row);
}

/**
 * The institutions' first passwords (the lab sheet) are the teacher's to hand out: without the
 * teacher's token a tab reads the logins with every password left out.
 */
export async function readLabSheet(db: WorldDb, teacher: TeacherToken | null): Promise<{ readonly rows: LabSheetRow[]; readonly passwordsShown: boolean }> {
  const rows = await identityTables(db).labSheet.toArray();
  if (requireTeacher(db, teacher).ok) return { rows, passwordsShown: true };
  return { rows: rows.map((row) => ({ ...row, password: null })), passwordsShown: false };
}
