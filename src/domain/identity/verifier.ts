// The one verifier every party uses for every signed document. It answers "did a certificate
// our CA stands behind sign exactly this, and may that party sign it?", and when the answer is no
// it names the first reason, checking in this order:
//   1. chain: the signer's certificate leads, through the given intermediates, to a trusted root
//      ('unknown_issuer')
//   2. each certificate's signature by its issuer ('certificate_altered')
//   3. each certificate's dates at `now` ('certificate_expired', 'certificate_not_yet_valid')
//   4. revocation at `now` ('revocation_list_invalid', 'certificate_revoked')
//   5. the signer's role ('wrong_role')
//   6. the document's own signature over canonicalBytes(payload) ('bad_signature')
// A document whose shape is not a signed document at all is 'malformed_document'.
//
// The sync verifier and the async bulk verifier share the planning and the decision code, and
// differ only in how the signatures are checked (noble one by one, or a batch verifier on WebCrypto),
// so they give the same answer for every document.
import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import {
  canonicalBytesIfSafe,
  canonicalJsonIfSafe,
  hexToBytes,
  isHex,
  isJsonSafe,
  publicKeyLength,
  sha256Hex,
  signatureLength,
  verify,
  createBatchVerifier,
  verifyBatchSize,
  type VerifyManyOptions,
} from '../crypto/index.ts';
import {
  certificateSigningBytes,
  fingerprint,
  isRole,
  keyIdOf,
  type Certificate,
  type CertificateSubject,
  type Role,
} from './certificates.ts';
import {
  isRevocationList,
  isRevocationReason,
  revocationEntriesMax,
  revocationListSigningBytes,
  type RevocationEntry,
  type RevocationSource,
} from './revocation.ts';
import type { SignedDocument } from './documents.ts';

/** Intermediates allowed between a signer and its root. */
export const chainDepthMax = 4;
/** Certificates a document may carry in `chain`. */
export const chainCertificatesMax = 8;
export const rootsMax = 64;
/** Documents per bulk call (each may need a few signature checks). */
export const bulkDocumentsMax = 200_000;
/** Documents planned per round of bulk verification (two rounds are in flight at most). */
export const bulkRoundDocuments = 256;

export type VerifyContext = {
  readonly roots: readonly Certificate[];
  readonly crl: RevocationSource;
  /** World time (ms) at which the document is judged. */
  readonly now: number;
  /** The role (or any of the roles) the signer must have. */
  readonly role: Role | readonly Role[];
};

export type VerifiedSigner = {
  readonly subject: CertificateSubject;
  readonly serial: number;
  readonly fingerprint: string;
};

export type VerifyFailure =
  | 'malformed_document'
  | 'unknown_issuer'
  | 'certificate_altered'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'revocation_list_invalid'
  | 'certificate_revoked'
  | 'wrong_role'
  | 'bad_signature';

export type VerifyResult = Result<VerifiedSigner, VerifyFailure>;

/** One signature to check. `cacheKey` names checks that recur across documents (certificates). */
type Check = {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly cacheKey: string | null;
};
type CheckSignature = (check: Check) => boolean;

/** A context checked and digested once, then used for any number of documents. */
type PreparedContext = {
  readonly now: number;
  readonly roles: readonly Role[];
  readonly roots: readonly Certificate[];
  readonly rootFingerprints: ReadonlySet<string>;
  /** Each root object's digests, key id and self-signature check, computed once per context. */
  readonly rootDigests: ReadonlyMap<Certificate, CertificateDigest & { readonly keyId: string }>;
  readonly crl: RevocationSource;
  /** The list's entries by serial (the first entry for a serial, as findRevocation reads it). */
  readonly revocations: ReadonlyMap<number, RevocationEntry>;
  /** For a signed list: its signature check, or null when no known CA published it. */
  readonly crlCheck: Check | null;
};

