import {
  assert,
  err,
  hashPassword,
  isRole,
  ok,
  passwordIterations as defaultIterations,
  saltLength,
  ivLength,
  sealPrivateKey,
  type Certificate,
  type PasswordHash,
  type Result,
  type RevocationList,
  type Role,
  type SealedPrivateKey,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityMetaKeys, identityTables, type IdentityTrust, type UserRow } from '../../storage/identity-tables.ts';

// Shared pieces of the identity commands: randomness, the world's password cost, its trust anchors
// and certificate numbering.

/** Random bytes from the browser (or Node's WebCrypto in tests). The domain never draws its own. */
export type Random = (bytes: number) => Uint8Array;

export function systemRandom(bytes: number): Uint8Array {
  assert(Number.isSafeInteger(bytes) && bytes > 0 && bytes <= 65_536, 'random bytes: 1..65536');
  return crypto.getRandomValues(new Uint8Array(bytes));
}

// Crockford base32 (no I, L, O, U): 32 symbols, so byte & 31 picks one without bias, and none is
// misread when the sheet is copied by hand.
const labPasswordAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const labPasswordGroups = 3;
const labPasswordGroupLength = 4;

/** A first password for the lab sheet: 3 groups of 4, e.g. "K7M2-P9QX-AD4E" (60 bits). */
export function makeLabPassword(random: Random): string {
  const bytes = random(labPasswordGroups * labPasswordGroupLength);
  const groups: string[] = [];
  for (let g = 0; g < labPasswordGroups; g++) {
    let group = '';
    for (let i = 0; i < labPasswordGroupLength; i++) group += labPasswordAlphabet[bytes[g * labPasswordGroupLength + i]! & 31]!;
    groups.push(group);
  }
  return groups.join('-');
}

/** PBKDF2 iterations for passwords set in this world (the seeder records the app's or the test's). */
export async function readPasswordIterations(db: WorldDb): Promise<number> {
  const row = await db.meta.get(identityMetaKeys.passwordIterations);
  if (row === undefined) return defaultIterations;
  assert(Number.isSafeInteger(row.value) && (row.value as number) > 0, 'stored password iterations');
  return row.value as number;
}

/** A password's stored hash and the party's seed sealed under it, each with its own fresh salt. */
export async function protectWithPassword(
  seed: Uint8Array,
  password: string,
  random: Random,
  iterations: number,
): Promise<{ passwordHash: PasswordHash; sealed: SealedPrivateKey }> {
  // Both derivations run at once: WebCrypto does PBKDF2 off the main thread.
  const [passwordHash, sealed] = await Promise.all([
    hashPassword(password, random(saltLength), iterations),
    sealPrivateKey(seed, password, random(saltLength), random(ivLength), iterations),
  ]);
  return { passwordHash, sealed };
}

/** The world's roots and current revocation list, or null in a world made before identities. */
export async function readTrust(db: WorldDb): Promise<IdentityTrust | null> {
  const [roots, crl] = await Promise.all([db.meta.get(identityMetaKeys.roots), db.meta.get(identityMetaKeys.crl)]);
  if (roots === undefined || crl === undefined) return null;
  assert(Array.isArray(roots.value) && roots.value.length > 0, 'stored roots are a non-empty list');
  return { roots: roots.value as Certificate[], crl: crl.value as RevocationList };
}

export async function requireTrust(db: WorldDb): Promise<Result<IdentityTrust, 'identities_not_set_up'>> {
  const trust = await readTrust(db);
  return trust === null ? err('identities_not_set_up') : ok(trust);
}

/** The CA certificate that issues (the world has one CA, whose root signs every certificate). */
export function issuingCa(trust: IdentityTrust): Certificate {
  const ca = trust.roots[0];
  assert(ca !== undefined && ca.body.subject.role === 'ca', 'the first root is the CA');
  return ca;
}

/** Takes the next certificate serial; call inside the transaction that stores the certificate. */
export async function takeSerial(db: WorldDb): Promise<number> {
  const row = await db.meta.get(identityMetaKeys.nextSerial);
  assert(row !== undefined && Number.isSafeInteger(row.value), 'the CA has a serial counter');
  const serial = row.value as number;
  await db.meta.put({ key: identityMetaKeys.nextSerial, value: serial + 1 });
  return serial;
}

export function roleOfKind(kind: string): Role {
  assert(isRole(kind), `party kind ${kind} is a certificate role`);
  return kind;
}

export async function userOf(db: WorldDb, partyId: string): Promise<UserRow | undefined> {
  return identityTables(db).users.get(partyId);
}

/**
 * For later features: a buyer or seller may act only once its account is activated. Institutions
 * are always active.
 */
export async function requireActiveAccount(db: WorldDb, partyId: string): Promise<Result<UserRow, 'user_not_found' | 'account_not_activated'>> {
  const user = await userOf(db, partyId);
  if (user === undefined) return err('user_not_found');
  if (user.status !== 'active') return err('account_not_activated');
  return ok(user);
}
