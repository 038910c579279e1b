import {
  assert,
  bytesToHex,
  canonicalString,
  certificateSigningBytes,
  certificateStatus,
  certificateValidityMsDefault,
  checkCertificateRequest,
  err,
  fingerprint,
  hexToBytes,
  isHex,
  isRevocationReason,
  issueCertificate,
  keyPairFromSeed,
  makeCertificateRequest,
  makeRevocationList,
  ok,
  renewCertificate,
  signatureLength,
  verify,
  verifyRevocationList,
  type Certificate,
  type CertificateRequest,
  type IssueProblem,
  type RenewProblem,
  type RevocationList,
  type RevocationReason,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import {
  identityMetaKeys,
  identityTables,
  type CertificateRequestRow,
  type CertificateRequestStatus,
  type CertificateRow,
} from '../../storage/identity-tables.ts';
import { type CommandEnv, type Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { readClock } from '../clock-read.ts';
import { sendMail } from '../mailbox.ts';
import { issuingCa, readTrust, requireTrust, systemRandom, takeSerial, type Random } from './common.ts';
import { tabKeys, type KeyRing } from './keys.ts';

// The certificate authority (认证中心). A party applies with a request signed by its own key (proof
// of possession); the CA's tab sees the queue live, checks the identity against the registration,
// and issues (signing with the CA key opened in that tab at login) or rejects with a reason. The
// CA revokes and renews; every revocation publishes a new revocation list signed by the CA.
// Signing is synchronous (noble), so it happens inside the command's transaction, which also
// hands out the serial: two CA tabs can never give out one serial twice.

/** A CA's queue and a party's list show at most this many rows. */
export const certificateListMax = 500;
export const rejectionReasonLengthMax = 200;

export type CaOptions = {
  readonly commandId?: string;
  readonly env?: CommandEnv;
  readonly keyRing?: KeyRing;
  readonly random?: Random;
};

function idOf(options: CaOptions, name: string): string {
  return options.commandId ?? `${name}:${bytesToHex((options.random ?? systemRandom)(16))}`;
}

/** The CA's seed from this tab's key ring, checked to be the key of the world's CA certificate. */
function caSeedOf(keyRing: KeyRing, worldId: string, caPartyId: string, ca: Certificate) {
  const seed = keyRing.seed(worldId, caPartyId);
  if (seed === null) return err('login_required');
  if (ca.body.subject.partyId !== caPartyId) return err('not_the_ca');
  if (bytesToHex(keyPairFromSeed(seed).publicKey) !== ca.body.publicKey) return err('not_the_ca_key');
  return ok(seed);
}

/** A certificate request as the applicant's tab signed it (outside the transaction), and its id. */
export const applyForCertificateCommand = defineCommand({
  name: 'applyForCertificate',
  apply: async (tx, input: { readonly requestId: string; readonly request: CertificateRequest }) => {
    const t = identityTables(tx.db);
    const partyId = tx.meta.actor;
    const { request, requestId } = input;
    const fresh = await t.users.get(partyId);
    if (fresh?.status !== 'active') return err('account_not_activated');
    const pending = await t.certificateRequests.where('partyId').equals(partyId).filter((r) => r.status === 'pending').count();
    if (pending > 0) return err('certificate_request_pending');
    const key = await t.partyKeys.get(partyId);
    if (key?.publicKey !== request.publicKey) return err('key_mismatch');
    // One current certificate per party: while it is valid the CA renews it instead.
    const trust = await readTrust(tx.db);
    if (trust === null) return err('identities_not_set_up');
    const held = await t.certificates.where('partyId').equals(partyId).toArray();
    const valid = held.find((c) => certificateStatus(c.certificate, tx.now, trust.crl) === 'valid');
    if (valid !== undefined) return err('certificate_already_valid', { serial: valid.serial });
    const checked = checkCertificateRequest(request);
    if (!checked.ok) return checked;
    const row: CertificateRequestRow = {
      id: requestId,
      partyId,
      request: checked.value,
      status: 'pending',
      submittedAt: tx.now,
      decidedAt: null,
      decidedBy: null,
      reason: null,
      serial: null,
    };
    await t.certificateRequests.add(row);
    await tx.appendEvent({ type: 'certificate.requested', actor: partyId, parties: ['ca'], payload: { requestId } });
    tx.notify({ to: ['ca'], kind: 'certificate.requested', ref: requestId });
    return ok({ requestId });
  },
});

/** A party asks the CA for a certificate for its key. The party must be logged in in this tab. */
export async function applyForCertificate(
  db: WorldDb,
  worldId: string,
  partyId: string,
  options: CaOptions = {},
): Promise<Result<{ requestId: string }, string>> {
  const seed = (options.keyRing ?? tabKeys).seed(worldId, partyId);
  if (seed === null) return err('login_required');
  const t = identityTables(db);
  const user = await t.users.get(partyId);
  if (user === undefined) return err('user_not_found');
  const party = await db.parties.get(partyId);
  assert(party !== undefined, 'a user is a party');
  const name = user.profile?.realName ?? party.name.en;
  const request = makeCertificateRequest({ name, role: user.role, partyId }, seed, await readClock(db));
  const requestId = `req-${bytesToHex((options.random ?? systemRandom)(8))}`;
  return execute(db, applyForCertificateCommand, { id: idOf(options, 'apply'), actor: partyId }, { requestId, request }, options.env);
}

/** A certificate the CA's tab issued (signed outside the transaction) for a pending request. */
export const issueCertificateCommand = defineCommand({
  name: 'issueCertificate',
  // `problem`: the domain's refusal to issue, found in the CA's tab.
  apply: async (tx, input: { readonly requestId: string; readonly certificate: Certificate | null; readonly problem: IssueProblem | null }) => {
    const t = identityTables(tx.db);
    const row = await t.certificateRequests.get(input.requestId);
    if (row === undefined) return err('certificate_request_not_found');
    if (row.status !== 'pending') return err('certificate_request_decided');
    const user = await t.users.get(row.partyId);
    if (user?.status !== 'active') return err('account_not_activated');
    // The identity check: the request must name the party as it registered, with its own key.
    const party = await tx.db.parties.get(row.partyId);
    assert(party !== undefined, 'a user is a party');
    const expectedName = user.profile?.realName ?? party.name.en;
    const subject = row.request.subject;
    if (subject.name !== expectedName || subject.role !== user.role || subject.partyId !== row.partyId) return err('subject_mismatch');
    const key = await t.partyKeys.get(row.partyId);
    if (key?.publicKey !== row.request.publicKey) return err('key_mismatch');
    // Signed by the CA's tab before the transaction for the serial and time it read then: another
    // issue or a clock move since makes it stale (the CA tries again), and only the CA's key signs.
    // What the CA's signing refused (an altered request), named after the identity checks above.
    if (input.certificate === null) return err(input.problem ?? 'certificate_altered');
    const certificate = input.certificate;
    const serial = await takeSerial(tx.db);
    if (certificate.body.serial !== serial || certificate.body.notBefore !== tx.now) return err('certificate_state_changed');
    if (certificate.body.publicKey !== row.request.publicKey || canonicalString(certificate.body.subject) !== canonicalString(row.request.subject)) return err('subject_mismatch');
    const trust = await readTrust(tx.db);
    if (trust === null) return err('identities_not_set_up');
    const ca = issuingCa(trust);
    if (!isHex(certificate.signature, signatureLength) || !verify(hexToBytes(certificate.signature), certificateSigningBytes(certificate.body), hexToBytes(ca.body.publicKey))) return err('certificate_altered');
    const certRow: CertificateRow = {
      serial,
      partyId: row.partyId,
      fingerprint: fingerprint(certificate),
      certificate,
      issuedAt: tx.now,
      requestId: row.id,
      renewedFrom: null,
      revoked: null,
    };
    await t.certificates.add(certRow);
    await t.certificateRequests.put({ ...row, status: 'issued', serial, decidedAt: tx.now, decidedBy: tx.meta.actor });
    await sendMail(tx, {
      to: row.partyId,
      from: tx.meta.actor,
      subject: { key: 'mail.certificateIssued.subject', params: { serial } },
      body: { key: 'mail.certificateIssued.body', params: { serial, notAfter: certificate.body.notAfter } },
      ref: String(serial),
    });
    await tx.appendEvent({ type: 'certificate.issued', actor: tx.meta.actor, parties: [row.partyId], payload: { serial, subject: subject.name } });
    return ok(certRow);
  },
});

/** The CA issues the certificate a pending request asks for, after checking it against the registration. */
export async function issueRequestedCertificate(
  db: WorldDb,
  worldId: string,
  caPartyId: string,
  input: { readonly requestId: string; readonly validityMs?: number },
  options: CaOptions = {},
): Promise<Result<CertificateRow, string>> {
  const trust = await requireTrust(db);
  if (!trust.ok) return trust;
  const ca = issuingCa(trust.value);
  const seed = caSeedOf(options.keyRing ?? tabKeys, worldId, caPartyId, ca);
  if (!seed.ok) return seed;
  const validityMs = input.validityMs ?? certificateValidityMsDefault;
  if (!Number.isSafeInteger(validityMs) || validityMs <= 0) return err('validity_invalid');
  // The serial and world time the certificate is signed for: the command checks both are still so.
  const request = await identityTables(db).certificateRequests.get(input.requestId);
  if (request === undefined) return err('certificate_request_not_found');
  const serialRow = await db.meta.get(identityMetaKeys.nextSerial);
  assert(serialRow !== undefined && Number.isSafeInteger(serialRow.value), 'the CA has a serial counter');
  const issued = issueCertificate(request.request, seed.value, ca, serialRow.value as number, await readClock(db), validityMs);
  const prepared = issued.ok ? { certificate: issued.value, problem: null } : { certificate: null, problem: issued.code };
  return execute(db, issueCertificateCommand, { id: idOf(options, 'issue'), actor: caPartyId }, { requestId: input.requestId, ...prepared }, options.env);
}

export const rejectCertificateRequestCommand = defineCommand({
  name: 'rejectCertificateRequest',
  apply: async (tx, input: { readonly requestId: string; readonly reason: string }) => {
    const party = await tx.db.parties.get(tx.meta.actor);
    if (party?.kind !== 'ca') return err('not_the_ca');
    const t = identityTables(tx.db);
    const row = await t.certificateRequests.get(input.requestId);
    if (row === undefined) return err('certificate_request_not_found');
    if (row.status !== 'pending') return err('certificate_request_decided');
    const rejected: CertificateRequestRow = { ...row, status: 'rejected', reason: input.reason, decidedAt: tx.now, decidedBy: tx.meta.actor };
    await t.certificateRequests.put(rejected);
    await sendMail(tx, {
      to: row.partyId,
      from: tx.meta.actor,
      subject: { key: 'mail.certificateRejected.subject' },
      body: { key: 'mail.certificateRejected.body', params: { reason: input.reason } },
      ref: row.id,
    });
    await tx.appendEvent({ type: 'certificate.rejected', actor: tx.meta.actor, parties: [row.partyId], payload: { requestId: row.id, reason: input.reason } });
    return ok(rejected);
  },
});

/** The CA refuses a request, with a reason the applicant reads in the mailbox. */
export async function rejectCertificateRequest(
  db: WorldDb,
  caPartyId: string,
  input: { readonly requestId: string; readonly reason: string },
  options: CaOptions = {},
): Promise<Result<CertificateRequestRow, string>> {
  const reason = input.reason.trim();
  if (reason === '') return err('reason_required');
  if ([...reason].length > rejectionReasonLengthMax) return err('reason_too_long', { max: rejectionReasonLengthMax });
  return execute(db, rejectCertificateRequestCommand, { id: idOf(options, 'reject'), actor: caPartyId }, { requestId: input.requestId, reason }, options.env);
}

async function readCrl(db: WorldDb): Promise<RevocationList> {
  const row = await db.meta.get(identityMetaKeys.crl);
  assert(row !== undefined, 'a world with a CA has a revocation list');
  return row.value as RevocationList;
}

/**
 * The revocation list the CA's tab signs (before the command, the CA pattern of docs/pipeline.md):
 * the current list plus `serials` revoked for `reason` at `at`, the world time it read.
 */
function nextRevocationList(seed: Uint8Array, ca: Certificate, current: RevocationList, serials: readonly number[], reason: RevocationReason, at: number): RevocationList {
  const entries = [...current.entries, ...serials.map((serial) => ({ serial, reason, revokedAt: at }))];
  return makeRevocationList(seed, ca, entries, at);
}

/**
 * Inside the command: the list the tab signed must be exactly the current list plus these
 * revocations at tx.now (else the list or the clock moved meanwhile: the CA tries again), and
 * signed by the CA's key (ed25519 verifies synchronously).
 */
async function checkSignedList(tx: Tx, list: RevocationList, serials: readonly number[], reason: RevocationReason) {
  const current = await readCrl(tx.db);
  const trust = await readTrust(tx.db);
  if (trust === null) return err('identities_not_set_up');
  const expected = [...current.entries, ...serials.map((serial) => ({ serial, reason, revokedAt: tx.now }))].sort((a, b) => a.serial - b.serial);
  if (list.updatedAt !== tx.now || canonicalString(list.entries) !== canonicalString(expected)) return err('certificate_state_changed');
  if (!verifyRevocationList(list, issuingCa(trust))) return err('certificate_altered');
  return ok(list);
}

/** Publishes a list the tab signed (checked by checkSignedList) and marks its new rows revoked. */
async function publishRevocations(tx: Tx, list: RevocationList, rows: readonly CertificateRow[], reason: RevocationReason, caPartyId: string): Promise<void> {
  await tx.db.meta.put({ key: identityMetaKeys.crl, value: list });
  const { certificates } = identityTables(tx.db);
  for (const row of rows) await certificates.put({ ...row, revoked: { reason, at: tx.now, by: caPartyId } });
  await tx.appendEvent({ type: 'identity.crl_published', actor: caPartyId, payload: { entries: list.entries.length } });
  tx.notify({ to: ['*'], kind: 'crl.published' });
}

/** A revocation whose list the CA's tab signed for the time it read (null: nothing to sign, the command names why). */
export const revokeCertificateCommand = defineCommand({
  name: 'revokeCertificate',
  apply: async (tx, input: { readonly serial: number; readonly reason: RevocationReason; readonly list: RevocationList | null }) => {
    const caPartyId = tx.meta.actor;
    const trust = await readTrust(tx.db);
    if (trust === null) return err('identities_not_set_up');
    const ca = issuingCa(trust);
    const row = await identityTables(tx.db).certificates.get(input.serial);
    if (row === undefined) return err('certificate_not_found');
    // The root is withdrawn by removing it from the roots, never by its own list.
    if (row.serial === ca.body.serial) return err('cannot_revoke_root');
    if (row.revoked !== null) return err('certificate_already_revoked');
    if (input.list === null) return err('certificate_state_changed');
    const list = await checkSignedList(tx, input.list, [row.serial], input.reason);
    if (!list.ok) return list;
    await publishRevocations(tx, list.value, [row], input.reason, caPartyId);
    await sendMail(tx, {
      to: row.partyId,
      from: caPartyId,
      subject: { key: 'mail.certificateRevoked.subject', params: { serial: row.serial } },
      body: { key: 'mail.certificateRevoked.body', params: { serial: row.serial, revocationReason: input.reason, at: tx.now } },
      ref: String(row.serial),
    });
    await tx.appendEvent({ type: 'certificate.revoked', actor: caPartyId, parties: [row.partyId], payload: { serial: row.serial, revocationReason: input.reason } });
    return ok(list.value);
  },
});

/** The CA revokes a certificate from now on and publishes the new revocation list. */
export async function revokeCertificate(
  db: WorldDb,
  worldId: string,
  caPartyId: string,
  input: { readonly serial: number; readonly reason: RevocationReason },
  options: CaOptions = {},
): Promise<Result<RevocationList, string>> {
  if (!isRevocationReason(input.reason)) return err('revocation_reason_invalid');
  const trust = await requireTrust(db);
  if (!trust.ok) return trust;
  const ca = issuingCa(trust.value);
  const seed = caSeedOf(options.keyRing ?? tabKeys, worldId, caPartyId, ca);
  if (!seed.ok) return seed;
  // Signed here for the list and time read now; the command re-checks both (and names a missing,
  // root or revoked certificate itself, leaving the list null).
  const row = await identityTables(db).certificates.get(input.serial);
  const signable = row !== undefined && row.serial !== ca.body.serial && row.revoked === null;
  const list = signable ? nextRevocationList(seed.value, ca, await readCrl(db), [row.serial], input.reason, await readClock(db)) : null;
  return execute(db, revokeCertificateCommand, { id: idOf(options, 'revoke'), actor: caPartyId }, { serial: input.serial, reason: input.reason, list }, options.env);
}

/** A renewal the CA's tab signed (the new certificate and the list retiring the old one) for the serial and time it read. */
export const renewCertificateCommand = defineCommand({
  name: 'renewCertificate',
  apply: async (
    tx,
    input: { readonly serial: number; readonly certificate: Certificate | null; readonly problem: RenewProblem | null; readonly list: RevocationList | null },
  ) => {
    const caPartyId = tx.meta.actor;
    const trust = await readTrust(tx.db);
    if (trust === null) return err('identities_not_set_up');
    const ca = issuingCa(trust);
    const t = identityTables(tx.db);
    const old = await t.certificates.get(input.serial);
    if (old === undefined) return err('certificate_not_found');
    if (old.serial === ca.body.serial) return err('cannot_renew_root');
    if (old.revoked !== null) return err('certificate_already_revoked');
    // What the CA's signing refused (an altered old certificate), named after the checks above.
    if (input.certificate === null || input.list === null) return err(input.problem ?? 'certificate_state_changed');
    const certificate = input.certificate;
    const serial = await takeSerial(tx.db);
    if (certificate.body.serial !== serial || certificate.body.notBefore !== tx.now) return err('certificate_state_changed');
    const sameKey = certificate.body.publicKey === old.certificate.body.publicKey && canonicalString(certificate.body.subject) === canonicalString(old.certificate.body.subject);
    const sameLength = certificate.body.notAfter - certificate.body.notBefore === old.certificate.body.notAfter - old.certificate.body.notBefore;
    if (!sameKey || !sameLength) return err('certificate_altered');
    if (!isHex(certificate.signature, signatureLength) || !verify(hexToBytes(certificate.signature), certificateSigningBytes(certificate.body), hexToBytes(ca.body.publicKey))) return err('certificate_altered');
    const list = await checkSignedList(tx, input.list, [old.serial], 'superseded');
    if (!list.ok) return list;
    const row: CertificateRow = {
      serial,
      partyId: old.partyId,
      fingerprint: fingerprint(certificate),
      certificate,
      issuedAt: tx.now,
      requestId: old.requestId,
      renewedFrom: old.serial,
      revoked: null,
    };
    await t.certificates.add(row);
    await publishRevocations(tx, list.value, [old], 'superseded', caPartyId);
    await sendMail(tx, {
      to: old.partyId,
      from: caPartyId,
      subject: { key: 'mail.certificateRenewed.subject', params: { serial } },
      body: { key: 'mail.certificateRenewed.body', params: { serial, old: old.serial, notAfter: certificate.body.notAfter } },
      ref: String(serial),
    });
    await tx.appendEvent({ type: 'certificate.renewed', actor: caPartyId, parties: [old.partyId], payload: { serial, old: old.serial } });
    return ok(row);
  },
});

/**
 * The CA renews a certificate: same subject and key, a new serial, valid from now for as long as
 * the old one was. The old one is retired at once ('superseded' on the list), so a party always
 * has one current certificate.
 */
export async function renewIssuedCertificate(
  db: WorldDb,
  worldId: string,
  caPartyId: string,
  input: { readonly serial: number },
  options: CaOptions = {},
): Promise<Result<CertificateRow, string>> {
  const trust = await requireTrust(db);
  if (!trust.ok) return trust;
  const ca = issuingCa(trust.value);
  const seed = caSeedOf(options.keyRing ?? tabKeys, worldId, caPartyId, ca);
  if (!seed.ok) return seed;
  // Signed here for the serial, list and world time read now; the command checks they still are.
  const old = await identityTables(db).certificates.get(input.serial);
  let prepared: { certificate: Certificate | null; problem: RenewProblem | null; list: RevocationList | null } = { certificate: null, problem: null, list: null };
  if (old !== undefined && old.serial !== ca.body.serial && old.revoked === null) {
    const serialRow = await db.meta.get(identityMetaKeys.nextSerial);
    assert(serialRow !== undefined && Number.isSafeInteger(serialRow.value), 'the CA has a serial counter');
    const now = await readClock(db);
    const renewed = renewCertificate(old.certificate, seed.value, ca, serialRow.value as number, now);
    prepared = renewed.ok
      ? { certificate: renewed.value, problem: null, list: nextRevocationList(seed.value, ca, await readCrl(db), [old.serial], 'superseded', now) }
      : { certificate: null, problem: renewed.code, list: null };
  }
  return execute(db, renewCertificateCommand, { id: idOf(options, 'renew'), actor: caPartyId }, { serial: input.serial, ...prepared }, options.env);
}

/** A party's certificates, newest first. */
export async function certificatesOf(db: WorldDb, partyId: string): Promise<CertificateRow[]> {
  const rows = await identityTables(db).certificates.where('partyId').equals(partyId).limit(certificateListMax).toArray();
  return rows.sort((a, b) => b.serial - a.serial);
}

/** The certificate a party signs with: its newest one (whatever its status; verifiers judge it). */
export async function latestCertificateOf(db: WorldDb, partyId: string): Promise<CertificateRow | undefined> {
  return (await certificatesOf(db, partyId))[0];
}

export async function requestsWithStatus(db: WorldDb, status: CertificateRequestStatus): Promise<CertificateRequestRow[]> {
  return identityTables(db).certificateRequests.where('status').equals(status).limit(certificateListMax).toArray();
}

export async function requestsOf(db: WorldDb, partyId: string): Promise<CertificateRequestRow[]> {
  const rows = await identityTables(db).certificateRequests.where('partyId').equals(partyId).limit(certificateListMax).toArray();
  return rows.sort((a, b) => b.submittedAt - a.submittedAt || (a.id < b.id ? 1 : -1));
}

/** Every certificate the CA issued, newest first. */
export async function allCertificates(db: WorldDb): Promise<CertificateRow[]> {
  return identityTables(db).certificates.orderBy(':id').reverse().limit(certificateListMax).toArray();
}

export async function currentRevocationList(db: WorldDb): Promise<RevocationList | null> {
  return (await readTrust(db))?.crl ?? null;
}

