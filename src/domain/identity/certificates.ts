// Certificates (数字证书): the certificate authority (认证中心) binds a party's identity (name,
// role, party id) to its Ed25519 public key by signing both together. Everyone who trusts the
// CA's root certificate can then check who signed a document (see verifier.ts).
//
// Certificates are plain JSON rows (hex strings and world-time numbers), so storage can keep
// them as they are, and signing is synchronous so it can run inside an IndexedDB transaction.
import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import {
  bytesToHex,
  canonicalBytes,
  hexToBytes,
  isHex,
  keyPairFromSeed,
  publicKeyLength,
  sha256Hex,
  sign,
  signatureLength,
  verify,
} from '../crypto/index.ts';

export const roles = [
  'buyer',
  'seller',
  'operator',
  'bank',
  'card_company',
  'escrow',
  'logistics',
  'clearing',
  'ca',
  'device', // a merchant terminal or smart card that signs for itself
] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export const certificateVersion = 1;
const dayMs = 24 * 60 * 60 * 1000;
/** Issued certificates last one world-year unless the CA says otherwise. */
export const certificateValidityMsDefault = 365 * dayMs;
export const subjectNameLengthMax = 100;
export const partyIdLengthMax = 128;

export type CertificateSubject = { readonly name: string; readonly role: Role; readonly partyId: string };
/** keyId is the SHA-256 (hex) of the issuer's raw public key, like X.509's authority key id. */
export type CertificateIssuer = { readonly name: string; readonly partyId: string; readonly keyId: string };

export type CertificateBody = {
  readonly version: number;
  /** Unique per issuer; revocation lists name certificates by it. */
  readonly serial: number;
  readonly subject: CertificateSubject;
  /** hex, 32-byte Ed25519 public key */
  readonly publicKey: string;
  /** World time (ms): valid from notBefore (inclusive) until notAfter (exclusive). */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly issuer: CertificateIssuer;
};

export type Certificate = { readonly body: CertificateBody; readonly signature: string };

export type CertificateRequest = {
  readonly subject: CertificateSubject;
  readonly publicKey: string;
  readonly requestedAt: number;
  /** hex signature by the requested key itself over the canonical request: proof the requester holds the private key. */
  readonly proofOfPossession?: string;
};

// Each kind of signed structure signs its own labelled wrapper, so a signature made for one kind
// can never be replayed as another (a request's proof of possession is not a certificate, and no
// document payload can be shaped to equal a certificate's signed bytes by accident).
export const certificateSigningContext = 'settlelab/certificate/v1';
export const requestSigningContext = 'settlelab/certificate-request/v1';

export function certificateSigningBytes(body: CertificateBody): Uint8Array {
  return canonicalBytes({ context: certificateSigningContext, body });
}

export function requestSigningBytes(request: CertificateRequest): Uint8Array {
  // Only the three named fields are signed: a stray extra field can neither break nor change it.
  const { subject, publicKey, requestedAt } = request;
  const signedSubject = { name: subject.name, role: subject.role, partyId: subject.partyId };
  return canonicalBytes({ context: requestSigningContext, request: { subject: signedSubject, publicKey, requestedAt } });
}

/** The key id of a hex public key: SHA-256 of its 32 raw bytes, hex. */
export function keyIdOf(publicKeyHex: string): string {
  return sha256Hex(hexToBytes(publicKeyHex, publicKeyLength));
}

/** SHA-256 (hex) of the canonical certificate, body and signature: names exactly this certificate. */
export function fingerprint(certificate: Certificate): string {
  return sha256Hex(canonicalBytes({ body: certificate.body, signature: certificate.signature }));
}

/** For display: upper-case groups of four, e.g. "3F2A 9C01 ...", easy to read aloud and compare. */
export function formatFingerprint(hex: string): string {
  assert(isHex(hex), 'fingerprint must be hex');
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4).toUpperCase());
  return groups.join(' ');
}

export function issuerOf(caCertificate: Certificate): CertificateIssuer {
  const { subject, publicKey } = caCertificate.body;
  return { name: subject.name, partyId: subject.partyId, keyId: keyIdOf(publicKey) };
}