type Plan = {
  /** signer first, a root last */
  readonly path: readonly Certificate[];
  /** checks[i]: path[i]'s signature by its issuer (a root by itself) */
  readonly certificateChecks: readonly Check[];
  readonly documentCheck: Check;
  readonly signerFingerprint: string;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Shape only: every field a verifier reads has the right type. Values are judged later. */
function isWellFormedCertificate(value: unknown): value is Certificate {
  return isJsonSafe(value) && hasCertificateShape(value);
}

/** isWellFormedCertificate without the JSON-safety walk (for values already walked). */
function hasCertificateShape(value: unknown): value is Certificate {
  if (!isObject(value) || !isObject(value.body)) return false;
  const { body, signature } = value;
  const { subject, issuer } = body;
  return (
    isHex(signature, signatureLength) &&
    Number.isSafeInteger(body.version) &&
    Number.isSafeInteger(body.serial) &&
    isObject(subject) &&
    typeof subject.name === 'string' &&
    typeof subject.role === 'string' &&
    typeof subject.partyId === 'string' &&
    isHex(body.publicKey, publicKeyLength) &&
    Number.isSafeInteger(body.notBefore) &&
    Number.isSafeInteger(body.notAfter) &&
    isObject(issuer) &&
    typeof issuer.name === 'string' &&
    typeof issuer.partyId === 'string' &&
    isHex(issuer.keyId, 32)
  );
}

function checkOf(signatureHex: string, message: Uint8Array, publicKeyHex: string, cacheKey: string | null): Check {
  return {
    signature: hexToBytes(signatureHex),
    message,
    publicKey: hexToBytes(publicKeyHex),
    cacheKey,
  };
}

/** Canonical bytes of revocation lists already seen in this call (a big list is costly to re-encode). */
type ListMemo = Map<object, { readonly message: Uint8Array; readonly digest: string }>;

type CertificateDigest = {
  readonly fingerprint: string;
  readonly signingBytes: Uint8Array;
  /** The check of this certificate's signature, per issuer public key (hex). */
  readonly checks: Map<string, Check>;
};
/** A certificate names one issuer; a few entries cover any honest chain. */
const checksPerDigestMax = 8;

/**
 * Work shared by the documents of one call. An auditor's thousands of documents carry copies of a
 * handful of certificates: each is canonicalized and hashed once, not once per document.
 */
type Memo = {
  readonly lists: ListMemo;
  /**
   * Canonical text of a certificate → its digests (or malformedCertificate). Sound as a key: a
   * plain-JSON value is recovered exactly from its canonical text, so equal texts are equal values.
   */
  readonly certificates: Map<string, CertificateDigest>;
  /** hex public key → key id (SHA-256 of the raw key) */
  readonly keyIds: Map<string, string>;
  /** hex public key → its bytes, one object per key, so the engine recognizes a key it has seen */
  readonly keyBytes: Map<string, Uint8Array>;
};

/** Bounds the memo of one call; past it, digests are recomputed (correct, only slower). */
const memoEntriesMax = 100_000;

function newMemo(lists: ListMemo = new Map()): Memo {
  return { lists, certificates: new Map(), keyIds: new Map(), keyBytes: new Map() };
}

function keyBytesMemo(memo: Memo, publicKeyHex: string): Uint8Array {
  let bytes = memo.keyBytes.get(publicKeyHex);
  if (bytes === undefined) {
    bytes = hexToBytes(publicKeyHex);
    if (memo.keyBytes.size < memoEntriesMax) memo.keyBytes.set(publicKeyHex, bytes);
  }
  return bytes;
}

function keyIdMemo(memo: Memo, publicKeyHex: string): string {
  let id = memo.keyIds.get(publicKeyHex);
  if (id === undefined) {
    id = keyIdOf(publicKeyHex);
    if (memo.keyIds.size < memoEntriesMax) memo.keyIds.set(publicKeyHex, id);
  }
  return id;
}

/**
 * The digests of a certificate a document carries, or null when it is not a well-formed
 * certificate. One walk both checks the value is plain JSON and writes its canonical text, which
 * then names it in the memo: equal texts are equal certificates, well-formed or not alike.
 */
function certificateDigest(value: unknown, ctx: PreparedContext, memo: Memo): CertificateDigest | null {
  const root = ctx.rootDigests.get(value as Certificate);
  if (root !== undefined) return root;
  const text = canonicalJsonIfSafe(value);
  if (text === null) return null;
  let digest = memo.certificates.get(text);
  if (digest === undefined) {
    digest = hasCertificateShape(value)
      ? { fingerprint: fingerprint(value), signingBytes: certificateSigningBytes(value.body), checks: new Map() }
      : malformedCertificate;
    if (memo.certificates.size < memoEntriesMax) memo.certificates.set(text, digest);
  }
  return digest === malformedCertificate ? null : digest;
}

/** The memo's entry for texts that are plain JSON but not shaped like a certificate. */
const malformedCertificate: CertificateDigest = { fingerprint: '', signingBytes: new Uint8Array(0), checks: new Map() };

/** The digests of a certificate already known to be well formed (a root or one of the chain's). */
function digestOf(certificate: Certificate, ctx: PreparedContext, memo: Memo): CertificateDigest {
  const digest = certificateDigest(certificate, ctx, memo);
  assert(digest !== null, 'the certificate was checked to be well formed');
  return digest;
}

function prepareContext(context: VerifyContext, memo: ListMemo = new Map(), keyIds: Memo['keyIds'] = new Map()): PreparedContext {
  assert(isObject(context), 'context must be an object');
  assert(Number.isFinite(context.now), 'context.now must be world time in ms');
  const roles = (Array.isArray(context.role) ? context.role : [context.role]) as readonly Role[];
  assert(roles.length > 0 && roles.every(isRole), 'context.role must name known roles');
  assert(Array.isArray(context.roots) && context.roots.length <= rootsMax, `context.roots: at most ${rootsMax}`);
  // Roots are configuration: a malformed one is a bug in whoever built the context.
  for (const root of context.roots) {
    assert(isWellFormedCertificate(root), 'a root certificate is malformed');
    assert(root.body.subject.role === 'ca', 'a root certificate must have role ca');
    assert(root.body.issuer.keyId === keyIdOf(root.body.publicKey), 'a root certificate must be self-issued');
  }
  const rootDigests = new Map<Certificate, CertificateDigest & { keyId: string }>();
  for (const root of context.roots) {
    const print = fingerprint(root);
    const signingBytes = certificateSigningBytes(root.body);
    const keyId = keyIdOf(root.body.publicKey);
    keyIds.set(root.body.publicKey, keyId);
    const selfCheck = checkOf(root.signature, signingBytes, root.body.publicKey, `cert:${print}:${root.body.publicKey}`);
    rootDigests.set(root, { fingerprint: print, signingBytes, keyId, checks: new Map([[root.body.publicKey, selfCheck]]) });
  }
  const rootFingerprints = new Set([...rootDigests.values()].map((d) => d.fingerprint));

  const crl = context.crl;
  let crlCheck: Check | null = null;
  if (isRevocationList(crl)) {
    // A published list is only as good as its signature: a list with an entry removed must not
    // make a revoked certificate look good. Only a root may publish it here.
    if (isWellFormedList(crl)) {
      const publisher = context.roots.find((r) => rootDigests.get(r)!.keyId === crl.issuer.keyId);
      if (publisher !== undefined) {
        let signed = memo.get(crl);
        if (signed === undefined) {
          const message = revocationListSigningBytes(crl);
          signed = { message, digest: sha256Hex(message) };
          memo.set(crl, signed);
        }
        // The digest is in the key: a tampered list reusing the genuine signature is another check.
        const cacheKey = `crl:${signed.digest}:${crl.signature}:${publisher.body.publicKey}`;
        crlCheck = checkOf(crl.signature, signed.message, publisher.body.publicKey, cacheKey);
      }
    }
  } else {
    assert(isWellFormedEntries(crl), 'context.crl entries are malformed');
  }
  const revocations = new Map<number, RevocationEntry>();
  for (const entry of isRevocationList(crl) ? crl.entries : crl) if (!revocations.has(entry.serial)) revocations.set(entry.serial, entry);
  return { now: context.now, roles, roots: context.roots, rootFingerprints, rootDigests, revocations, crl, crlCheck };
}

function isWellFormedEntries(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length <= revocationEntriesMax &&
    entries.every(
      (e: unknown) =>
        isObject(e) && Number.isSafeInteger(e.serial) && isRevocationReason(e.reason) && Number.isSafeInteger(e.revokedAt),
    )
  );
}

