// Ed25519 signatures (RFC 8032) over @noble/ed25519's synchronous API. Synchronous on purpose:
// signing and verifying can then run anywhere, including between the reads and writes of an
// IndexedDB transaction, which an `await` on WebCrypto would commit early. The faster WebCrypto
// path for bulk work is in webcrypto.ts; both give the same verdict on every input (see verify).
//
// Randomness never enters here: a key pair comes from a 32-byte seed the caller drew.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, concatBytes } from './bytes.ts';

// noble's sync API throws until a synchronous SHA-512 is wired in; do it once, here, so every
// importer of this module gets a working signer.
ed.hashes.sha512 = sha512;

export const seedLength = 32;
export const publicKeyLength = 32;
export const signatureLength = 64;

/** The order L of the Ed25519 base point (RFC 8032 §5.1): a signature's S must be below it. */
const groupOrder: bigint = ed.Point.CURVE().n;

export type KeyPair = { readonly seed: Uint8Array; readonly publicKey: Uint8Array };

/** A public key decoded once and checked, so bulk verification decodes each key only once. */
export type PreparedPublicKey = { readonly bytes: Uint8Array; readonly point: ed.Point };

/** The RFC 8032 key pair of a 32-byte secret seed (the caller draws the seed from its randomness). */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  assertBytes(seed, seedLength, 'seed');
  const publicKey = ed.getPublicKey(seed);
  return { seed: seed.slice(), publicKey };
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return keyPairFromSeed(seed).publicKey;
}

/** Deterministic RFC 8032 signature: the same seed and message always give the same 64 bytes. */
export function sign(message: Uint8Array, secretSeed: Uint8Array): Uint8Array {
  assertBytes(message, undefined, 'message');
  assertBytes(secretSeed, seedLength, 'secretSeed');
  const signature = ed.sign(message, secretSeed);
  assertBytes(signature, signatureLength, 'signature');
  return signature;
}

/**
 * Decodes a public key for verification, or null when no honest key could look like it: a
 * non-canonical encoding (y >= p), bytes that are not a curve point, or a small-order point
 * (with those, one signature can verify for many messages or keys). WebCrypto engines differ on
 * these, so both of our paths refuse them before any engine sees them.
 */
export function preparePublicKey(publicKey: Uint8Array): PreparedPublicKey | null {
  assertBytes(publicKey, publicKeyLength, 'publicKey');
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(publicKey, false);
  } catch {
    return null;
  }
  if (point.isSmallOrder()) return null;
  return { bytes: publicKey.slice(), point };
}

function numberFromLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** L as 32 little-endian bytes, for comparing S byte by byte without BigInt. */
const groupOrderBytes: Uint8Array = (() => {
  const out = new Uint8Array(32);
  let n = groupOrder;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
})();

/** RFC 8032 §5.1.7 step 1: S must be below L, otherwise the signature is malleable. */
export function signatureScalarInRange(signature: Uint8Array): boolean {
  assertBytes(signature, signatureLength, 'signature');
  // Little-endian: compare from the most significant byte down; the first difference decides.
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!;
    const l = groupOrderBytes[i]!;
    if (s !== l) return s < l;
  }
  return false; // S == L
}

/**
 * Verifies with a public key prepared by preparePublicKey.
 *
 * The check is the cofactorless equation R = [S]B - [k]A, compared as encodings, which RFC 8032
 * §5.1.7 allows. noble's own verify uses the cofactored equation ([8]R = [8]([S]B - [k]A)),
 * while WebCrypto (OpenSSL in Node, BoringSSL in Chromium) is cofactorless: a signer who mixes a
 * small-order point into R gets a signature one accepts and the other refuses. Using the same
 * equation on both paths makes the auditor's bulk verdict equal the single-document verdict on
 * every input, not just on honest ones. Comparing encodings also refuses a non-canonical R.
 */
export function verifyPrepared(signature: Uint8Array, message: Uint8Array, key: PreparedPublicKey): boolean {
  assertBytes(signature, signatureLength, 'signature');
  assertBytes(message, undefined, 'message');
  if (!signatureScalarInRange(signature)) return false;
  const r = signature.subarray(0, 32);
  const s = numberFromLittleEndian(signature.subarray(32, 64));
  const k = ed.etc.mod(numberFromLittleEndian(sha512(concatBytes(r, key.bytes, message))), groupOrder);
  // multiply(_, false): variable time is fine, every input here is public.
  const expectedR = ed.Point.BASE.multiply(s, false).subtract(key.point.multiply(k, false)).toBytes();
  let difference = 0;
  for (let i = 0; i < 32; i++) difference |= expectedR[i]! ^ r[i]!;
  return difference === 0;
}

/** True when `signature` is `publicKey`'s RFC 8032 signature of `message`. Wrong input types or lengths throw CryptoInputError. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(signature, signatureLength, 'signature');
  assertBytes(message, undefined, 'message');
  assertBytes(publicKey, publicKeyLength, 'publicKey');
  const key = preparePublicKey(publicKey);
  if (key === null) return false;
  return verifyPrepared(signature, message, key);
}
