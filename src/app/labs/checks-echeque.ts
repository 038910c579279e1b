import type { ChequeStatus } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { echequeTables, type ChequeRow } from '../../storage/echeque-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the e-cheque lab (电子支票): the roles are 'drawer' and 'payee'
// (customers of two banks). Each reads the cheques' own status history and their presentments:
// the good cheque is the drawer's first cheque to the payee that was never stopped, the stopped
// cheque the first one the drawer's bank recorded a stop order on, the altered cheque the first one
// whose amount the teacher's lab tool changed after signing (its row keeps the amount signed).

/** A drawer's cheques looked at per check: a lab's drawer writes a handful. */
export const echequeLabChequesScannedMax = 200;

const notDone: CheckResult = { done: false, at: null };

/** The drawer's cheques to the payee, oldest first. */
async function labCheques(db: WorldDb, parties: LabParties): Promise<ChequeRow[]> {
  const { drawer, payee } = parties;
  if (drawer === undefined || payee === undefined) return [];
  const rows = await echequeTables(db).cheques.where('drawerPartyId').equals(drawer).limit(echequeLabChequesScannedMax).toArray();
  return rows.filter((c) => c.payeePartyId === payee).sort((a, b) => a.writtenAt - b.writtenAt || (a.id < b.id ? -1 : 1));
}

const wasStopped = (c: ChequeRow): boolean => c.history.some((h) => h.status === 'stopped');

async function goodCheque(db: WorldDb, parties: LabParties): Promise<ChequeRow | undefined> {
  return (await labCheques(db, parties)).find((c) => !wasStopped(c));
}

async function stoppedCheque(db: WorldDb, parties: LabParties): Promise<ChequeRow | undefined> {
  return (await labCheques(db, parties)).find(wasStopped);
}

async function alteredCheque(db: WorldDb, parties: LabParties): Promise<ChequeRow | undefined> {
  return (await labCheques(db, parties)).find((c) => c.alteredFrom !== null);
}

/** Events of one type looked at per check. */
export const echequeLabEventsScannedMax = 2_000;

/** When the cheque's history first reached `status` (with `reason`, when given). */
function reached(c: ChequeRow | undefined, status: ChequeStatus, reason?: string): CheckResult {
  const entry = c?.history.find((h) => h.status === status && (reason === undefined || h.reason === reason));
  return entry === undefined ? notDone : { done: true, at: entry.at };
}

function good(status: ChequeStatus): LabCheck {
  return async (db, parties) => reached(await goodCheque(db, parties), status);
}

function stopped(status: ChequeStatus, reason?: string): LabCheck {
  return async (db, parties) => reached(await stoppedCheque(db, parties), status, reason);
}

function altered(status: ChequeStatus, reason?: string): LabCheck {
  return async (db, parties) => reached(await alteredCheque(db, parties), status, reason);
}

export const echequeLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The drawer wrote, signed and sent the payee a cheque. */
  'cheque.written': good('written'),
  /** The payee endorsed it (signed over its hash, for deposit to its own account). */
  'cheque.endorsed': good('endorsed'),
  /** The payee deposited it at its bank. */
  'cheque.deposited': good('deposited'),
  /** The payee's bank presented it to the drawer's bank. */
  'cheque.presented': good('presented'),
  /** The drawer's bank paid it. */
  'cheque.paid': good('paid'),
  /** The drawer's bank accepted a stop order on a cheque to the payee. */
  'cheque.stop_ordered': stopped('stopped'),
  /** The payee deposited the stopped cheque anyway. */
  'cheque.stopped_deposited': stopped('deposited'),
  /** The payee's bank presented the stopped cheque. */
  'cheque.stopped_presented': stopped('presented'),
  /** The drawer's bank returned it because payment was stopped. */
  'cheque.returned_stopped': stopped('returned', 'payment_stopped'),
  /** The drawer wrote the payee a third cheque. */
  'cheque.third_written': async (db, parties) => {
    const third = (await labCheques(db, parties))[2];
    return third === undefined ? notDone : { done: true, at: third.writtenAt };
  },
  /** The teacher's lab tool changed a cheque's amount after the drawer signed it (the event says when). */
  'cheque.altered': async (db, parties) => {
    const c = await alteredCheque(db, parties);
    if (c === undefined) return notDone;
    const events = await db.events.where('type').equals('echeque.lab_altered').limit(echequeLabEventsScannedMax).toArray();
    const at = events.find((e) => (e.payload as { chequeId?: unknown }).chequeId === c.id)?.at;
    return at === undefined ? notDone : { done: true, at };
  },
  /** The payee deposited the altered cheque. */
  'cheque.altered_deposited': altered('deposited'),
  /** The payee's bank presented it. */
  'cheque.altered_presented': altered('presented'),
  /** The drawer's bank returned it: the signature does not cover the amount on it. */
  'cheque.returned_altered': altered('returned', 'altered_or_fictitious'),
};

export const echequeLabCheckTables: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.keys(echequeLabChecks).map((k) => [k, k === 'cheque.altered' ? ['cheques', 'events'] : ['cheques']]),
);

export const echequeLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The number of the cheque the drawer's bank paid. */
  'cheque.paid_number': async (db, parties) => {
    const c = await goodCheque(db, parties);
    return c !== undefined && reached(c, 'paid').done ? c.cheque.payload.chequeNumber : null;
  },
  /** The amount the paid cheque moved from the drawer's bank to the payee's (through clearing). */
  'cheque.paid_amount': async (db, parties) => {
    const c = await goodCheque(db, parties);
    if (c === undefined) return null;
    const paid = await echequeTables(db).chequePresentments.where('chequeId').equals(c.id).filter((p) => p.status === 'paid').first();
    return paid?.amount ?? null;
  },
  /** The amount the drawer signed on the cheque the lab tool altered. */
  'cheque.altered_from': async (db, parties) => (await alteredCheque(db, parties))?.alteredFrom ?? null,
  /** The returned-cheque fee the drawer's bank charged for the stopped cheque. */
  'cheque.stop_fee': async (db, parties) => {
    const c = await stoppedCheque(db, parties);
    if (c === undefined) return null;
    const returned = await echequeTables(db).chequePresentments.where('chequeId').equals(c.id).filter((p) => p.status === 'returned' && p.reason === 'payment_stopped').first();
    return returned?.fee ?? null;
  },
};
