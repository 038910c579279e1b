// Scalars and points of the ed25519 prime-order group, as the blind Schnorr scheme uses them
// (SCHEME.md). Built on @noble/ed25519's Point (complete twisted-Edwards formulas) and its group
// order CURVE().n; the challenge hash is SHA-512 from @noble/hashes.
//
// Wire form: a point is its 32-byte RFC 8032 encoding in hex; a scalar is 32 bytes little-endian
// in hex (the same layout as the S half of an Ed25519 signature). Decoding is strict: a
// non-canonical encoding, the identity, or a point outside the prime-order subgroup is refused,
// because each of those would give one coin several valid encodings (or leak through a torsion
// component which blinding does not hide).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { assert } from '../../assert.ts';
import { assertBytes, bytesToHex, concatBytes, hexToBytes, isHex, utf8Encode } from '../../crypto/index.ts';

export type GroupPoint = ed.Point;

/** The order of the base point (2^252 + 27742317777372353535851937790883648493). */
export const groupOrder: bigint = ed.Point.CURVE().n;
const basePoint: ed.Point = ed.Point.BASE;

export const scalarLength = 32;
export const pointLength = 32;
/**
 * Random bytes drawn for one secret scalar. 64, not 32: reducing 256 random bits mod n (~2^252)
 * makes small values about 16 times likelier than large ones, and a biased Schnorr nonce leaks the
 * key to lattice attacks. 512 bits reduced mod n are uniform to within 2^-260.
 */
export const scalarRandomLength = 64;

function numberFromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function littleEndianOf(value: bigint, length: number): Uint8Array {
  assert(value >= 0n, 'only non-negative numbers are encoded');
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  assert(rest === 0n, 'number does not fit');
  return out;
}

export function mod(value: bigint): bigint {
  const r = value % groupOrder;
  return r < 0n ? r + groupOrder : r;
}

/** Any bytes reduced mod n (use 64 bytes for a uniform scalar). */
export function scalarFromBytes(bytes: Uint8Array): bigint {
  assertBytes(bytes, undefined, 'bytes');
  return mod(numberFromLittleEndian(bytes));
}

/** A secret scalar from domain-separated material: SHA-512 of (tag, parts...) mod n, never zero. */
export function scalarFromHash(tag: string, ...parts: Uint8Array[]): bigint {
  const tagBytes = utf8Encode(tag);
  // Length-prefixing every part keeps (a, bc) and (ab, c) from hashing the same.
  const framed = [tagBytes, ...parts].flatMap((p) => [littleEndianOf(BigInt(p.length), 4), p]);
  const scalar = mod(numberFromLittleEndian(sha512(concatBytes(...framed))));
  // Probability 2^-252: a zero here means the hash is broken, not bad luck worth handling.
  assert(scalar !== 0n, 'hash gave the zero scalar');
  return scalar;
}

export function scalarToHex(scalar: bigint): string {
  assert(scalar >= 0n && scalar < groupOrder, 'scalar out of range');
  return bytesToHex(littleEndianOf(scalar, scalarLength));
}

/** The scalar of a canonical 32-byte hex encoding, or null (malformed, or not below n). */
export function scalarFromHex(hex: unknown): bigint | null {
  if (!isHex(hex, scalarLength)) return null;
  const value = numberFromLittleEndian(hexToBytes(hex));
  return value < groupOrder ? value : null;
}

/** [scalar]G. Constant-time ladder for non-zero scalars (they may be secret). */
export function baseTimes(scalar: bigint): GroupPoint {
  assert(scalar >= 0n && scalar < groupOrder, 'scalar out of range');
  return scalar === 0n ? ed.Point.ZERO : basePoint.multiply(scalar);
}

/** [scalar]P for public values (verification): variable time is fine and faster. */
export function publicTimes(point: GroupPoint, scalar: bigint): GroupPoint {
  assert(scalar >= 0n && scalar < groupOrder, 'scalar out of range');
  return point.multiply(scalar, false);
}

/** [scalar]P where the scalar is secret (blinding factors): constant-time ladder. */
export function secretTimes(point: GroupPoint, scalar: bigint): GroupPoint {
  assert(scalar >= 0n && scalar < groupOrder, 'scalar out of range');
  return scalar === 0n ? ed.Point.ZERO : point.multiply(scalar);
}

export function pointToHex(point: GroupPoint): string {
  return bytesToHex(point.toBytes());
}

/**
 * The point of a hex encoding when it is canonical, not the identity, and in the prime-order
 * subgroup; null otherwise. Every point a party receives goes through here.
 *
 * `checkSubgroup: false` skips the subgroup test (a full scalar multiplication, the costliest part)
 * where the caller's own equation implies it: if s'G = R' + e'X holds with X in the subgroup, then
 * R' = s'G - e'X is in it too, so a coin check need not test R' separately.
 */
export function pointFromHex(hex: unknown, checkSubgroup = true): GroupPoint | null {
  if (!isHex(hex, pointLength)) return null;
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(hexToBytes(hex), false);
  } catch {
    return null;
  }
  // Re-encoding must give the same bytes: refuses the x = 0 / sign-bit and y >= p aliases.
  if (pointToHex(point) !== hex.toLowerCase()) return null;
  if (point.is0()) return null;
  if (checkSubgroup && !point.isTorsionFree()) return null;
  return point;
}

export const challengeTag = 'settlelab/ecash/blind-schnorr-challenge/v1';

/**
 * The Schnorr challenge e = H(tag || R || X || m) mod n, H = SHA-512. R and X are fixed-length
 * encodings, so the split between them and the message is unambiguous.
 */
export function schnorrChallenge(commitment: GroupPoint, publicKey: GroupPoint, message: Uint8Array): bigint {
  assertBytes(message, undefined, 'message');
  const digest = sha512(concatBytes(utf8Encode(challengeTag), commitment.toBytes(), publicKey.toBytes(), message));
  return mod(numberFromLittleEndian(digest));
}

/** s·G == R + e·X: the Schnorr verification equation over public values. */
export function schnorrEquationHolds(commitment: GroupPoint, response: bigint, challenge: bigint, publicKey: GroupPoint): boolean {
  const left = publicTimes(basePoint, response);
  const right = commitment.add(publicTimes(publicKey, challenge));
  return left.equals(right);
}
