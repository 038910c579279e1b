import { canonicalBytes, hexToBytes, type JsonValue } from '../src/domain/crypto/index.ts';
import {
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  signDocument,
  verifySignedDocumentsBulk,
  type Certificate,
  type SignedDocument,
  type VerifyContext,
} from '../src/domain/identity/index.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';

// Signature figures: the bulk verifier the auditor uses (verifySignedDocumentsBulk: shape checks,
// chain to the root, dates, the signed revocation list, role, and the document's own signature,
// through WebCrypto) against bare WebCrypto Ed25519 verification of the same messages with the
// same keys, imported once and verified in batches of the same size, everything already in memory.

const documentsCount = 4_000;
const signersCount = 16;
const revokedCount = 200;
const batchSize = 512;
const t0 = Date.UTC(2026, 0, 5, 1);
const day = 86_400_000;

type Fixture = {
  readonly docs: readonly SignedDocument[];
  readonly context: VerifyContext;
  /** Per document: its signature, message and signer's public key, for the baseline. */
  readonly raw: readonly { signature: Uint8Array<ArrayBuffer>; message: Uint8Array<ArrayBuffer>; publicKey: Uint8Array<ArrayBuffer> }[];
};

let fixture: Fixture | undefined;

function randomSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function buildFixture(): Fixture {
  if (fixture) return fixture;
  const caSeed = randomSeed();
  const root = makeRootCertificate(caSeed, { name: 'NetCert Certificate Authority', partyId: 'ca' }, t0, 20 * 365 * day);
  const signers: { seed: Uint8Array; certificate: Certificate }[] = [];
  for (let i = 0; i < signersCount; i++) {
    const seed = randomSeed();
    const request = makeCertificateRequest({ name: `Buyer ${i}`, role: 'buyer', partyId: `u-buyer${i}` }, seed, t0);
    const issued = issueCertificate(request, caSeed, root, 1_000 + i, t0);
    if (!issued.ok) throw new Error(issued.code);
    signers.push({ seed, certificate: issued.value });
  }
  // A realistic list: other parties' certificates revoked over time.
  const entries = Array.from({ length: revokedCount }, (_, i) => ({ serial: 10_000 + i, reason: 'key_compromise' as const, revokedAt: t0 + i * 1000 }));
  const crl = makeRevocationList(caSeed, root, entries, t0 + day);
  const docs: SignedDocument[] = [];
  const raw: Fixture['raw'][number][] = [];
  for (let i = 0; i < documentsCount; i++) {
    const signer = signers[i % signersCount]!;
    const payload: JsonValue = {
      kind: 'bank_challenge_response',
      challenge: { kind: 'bank_challenge', nonce: i.toString(16).padStart(32, '0'), bankPartyId: 'bank-a', customerPartyId: signer.certificate.body.subject.partyId, issuedAt: t0 + i, expiresAt: t0 + i + 300_000 },
    };
    const doc = signDocument(payload, signer.seed, signer.certificate);
    // Each document arrives as storage returns it: its own copy of everything.
    docs.push(structuredClone(doc));
    raw.push({ signature: hexToBytes(doc.signature), message: canonicalBytes(payload), publicKey: hexToBytes(signer.certificate.body.publicKey) });
  }
  fixture = { docs, raw, context: { roots: [root], crl, now: t0 + 2 * day, role: ['buyer', 'seller'] } };
  return fixture;
}

async function bareWebCryptoVerify(raw: Fixture['raw']): Promise<void> {
  const subtle = crypto.subtle;
  const keys = new Map<string, Promise<CryptoKey>>();
  for (let start = 0; start < raw.length; start += batchSize) {
    const batch: Promise<boolean>[] = [];
    for (const item of raw.slice(start, start + batchSize)) {
      const id = item.publicKey.join(',');
      let key = keys.get(id);
      if (key === undefined) {
        key = subtle.importKey('raw', item.publicKey, { name: 'Ed25519' }, false, ['verify']);
        keys.set(id, key);
      }
      batch.push(key.then((k) => subtle.verify({ name: 'Ed25519' }, k, item.signature, item.message)));
    }
    const verdicts = await Promise.all(batch);
    if (!verdicts.every(Boolean)) throw new Error('a baseline signature did not verify');
  }
}

export const identityCases: BenchCase[] = [
  {
    name: 'signature.verify',
    unit: 'signatures/s',
    target: 0.8,
    run: async () => {
      const { docs, raw, context } = buildFixture();
      return paired(
        () => ratePerSecond(docs.length, async () => {
          const results = await verifySignedDocumentsBulk(docs, context, { engine: 'webcrypto' });
          if (!results.every((r) => r.ok)) throw new Error('a bench document did not verify');
        }, 1500, 3),
        () => ratePerSecond(raw.length, () => bareWebCryptoVerify(raw), 1500, 3),
        // Both sides hand work to WebCrypto's threads, so they feel other processes on the
        // machine more than single-threaded figures do: five pairs steady the median.
        5,
      );
    },
  },
];
