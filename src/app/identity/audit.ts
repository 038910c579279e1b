import {
  assert,
  certificateSigningBytes,
  certificateStatus,
  err,
  fingerprint,
  hexToBytes,
  isHex,
  keyIdOf,
  ok,
  publicKeyLength,
  signatureLength,
  verifyMany,
  verifyRevocationList,
  verifySignedDocumentsBulk,
  type CertificateStatus,
  type Result,
  type Role,
  type SignedDocument,
  type VerifyContext,
  type VerifyEngine,
  type VerifyItem,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { readClock } from '../clock-read.ts';
import { readTrust } from './common.ts';
import { contextOf } from './verify.ts';

// The auditor's "verify every certificate and signed document in the world". Certificates are
// checked against their issuer (one signature each, all together through verifyMany); signed
// documents go through verifySignedDocumentsBulk, each judged at the world time it was signed
// (a document signed before a revocation stays good). Both use WebCrypto when the browser has it.
// Features that store signed documents register a source here, so the audit covers them too.

/** One audit reads at most this many certificates and this many documents per source. */
export const auditCertificatesMax = 200_000;
export const auditDocumentsPerSourceMax = 200_000;
export const auditFailuresShownMax = 100;
const sourcesMax = 32;

export type AuditDocument = {
  /** Names the document within its source (a row id). */
  readonly ref: string;
  readonly doc: SignedDocument;
  /** The role its signer must have. */
  readonly role: Role | readonly Role[];
  /** World time it was signed or accepted: it is judged as of then. */
  readonly at: number;
};

export type SignedDocumentSource = {
  readonly name: string;
  readonly load: (db: WorldDb, limit: number) => Promise<readonly AuditDocument[]>;
};

const sources: SignedDocumentSource[] = [];

/** Feature modules register, at import time, where their signed documents are stored. */
export function registerSignedDocumentSource(source: SignedDocumentSource): void {
  if (sources.some((s) => s.name === source.name)) return;
  assert(sources.length < sourcesMax, `at most ${sourcesMax} document sources`);
  sources.push(source);
}

export type AuditFailure = { readonly kind: 'certificate' | 'document' | 'revocation_list'; readonly ref: string; readonly code: string };

export type AuditReport = {
  readonly certificatesChecked: number;
  readonly documentsChecked: number;
  /** Signatures actually verified (a certificate shared by many documents counts once). */
  readonly signaturesChecked: number;
  readonly statusCounts: Readonly<Record<CertificateStatus, number>>;
  readonly revocationListValid: boolean;
  readonly failures: readonly AuditFailure[];
  readonly failureCount: number;
  readonly engine: VerifyEngine;
  /** Wall-clock milliseconds the verification took (for the "signatures per second" line). */
  readonly elapsedMs: number;
};

/** Checks everything signed in the world. Read-only; `recordAudit` writes the result to the log. */
export async function auditWorld(db: WorldDb, options: { readonly engine?: VerifyEngine } = {}): Promise<Result<AuditReport, 'identities_not_set_up'>> {
  const engine = options.engine ?? 'auto';
  const trust = await readTrust(db);
  if (trust === null) return err('identities_not_set_up');
  const now = await readClock(db);
  const certificates = await identityTables(db).certificates.limit(auditCertificatesMax).toArray();
  const loaded: { source: string; item: AuditDocument }[] = [];
  for (const source of sources) {
    for (const item of await source.load(db, auditDocumentsPerSourceMax)) loaded.push({ source: source.name, item });
  }

  const started = performance.now();
  const failures: AuditFailure[] = [];
  const statusCounts: Record<CertificateStatus, number> = { valid: 0, expired: 0, revoked: 0, not_yet_valid: 0 };

  // Certificates: the issuer's signature over each body.
  const items: VerifyItem[] = [];
  const itemOf: (number | null)[] = [];
  for (const row of certificates) {
    const c = row.certificate;
    const issuer = trust.roots.find((r) => keyIdOf(r.body.publicKey) === c.body.issuer.keyId);
    if (issuer === undefined || !isHex(c.signature, signatureLength) || !isHex(c.body.publicKey, publicKeyLength)) {
      itemOf.push(null);
      continue;
    }
    itemOf.push(items.length);
    items.push({ signature: hexToBytes(c.signature), message: certificateSigningBytes(c.body), publicKey: hexToBytes(issuer.body.publicKey) });
  }
  const verdicts = await verifyMany(items, { engine });
  certificates.forEach((row, i) => {
    const at = itemOf[i];
    const ref = String(row.serial);
    if (at === null || at === undefined) failures.push({ kind: 'certificate', ref, code: 'unknown_issuer' });
    else if (!verdicts[at]) failures.push({ kind: 'certificate', ref, code: 'certificate_altered' });
    else if (fingerprint(row.certificate) !== row.fingerprint) failures.push({ kind: 'certificate', ref, code: 'fingerprint_mismatch' });
    statusCounts[certificateStatus(row.certificate, now, trust.crl)] += 1;
  });

  const ca = trust.roots.find((r) => keyIdOf(r.body.publicKey) === trust.crl.issuer.keyId);
  const revocationListValid = ca !== undefined && verifyRevocationList(trust.crl, ca);
  if (!revocationListValid) failures.push({ kind: 'revocation_list', ref: 'current', code: 'revocation_list_invalid' });

  // Documents: the one verifier, in bulk, each as of its own time.
  const contexts: VerifyContext[] = loaded.map(({ item }) => contextOf(trust, item.role, item.at));
  const results = await verifySignedDocumentsBulk(loaded.map(({ item }) => item.doc), contexts, { engine });
  results.forEach((r, i) => {
    if (!r.ok) failures.push({ kind: 'document', ref: `${loaded[i]!.source}:${loaded[i]!.item.ref}`, code: r.code });
  });
  const elapsedMs = performance.now() - started;

  // Each document needs its own signature plus its certificate's (shared ones count once) and the list's.
  const certificatePrints = new Set(loaded.map(({ item }) => item.doc.signerCertificate?.signature));
  return ok({
    certificatesChecked: certificates.length,
    documentsChecked: loaded.length,
    signaturesChecked: items.length + loaded.length + certificatePrints.size + 1,
    statusCounts,
    revocationListValid,
    failures: failures.slice(0, auditFailuresShownMax),
    failureCount: failures.length,
    engine,
    elapsedMs,
  });
}

/**
 * An audit's outcome in the world's event log: its counts only (the audit itself ran in the tab;
 * its timing and engine are the device's, not the world's).
 */
export const recordAuditCommand = defineCommand({
  name: 'recordAudit',
  apply: async (tx, input: { readonly certificates: number; readonly documents: number; readonly failures: number }) => {
    await tx.appendEvent({
      type: 'identity.audit_completed',
      actor: tx.meta.actor,
      payload: { certificates: input.certificates, documents: input.documents, failures: input.failures },
    });
    return ok(null);
  },
});

/** Writes an audit's outcome to the world's event log (the auditor's signature on the work). */
export async function recordAudit(db: WorldDb, meta: CommandMeta, report: AuditReport, env: CommandEnv = {}): Promise<Result<null, string>> {
  return execute(db, recordAuditCommand, meta, { certificates: report.certificatesChecked, documents: report.documentsChecked, failures: report.failureCount }, env);
}
