// Passwords and sealed private keys. A party's Ed25519 seed is stored only encrypted under a key
// derived from its password (PBKDF2-SHA256 -> AES-GCM-256), and the login check keeps only a
// PBKDF2 hash. Salt and IV are parameters: the domain never draws randomness itself.
//
// WebCrypto PBKDF2 is async: derive before or after an IndexedDB transaction, never inside one.
import { err, ok, type Result } from '../result.ts';
import { assert } from '../assert.ts';
import {
  assertBytes,
  bytesToHex,
  concatBytes,
  CryptoInputError,
  CryptoUnavailableError,
  equalBytes,
  hexToBytes,
  isHex,
  utf8Encode,
} from './bytes.ts';
import { seedLength } from './ed25519.ts';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256. The default everywhere; lower only in tests. */
export const passwordIterations = 600_000;
/** Beyond this a login would take minutes: a stored count this high is corrupt data. */
export const passwordIterationsMax = 100_000_000;
export const saltLength = 16;
export const ivLength = 12;
const hashBits = 256;

export type SealedPrivateKey = {
  readonly alg: 'AES-GCM-256';
  readonly kdf: 'PBKDF2-SHA256';
  readonly iterations: number;
  /** hex, 16 bytes */
  readonly salt: string;
  /** hex, 12 bytes */
  readonly iv: string;
  /** hex: the 32-byte seed encrypted, then GCM's 16-byte tag */
  readonly ciphertext: string;
};

export type PasswordHash = {
  readonly salt: string;
  readonly iterations: number;
  readonly hash: string;
};

// The same password and salt must never give the same bits for both uses: the stored password
// hash would otherwise be the AES key of the sealed private key, and anyone who reads the
// database could decrypt it. A purpose label in front of the salt keeps the two derivations apart
// even when a caller passes the same salt to both.
const sealPurpose = utf8Encode('settlelab/seal-private-key/v1\0');
const passwordPurpose = utf8Encode('settlelab/password-hash/v1\0');

function requireSubtle(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle === undefined) throw new CryptoUnavailableError('WebCrypto (crypto.subtle) is not available');
  return subtle;
}

function assertIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > passwordIterationsMax) {
    throw new CryptoInputError(`iterations must be an integer in 1..${passwordIterationsMax}, got ${iterations}`);
  }
}

/**
 * Passwords are NFKC-normalized before hashing (NIST SP 800-63B 5.1.1.2), so a full-width or
 * composed character typed on another keyboard or IME still opens the account.
 */
function passwordBytes(password: string): Uint8Array<ArrayBuffer> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new CryptoInputError('password must be a non-empty string');
  }
  return utf8Encode(password.normalize('NFKC'));
}

async function pbkdf2Bits(password: string, purpose: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const subtle = requireSubtle();
  const base = await subtle.importKey('raw', passwordBytes(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: concatBytes(purpose, salt), iterations },
    base,
    hashBits,
  );
  return new Uint8Array(bits);
}

async function aesKey(password: string, salt: Uint8Array, iterations: number, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const bits = await pbkdf2Bits(password, sealPurpose, salt, iterations);
  const key = await requireSubtle().importKey('raw', bits as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [usage]);
  bits.fill(0);
  return key;
}

/** Encrypts a 32-byte Ed25519 seed under `password`. `salt16` and `iv12` must be fresh random bytes. */
export async function sealPrivateKey(
  seed32: Uint8Array,
  password: string,
  salt16: Uint8Array,
  iv12: Uint8Array,
  iterations: number = passwordIterations,
): Promise<SealedPrivateKey> {
  assertBytes(seed32, seedLength, 'seed');
  assertBytes(salt16, saltLength, 'salt');
  assertBytes(iv12, ivLength, 'iv');
  assertIterations(iterations);
  const key = await aesKey(password, salt16, iterations, 'encrypt');
  const iv = new Uint8Array(iv12);
  const ciphertext = new Uint8Array(await requireSubtle().encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(seed32)));
  assert(ciphertext.length === seedLength + 16, 'AES-GCM output must be the seed plus a 16-byte tag');
  return {
    alg: 'AES-GCM-256',
    kdf: 'PBKDF2-SHA256',
    iterations,
    salt: bytesToHex(salt16),
    iv: bytesToHex(iv12),
    ciphertext: bytesToHex(ciphertext),
  };
}

