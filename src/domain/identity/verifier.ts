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
// differ only in how the signatures are checked (noble one by one, or verifyMany with WebCrypto),
// so they give the same answer for every document.
import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import {
  canonicalBytes,
  hexToBytes,
  isHex,
  isJsonSafe,
  publicKeyLength,
  sha256Hex,
  signatureLength,
  verify,
  verifyMany,
  type VerifyManyOptions,
} from '../crypto/index.ts';
import {
  certificateSigningBytes,
  fingerprint,
  isRole,
  issuerOf,
  keyIdOf,
  type Certificate,
  type CertificateSubject,
  type Role,
} from './certificates.ts';
import {
  isRevocationList,
  isRevocationReason,
  isRevokedAt,
  revocationEntriesMax,
  revocationListSigningBytes,
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
  readonly crl: RevocationSource;
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
  if (!isObject(value) || !isObject(value.body) || !isJsonSafe(value)) return false;
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

function prepareContext(context: VerifyContext, memo: ListMemo = new Map()): PreparedContext {
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
  const rootFingerprints = new Set(context.roots.map(fingerprint));

  const crl = context.crl;
  let crlCheck: Check | null = null;
  if (isRevocationList(crl)) {
    // A published list is only as good as its signature: a list with an entry removed must not
    // make a revoked certificate look good. Only a root may publish it here.
    if (isWellFormedList(crl)) {
      const publisher = context.roots.find((r) => keyIdOf(r.body.publicKey) === crl.issuer.keyId);
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
  return { now: context.now, roles, roots: context.roots, rootFingerprints, crl, crlCheck };
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
function findIssuer(certificate: Certificate, authorities: readonly Certificate[]): Certificate | null {
  const { issuer } = certificate.body;
  const byKeyId = authorities.find((ca) => keyIdOf(ca.body.publicKey) === issuer.keyId);
  if (byKeyId !== undefined) return byKeyId;
  const byPartyId = authorities.find((ca) => ca.body.subject.partyId === issuer.partyId);
  if (byPartyId !== undefined) return byPartyId;
  return authorities.find((ca) => ca.body.subject.name === issuer.name) ?? null;
}

function certificateCheck(certificate: Certificate, issuer: Certificate, certificateFingerprint: string): Check {
  return checkOf(
    certificate.signature,
    certificateSigningBytes(certificate.body),
    issuer.body.publicKey,
    // The fingerprint covers body and signature, so equal keys mean an identical check.
    `cert:${certificateFingerprint}:${issuer.body.publicKey}`,
  );
}

function plan(doc: SignedDocument, ctx: PreparedContext): Result<Plan, 'malformed_document' | 'unknown_issuer'> {
  if (!isObject(doc)) return err('malformed_document');
  if (!isJsonSafe(doc.payload) || !isHex(doc.signature, signatureLength)) return err('malformed_document');
  if (!isWellFormedCertificate(doc.signerCertificate)) return err('malformed_document');
  const chain = doc.chain ?? [];
  if (!Array.isArray(chain) || chain.length > chainCertificatesMax || !chain.every(isWellFormedCertificate)) {
    return err('malformed_document');
  }

  // Roots are trusted as configured; chain certificates only as far as a root vouches for them.
  const authorities: Certificate[] = [...ctx.roots];
  const known = new Set(ctx.rootFingerprints);
  for (const c of chain) {
    const f = fingerprint(c);
    if (c.body.subject.role === 'ca' && !known.has(f)) {
      authorities.push(c);
      known.add(f);
    }
  }

  const signer = doc.signerCertificate;
  const path: Certificate[] = [signer];
  const pathFingerprints: string[] = [fingerprint(signer)];
  const checks: Check[] = [];
  for (let depth = 0; ; depth++) {
    const current = path[path.length - 1]!;
    const currentFingerprint = pathFingerprints[pathFingerprints.length - 1]!;
    if (ctx.rootFingerprints.has(currentFingerprint)) {
      checks.push(certificateCheck(current, current, currentFingerprint));
      break;
    }
    if (depth > chainDepthMax) return err('unknown_issuer', { serial: signer.body.serial });
    const others = authorities.filter((ca) => ca !== current);
    const issuer = findIssuer(current, others);
    if (issuer === null) return err('unknown_issuer', { serial: current.body.serial });
    const issuerFingerprint = fingerprint(issuer);
    if (pathFingerprints.includes(issuerFingerprint)) return err('unknown_issuer', { serial: current.body.serial });
    checks.push(certificateCheck(current, issuer, currentFingerprint));
    path.push(issuer);
    pathFingerprints.push(issuerFingerprint);
  }
  const documentCheck = checkOf(doc.signature, canonicalBytes(doc.payload), signer.body.publicKey, null);
  return ok({ path, certificateChecks: checks, documentCheck, signerFingerprint: pathFingerprints[0]! });
}

function sameIssuer(certificate: Certificate, issuer: Certificate): boolean {
  const expected = issuerOf(issuer);
  const actual = certificate.body.issuer;
  return actual.name === expected.name && actual.partyId === expected.partyId && actual.keyId === expected.keyId;
}

function decide(p: Plan, ctx: PreparedContext, checkSignature: CheckSignature): VerifyResult {
  const { path } = p;
  for (let i = 0; i < path.length; i++) {
    const certificate = path[i]!;
    if (!checkSignature(p.certificateChecks[i]!)) return err('certificate_altered', { serial: certificate.body.serial });
    // Validly signed, yet naming someone other than the CA that signed it: that CA made a
    // certificate we cannot attribute, so nobody we know stands behind it.
    const issuer = path[i + 1] ?? certificate;
    if (!sameIssuer(certificate, issuer)) return err('unknown_issuer', { serial: certificate.body.serial });
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
    const entry = isRevokedAt(certificate, ctx.crl, ctx.now);
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

/** Verifies one signed document (synchronous: safe inside an IndexedDB transaction). */
export function verifySignedDocument(doc: SignedDocument, context: VerifyContext): VerifyResult {
  const ctx = prepareContext(context);
  const planned = plan(doc, ctx);
  if (!planned.ok) return planned;
  return decide(planned.value, ctx, checkWithNoble);
}

/**
 * Verifies many documents at once for the auditor: result[i] is exactly what
 * verifySignedDocument(docs[i], context[i]) returns, but the signatures are checked together by
 * verifyMany (WebCrypto when available), and a certificate shared by many documents is checked
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
  const prepared = new Map<VerifyContext, PreparedContext>();
  const listMemo: ListMemo = new Map();
  const contextOf = (i: number): PreparedContext => {
    const context = (perDocument ? (contexts as readonly VerifyContext[])[i] : contexts) as VerifyContext;
    let ctx = prepared.get(context);
    if (ctx === undefined) {
      ctx = prepareContext(context, listMemo);
      prepared.set(context, ctx);
    }
    return ctx;
  };

  // Gather every distinct signature check, verify them in one go, then decide each document with
  // the same code as the synchronous verifier.
  const plans = docs.map((doc, i) => plan(doc, contextOf(i)));
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
  for (const ctx of prepared.values()) if (ctx.crlCheck !== null) add(ctx.crlCheck);
  for (const p of plans) {
    if (!p.ok) continue;
    p.value.certificateChecks.forEach(add);
    add(p.value.documentCheck);
  }
  const verdicts = await verifyMany(checks, options);
  const lookup: CheckSignature = (check) => {
    const i = index.get(check);
    assert(i !== undefined, 'every check was gathered before deciding');
    return verdicts[i]!;
  };
  return plans.map((p, i) => (p.ok ? decide(p.value, contextOf(i), lookup) : p));
}
