import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/domain/assert.ts';
import { bytesToHex, keyPairFromSeed, sha256, sign, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  certificateStatus,
  certificateValidityMsDefault,
  checkCertificateRequest,
  findRevocation,
  fingerprint,
  formatFingerprint,
  issueCertificate,
  keyIdOf,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  renewCertificate,
  requestSigningBytes,
  verifyRevocationList,
  type CertificateRequest,
  type CertificateSubject,
} from '../../src/domain/identity/index.ts';

const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`test seed ${name}`));
const t0 = Date.UTC(2024, 0, 1);
const day = 86_400_000;
const caSeed = seedOf('ca');
const caIdentity = { name: 'SettleLab 认证中心', partyId: 'ca:settlelab' };
const root = makeRootCertificate(caSeed, caIdentity, t0, 10 * 365 * day);
const aliceSeed = seedOf('alice');
const alice: CertificateSubject = { name: '张三', role: 'buyer', partyId: 'buyer:zhangsan' };

function issued(subject = alice, seed = aliceSeed, serial = 2, now = t0 + day) {
  const result = issueCertificate(makeCertificateRequest(subject, seed, now), caSeed, root, serial, now);
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

describe('root certificate', () => {
  it('is self-signed by the CA with role ca', () => {
    const caKey = bytesToHex(keyPairFromSeed(caSeed).publicKey);
    expect(root.body).toEqual({
      version: 1,
      serial: 1,
      subject: { name: caIdentity.name, role: 'ca', partyId: caIdentity.partyId },
      publicKey: caKey,
      notBefore: t0,
      notAfter: t0 + 10 * 365 * day,
      issuer: { name: caIdentity.name, partyId: caIdentity.partyId, keyId: keyIdOf(caKey) },
    });
    expect(root.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(JSON.parse(JSON.stringify(root))).toEqual(root); // a plain row
  });

  it('is deterministic: the same inputs give the same certificate', () => {
    expect(makeRootCertificate(caSeed, caIdentity, t0, 10 * 365 * day)).toEqual(root);
  });
});

describe('certificate requests', () => {
  it('a request made by the key holder passes', () => {
    const request = makeCertificateRequest(alice, aliceSeed, t0);
    expect(request.publicKey).toBe(bytesToHex(keyPairFromSeed(aliceSeed).publicKey));
    expect(request.requestedAt).toBe(t0);
    expect(checkCertificateRequest(request)).toEqual({ ok: true, value: request });
  });

  it('refuses a request without proof of possession', () => {
    const { proofOfPossession: _, ...bare } = makeCertificateRequest(alice, aliceSeed, t0);
    expect(checkCertificateRequest(bare)).toEqual({ ok: false, code: 'proof_of_possession_missing' });
    expect(checkCertificateRequest({ ...bare, proofOfPossession: '' })).toEqual({ ok: false, code: 'proof_of_possession_missing' });
  });

  it('refuses a proof made by another key (requesting a certificate for someone else\'s key)', () => {
    const request = makeCertificateRequest(alice, aliceSeed, t0);
    const mallorySignature = bytesToHex(sign(requestSigningBytes(request), seedOf('mallory')));
    expect(checkCertificateRequest({ ...request, proofOfPossession: mallorySignature })).toEqual({
      ok: false,
      code: 'proof_of_possession_invalid',
    });
    expect(checkCertificateRequest({ ...request, proofOfPossession: 'abcd' })).toEqual({ ok: false, code: 'proof_of_possession_invalid' });
  });

  it('refuses a request changed after it was signed', () => {
    const request = makeCertificateRequest(alice, aliceSeed, t0);
    const changed: CertificateRequest[] = [
      { ...request, subject: { ...alice, name: '李四' } },
      { ...request, subject: { ...alice, role: 'bank' } },
      { ...request, subject: { ...alice, partyId: 'buyer:lisi' } },
      { ...request, requestedAt: t0 + 1 },
      { ...request, publicKey: bytesToHex(keyPairFromSeed(seedOf('mallory')).publicKey) },
    ];
    for (const r of changed) expect(checkCertificateRequest(r)).toEqual({ ok: false, code: 'proof_of_possession_invalid' });
  });

  it('checks the identity fields', () => {
    const check = (subject: CertificateSubject) => checkCertificateRequest(makeCertificateRequest(subject, aliceSeed, t0));
    expect(check({ ...alice, name: '' })).toEqual({ ok: false, code: 'subject_name_empty' });
    expect(check({ ...alice, name: '   ' })).toEqual({ ok: false, code: 'subject_name_empty' });
    expect(check({ ...alice, name: ' 张三' })).toEqual({ ok: false, code: 'subject_name_invalid' });
    expect(check({ ...alice, name: '张\u0000三' })).toEqual({ ok: false, code: 'subject_name_invalid' });
    expect(check({ ...alice, name: 'x'.repeat(101) })).toEqual({ ok: false, code: 'subject_name_too_long' });
    expect(check({ ...alice, role: 'king' as CertificateSubject['role'] })).toEqual({ ok: false, code: 'unknown_role' });
    expect(check({ ...alice, partyId: '' })).toEqual({ ok: false, code: 'party_id_invalid' });
    expect(check({ ...alice, partyId: 'has space' })).toEqual({ ok: false, code: 'party_id_invalid' });
    expect(checkCertificateRequest({ ...makeCertificateRequest(alice, aliceSeed, t0), publicKey: 'zz' })).toEqual({
      ok: false,
      code: 'malformed_request',
    });
  });
});

describe('issuing and renewing', () => {
  it('issues a one-year certificate signed by the CA', () => {
    const cert = issued();
    expect(cert.body).toEqual({
      version: 1,
      serial: 2,
      subject: alice,
      publicKey: bytesToHex(keyPairFromSeed(aliceSeed).publicKey),
      notBefore: t0 + day,
      notAfter: t0 + day + certificateValidityMsDefault,
      issuer: { name: caIdentity.name, partyId: caIdentity.partyId, keyId: keyIdOf(root.body.publicKey) },
    });
    expect(certificateValidityMsDefault).toBe(365 * day);
  });

  it('refuses to issue for a bad request', () => {
    const { proofOfPossession: _, ...bare } = makeCertificateRequest(alice, aliceSeed, t0);
    expect(issueCertificate(bare, caSeed, root, 2, t0)).toEqual({ ok: false, code: 'proof_of_possession_missing' });
  });

  it('never issues past the CA certificate\'s own expiry, nor with an expired CA', () => {
    const shortRoot = makeRootCertificate(caSeed, caIdentity, t0, 100 * day);
    const request = makeCertificateRequest(alice, aliceSeed, t0);
    const cert = issueCertificate(request, caSeed, shortRoot, 2, t0 + 10 * day);
    expect(cert.ok && cert.value.body.notAfter).toBe(t0 + 100 * day);
    expect(issueCertificate(request, caSeed, shortRoot, 3, t0 + 100 * day)).toEqual({ ok: false, code: 'issuer_not_valid' });
  });

  it('asserts the CA seed belongs to the CA certificate', () => {
    const request = makeCertificateRequest(alice, aliceSeed, t0);
    expect(() => issueCertificate(request, seedOf('other'), root, 2, t0)).toThrow(AssertionError);
    expect(() => issueCertificate(request, aliceSeed, issued(), 2, t0)).toThrow(AssertionError); // not a CA
  });

  it('renews with a new serial, same key and subject, same validity length', () => {
    const old = issued();
    const renewed = renewCertificate(old, caSeed, root, 9, t0 + 300 * day);
    expect(renewed.ok).toBe(true);
    if (!renewed.ok) return;
    expect(renewed.value.body).toEqual({ ...old.body, serial: 9, notBefore: t0 + 300 * day, notAfter: t0 + 300 * day + 365 * day });
    const otherRoot = makeRootCertificate(seedOf('other ca'), { name: 'Other CA', partyId: 'ca:other' }, t0, 10 * 365 * day);
    expect(renewCertificate(old, seedOf('other ca'), otherRoot, 9, t0)).toEqual({ ok: false, code: 'wrong_issuer' });
    const altered = { ...old, body: { ...old.body, subject: { ...alice, role: 'bank' as const } } };
    expect(renewCertificate(altered, caSeed, root, 9, t0)).toEqual({ ok: false, code: 'certificate_altered' });
  });
});

describe('fingerprints', () => {
  it('is the SHA-256 of the canonical certificate and changes with any field', () => {
    const cert = issued();
    expect(fingerprint(cert)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint({ signature: cert.signature, body: { ...cert.body } })).toBe(fingerprint(cert));
    expect(fingerprint({ ...cert, body: { ...cert.body, serial: 3 } })).not.toBe(fingerprint(cert));
    expect(fingerprint(issued(alice, aliceSeed, 3))).not.toBe(fingerprint(cert));
  });

  it('formats in upper-case groups of four for display', () => {
    expect(formatFingerprint('0123456789abcdef0123')).toBe('0123 4567 89AB CDEF 0123');
    expect(formatFingerprint(fingerprint(root)).split(' ')).toHaveLength(16);
  });
});

describe('revocation', () => {
  const cert = issued();
  const revokedAt = t0 + 30 * day;

  it('a signed list verifies and reports status at, before and after the revocation time', () => {
    const list = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(verifyRevocationList(list, root)).toBe(true);
    expect(certificateStatus(cert, revokedAt - 1, list)).toBe('valid');
    expect(certificateStatus(cert, revokedAt, list)).toBe('revoked');
    expect(certificateStatus(cert, revokedAt + day, list)).toBe('revoked');
    expect(findRevocation(cert, list)).toEqual({ serial: 2, reason: 'key_compromise', revokedAt });
  });

  it('reports dates: not yet valid, valid through notAfter - 1, expired at notAfter', () => {
    const { notBefore, notAfter } = cert.body;
    expect(certificateStatus(cert, notBefore - 1, [])).toBe('not_yet_valid');
    expect(certificateStatus(cert, notBefore, [])).toBe('valid');
    expect(certificateStatus(cert, notAfter - 1, [])).toBe('valid');
    expect(certificateStatus(cert, notAfter, [])).toBe('expired');
  });

  it('a tampered list no longer verifies', () => {
    const list = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(verifyRevocationList({ ...list, entries: [] }, root)).toBe(false);
    expect(verifyRevocationList({ ...list, updatedAt: list.updatedAt + 1 }, root)).toBe(false);
    expect(verifyRevocationList({ ...list, entries: [{ serial: 2, reason: 'certificate_hold', revokedAt }] }, root)).toBe(false);
    const otherRoot = makeRootCertificate(seedOf('other ca'), { name: 'Other CA', partyId: 'ca:other' }, t0, 10 * 365 * day);
    expect(verifyRevocationList(list, otherRoot)).toBe(false);
  });

  it('a list applies only to certificates of its own issuer', () => {
    const otherSeed = seedOf('other ca');
    const otherRoot = makeRootCertificate(otherSeed, { name: 'Other CA', partyId: 'ca:other' }, t0, 10 * 365 * day);
    const otherList = makeRevocationList(otherSeed, otherRoot, [{ serial: 2, reason: 'unspecified', revokedAt }], revokedAt);
    expect(certificateStatus(cert, revokedAt, otherList)).toBe('valid');
  });

  it('sorts entries and asserts on duplicates, unknown reasons and future entries', () => {
    const list = makeRevocationList(
      caSeed,
      root,
      [
        { serial: 7, reason: 'superseded', revokedAt },
        { serial: 3, reason: 'affiliation_changed', revokedAt },
      ],
      revokedAt,
    );
    expect(list.entries.map((e) => e.serial)).toEqual([3, 7]);
    const entry = { serial: 3, reason: 'superseded' as const, revokedAt };
    expect(() => makeRevocationList(caSeed, root, [entry, entry], revokedAt)).toThrow(AssertionError);
    expect(() => makeRevocationList(caSeed, root, [{ ...entry, reason: 'bored' as 'superseded' }], revokedAt)).toThrow(AssertionError);
    expect(() => makeRevocationList(caSeed, root, [entry], revokedAt - 1)).toThrow(AssertionError);
    expect(() => makeRevocationList(seedOf('other'), root, [entry], revokedAt)).toThrow(AssertionError);
  });
});