function assertSealed(sealed: SealedPrivateKey): void {
  // A sealed key comes from our own storage; a malformed one is corrupt data, not a user mistake.
  if (sealed === null || typeof sealed !== 'object') throw new CryptoInputError('sealed key must be an object');
  if (sealed.alg !== 'AES-GCM-256') throw new CryptoInputError(`unsupported alg ${String(sealed.alg)}`);
  if (sealed.kdf !== 'PBKDF2-SHA256') throw new CryptoInputError(`unsupported kdf ${String(sealed.kdf)}`);
  assertIterations(sealed.iterations);
  if (!isHex(sealed.salt, saltLength)) throw new CryptoInputError('sealed salt must be 16 bytes of hex');
  if (!isHex(sealed.iv, ivLength)) throw new CryptoInputError('sealed iv must be 12 bytes of hex');
  if (!isHex(sealed.ciphertext, seedLength + 16)) throw new CryptoInputError('sealed ciphertext must be 48 bytes of hex');
}

/**
 * Decrypts a sealed seed. A wrong password fails GCM's authentication tag, so it is told apart
 * from a right one with certainty (never a wrong seed).
 */
export async function openPrivateKey(sealed: SealedPrivateKey, password: string): Promise<Result<Uint8Array, 'wrong_password'>> {
  assertSealed(sealed);
  if (typeof password !== 'string') throw new CryptoInputError('password must be a string');
  // Sealing refuses an empty password, so an empty one can never be right.
  if (password.length === 0) return err('wrong_password');
  const key = await aesKey(password, hexToBytes(sealed.salt), sealed.iterations, 'decrypt');
  let plain: ArrayBuffer;
  try {
    plain = await requireSubtle().decrypt({ name: 'AES-GCM', iv: hexToBytes(sealed.iv) }, key, hexToBytes(sealed.ciphertext));
  } catch (error) {
    // OperationError is WebCrypto's "authentication tag did not match"; anything else is a bug.
    if (error instanceof Error && error.name === 'OperationError') return err('wrong_password');
    throw error;
  }
  const seed = new Uint8Array(plain);
  assert(seed.length === seedLength, 'a sealed key must open to a 32-byte seed');
  return ok(seed);
}

/** The stored form of a login password. `salt16` must be fresh random bytes. */
export async function hashPassword(
  password: string,
  salt16: Uint8Array,
  iterations: number = passwordIterations,
): Promise<PasswordHash> {
  assertBytes(salt16, saltLength, 'salt');
  assertIterations(iterations);
  const hash = await pbkdf2Bits(password, passwordPurpose, salt16, iterations);
  return { salt: bytesToHex(salt16), iterations, hash: bytesToHex(hash) };
}

/** Whether `password` matches `stored`; the final comparison is constant-time. */
export async function checkPassword(stored: PasswordHash, password: string): Promise<boolean> {
  if (stored === null || typeof stored !== 'object') throw new CryptoInputError('stored hash must be an object');
  assertIterations(stored.iterations);
  if (!isHex(stored.salt, saltLength)) throw new CryptoInputError('stored salt must be 16 bytes of hex');
  if (!isHex(stored.hash, hashBits / 8)) throw new CryptoInputError('stored hash must be 32 bytes of hex');
  if (typeof password !== 'string') throw new CryptoInputError('password must be a string');
  if (password.length === 0) return false; // hashPassword refuses empty passwords
  const hash = await pbkdf2Bits(password, passwordPurpose, hexToBytes(stored.salt), stored.iterations);
  return equalBytes(hash, hexToBytes(stored.hash));
}

/** True when a stored hash or sealed key used fewer iterations than today's default: re-derive it at the next login. */
export function needsRehash(stored: { readonly iterations: number }): boolean {
  assertIterations(stored.iterations);
  return stored.iterations < passwordIterations;
}
