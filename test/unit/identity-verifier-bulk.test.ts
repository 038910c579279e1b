import { describe, expect, it, vi } from 'vitest';
import { sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import { hasWebCryptoEd25519 } from '../../src/domain/crypto/webcrypto.ts';
import {
  bulkRoundDocuments,
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  signDocument,
  verifySignedDocument,
  verifySignedDocumentsBulk,
  type Certificate,
  type SignedDocument,
  type VerifyContext,
} from '../../src/domain/identity/index.ts';

// The bulk verifier plans documents in rounds and verifies one round while planning the next.
// Across many rounds, with certificates shared by many documents (and copies of them, as storage
// returns them), it must still give exactly the synchronous verifier's answer for every document.

const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`bulk seed ${name}`));
const t0 = Date.UTC(2026, 0, 5);
const day = 86_400_000;
const caSeed = seedOf('ca');
const root = makeRootCertificate(caSeed, { name: 'NetCert', partyId: 'ca' }, t0, 3650 * day);
const signers = Array.from({ length: 5 }, (_, i) => {
  const seed = seedOf(`signer ${i}`);
  const issued = issueCertificate(makeCertificateRequest({ name: `Buyer ${i}`, role: i === 4 ? 'bank' : 'buyer', partyId: `u-${i}` }, seed, t0), caSeed, root, 10 + i, t0);
  if (!issued.ok) throw new Error(issued.code);
  return { seed, certificate: issued.value };
});
// Signer 3 is revoked from day 2.
const crl = makeRevocationList(caSeed, root, [{ serial: 13, reason: 'key_compromise', revokedAt: t0 + 2 * day }], t0 + 2 * day);

function documents(count: number): SignedDocument[] {
  const docs: SignedDocument[] = [];
  for (let i = 0; i < count; i++) {
    const signer = signers[i % signers.length]!;
    let doc: SignedDocument = structuredClone(signDocument({ kind: 'order', n: i }, signer.seed, signer.certificate));
    if (i % 97 === 5) doc = { ...doc, payload: { kind: 'order', n: i + 1 } }; // changed after signing
    if (i % 89 === 7) {
      const body = { ...doc.signerCertificate.body, notAfter: doc.signerCertificate.body.notAfter + day };
      doc = { ...doc, signerCertificate: { ...doc.signerCertificate, body } as Certificate }; // altered certificate
    }
    if (i % 83 === 11) doc = { ...doc, signature: 'zz' }; // malformed
    docs.push(doc);
  }
  return docs;
}

describe('verifySignedDocumentsBulk over many rounds', () => {
  it('gives every document the synchronous verdict, with one context or one per document, on both engines', { timeout: 120_000 }, async () => {
    const docs = documents(bulkRoundDocuments * 2 + 17);
    const context: VerifyContext = { roots: [root], crl, now: t0 + 3 * day, role: 'buyer' };
    const expected = docs.map((d) => verifySignedDocument(d, context));
    const codes = new Set(expected.map((r) => (r.ok ? 'ok' : r.code)));
    expect([...codes].sort()).toEqual(['bad_signature', 'certificate_altered', 'certificate_revoked', 'malformed_document', 'ok', 'wrong_role']);
    expect(await verifySignedDocumentsBulk(docs, context, { engine: 'webcrypto' })).toEqual(expected);
    // noble is slow: two rounds are enough to show it shares the rounds' bookkeeping.
    const twoRounds = bulkRoundDocuments + 40;
    expect(await verifySignedDocumentsBulk(docs.slice(0, twoRounds), context, { engine: 'noble' })).toEqual(expected.slice(0, twoRounds));
    // Per-document times: before the revocation the revoked signer's documents are good.
    const contexts = docs.map((_, i): VerifyContext => ({ ...context, now: i % 2 === 0 ? t0 + day : t0 + 3 * day }));
    expect(await verifySignedDocumentsBulk(docs, contexts)).toEqual(docs.map((d, i) => verifySignedDocument(d, contexts[i]!)));
  });

  it('imports each distinct key into WebCrypto once per call, across all rounds', { timeout: 60_000 }, async () => {
    const docs = documents(bulkRoundDocuments * 3).filter((d) => d.signature !== 'zz');
    await hasWebCryptoEd25519(); // detection imports keys of its own, once
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const results = await verifySignedDocumentsBulk(docs, { roots: [root], crl, now: t0 + day, role: ['buyer', 'bank'] }, { engine: 'webcrypto' });
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(docs.length * 0.9);
    // The five signers' keys and the root's: not once per round.
    expect(importKey).toHaveBeenCalledTimes(signers.length + 1);
    importKey.mockRestore();
  });
});