export type SubjectProblem =
  | 'subject_name_empty'
  | 'subject_name_too_long'
  | 'subject_name_invalid'
  | 'unknown_role'
  | 'party_id_invalid';

// Control characters would let a name look different on screen from what was signed.
const controlCharacters = /\p{Cc}/u;
const partyIdPattern = /^[\x21-\x7e]+$/; // printable ASCII, no spaces: ids are machine-made

export function subjectProblem(subject: CertificateSubject): SubjectProblem | null {
  if (typeof subject.name !== 'string' || subject.name.trim().length === 0) return 'subject_name_empty';
  if ([...subject.name].length > subjectNameLengthMax) return 'subject_name_too_long';
  // Names are signed exactly as given: untrimmed or control characters would display differently.
  if (subject.name !== subject.name.trim() || controlCharacters.test(subject.name)) return 'subject_name_invalid';
  if (!isRole(subject.role)) return 'unknown_role';
  if (typeof subject.partyId !== 'string' || subject.partyId.length > partyIdLengthMax || !partyIdPattern.test(subject.partyId)) {
    return 'party_id_invalid';
  }
  return null;
}

function assertWorldTime(ms: number, what: string): void {
  assert(Number.isSafeInteger(ms) && ms >= 0, `${what} must be world time in ms, got ${ms}`);
}

function assertSerial(serial: number): void {
  assert(Number.isSafeInteger(serial) && serial >= 1, `serial must be a positive integer, got ${serial}`);
}

function signBody(body: CertificateBody, issuerSeed: Uint8Array): Certificate {
  const signature = bytesToHex(sign(certificateSigningBytes(body), issuerSeed));
  return { body, signature };
}

/** Asserts `caSeed` is the key of `caCertificate` and that it is a CA certificate: a mismatch is a wiring bug. */
function assertCaKey(caSeed: Uint8Array, caCertificate: Certificate): void {
  assert(caCertificate.body.subject.role === 'ca', 'only a CA certificate can issue');
  const publicKey = bytesToHex(keyPairFromSeed(caSeed).publicKey);
  assert(publicKey === caCertificate.body.publicKey, 'caSeed does not belong to caCertificate');
}

/** The CA's self-signed root certificate: the one certificate trusted by configuration. */
export function makeRootCertificate(
  caSeed: Uint8Array,
  identity: { readonly name: string; readonly partyId: string },
  now: number,
  validityMs: number,
  serial = 1,
): Certificate {
  assertWorldTime(now, 'now');
  assert(Number.isSafeInteger(validityMs) && validityMs > 0, 'validityMs must be a positive integer');
  assertSerial(serial);
  const subject: CertificateSubject = { name: identity.name, role: 'ca', partyId: identity.partyId };
  const problem = subjectProblem(subject);
  assert(problem === null, `root identity is invalid: ${problem}`);
  const publicKey = bytesToHex(keyPairFromSeed(caSeed).publicKey);
  const body: CertificateBody = {
    version: certificateVersion,
    serial,
    subject,
    publicKey,
    notBefore: now,
    notAfter: now + validityMs,
    issuer: { name: subject.name, partyId: subject.partyId, keyId: keyIdOf(publicKey) },
  };
  assertWorldTime(body.notAfter, 'notAfter');
  return signBody(body, caSeed);
}

/** A certificate request for the key of `seed`, signed by that key (proof of possession). */
export function makeCertificateRequest(subject: CertificateSubject, seed: Uint8Array, now: number): CertificateRequest {
  assertWorldTime(now, 'now');
  const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
  const request: CertificateRequest = {
    subject: { name: subject.name, role: subject.role, partyId: subject.partyId },
    publicKey,
    requestedAt: now,
  };
  const proofOfPossession = bytesToHex(sign(requestSigningBytes(request), seed));
  return { ...request, proofOfPossession };
}

export type RequestProblem =
  | 'malformed_request'
  | SubjectProblem
  | 'proof_of_possession_missing'
  | 'proof_of_possession_invalid';

