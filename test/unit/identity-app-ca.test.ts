import { describe, expect, it } from 'vitest';
import {
  certificateStatus,
  certificateValidityMsDefault,
  dayMs,
  makeChallenge,
  minuteMs,
  signDocument,
  signChallenge,
  verifyRevocationList,
  type Certificate,
} from '../../src/domain/index.ts';
import {
  applyForCertificate,
  certificatesOf,
  issueRequestedCertificate,
  rejectCertificateRequest,
  renewIssuedCertificate,
  requestsWithStatus,
  revokeCertificate,
} from '../../src/app/identity/ca.ts';
import {
  answerChallenge,
  completeOnlineBankingLogin,
  logoutOnlineBanking,
  onlineBankingLogin,
  requireOnlineBanking,
  startOnlineBankingLogin,
} from '../../src/app/identity/banking-login.ts';
import { verifyInWorld, viewCertificate } from '../../src/app/identity/verify.ts';
import { auditWorld, recordAudit } from '../../src/app/identity/audit.ts';
import { readTrust } from '../../src/app/identity/common.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from '../helpers/identity.ts';

async function caTab(db: WorldDb, worldId: string): Promise<KeyRing> {
  return loggedInTab(db, worldId, 'ca', await labPassword(db, 'ca'));
}

/** A buyer with an issued certificate, and the tabs of the buyer and the CA. */
async function certifiedBuyer(loginName = 'meimei') {
  const { db, id } = await freshWorld();
  const partyId = await registerActive(db, loginName);
  const buyer = await loggedInTab(db, id, loginName, goodPassword);
  const ca = await caTab(db, id);
  const applied = await applyForCertificate(db, id, partyId, { keyRing: buyer });
  if (!applied.ok) throw new Error(applied.code);
  const issued = await issueRequestedCertificate(db, id, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
  if (!issued.ok) throw new Error(issued.code);
  return { db, id, partyId, buyer, ca, serial: issued.value.serial };
}

describe('certificate application → issue → revoke → revocation list', () => {
  it('a logged-in party applies with proof of possession; the CA issues a one-year certificate with the registered identity', async () => {
    const { db, id } = await freshWorld();
    const partyId = await registerActive(db, 'meimei');
    const buyer = new KeyRing();
    expect(await applyForCertificate(db, id, partyId, { keyRing: buyer })).toMatchObject({ ok: false, code: 'login_required' });
    await loggedInTab(db, id, 'meimei', goodPassword, buyer);
    const applied = await applyForCertificate(db, id, partyId, { keyRing: buyer });
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    expect(await applyForCertificate(db, id, partyId, { keyRing: buyer })).toMatchObject({ ok: false, code: 'certificate_request_pending' });
    const pending = await requestsWithStatus(db, 'pending');
    expect(pending.map((r) => r.id)).toEqual([applied.value.requestId]);
    expect(pending[0]!.request.subject).toEqual({ name: '李雷', role: 'buyer', partyId });

    // Issuing needs the CA's key, open in the CA's tab (logged in with the lab-sheet password).
    expect(await issueRequestedCertificate(db, id, 'ca', { requestId: applied.value.requestId }, { keyRing: buyer })).toMatchObject({ code: 'login_required' });
    const ca = await caTab(db, id);
    const now = await readClock(db);
    const issued = await issueRequestedCertificate(db, id, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
    expect(issued.ok).toBe(true);
    if (!issued.ok) return;
    const cert = issued.value.certificate;
    expect(cert.body).toMatchObject({ serial: 9, subject: { name: '李雷', role: 'buyer', partyId }, notBefore: now, notAfter: now + certificateValidityMsDefault, issuer: { partyId: 'ca' } });
    expect(cert.body.publicKey).toBe((await identityTables(db).partyKeys.get(partyId))!.publicKey);
    expect(await requestsWithStatus(db, 'pending')).toHaveLength(0);
    expect(await issueRequestedCertificate(db, id, 'ca', { requestId: applied.value.requestId }, { keyRing: ca })).toMatchObject({ code: 'certificate_request_decided' });
    expect((await mailOf(db, partyId)).some((m) => m.subject.key === 'mail.certificateIssued.subject')).toBe(true);

    const trust = (await readTrust(db))!;
    const view = viewCertificate(cert, trust, now);
    expect(view).toMatchObject({ status: 'valid', chainValid: true, revocationListValid: true });
    expect(view.chain.map((l) => l.certificate.body.serial)).toEqual([9, 1]);
    expect(view.chain[1]!.isRoot).toBe(true);
    expect(viewCertificate(cert, trust, now + certificateValidityMsDefault).status).toBe('expired');
    expect(viewCertificate(cert, trust, now - 1).status).toBe('not_yet_valid');
    const altered: Certificate = { ...cert, body: { ...cert.body, subject: { ...cert.body.subject, name: '韩梅梅' } } };
    expect(viewCertificate(altered, trust, now)).toMatchObject({ chainValid: false });
  });

  it('the CA refuses a request whose identity does not match the registration, and rejects with a reason', async () => {
    const { db, id } = await freshWorld();
    const partyId = await registerActive(db, 'faker');
    const buyer = await loggedInTab(db, id, 'faker', goodPassword);
    const applied = await applyForCertificate(db, id, partyId, { keyRing: buyer });
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    const ca = await caTab(db, id);
    // Someone edits the stored request's name (the proof of possession no longer matches either).
    const t = identityTables(db);
    const row = (await t.certificateRequests.get(applied.value.requestId))!;
    await t.certificateRequests.put({ ...row, request: { ...row.request, subject: { ...row.request.subject, name: '马云' } } });
    expect(await issueRequestedCertificate(db, id, 'ca', { requestId: row.id }, { keyRing: ca })).toMatchObject({ ok: false, code: 'subject_mismatch' });
    expect(await rejectCertificateRequest(db, 'ca', { requestId: row.id, reason: ' ' })).toMatchObject({ code: 'reason_required' });
    expect(await rejectCertificateRequest(db, 'u-faker', { requestId: row.id, reason: 'no' })).toMatchObject({ code: 'not_the_ca' });
    expect(await rejectCertificateRequest(db, 'ca', { requestId: row.id, reason: '姓名与身份证不符' })).toMatchObject({ ok: true, value: { status: 'rejected' } });
    const mail = (await mailOf(db, partyId)).find((m) => m.subject.key === 'mail.certificateRejected.subject');
    expect(mail?.body.params?.reason).toBe('姓名与身份证不符');
    // After a rejection the party may apply again.
    expect((await applyForCertificate(db, id, partyId, { keyRing: buyer })).ok).toBe(true);
  });

  it('revocation publishes a new signed list; the certificate then shows revoked and the one verifier refuses it', async () => {
    const { db, id, partyId, buyer, ca, serial } = await certifiedBuyer();
    const cert = (await identityTables(db).certificates.get(serial))!.certificate;
    const signedAt = await readClock(db);
    const doc = signDocument({ kind: 'order', orderId: 'o-1' }, buyer.seed(id, partyId)!, cert);
    expect(await verifyInWorld(db, doc, { role: 'buyer' })).toMatchObject({ ok: true, value: { serial } });
    expect(await verifyInWorld(db, doc, { role: 'bank' })).toMatchObject({ ok: false, code: 'wrong_role' });

    await advanceClock(db, meta('ca'), { kind: 'hours', hours: 2 });
    expect(await revokeCertificate(db, id, 'ca', { serial, reason: 'key_compromise' }, { keyRing: buyer })).toMatchObject({ code: 'login_required' });
    expect(await revokeCertificate(db, id, 'ca', { serial: 1, reason: 'key_compromise' }, { keyRing: ca })).toMatchObject({ code: 'cannot_revoke_root' });
    const revoked = await revokeCertificate(db, id, 'ca', { serial, reason: 'key_compromise' }, { keyRing: ca });
    expect(revoked.ok).toBe(true);
    if (!revoked.ok) return;
    const now = await readClock(db);
    expect(revoked.value.entries).toEqual([{ serial, reason: 'key_compromise', revokedAt: now }]);
    const trust = (await readTrust(db))!;
    expect(trust.crl).toEqual(revoked.value);
    expect(verifyRevocationList(trust.crl, trust.roots[0]!)).toBe(true);
    expect(certificateStatus(cert, now, trust.crl)).toBe('revoked');
    expect((await identityTables(db).certificates.get(serial))?.revoked).toEqual({ reason: 'key_compromise', at: now, by: 'ca' });
    expect(await verifyInWorld(db, doc, { role: 'buyer' })).toMatchObject({ ok: false, code: 'certificate_revoked', detail: { serial, reason: 'key_compromise' } });
    // Signed before the revocation, judged as of then: still good.
    expect(await verifyInWorld(db, doc, { role: 'buyer', now: signedAt })).toMatchObject({ ok: true });
    expect(await revokeCertificate(db, id, 'ca', { serial, reason: 'unspecified' }, { keyRing: ca })).toMatchObject({ code: 'certificate_already_revoked' });
    expect((await mailOf(db, partyId)).some((m) => m.subject.key === 'mail.certificateRevoked.subject')).toBe(true);
  });

  it('renewal gives a new serial for the same key and retires the old one as superseded', async () => {
    const { db, id, partyId, ca, serial } = await certifiedBuyer('renewer');
    await advanceClock(db, meta('ca'), { kind: 'days', days: 300 });
    const renewed = await renewIssuedCertificate(db, id, 'ca', { serial }, { keyRing: ca });
    expect(renewed.ok).toBe(true);
    if (!renewed.ok) return;
    const now = await readClock(db);
    expect(renewed.value).toMatchObject({ serial: serial + 1, renewedFrom: serial });
    expect(renewed.value.certificate.body).toMatchObject({ notBefore: now, notAfter: now + certificateValidityMsDefault });
    const trust = (await readTrust(db))!;
    expect(trust.crl.entries).toEqual([{ serial, reason: 'superseded', revokedAt: now }]);
    expect((await certificatesOf(db, partyId)).map((c) => c.serial)).toEqual([serial + 1, serial]);
    expect(viewCertificate(renewed.value.certificate, trust, now).status).toBe('valid');
    expect(await renewIssuedCertificate(db, id, 'ca', { serial }, { keyRing: ca })).toMatchObject({ code: 'certificate_already_revoked' });
  });
});

describe('online-banking login (U盾)', () => {
  it('is accepted with a valid certificate and refused with certificate_revoked after revocation', async () => {
    const { db, id, partyId, buyer, ca, serial } = await certifiedBuyer('ubuyer');
    const before = await readClock(db);
    const login = await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: buyer });
    expect(login.result).toMatchObject({ ok: true, value: { worldId: id, bankId: 'bank-a', partyId, serial } });
    expect(login.steps.challenge?.customerPartyId).toBe(partyId);
    const check = async (bankId: string, ring: KeyRing = buyer) => requireOnlineBanking({ db, env: { keyRing: ring }, now: await readClock(db) }, bankId, partyId);
    expect(await check('bank-a')).toMatchObject({ ok: true });
    expect(await check('bank-b')).toMatchObject({ ok: false, code: 'online_banking_required' });
    // The session is the tab's: another tab (ring) of the same browser has none.
    expect(await check('bank-a', new KeyRing())).toMatchObject({ ok: false, code: 'online_banking_required' });
    expect(await identityTables(db).bankSessions.count()).toBe(0);

    await advanceClock(db, meta('ca'), { kind: 'to', at: before + 10 * minuteMs });
    expect((await revokeCertificate(db, id, 'ca', { serial, reason: 'key_compromise' }, { keyRing: ca })).ok).toBe(true);
    const after = await readClock(db);
    // The open session is no longer good for banking, and a new login is refused, naming why.
    expect(after).toBeGreaterThan(before);
    expect(await check('bank-a')).toMatchObject({ ok: false, code: 'certificate_revoked' });
    const refused = await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: buyer });
    expect(refused.result).toMatchObject({ ok: false, code: 'certificate_revoked', detail: { serial, reason: 'key_compromise' } });
    const challenge = await identityTables(db).bankChallenges.get(refused.steps.challenge!.nonce);
    expect(challenge).toMatchObject({ status: 'refused', refusal: 'certificate_revoked' });
    const events = await db.events.where('type').equals('banking.login_refused').toArray();
    expect(events.at(-1)?.payload).toMatchObject({ customer: partyId, reason: 'certificate_revoked' });
  });

  it('without a certificate there is no online banking; not logged in, no signing', async () => {
    const { db, id } = await freshWorld();
    const partyId = await registerActive(db, 'nocert');
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: new KeyRing() })).result).toMatchObject({ code: 'login_required' });
    const tab = await loggedInTab(db, id, 'nocert', goodPassword);
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: tab })).result).toMatchObject({ code: 'certificate_required' });
    // Applied, not issued yet: the applicant is told to wait for the CA, not to apply again.
    expect(await applyForCertificate(db, id, partyId, { keyRing: tab })).toMatchObject({ ok: true });
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: tab })).result).toMatchObject({ code: 'certificate_not_issued' });
    expect(await startOnlineBankingLogin(db, { bankId: 'platform', partyId })).toMatchObject({ code: 'not_a_bank' });
    expect(await startOnlineBankingLogin(db, { bankId: 'bank-a', partyId: 'escrow' })).toMatchObject({ code: 'not_a_customer' });
  });

  it('a challenge is answered once, for the bank that issued it, before it expires, by its customer', async () => {
    const { db, id, partyId, buyer } = await certifiedBuyer('replayer');
    const challenge = await startOnlineBankingLogin(db, { bankId: 'bank-a', partyId });
    if (!challenge.ok) throw new Error(challenge.code);
    const response = await answerChallenge(db, id, challenge.value, { keyRing: buyer });
    if (!response.ok) throw new Error(response.code);
    expect(await completeOnlineBankingLogin(db, { bankId: 'bank-b', response: response.value })).toMatchObject({ code: 'challenge_unknown' });
    expect((await completeOnlineBankingLogin(db, { bankId: 'bank-a', response: response.value })).ok).toBe(true);
    expect(await completeOnlineBankingLogin(db, { bankId: 'bank-a', response: response.value })).toMatchObject({ code: 'challenge_used' });

    const late = await startOnlineBankingLogin(db, { bankId: 'bank-a', partyId });
    if (!late.ok) throw new Error(late.code);
    const lateResponse = await answerChallenge(db, id, late.value, { keyRing: buyer });
    await advanceClock(db, meta(partyId), { kind: 'to', at: late.value.expiresAt });
    expect(await completeOnlineBankingLogin(db, { bankId: 'bank-a', response: lateResponse.ok ? lateResponse.value : (undefined as never) })).toMatchObject({ code: 'challenge_expired' });

    // A response made up for a challenge the bank never issued.
    const forged = makeChallenge(new Uint8Array(16).fill(7), 'bank-a', partyId, await readClock(db));
    const cert = (await identityTables(db).certificates.where('partyId').equals(partyId).first())!.certificate;
    const forgedResponse = signChallenge(forged, buyer.seed(id, partyId)!, cert);
    expect(await completeOnlineBankingLogin(db, { bankId: 'bank-a', response: forgedResponse })).toMatchObject({ code: 'challenge_unknown' });

    // The bank's checks alone open no session: only the customer's tab opens one, in its ring.
    expect(await logoutOnlineBanking(db, id, { bankId: 'bank-a', partyId }, { keyRing: buyer })).toMatchObject({ code: 'online_banking_required' });
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId }, { keyRing: buyer })).result.ok).toBe(true);
    expect((await logoutOnlineBanking(db, id, { bankId: 'bank-a', partyId }, { keyRing: buyer })).ok).toBe(true);
    expect(await requireOnlineBanking({ db, env: { keyRing: buyer }, now: await readClock(db) }, 'bank-a', partyId)).toMatchObject({ code: 'online_banking_required' });
  });

  it('an institution (not a buyer or seller) is refused by the verifier as wrong_role', async () => {
    const { db, id } = await freshWorld();
    const bankTab = await loggedInTab(db, id, 'bank-b', await labPassword(db, 'bank-b'));
    const challenge = makeChallenge(new Uint8Array(16).fill(9), 'bank-a', 'bank-b', await readClock(db));
    // Stored as if bank-a had issued it, to reach the verifier.
    await identityTables(db).bankChallenges.add({ id: challenge.nonce, bankId: 'bank-a', partyId: 'bank-b', challenge, status: 'open', refusal: null });
    const response = await answerChallenge(db, id, challenge, { keyRing: bankTab });
    if (!response.ok) throw new Error(response.code);
    expect(await completeOnlineBankingLogin(db, { bankId: 'bank-a', response: response.value })).toMatchObject({ code: 'wrong_role' });
  });
});