function isWellFormedList(list: unknown): boolean {
  return (
    isObject(list) &&
    isJsonSafe(list) &&
    isObject(list.issuer) &&
    typeof list.issuer.name === 'string' &&
    typeof list.issuer.partyId === 'string' &&
    isHex(list.issuer.keyId, 32) &&
    Number.isSafeInteger(list.updatedAt) &&
    isHex(list.signature, signatureLength) &&
    isWellFormedEntries(list.entries)
  );
}

/**
 * The CA that a certificate names as its issuer. Looked up by key id first, then party id, then
 * name: a certificate with one issuer field changed still finds the CA it names by the others,
 * so the change shows up as 'certificate_altered' instead of 'unknown_issuer'.
 */
function findIssuer(certificate: Certificate, authorities: readonly Certificate[], memo: Memo): Certificate | null {
  const { issuer } = certificate.body;
  const byKeyId = authorities.find((ca) => keyIdMemo(memo, ca.body.publicKey) === issuer.keyId);
  if (byKeyId !== undefined) return byKeyId;
  const byPartyId = authorities.find((ca) => ca.body.subject.partyId === issuer.partyId);
  if (byPartyId !== undefined) return byPartyId;
  return authorities.find((ca) => ca.body.subject.name === issuer.name) ?? null;
}

