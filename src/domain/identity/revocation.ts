// Revocation (证书吊销): a CA withdraws a certificate before it expires, e.g. when the private key
// leaked. It publishes a signed revocation list; verifiers refuse a certificate from the moment
// it was revoked (a certificate revoked at world time T is still good at T - 1, so documents
// signed before the revocation keep verifying when checked at their own time).
import { assert } from '../assert.ts';
import { bytesToHex, canonicalBytes, hexToBytes, isHex, keyPairFromSeed, sign, signatureLength, verify } from '../crypto/index.ts';
import { issuerOf, keyIdOf, type Certificate, type CertificateIssuer } from './certificates.ts';

export const revocationReasons = [
  'key_compromise',
  'ca_compromise',
  'affiliation_changed',
  'superseded',
  'cessation_of_operation',
  'certificate_hold',
  'unspecified',
] as const;
export type RevocationReason = (typeof revocationReasons)[number];

export type RevocationEntry = {
  readonly serial: number;
  readonly reason: RevocationReason;
  /** World time (ms) from which the certificate is refused. */
  readonly revokedAt: number;
};

export type RevocationList = {
  readonly issuer: CertificateIssuer;
  /** Sorted by serial, one entry per serial. */
  readonly entries: readonly RevocationEntry[];
  readonly updatedAt: number;
  /** hex, the CA's signature over revocationListSigningBytes */
  readonly signature: string;
};

/**
 * A signed list, or bare entries the caller already trusts (e.g. rows read from its own CA
 * table). A list applies only to certificates its issuer issued; bare entries match by serial,
 * which assumes serials are unique across the CAs in play (true with one SettleLab CA).
 */
export type RevocationSource = RevocationList | readonly RevocationEntry[];

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'not_yet_valid';

/** A list holds at most this many entries: bounds the work of every status check. */
export const revocationEntriesMax = 1_000_000;
export const revocationListSigningContext = 'settlelab/revocation-list/v1';

export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === 'string' && (revocationReasons as readonly string[]).includes(value);
}

export function revocationListSigningBytes(list: Omit<RevocationList, 'signature'>): Uint8Array {
  const entries = list.entries.map((e) => ({ serial: e.serial, reason: e.reason, revokedAt: e.revokedAt }));
  const issuer = { name: list.issuer.name, partyId: list.issuer.partyId, keyId: list.issuer.keyId };
  return canonicalBytes({ context: revocationListSigningContext, list: { issuer, entries, updatedAt: list.updatedAt } });
}

/** The CA's signed list of `entries` as of `updatedAt`. */
export function makeRevocationList(
  caSeed: Uint8Array,
  caCertificate: Certificate,
  entries: readonly RevocationEntry[],
  updatedAt: number,
): RevocationList {
  assert(caCertificate.body.subject.role === 'ca', 'only a CA publishes a revocation list');
  assert(bytesToHex(keyPairFromSeed(caSeed).publicKey) === caCertificate.body.publicKey, 'caSeed does not belong to caCertificate');
  assert(Number.isSafeInteger(updatedAt) && updatedAt >= 0, 'updatedAt must be world time in ms');
  assert(entries.length <= revocationEntriesMax, `at most ${revocationEntriesMax} entries`);
  const serials = new Set<number>();
  for (const e of entries) {
    assert(Number.isSafeInteger(e.serial) && e.serial >= 1, `bad serial ${e.serial}`);
    assert(!serials.has(e.serial), `serial ${e.serial} is listed twice`);
    serials.add(e.serial);
    assert(isRevocationReason(e.reason), `unknown revocation reason ${String(e.reason)}`);
    assert(Number.isSafeInteger(e.revokedAt) && e.revokedAt >= 0, 'revokedAt must be world time in ms');
    // A list cannot announce a revocation it has not made yet.
    assert(e.revokedAt <= updatedAt, `entry ${e.serial} is revoked after the list's updatedAt`);
  }
  const sorted = [...entries]
    .map((e) => ({ serial: e.serial, reason: e.reason, revokedAt: e.revokedAt }))
    .sort((a, b) => a.serial - b.serial);
  const unsigned = { issuer: issuerOf(caCertificate), entries: sorted, updatedAt };
  const signature = bytesToHex(sign(revocationListSigningBytes(unsigned), caSeed));
  return { ...unsigned, signature };
}

function entriesAreWellFormed(entries: unknown): entries is readonly RevocationEntry[] {
  if (!Array.isArray(entries) || entries.length > revocationEntriesMax) return false;
  return entries.every(
    (e: unknown) =>
      e !== null &&
      typeof e === 'object' &&
      Number.isSafeInteger((e as RevocationEntry).serial) &&
      isRevocationReason((e as RevocationEntry).reason) &&
      Number.isSafeInteger((e as RevocationEntry).revokedAt),
  );
}

/** True when `list` is well formed and signed by the key of `caCertificate`, which it names. */
export function verifyRevocationList(list: RevocationList, caCertificate: Certificate): boolean {
  if (list === null || typeof list !== 'object' || list.issuer === null || typeof list.issuer !== 'object') return false;
  if (!entriesAreWellFormed(list.entries) || !Number.isSafeInteger(list.updatedAt)) return false;
  if (typeof list.issuer.name !== 'string' || typeof list.issuer.partyId !== 'string') return false;
  if (!isHex(list.signature, signatureLength) || list.issuer.keyId !== keyIdOf(caCertificate.body.publicKey)) return false;
  return verify(hexToBytes(list.signature), revocationListSigningBytes(list), hexToBytes(caCertificate.body.publicKey));
}

export function isRevocationList(source: RevocationSource): source is RevocationList {
  return !Array.isArray(source);
}

/** The entry revoking `certificate` in `source` (whatever its time), or null. */
export function findRevocation(certificate: Certificate, source: RevocationSource): RevocationEntry | null {
  let entries: readonly RevocationEntry[];
  if (isRevocationList(source)) {
    if (source.issuer.keyId !== certificate.body.issuer.keyId) return null;
    entries = source.entries;
  } else {
    entries = source;
  }
  assert(entries.length <= revocationEntriesMax, `at most ${revocationEntriesMax} entries`);
  return entries.find((e) => e.serial === certificate.body.serial) ?? null;
}

/** Revoked at `now` means revoked at or before `now`. */
export function isRevokedAt(certificate: Certificate, source: RevocationSource, now: number): RevocationEntry | null {
  const entry = findRevocation(certificate, source);
  return entry !== null && entry.revokedAt <= now ? entry : null;
}

/**
 * The status to show for a certificate at world time `now`. Checks dates, then revocation, in
 * the verifier's order. It does not check signatures: pass a list checked by verifyRevocationList.
 */
export function certificateStatus(certificate: Certificate, now: number, source: RevocationSource): CertificateStatus {
  assert(Number.isFinite(now), 'now must be world time in ms');
  const { notBefore, notAfter } = certificate.body;
  if (now < notBefore) return 'not_yet_valid';
  if (now >= notAfter) return 'expired';
  if (isRevokedAt(certificate, source, now) !== null) return 'revoked';
  return 'valid';
}