/**
 * What the CA checks before issuing: the identity fields, then that the requester holds the
 * private key (otherwise anyone could get a certificate binding their name to someone else's key).
 */
export function checkCertificateRequest(request: CertificateRequest): Result<CertificateRequest, RequestProblem> {
  if (request === null || typeof request !== 'object') return err('malformed_request');
  const { subject, publicKey, requestedAt, proofOfPossession } = request;
  if (subject === null || typeof subject !== 'object') return err('malformed_request');
  if (!isHex(publicKey, publicKeyLength) || !Number.isSafeInteger(requestedAt) || requestedAt < 0) {
    return err('malformed_request');
  }
  const problem = subjectProblem(subject);
  if (problem !== null) return err(problem);
  if (proofOfPossession === undefined || proofOfPossession === '') return err('proof_of_possession_missing');
  if (!isHex(proofOfPossession, signatureLength)) return err('proof_of_possession_invalid');
  const valid = verify(hexToBytes(proofOfPossession), requestSigningBytes(request), hexToBytes(publicKey));
  if (!valid) return err('proof_of_possession_invalid');
  return ok({
    subject: { name: subject.name, role: subject.role, partyId: subject.partyId },
    publicKey: publicKey.toLowerCase(),
    requestedAt,
    proofOfPossession: proofOfPossession.toLowerCase(),
  });
}

export type IssueProblem = RequestProblem | 'issuer_not_valid';

function issue(
  subject: CertificateSubject,
  publicKey: string,
  caSeed: Uint8Array,
  caCertificate: Certificate,
  serial: number,
  now: number,
  validityMs: number,
): Result<Certificate, 'issuer_not_valid'> {
  assertCaKey(caSeed, caCertificate);
  assertSerial(serial);
  assertWorldTime(now, 'now');
  assert(Number.isSafeInteger(validityMs) && validityMs > 0, 'validityMs must be a positive integer');
  const ca = caCertificate.body;
  if (now < ca.notBefore || now >= ca.notAfter) return err('issuer_not_valid');
  // A certificate never outlives its issuer's: after the CA certificate expires nobody could
  // check it anyway, and a clipped date tells the holder the truth.
  const notAfter = Math.min(now + validityMs, ca.notAfter);
  const body: CertificateBody = {
    version: certificateVersion,
    serial,
    subject,
    publicKey,
    notBefore: now,
    notAfter,
    issuer: issuerOf(caCertificate),
  };
  return ok(signBody(body, caSeed));
}

/** Issues a certificate for a request that passes checkCertificateRequest. */
export function issueCertificate(
  request: CertificateRequest,
  caSeed: Uint8Array,
  caCertificate: Certificate,
  serial: number,
  now: number,
  validityMs: number = certificateValidityMsDefault,
): Result<Certificate, IssueProblem> {
  const checked = checkCertificateRequest(request);
  if (!checked.ok) return checked;
  return issue(checked.value.subject, checked.value.publicKey, caSeed, caCertificate, serial, now, validityMs);
}

export type RenewProblem = 'issuer_not_valid' | 'wrong_issuer' | 'certificate_altered';

/**
 * A new certificate for the same subject and key, valid from `now` for as long as the old one
 * was. The old certificate stays valid until it expires; to retire it at once, the CA adds a
 * 'superseded' revocation entry for its serial.
 */
export function renewCertificate(
  old: Certificate,
  caSeed: Uint8Array,
  caCertificate: Certificate,
  newSerial: number,
  now: number,
): Result<Certificate, RenewProblem> {
  if (old.body.issuer.keyId !== keyIdOf(caCertificate.body.publicKey)) return err('wrong_issuer');
  const signatureOk =
    isHex(old.signature, signatureLength) &&
    verify(hexToBytes(old.signature), certificateSigningBytes(old.body), hexToBytes(caCertificate.body.publicKey));
  if (!signatureOk) return err('certificate_altered');
  assert(newSerial !== old.body.serial, 'a renewed certificate needs a new serial');
  const validityMs = old.body.notAfter - old.body.notBefore;
  return issue(old.body.subject, old.body.publicKey, caSeed, caCertificate, newSerial, now, validityMs);
}
