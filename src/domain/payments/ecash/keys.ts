// The bank's e-cash keys: one Schnorr key pair per denomination, all derived from one 32-byte
// seed the bank drew (kept sealed like any other private key). Deriving them means the bank backs
// up one secret, and a separate key per value means a coin's value is fixed by who signed it.
//
// These are NOT Ed25519 (RFC 8032) keys: the secret is a plain scalar x and the public key X = xG,
// because blind issuance needs the signer's response to be linear in x (s = k + e·x); RFC 8032
// derives its nonce from the message, which the blind signer never sees.
import { assert } from '../../assert.ts';
import { assertBytes, hexToBytes, sha256Hex, utf8Encode } from '../../crypto/index.ts';
import { ecashDenominations, isEcashDenomination, type EcashDenomination } from './denominations.ts';
import { baseTimes, pointFromHex, pointToHex, scalarFromHash, scalarFromHex, scalarToHex, type GroupPoint } from './group.ts';

export const ecashKeySeedLength = 32;
const bankKeyTag = 'settlelab/ecash/bank-key/v1';

/** What everyone may know: merchants and wallets check coins with it. */
export type EcashPublicKey = {
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  /** hex, 32-byte point X = xG */
  readonly publicKey: string;
  /** SHA-256 (hex) of the public key bytes: names the key in rows and the lab view. */
  readonly keyId: string;
};

/** The bank's private row: the public key plus its secret scalar x (hex, 32 bytes little-endian). */
export type EcashSigningKey = EcashPublicKey & { readonly secretScalar: string };

/** The signing key of `denomination`, derived from the bank's seed. */
export function ecashSigningKeyFromSeed(bankId: string, seed: Uint8Array, denomination: EcashDenomination): EcashSigningKey {
  assertBytes(seed, ecashKeySeedLength, 'seed');
  assert(bankId.length > 0, 'bankId required');
  assert(isEcashDenomination(denomination), `unknown denomination ${String(denomination)}`);
  const secret = scalarFromHash(bankKeyTag, seed, utf8Encode(bankId), utf8Encode(denomination));
  const publicKey = pointToHex(baseTimes(secret));
  return { bankId, denomination, publicKey, keyId: sha256Hex(hexToBytes(publicKey)), secretScalar: scalarToHex(secret) };
}

/** All of a bank's denomination keys, smallest value first. */
export function ecashBankKeysFromSeed(bankId: string, seed: Uint8Array): EcashSigningKey[] {
  const keys = ecashDenominations.map((d) => ecashSigningKeyFromSeed(bankId, seed, d));
  // Distinct keys per denomination are the point of the design; equal keys would mean a bug.
  assert(new Set(keys.map((k) => k.publicKey)).size === keys.length, 'denomination keys must differ');
  return keys;
}

export function ecashPublicKeyOf(key: EcashSigningKey): EcashPublicKey {
  return { bankId: key.bankId, denomination: key.denomination, publicKey: key.publicKey, keyId: key.keyId };
}

/** The published key of (bank, denomination), or undefined. */
export function findEcashKey<K extends EcashPublicKey>(keys: readonly K[], bankId: string, denomination: string): K | undefined {
  return keys.find((k) => k.bankId === bankId && k.denomination === denomination);
}

/** Decoded keys by hex: decoding checks the subgroup (a scalar multiplication), so each key is decoded once. */
const keyPoints = new Map<string, GroupPoint>();
const keyPointsCachedMax = 1024;

/** Decodes a published key; asserts it is well formed (keys are configuration, not user input). */
export function ecashKeyPoint(key: EcashPublicKey): GroupPoint {
  const cached = keyPoints.get(key.publicKey);
  if (cached !== undefined) return cached;
  const point = pointFromHex(key.publicKey);
  assert(point !== null, `e-cash key ${key.keyId} is not a valid group element`);
  // A plain memo of a pure function: the same hex always decodes to the same point.
  if (keyPoints.size >= keyPointsCachedMax) keyPoints.clear();
  keyPoints.set(key.publicKey, point);
  return point;
}

/** The secret scalar of a signing key; asserts it matches the public key (a wiring bug otherwise). */
export function ecashSecretOf(key: EcashSigningKey): bigint {
  const secret = scalarFromHex(key.secretScalar);
  assert(secret !== null && secret !== 0n, 'signing key secret is malformed');
  assert(pointToHex(baseTimes(secret)) === key.publicKey, 'signing key secret does not match its public key');
  return secret;
}
