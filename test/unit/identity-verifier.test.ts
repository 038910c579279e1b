import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesToHex, keyPairFromSeed, sha256, sign, utf8Encode, type JsonValue } from '../../src/domain/crypto/index.ts';
import {
  certificateSigningBytes,
  fingerprint,
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  signDocument,
  verifySignedDocument,
  verifySignedDocumentsBulk,
  type Certificate,
  type CertificateBody,
  type CertificateSubject,
  type RevocationEntry,
  type SignedDocument,
  type VerifyContext,
} from '../../src/domain/identity/index.ts';

const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`verifier seed ${name}`));
const t0 = Date.UTC(2024, 0, 1);
const day = 86_400_000;
const year = 365 * day;

const caSeed = seedOf('ca');
const root = makeRootCertificate(caSeed, { name: 'SettleLab CA', partyId: 'ca:settlelab' }, t0, 10 * year);

function issue(subject: CertificateSubject, seed: Uint8Array, serial: number, now = t0 + day, issuerSeed = caSeed, issuer = root): Certificate {
  const result = issueCertificate(makeCertificateRequest(subject, seed, now), issuerSeed, issuer, serial, now);
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

const aliceSeed = seedOf('alice');
const aliceSubject: CertificateSubject = { name: '张三', role: 'buyer', partyId: 'buyer:zhangsan' };
const alice = issue(aliceSubject, aliceSeed, 2);
const bankSeed = seedOf('bank');
const bank = issue({ name: '工商银行', role: 'bank', partyId: 'bank:icbc' }, bankSeed, 3);

const payload: JsonValue = { kind: 'order', orderId: 'o-1', total: { amount: '199.00', currency: 'CNY' }, items: [{ sku: 'A1', quantity: 2 }] };
const doc = signDocument(payload, aliceSeed, alice);
const now = t0 + 10 * day;
const noRevocations = makeRevocationList(caSeed, root, [], t0 + 2 * day);
const context: VerifyContext = { roots: [root], crl: noRevocations, now, role: 'buyer' };

afterEach(() => {
  vi.restoreAllMocks();
});

function withBody(cert: Certificate, change: (body: CertificateBody) => CertificateBody): Certificate {
  return { ...cert, body: change(structuredClone(cert.body) as CertificateBody) };
}

function flipHex(hex: string, at = 0): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

describe('verifySignedDocument: success', () => {
  it('names the signer, serial and certificate fingerprint', () => {
    expect(verifySignedDocument(doc, context)).toEqual({
      ok: true,
      value: { subject: aliceSubject, serial: 2, fingerprint: fingerprint(alice) },
    });
  });

  it('accepts any of several roles, and plain revocation entries', () => {
    expect(verifySignedDocument(doc, { ...context, role: ['seller', 'buyer'] }).ok).toBe(true);
    expect(verifySignedDocument(doc, { ...context, crl: [] }).ok).toBe(true);
  });

  it('ignores the key order of the payload (canonical JSON)', () => {
    const reordered = { ...doc, payload: { items: [{ quantity: 2, sku: 'A1' }], total: { currency: 'CNY', amount: '199.00' }, orderId: 'o-1', kind: 'order' } };
    expect(verifySignedDocument(reordered, context).ok).toBe(true);
  });
});

describe('verifySignedDocument: each failure has its own reason', () => {
  it('bad_signature: forged by another key, payload changed, or signature bits flipped', () => {
    const forged = { ...doc, signature: bytesToHex(sign(utf8Encode(JSON.stringify(payload)), seedOf('mallory'))) };
    expect(verifySignedDocument(forged, context)).toEqual({ ok: false, code: 'bad_signature' });
    const malloryDoc = signDocument(payload, seedOf('mallory'), makeRootCertificate(seedOf('mallory'), { name: 'M', partyId: 'm' }, t0, year));
    expect(verifySignedDocument({ ...doc, signature: malloryDoc.signature }, context)).toEqual({ ok: false, code: 'bad_signature' });
    const changed = { ...doc, payload: { ...(payload as object), total: { amount: '1.00', currency: 'CNY' } } };
    expect(verifySignedDocument(changed, context)).toEqual({ ok: false, code: 'bad_signature' });
    expect(verifySignedDocument({ ...doc, signature: flipHex(doc.signature, 127) }, context)).toEqual({ ok: false, code: 'bad_signature' });
  });

  const malloryKey = bytesToHex(keyPairFromSeed(seedOf('mallory')).publicKey);
  const fieldChanges: [string, (b: CertificateBody) => CertificateBody][] = [
    ['version', (b) => ({ ...b, version: 2 })],
    ['serial', (b) => ({ ...b, serial: b.serial + 1 })],
    ['subject.name', (b) => ({ ...b, subject: { ...b.subject, name: '李四' } })],
    ['subject.role', (b) => ({ ...b, subject: { ...b.subject, role: 'seller' } })],
    ['subject.partyId', (b) => ({ ...b, subject: { ...b.subject, partyId: 'buyer:lisi' } })],
    ['publicKey', (b) => ({ ...b, publicKey: malloryKey })],
    ['notBefore', (b) => ({ ...b, notBefore: b.notBefore - 1 })],
    ['notAfter', (b) => ({ ...b, notAfter: b.notAfter + year })],
    ['issuer.name', (b) => ({ ...b, issuer: { ...b.issuer, name: 'SettleLab CA 2' } })],
    ['issuer.partyId', (b) => ({ ...b, issuer: { ...b.issuer, partyId: 'ca:other' } })],
    ['issuer.keyId', (b) => ({ ...b, issuer: { ...b.issuer, keyId: flipHex(b.issuer.keyId) } })],
    ['an added field', (b) => ({ ...b, extra: 'x' }) as CertificateBody],
  ];
  for (const [field, change] of fieldChanges) {
    it(`certificate_altered: ${field} changed after signing`, () => {
      const altered = withBody(alice, change);
      expect(verifySignedDocument({ ...doc, signerCertificate: altered }, context)).toEqual({
        ok: false,
        code: 'certificate_altered',
        detail: { serial: altered.body.serial },
      });
    });
  }

  it('certificate_altered: a substituted key with a document the attacker signed himself', () => {
    const altered = withBody(alice, (b) => ({ ...b, publicKey: malloryKey }));
    const mallorysDoc = { ...signDocument(payload, seedOf('mallory'), { ...altered }), signerCertificate: altered };
    expect(verifySignedDocument(mallorysDoc, context)).toMatchObject({ ok: false, code: 'certificate_altered' });
  });

  it('certificate_altered: the certificate signature itself changed, or the root changed', () => {
    expect(verifySignedDocument({ ...doc, signerCertificate: { ...alice, signature: flipHex(alice.signature, 5) } }, context)).toMatchObject({
      ok: false,
      code: 'certificate_altered',
    });
    const alteredRoot = withBody(root, (b) => ({ ...b, notAfter: b.notAfter + year }));
    expect(verifySignedDocument(doc, { ...context, roots: [alteredRoot] })).toEqual({ ok: false, code: 'certificate_altered', detail: { serial: 1 } });
  });

  it('unknown_issuer: issued by a CA the context does not trust', () => {
    const otherSeed = seedOf('other ca');
    const otherRoot = makeRootCertificate(otherSeed, { name: 'Rogue CA', partyId: 'ca:rogue' }, t0, 10 * year);
    const rogue = issue(aliceSubject, aliceSeed, 2, t0 + day, otherSeed, otherRoot);
    const rogueDoc = signDocument(payload, aliceSeed, rogue);
    expect(verifySignedDocument(rogueDoc, context)).toEqual({ ok: false, code: 'unknown_issuer', detail: { serial: 2 } });
    // Carrying the rogue root in the chain does not help: only context.roots are trusted.
    expect(verifySignedDocument({ ...rogueDoc, chain: [otherRoot] }, context)).toMatchObject({ ok: false, code: 'unknown_issuer' });
    // With no roots at all nothing is trusted.
    expect(verifySignedDocument(doc, { ...context, roots: [] })).toMatchObject({ ok: false, code: 'unknown_issuer' });
  });

  it('unknown_issuer: a certificate "issued" by a non-CA certificate', () => {
    const body: CertificateBody = {
      ...alice.body,
      serial: 50,
      subject: { name: 'Fake', role: 'seller', partyId: 'seller:fake' },
      publicKey: malloryKey,
      issuer: { name: alice.body.subject.name, partyId: alice.body.subject.partyId, keyId: bytesToHex(sha256(keyPairFromSeed(aliceSeed).publicKey)) },
    };
    const fake: Certificate = { body, signature: bytesToHex(sign(certificateSigningBytes(body), aliceSeed)) };
    const fakeDoc = { ...signDocument(payload, seedOf('mallory'), { ...fake }), chain: [alice] };
    expect(verifySignedDocument(fakeDoc, { ...context, role: 'seller' })).toMatchObject({ ok: false, code: 'unknown_issuer' });
  });

  it('unknown_issuer: validly signed by our CA but naming another issuer', () => {
    const body: CertificateBody = { ...alice.body, serial: 51, issuer: { ...alice.body.issuer, name: 'Somebody Else' } };
    const odd: Certificate = { body, signature: bytesToHex(sign(certificateSigningBytes(body), caSeed)) };
    expect(verifySignedDocument(signDocument(payload, aliceSeed, odd), context)).toEqual({ ok: false, code: 'unknown_issuer', detail: { serial: 51 } });
  });

  it('certificate_expired at notAfter, valid one ms before', () => {
    const { notAfter } = alice.body;
    const revocations = makeRevocationList(caSeed, root, [], t0 + 2 * day);
    expect(verifySignedDocument(doc, { ...context, crl: revocations, now: notAfter - 1 }).ok).toBe(true);
    expect(verifySignedDocument(doc, { ...context, now: notAfter })).toEqual({ ok: false, code: 'certificate_expired', detail: { serial: 2, notAfter } });
    expect(verifySignedDocument(doc, { ...context, now: notAfter + year })).toMatchObject({ ok: false, code: 'certificate_expired' });
  });

  it('certificate_expired when the root has expired', () => {
    const shortRoot = makeRootCertificate(caSeed, { name: 'SettleLab CA', partyId: 'ca:settlelab' }, t0, 30 * day);
    const cert = issue(aliceSubject, aliceSeed, 2, t0 + day, caSeed, shortRoot);
    expect(cert.body.notAfter).toBe(t0 + 30 * day);
    const d = signDocument(payload, aliceSeed, cert);
    expect(verifySignedDocument(d, { roots: [shortRoot], crl: [], now: t0 + 29 * day, role: 'buyer' }).ok).toBe(true);
    expect(verifySignedDocument(d, { roots: [shortRoot], crl: [], now: t0 + 30 * day, role: 'buyer' })).toMatchObject({
      ok: false,
      code: 'certificate_expired',
    });
  });

  it('certificate_not_yet_valid before notBefore, valid at notBefore', () => {
    const { notBefore } = alice.body;
    expect(verifySignedDocument(doc, { ...context, crl: [], now: notBefore })).toMatchObject({ ok: true });
    expect(verifySignedDocument(doc, { ...context, crl: [], now: notBefore - 1 })).toEqual({
      ok: false,
      code: 'certificate_not_yet_valid',
      detail: { serial: 2, notBefore },
    });
  });

  describe('certificate_revoked: at and after the revocation time, valid before it', () => {
    const revokedAt = t0 + 20 * day;
    const entries: RevocationEntry[] = [{ serial: 2, reason: 'key_compromise', revokedAt }];
    const list = makeRevocationList(caSeed, root, entries, revokedAt);
    for (const [name, crl] of [
      ['signed list', list],
      ['plain entries', entries],
    ] as const) {
      it(name, () => {
        expect(verifySignedDocument(doc, { ...context, crl, now: revokedAt - 1 }).ok).toBe(true);
        const expected = { ok: false, code: 'certificate_revoked', detail: { serial: 2, reason: 'key_compromise', revokedAt } };
        expect(verifySignedDocument(doc, { ...context, crl, now: revokedAt })).toEqual(expected);
        expect(verifySignedDocument(doc, { ...context, crl, now: revokedAt + 5 * day })).toEqual(expected);
      });
    }

    it('a list of another CA does not revoke our certificates', () => {
      const otherSeed = seedOf('other ca');
      const otherRoot = makeRootCertificate(otherSeed, { name: 'Other CA', partyId: 'ca:other' }, t0, 10 * year);
      const otherList = makeRevocationList(otherSeed, otherRoot, entries, revokedAt);
      expect(verifySignedDocument(doc, { ...context, roots: [root, otherRoot], crl: otherList, now: revokedAt }).ok).toBe(true);
    });
  });

  it('revocation_list_invalid: a list with an entry removed, or from an untrusted CA', () => {
    const revokedAt = t0 + 20 * day;
    const list = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(verifySignedDocument(doc, { ...context, crl: { ...list, entries: [] }, now: revokedAt })).toEqual({
      ok: false,
      code: 'revocation_list_invalid',
    });
    const otherSeed = seedOf('other ca');
    const otherRoot = makeRootCertificate(otherSeed, { name: 'Other CA', partyId: 'ca:other' }, t0, 10 * year);
    const untrusted = makeRevocationList(otherSeed, otherRoot, [], revokedAt);
    expect(verifySignedDocument(doc, { ...context, crl: untrusted })).toEqual({ ok: false, code: 'revocation_list_invalid' });
    expect(verifySignedDocument(doc, { ...context, crl: { ...list, signature: 'nothex' } })).toEqual({ ok: false, code: 'revocation_list_invalid' });
  });

  it('wrong_role: a buyer certificate where a bank signature is required', () => {
    expect(verifySignedDocument(doc, { ...context, role: 'bank' })).toEqual({ ok: false, code: 'wrong_role', detail: { role: 'buyer' } });
    expect(verifySignedDocument(signDocument(payload, bankSeed, bank), { ...context, role: ['buyer', 'seller'] })).toMatchObject({
      ok: false,
      code: 'wrong_role',
    });
    expect(verifySignedDocument(signDocument(payload, bankSeed, bank), { ...context, role: 'bank' }).ok).toBe(true);
  });

  it('malformed_document: not the shape of a signed document', () => {
    const cases: unknown[] = [
      null,
      { ...doc, signature: 'xyz' },
      { ...doc, signature: doc.signature.slice(2) },
      { ...doc, payload: { a: undefined } },
      { ...doc, payload: { a: NaN } },
      { ...doc, signerCertificate: { body: alice.body } },
      { ...doc, signerCertificate: withBody(alice, (b) => ({ ...b, publicKey: 'abc' })) },
      { ...doc, signerCertificate: withBody(alice, (b) => ({ ...b, notAfter: '2030' as unknown as number })) },
      { ...doc, chain: [{}] },
      { ...doc, chain: 'root' },
    ];
    for (const c of cases) expect(verifySignedDocument(c as SignedDocument, context)).toEqual({ ok: false, code: 'malformed_document' });
  });
});

describe('verifySignedDocument: the order of the checks', () => {
  const revokedAt = t0 + 20 * day;
  const revoked = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
  const late = alice.body.notAfter + day;

  it('altered before expired, expired before revoked, revoked before wrong role, wrong role before bad signature', () => {
    const altered = withBody(alice, (b) => ({ ...b, subject: { ...b.subject, name: 'X' } }));
    expect(verifySignedDocument({ ...doc, signerCertificate: altered }, { ...context, crl: revoked, now: late })).toMatchObject({
      code: 'certificate_altered',
    });
    expect(verifySignedDocument(doc, { ...context, crl: revoked, now: late })).toMatchObject({ code: 'certificate_expired' });
    const forged = { ...doc, signature: flipHex(doc.signature, 100) };
    expect(verifySignedDocument(forged, { ...context, crl: revoked, now: revokedAt, role: 'bank' })).toMatchObject({ code: 'certificate_revoked' });
    expect(verifySignedDocument(forged, { ...context, role: 'bank' })).toMatchObject({ code: 'wrong_role' });
    expect(verifySignedDocument(forged, context)).toMatchObject({ code: 'bad_signature' });
  });

  it('unknown issuer before everything else', () => {
    const otherSeed = seedOf('other ca');
    const otherRoot = makeRootCertificate(otherSeed, { name: 'Rogue CA', partyId: 'ca:rogue' }, t0, 10 * year);
    const rogue = issue(aliceSubject, aliceSeed, 2, t0 + day, otherSeed, otherRoot);
    const rogueDoc = { ...signDocument(payload, aliceSeed, rogue), signature: flipHex(doc.signature) };
    expect(verifySignedDocument(rogueDoc, { ...context, crl: revoked, now: late, role: 'bank' })).toMatchObject({ code: 'unknown_issuer' });
  });
});

describe('verifySignedDocument: intermediate CA', () => {
  const interSeed = seedOf('intermediate');
  const intermediate = issue({ name: 'SettleLab 华东分中心', role: 'ca', partyId: 'ca:east' }, interSeed, 100);
  const sellerSeed = seedOf('seller');
  const sellerSubject: CertificateSubject = { name: '小店', role: 'seller', partyId: 'seller:shop' };
  const seller = issue(sellerSubject, sellerSeed, 200, t0 + 2 * day, interSeed, intermediate);
  const sellerDoc = signDocument(payload, sellerSeed, seller, [intermediate]);
  const ctx: VerifyContext = { ...context, role: 'seller' };

  it('verifies through the chain', () => {
    expect(verifySignedDocument(sellerDoc, ctx)).toEqual({ ok: true, value: { subject: sellerSubject, serial: 200, fingerprint: fingerprint(seller) } });
  });

  it('without the chain the issuer is unknown', () => {
    const { chain: _, ...bare } = sellerDoc;
    expect(verifySignedDocument(bare, ctx)).toEqual({ ok: false, code: 'unknown_issuer', detail: { serial: 200 } });
  });

  it('an altered, expired or revoked intermediate fails the document', () => {
    const altered = withBody(intermediate, (b) => ({ ...b, notAfter: b.notAfter + year }));
    expect(verifySignedDocument({ ...sellerDoc, chain: [altered] }, ctx)).toEqual({ ok: false, code: 'certificate_altered', detail: { serial: 100 } });
    const revokedAt = t0 + 5 * day;
    const list = makeRevocationList(caSeed, root, [{ serial: 100, reason: 'ca_compromise', revokedAt }], revokedAt);
    expect(verifySignedDocument(sellerDoc, { ...ctx, crl: list, now: revokedAt })).toMatchObject({ ok: false, code: 'certificate_revoked', detail: { serial: 100 } });
    expect(verifySignedDocument(sellerDoc, { ...ctx, crl: list, now: revokedAt - 1 }).ok).toBe(true);
  });
});

describe('verifySignedDocumentsBulk', () => {
  const revokedAt = t0 + 20 * day;
  const revoked = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
  const otherSeed = seedOf('other ca');
  const otherRoot = makeRootCertificate(otherSeed, { name: 'Rogue CA', partyId: 'ca:rogue' }, t0, 10 * year);
  const rogue = issue(aliceSubject, aliceSeed, 2, t0 + day, otherSeed, otherRoot);

  const docs: SignedDocument[] = [
    doc,
    { ...doc, signature: flipHex(doc.signature, 3) },
    { ...doc, signerCertificate: withBody(alice, (b) => ({ ...b, serial: 99 })) },
    signDocument(payload, aliceSeed, rogue),
    signDocument(payload, bankSeed, bank),
    { ...doc, payload: { a: NaN } as unknown as JsonValue },
    doc,
  ];
  const contexts: VerifyContext[] = [
    context,
    context,
    context,
    context,
    context,
    context,
    { ...context, crl: revoked, now: revokedAt },
  ];

  for (const engine of ['noble', 'webcrypto', 'auto'] as const) {
    it(`gives exactly the synchronous verdicts (${engine})`, async () => {
      const expected = docs.map((d, i) => verifySignedDocument(d, contexts[i]!));
      expect(expected.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
        'ok',
        'bad_signature',
        'certificate_altered',
        'unknown_issuer',
        'wrong_role',
        'malformed_document',
        'certificate_revoked',
      ]);
      expect(await verifySignedDocumentsBulk(docs, contexts, { engine })).toEqual(expected);
      const shared = docs.map((d) => verifySignedDocument(d, context));
      expect(await verifySignedDocumentsBulk(docs, context, { engine })).toEqual(shared);
    });
  }

  it('checks a certificate shared by many documents once', async () => {
    const many = Array.from({ length: 50 }, (_, i) => signDocument({ kind: 'receipt', n: i }, aliceSeed, alice));
    const subtleVerify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const results = await verifySignedDocumentsBulk(many, context, { engine: 'webcrypto' });
    expect(results.every((r) => r.ok)).toBe(true);
    // 50 documents + alice's certificate + the root's self-signature + the revocation list.
    expect(subtleVerify).toHaveBeenCalledTimes(53);
    // Also when every document is judged at its own time (one context object each).
    subtleVerify.mockClear();
    const perDocument = many.map((_, i) => ({ ...context, now: now + i }));
    expect((await verifySignedDocumentsBulk(many, perDocument, { engine: 'webcrypto' })).every((r) => r.ok)).toBe(true);
    expect(subtleVerify).toHaveBeenCalledTimes(53);
  });

  it('does not reuse the genuine list\'s verdict for a tampered copy carrying its signature', async () => {
    const revokedList = makeRevocationList(caSeed, root, [{ serial: 2, reason: 'key_compromise', revokedAt }], revokedAt);
    const tampered = { ...revokedList, entries: [] };
    const results = await verifySignedDocumentsBulk(
      [doc, doc],
      [
        { ...context, crl: revokedList, now: revokedAt - 1 },
        { ...context, crl: tampered, now: revokedAt },
      ],
      { engine: 'noble' },
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'revocation_list_invalid']);
  });
});