describe('the auditor verifies everything signed in the world', () => {
  it('checks every certificate, the list and every signed login; a tampered certificate is named', async () => {
    const { db, id, partyId, buyer } = await certifiedBuyer('audited');
    for (let i = 0; i < 3; i++) {
      const r = await onlineBankingLogin(db, id, { bankId: i % 2 === 0 ? 'bank-a' : 'bank-b', partyId }, { keyRing: buyer });
      expect(r.result.ok).toBe(true);
      await advanceClock(db, meta(partyId), { kind: 'hours', hours: 1 });
    }
    for (const engine of ['noble', 'auto'] as const) {
      const report = await auditWorld(db, { engine });
      expect(report.ok).toBe(true);
      if (!report.ok) return;
      expect(report.value).toMatchObject({ certificatesChecked: 9, documentsChecked: 3, failureCount: 0, revocationListValid: true });
      expect(report.value.statusCounts.valid).toBe(9);
    }

    const t = identityTables(db);
    const row = (await t.certificates.where('partyId').equals(partyId).first())!;
    const body = { ...row.certificate.body, notAfter: row.certificate.body.notAfter + 100 * dayMs };
    await t.certificates.put({ ...row, certificate: { ...row.certificate, body } });
    const session = (await t.bankChallenges.filter((c) => c.status === 'accepted').toArray())[0]!;
    const response = session.response!;
    await t.bankChallenges.put({ ...session, response: { ...response, payload: { ...response.payload, challenge: { ...response.payload.challenge, expiresAt: response.payload.challenge.expiresAt + minuteMs } } } });
    const report = await auditWorld(db);
    if (!report.ok) throw new Error(report.code);
    expect(report.value.failures).toEqual([
      { kind: 'certificate', ref: String(row.serial), code: 'certificate_altered' },
      { kind: 'document', ref: `online-banking:${session.id}`, code: 'bad_signature' },
    ]);
    expect((await recordAudit(db, meta('platform'), report.value)).ok).toBe(true);
    const event = await db.events.where('type').equals('identity.audit_completed').last();
    expect(event?.payload).toMatchObject({ certificates: 9, documents: 3, failures: 2 });
  });
});

describe('one current certificate per party', () => {
  it('a party holding a valid certificate cannot apply again until it is revoked', async () => {
    const { db, id, partyId, buyer, ca, serial } = await certifiedBuyer('holder');
    expect(await applyForCertificate(db, id, partyId, { keyRing: buyer })).toMatchObject({ ok: false, code: 'certificate_already_valid', detail: { serial } });
    expect((await revokeCertificate(db, id, 'ca', { serial, reason: 'key_compromise' }, { keyRing: ca })).ok).toBe(true);
    expect((await applyForCertificate(db, id, partyId, { keyRing: buyer })).ok).toBe(true);
  });
});
