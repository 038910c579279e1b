import { balanceOf, toStored } from '../../domain/index.ts';
import type { WorldDb, EventRow } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { platformCommissionId } from '../ledger-seed.ts';
import { trialBalanceEventType, verifiedEventType, verifyBrokenEventType } from '../ledger-audit.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the auditor lab (审计: trial balance, verify, tampering). Convention: the
// role that audits is called 'auditor'. Each reads the world's event log, never what a page did:
// "verified" is the auditor's recorded verify (the recordLedgerVerify command's event), "tampered"
// the teacher's lab tool's event, "found" a later recorded verify naming a tampered entry.

/** Events of one type looked at per check: a lab world logs a few hundred. */
export const auditorEventsScannedMax = 2_000;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (event: EventRow | undefined): CheckResult => (event === undefined ? notDone : { done: true, at: event.at });

async function eventsOf(db: WorldDb, type: string): Promise<EventRow[]> {
  return db.events.where('type').equals(type).limit(auditorEventsScannedMax).toArray();
}

const seqOf = (e: EventRow): number => e.seq ?? 0;

/** The auditor's first trial balance in which debits equalled credits. */
async function trialDrawn(db: WorldDb, parties: LabParties): Promise<EventRow | undefined> {
  return (await eventsOf(db, trialBalanceEventType)).find((e) => e.actor === parties.auditor && e.payload.balanced === true);
}

/** The auditor's first verify that found the journal whole. */
async function cleanVerify(db: WorldDb, parties: LabParties): Promise<EventRow | undefined> {
  return (await eventsOf(db, verifiedEventType)).find((e) => e.actor === parties.auditor);
}

/** Entries overwritten with the lab tool after the auditor's clean verify. */
async function tamperedAfter(db: WorldDb, parties: LabParties): Promise<{ readonly clean: EventRow; readonly tampered: EventRow[] } | undefined> {
  const clean = await cleanVerify(db, parties);
  if (clean === undefined) return undefined;
  const tampered = (await eventsOf(db, 'lab.tampered')).filter((e) => seqOf(e) > seqOf(clean));
  return { clean, tampered };
}

/** The auditor's first verify after the tampering that named a tampered entry as the broken one. */
async function tamperFound(db: WorldDb, parties: LabParties): Promise<EventRow | undefined> {
  const after = await tamperedAfter(db, parties);
  const first = after?.tampered[0];
  if (after === undefined || first === undefined) return undefined;
  const seqs = new Set(after.tampered.map((e) => e.payload.seq));
  return (await eventsOf(db, verifyBrokenEventType)).find((e) => e.actor === parties.auditor && seqOf(e) > seqOf(first) && seqs.has(e.payload.brokenSeq));
}

export const auditorLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The auditor drew the trial balance (a recorded drawTrialBalance) and it balanced. */
  'audit.trial_drawn': async (db, parties) => doneAt(await trialDrawn(db, parties)),
  /** The auditor verified the journal and it verified (recorded: up to entry N, head hash H). */
  'audit.verified': async (db, parties) => doneAt(await cleanVerify(db, parties)),
  /** After that verify, a journal entry was overwritten with the teacher's lab tool. */
  'audit.tampered': async (db, parties) => doneAt((await tamperedAfter(db, parties))?.tampered[0]),
  /** The auditor verified again and the verify named the overwritten entry as broken. */
  'audit.tamper_found': async (db, parties) => doneAt(await tamperFound(db, parties)),
};

export const auditorLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'audit.trial_drawn': ['events'],
  'audit.verified': ['events'],
  'audit.tampered': ['events'],
  'audit.tamper_found': ['events'],
};

export const auditorLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The platform's commission income: its commission account's posted balance (credit-normal). */
  'audit.commission_balance': async (db) => {
    const account = await ledgerTables(db).accounts.get(platformCommissionId);
    return account === undefined ? null : toStored(balanceOf(account)).amount;
  },
  /** The head entry number the auditor's clean verify reached. */
  'audit.verified_head': async (db, parties) => {
    const clean = await cleanVerify(db, parties);
    return clean === undefined ? null : String(clean.payload.headSeq);
  },
  /** The entry the auditor's verify after the tampering found broken. */
  'audit.broken_seq': async (db, parties) => {
    const found = await tamperFound(db, parties);
    return found === undefined ? null : String(found.payload.brokenSeq);
  },
};