function certificateCheck(certificate: Certificate, issuer: Certificate, digest: CertificateDigest): Check {
  const cached = digest.checks.get(issuer.body.publicKey);
  if (cached !== undefined) return cached;
  const check = checkOf(
    certificate.signature,
    digest.signingBytes,
    issuer.body.publicKey,
    // The fingerprint covers body and signature, so equal keys mean an identical check.
    `cert:${digest.fingerprint}:${issuer.body.publicKey}`,
  );
  if (digest.checks.size < checksPerDigestMax) digest.checks.set(issuer.body.publicKey, check);
  return check;
}

function plan(doc: SignedDocument, ctx: PreparedContext, memo: Memo): Result<Plan, 'malformed_document' | 'unknown_issuer'> {
  if (!isObject(doc)) return err('malformed_document');
  // One walk both checks the payload is plain JSON and encodes it.
  const message = canonicalBytesIfSafe(doc.payload);
  if (message === null || !isHex(doc.signature, signatureLength)) return err('malformed_document');
  const signerDigest = certificateDigest(doc.signerCertificate, ctx, memo);
  if (signerDigest === null) return err('malformed_document');
  const chain = doc.chain ?? [];
  if (!Array.isArray(chain) || chain.length > chainCertificatesMax || !chain.every((c) => certificateDigest(c, ctx, memo) !== null)) {
    return err('malformed_document');
  }

  // Roots are trusted as configured; chain certificates only as far as a root vouches for them.
  let authorities: readonly Certificate[] = ctx.roots;
  if (chain.length > 0) {
    const withChain = [...ctx.roots];
    const known = new Set<string>(ctx.rootFingerprints);
    for (const c of chain) {
      const f = digestOf(c, ctx, memo).fingerprint;
      if (c.body.subject.role === 'ca' && !known.has(f)) {
        withChain.push(c);
        known.add(f);
      }
    }
    authorities = withChain;
  }

  const signer = doc.signerCertificate;
  const path: Certificate[] = [signer];
  const pathDigests: CertificateDigest[] = [signerDigest];
  const checks: Check[] = [];
  for (let depth = 0; ; depth++) {
    const current = path[path.length - 1]!;
    const currentDigest = pathDigests[pathDigests.length - 1]!;
    if (ctx.rootFingerprints.has(currentDigest.fingerprint)) {
      checks.push(certificateCheck(current, current, currentDigest));
      break;
    }
    if (depth > chainDepthMax) return err('unknown_issuer', { serial: signer.body.serial });
    const others = authorities.includes(current) ? authorities.filter((ca) => ca !== current) : authorities;
    const issuer = findIssuer(current, others, memo);
    if (issuer === null) return err('unknown_issuer', { serial: current.body.serial });
    const issuerDigest = digestOf(issuer, ctx, memo);
    if (pathDigests.some((d) => d.fingerprint === issuerDigest.fingerprint)) return err('unknown_issuer', { serial: current.body.serial });
    checks.push(certificateCheck(current, issuer, currentDigest));
    path.push(issuer);
    pathDigests.push(issuerDigest);
  }
  const documentCheck: Check = { signature: hexToBytes(doc.signature), message, publicKey: keyBytesMemo(memo, signer.body.publicKey), cacheKey: null };
  return ok({ path, certificateChecks: checks, documentCheck, signerFingerprint: pathDigests[0]!.fingerprint });
}

function sameIssuer(certificate: Certificate, issuer: Certificate, memo: Memo): boolean {
  const actual = certificate.body.issuer;
  const { subject, publicKey } = issuer.body;
  return actual.name === subject.name && actual.partyId === subject.partyId && actual.keyId === keyIdMemo(memo, publicKey);
}

