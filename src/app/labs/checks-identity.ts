import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type CertificateRow } from '../../storage/identity-tables.ts';
import { keyIdOf } from '../../domain/index.ts';
import { readTrust } from '../identity/common.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the digital certificate lab (数字证书申请与签名). Convention: the role
// that applies is called 'applicant'. Each reads the world (the CA's tables, the event log), never
// what a page did: "issued" is the certificate row the CA's command wrote, "refused" is the bank's
// recorded verdict on a signature made with a revoked certificate.

/** Events of one type looked at per check: a lab world logs a few hundred. */
export const identityEventsScannedMax = 2_000;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The applicant's first certificate issued on request (the preset gives it none). */
async function labCertificate(db: WorldDb, parties: LabParties): Promise<CertificateRow | undefined> {
  const applicant = parties.applicant;
  if (applicant === undefined) return undefined;
  const rows = await identityTables(db).certificates.where('partyId').equals(applicant).toArray();
  return rows.filter((r) => r.requestId !== null).sort((a, b) => a.serial - b.serial)[0];
}

/** When an event of `type` about the applicant (its payload's `customer`) first matched `also`. */
async function applicantEvent(db: WorldDb, parties: LabParties, type: string, also: (payload: Record<string, unknown>) => boolean = () => true): Promise<number | undefined> {
  const applicant = parties.applicant;
  if (applicant === undefined) return undefined;
  const events = await db.events.where('type').equals(type).limit(identityEventsScannedMax).toArray();
  return events.find((e) => {
    const p = e.payload as Record<string, unknown>;
    return p.customer === applicant && also(p);
  })?.at;
}

export const identityLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The applicant sent the CA a certificate request (its key signed it: proof of possession). */
  'cert.requested': async (db, parties) => {
    if (parties.applicant === undefined) return notDone;
    const rows = await identityTables(db).certificateRequests.where('partyId').equals(parties.applicant).toArray();
    return doneAt(rows.map((r) => r.submittedAt).sort((a, b) => a - b)[0]);
  },
  /** The CA issued the certificate. */
  'cert.issued': async (db, parties) => doneAt((await labCertificate(db, parties))?.issuedAt),
  /** The applicant's key signed the bank's challenge and the bank accepted it (U盾 login). */
  'cert.signed': async (db, parties) => doneAt(await applicantEvent(db, parties, 'banking.login')),
  /** The CA revoked the certificate (it is on the signed revocation list). */
  'cert.revoked': async (db, parties) => doneAt((await labCertificate(db, parties))?.revoked?.at),
  /** A signature made with the revoked certificate was refused by the bank's check. */
  'cert.signature_refused': async (db, parties) => doneAt(await applicantEvent(db, parties, 'banking.login_refused', (p) => p.reason === 'certificate_revoked')),
};

export const identityLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'cert.requested': ['certificateRequests'],
  'cert.issued': ['certificates'],
  'cert.signed': ['events'],
  'cert.revoked': ['certificates'],
  'cert.signature_refused': ['events'],
};

export const identityLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The serial number of the applicant's certificate. */
  'cert.serial': async (db, parties) => {
    const row = await labCertificate(db, parties);
    return row === undefined ? null : String(row.serial);
  },
  /** The serial number of the CA certificate that signed it (its issuer, in the chain). */
  'cert.issuer_serial': async (db, parties) => {
    const row = await labCertificate(db, parties);
    const trust = await readTrust(db);
    if (row === undefined || trust === null) return null;
    const issuer = trust.roots.find((r) => keyIdOf(r.body.publicKey) === row.certificate.body.issuer.keyId);
    return issuer === undefined ? null : String(issuer.body.serial);
  },
  /** How many certificates the CA's current revocation list names, once the lab's is revoked. */
  'cert.crl_entries': async (db, parties) => {
    const row = await labCertificate(db, parties);
    const trust = await readTrust(db);
    if (row?.revoked === null || row === undefined || trust === null) return null;
    return String(trust.crl.entries.length);
  },
};