/** isRevokedAt, by the prepared map: a long list costs one lookup per certificate, not a scan. */
function revocationAt(certificate: Certificate, ctx: PreparedContext): RevocationEntry | null {
  // A list applies only to the certificates its issuer issued; bare entries apply by serial.
  if (isRevocationList(ctx.crl) && ctx.crl.issuer.keyId !== certificate.body.issuer.keyId) return null;
  const entry = ctx.revocations.get(certificate.body.serial);
  return entry !== undefined && entry.revokedAt <= ctx.now ? entry : null;
}

function decide(p: Plan, ctx: PreparedContext, checkSignature: CheckSignature, memo: Memo): VerifyResult {
  const { path } = p;
  for (let i = 0; i < path.length; i++) {
    const certificate = path[i]!;
    if (!checkSignature(p.certificateChecks[i]!)) return err('certificate_altered', { serial: certificate.body.serial });
    // Validly signed, yet naming someone other than the CA that signed it: that CA made a
    // certificate we cannot attribute, so nobody we know stands behind it.
    const issuer = path[i + 1] ?? certificate;
    if (!sameIssuer(certificate, issuer, memo)) return err('unknown_issuer', { serial: certificate.body.serial });
  }
  for (const certificate of path) {
    const { notBefore, notAfter, serial } = certificate.body;
    if (ctx.now < notBefore) return err('certificate_not_yet_valid', { serial, notBefore });
    if (ctx.now >= notAfter) return err('certificate_expired', { serial, notAfter });
  }
  if (isRevocationList(ctx.crl) && (ctx.crlCheck === null || !checkSignature(ctx.crlCheck))) {
    return err('revocation_list_invalid');
  }
  // The root at the end is trusted by configuration; it is withdrawn by removing it from roots.
  for (const certificate of path.slice(0, -1)) {
    const entry = revocationAt(certificate, ctx);
    if (entry !== null) {
      return err('certificate_revoked', { serial: certificate.body.serial, reason: entry.reason, revokedAt: entry.revokedAt });
    }
  }
  const signer = path[0]!;
  if (!ctx.roles.includes(signer.body.subject.role)) {
    return err('wrong_role', { role: signer.body.subject.role });
  }
  if (!checkSignature(p.documentCheck)) return err('bad_signature');
  const { subject } = signer.body;
  return ok({
    subject: { name: subject.name, role: subject.role, partyId: subject.partyId },
    serial: signer.body.serial,
    fingerprint: p.signerFingerprint,
  });
}

function checkWithNoble(check: Check): boolean {
  return verify(check.signature, check.message, check.publicKey);
}

/** Passed checks one cache remembers; past it the oldest is forgotten (verified again, only slower). */
export const passedChecksMax = 10_000;

/**
 * Signature checks of certificates and signed revocation lists that passed, remembered across
 * calls by a verifier that sees the same ones again and again (a class replica: every command of a
 * party carries the same certificate, chained to the same root, judged with the same list). Each is
 * named by its check's key, which binds the exact bytes signed, the signature and the key: the
 * certificate's fingerprint (SHA-256 of body and signature) with its issuer's key, the list's
 * signed-bytes digest with its signature and publisher's key. So a changed certificate, even with
 * the same serial and party, or a new or altered list is verified again. Only signatures are
 * remembered: dates, revocation and role are decided on every call, so a certificate revoked after
 * it was remembered is refused from the revocation's time on. A document's own signature is never
 * remembered (each command is checked). A failed check is not remembered either.
 */
export class PassedChecks {
  private readonly keys = new Set<string>();
  /** Signature checks this cache let through to the engine (for tests and the bench's counts). */
  verified = 0;

  constructor(private readonly max: number = passedChecksMax) {
    assert(Number.isSafeInteger(max) && max > 0, 'a cache holds at least one check');
  }

  get size(): number {
    return this.keys.size;
  }

  /** `check` judged by noble, or true when a check with its key passed before. */
  check(check: Check): boolean {
    if (check.cacheKey !== null && this.keys.has(check.cacheKey)) return true;
    this.verified++;
    const valid = checkWithNoble(check);
    if (valid && check.cacheKey !== null) {
      if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value as string);
      this.keys.add(check.cacheKey);
    }
    return valid;
  }
}

/**
 * Verifies one signed document (synchronous: safe inside an IndexedDB transaction). With `passed`,
 * certificate and list signatures that passed in an earlier call are not checked again (the
 * answer is the same: see PassedChecks).
 */
export function verifySignedDocument(doc: SignedDocument, context: VerifyContext, passed?: PassedChecks): VerifyResult {
  const memo = newMemo();
  const ctx = prepareContext(context, memo.lists, memo.keyIds);
  const planned = plan(doc, ctx, memo);
  if (!planned.ok) return planned;
  return decide(planned.value, ctx, passed === undefined ? checkWithNoble : (check) => passed.check(check), memo);
}

/**
 * Verifies many documents at once for the auditor: result[i] is exactly what
 * verifySignedDocument(docs[i], context[i]) returns, but the signatures are checked together by
 * a batch verifier (WebCrypto when available) while the next documents are planned, and a
 * certificate shared by many documents is digested and checked
 * once. `contexts` is one context for all documents or one per document.
 */
export async function verifySignedDocumentsBulk(
  docs: readonly SignedDocument[],
  contexts: VerifyContext | readonly VerifyContext[],
  options: VerifyManyOptions = {},
): Promise<VerifyResult[]> {
  assert(Array.isArray(docs) && docs.length <= bulkDocumentsMax, `at most ${bulkDocumentsMax} documents`);
  const perDocument = Array.isArray(contexts);
  if (perDocument) assert(contexts.length === docs.length, 'one context per document');
  const verifier = await createBatchVerifier(options);
  const prepared = new Map<VerifyContext, PreparedContext>();
  const memo = newMemo();
  const checks: Check[] = [];
  const index = new Map<Check, number>();
  const byKey = new Map<string, number>();
  const add = (check: Check): void => {
    if (index.has(check)) return;
    const existing = check.cacheKey === null ? undefined : byKey.get(check.cacheKey);
    if (existing !== undefined) {
      index.set(check, existing);
      return;
    }
    index.set(check, checks.length);
    if (check.cacheKey !== null) byKey.set(check.cacheKey, checks.length);
    checks.push(check);
  };
  const contextOf = (i: number): PreparedContext => {
    const context = (perDocument ? (contexts as readonly VerifyContext[])[i] : contexts) as VerifyContext;
    let ctx = prepared.get(context);
    if (ctx === undefined) {
      ctx = prepareContext(context, memo.lists, memo.keyIds);
      prepared.set(context, ctx);
      if (ctx.crlCheck !== null) add(ctx.crlCheck);
    }
    return ctx;
  };

  // Plan a round of documents (gathering each distinct signature check once), hand its new
  // checks to the engine, and plan the next round while the engine verifies: WebCrypto works off
  // the main thread, so the planning costs little time. At most two rounds are in flight. Then
  // every document is decided by the same code as the synchronous verifier.
  const verdicts: boolean[] = [];
  let submitted = 0;
  const submit = (): Promise<void> => {
    const rounds: Promise<void>[] = [];
    while (submitted < checks.length) {
      const start = submitted;
      const round = checks.slice(start, start + verifyBatchSize);
      submitted = start + round.length;
      rounds.push(
        verifier.verify(round).then((results) => {
          results.forEach((valid, i) => {
            verdicts[start + i] = valid;
          });
        }),
      );
    }
    return Promise.all(rounds).then(() => undefined);
  };
  const plans: Result<Plan, 'malformed_document' | 'unknown_issuer'>[] = [];
  let inFlight: Promise<void> | null = null;
  for (let start = 0; start < docs.length; start += bulkRoundDocuments) {
    const end = Math.min(start + bulkRoundDocuments, docs.length);
    for (let i = start; i < end; i++) {
      const p = plan(docs[i]!, contextOf(i), memo);
      plans.push(p);
      if (!p.ok) continue;
      p.value.certificateChecks.forEach(add);
      add(p.value.documentCheck);
    }
    const round = submit();
    if (inFlight !== null) await inFlight;
    inFlight = round;
  }
  if (inFlight !== null) await inFlight;
  await submit(); // contexts prepared without documents add nothing; this settles any stragglers
  assert(verdicts.length === checks.length, 'every gathered check has a verdict');

  const lookup: CheckSignature = (check) => {
    const i = index.get(check);
    assert(i !== undefined, 'every check was gathered before deciding');
    return verdicts[i]!;
  };
  return plans.map((p, i) => (p.ok ? decide(p.value, contextOf(i), lookup, memo) : p));
}
