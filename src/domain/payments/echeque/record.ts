// The cheque's status history (票据状态记录), as every party's view shows it:
//
//   written ─▶ delivered ─▶ verified ─▶ endorsed ─▶ deposited ─▶ presented ─▶ paid
//                                                       ▲              └──▶ returned(reason)
//                                                       └── (re-deposit) ◀────────┘
//
// A stop-payment order (止付) is the drawer's instruction to ITS bank, the drawee: it does not
// take the cheque out of the payee's hands. So a 'stopped' entry is logged in the history (at any
// point before presentment) and the status stays where the cheque is: the payee may still
// endorse and deposit it, the collecting bank presents it like any other, and the drawee returns
// it as 'payment_stopped' (presentment.ts, check 15) with the returned-cheque fee, and its notice
// tells the payee why. The payee's checklist does not warn: it judges the cheque in hand, and a
// stop order lives in the drawee's records, which a payee cannot consult (the lab's shared record
// shows the entry, as it shows everything). isChequeRecordStopped says whether a stop is in force. Rows written before this rule may
// have the status 'stopped'; the cheque's place for them is its last entry that is not a stop.
//
// A returned cheque may be deposited again (once its reason is cured, e.g. the drawer paid in
// funds). 'paid' ends the cheque, but a presentment after that still happens in the world (the
// duplicate-presentment lesson), so its deposited / presented / returned entries are logged while
// the status stays.

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { chequeHash, chequeIdOf, type SignedCheque } from './cheque.ts';
import { isChequeReturnReason, type ChequeReturnReason } from './config.ts';
import type { SignedChequeEndorsement } from './endorsement.ts';
import { isIdentifier, isWorldTime } from './fields.ts';

export const chequeStatuses = ['written', 'delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid', 'returned', 'stopped'] as const;
export type ChequeStatus = (typeof chequeStatuses)[number];

export type ChequeStatusEntry = {
  readonly status: ChequeStatus;
  readonly at: number;
  /** The party that acted (drawer, payee, a bank). */
  readonly by: string;
  /** Set exactly when status is 'returned'. */
  readonly reason: ChequeReturnReason | null;
};

export type ChequeRecord = {
  /** chequeIdOf the cheque as written: bank, account and number. */
  readonly id: string;
  readonly cheque: SignedCheque;
  readonly endorsement: SignedChequeEndorsement | null;
  readonly status: ChequeStatus;
  readonly history: readonly ChequeStatusEntry[];
};

/** Enough for a cheque returned and re-deposited several times; bounds the row. */
export const chequeHistoryMax = 40;

const nextStatuses: Readonly<Record<ChequeStatus, readonly ChequeStatus[]>> = {
  written: ['delivered'],
  delivered: ['verified'],
  verified: ['endorsed'],
  endorsed: ['deposited'],
  deposited: ['presented'],
  presented: ['paid', 'returned'],
  returned: ['deposited'],
  paid: [],
  // Never a place of the cheque (see chequePlaceOf): a stop is logged, not moved to.
  stopped: [],
};
/** Entries logged after the cheque was paid, leaving its status as it is. */
const loggedAfterEnd: readonly ChequeStatus[] = ['deposited', 'presented', 'returned'];

export type ChequeStatusProblem = 'illegal_status_transition' | 'already_presented' | 'already_stopped' | 'cheque_history_full';

export function newChequeRecord(cheque: SignedCheque, by: string, at: number): ChequeRecord {
  assert(isIdentifier(by) && isWorldTime(at), 'who wrote it and when');
  return { id: chequeIdOf(cheque.payload), cheque, endorsement: null, status: 'written', history: [{ status: 'written', at, by, reason: null }] };
}

/** Whether the drawer's stop-payment order is recorded for this cheque (it stays in force). */
export function isChequeRecordStopped(record: Pick<ChequeRecord, 'status' | 'history'>): boolean {
  return record.status === 'stopped' || record.history.some((h) => h.status === 'stopped');
}

/**
 * Where the cheque is on its way: its status, or for a row stored with the old terminal status
 * 'stopped', its last entry that is not a stop (the entries logged after that stop are where it
 * actually went).
 */
export function chequePlaceOf(record: Pick<ChequeRecord, 'status' | 'history'>): ChequeStatus {
  if (record.status !== 'stopped') return record.status;
  for (let i = record.history.length - 1; i >= 0; i--) {
    const entry = record.history[i]!;
    if (entry.status !== 'stopped') return entry.status;
  }
  assert(false, 'a record starts with its written entry');
}

/** Appends `entry` when the status table allows it; the record is unchanged on an error. */
export function recordChequeStatus(record: ChequeRecord, entry: ChequeStatusEntry): Result<ChequeRecord, ChequeStatusProblem> {
  assert(isIdentifier(entry.by) && isWorldTime(entry.at), 'an entry names who and when');
  assert((entry.status === 'returned') === (entry.reason !== null), 'a reason exactly on returned');
  assert(entry.reason === null || isChequeReturnReason(entry.reason), 'a known return reason');
  const last = record.history[record.history.length - 1];
  assert(last !== undefined && entry.at >= last.at, 'world time does not run backwards');
  if (record.history.length >= chequeHistoryMax) return err('cheque_history_full', { max: chequeHistoryMax });
  const from = chequePlaceOf(record);
  if (entry.status === 'stopped') {
    if (isChequeRecordStopped(record)) return err('already_stopped');
    if (from === 'presented' || from === 'paid') return err('already_presented');
    // Logged where the cheque is: it keeps travelling and is returned when presented.
    return ok({ ...record, history: [...record.history, entry] });
  }
  if (from === 'paid' && loggedAfterEnd.includes(entry.status)) {
    return ok({ ...record, history: [...record.history, entry] });
  }
  if (!nextStatuses[from].includes(entry.status)) return err('illegal_status_transition', { from, to: entry.status });
  return ok({ ...record, status: entry.status, history: [...record.history, entry] });
}

/** The payee's endorsement joins the record, which moves to 'endorsed'. */
export function recordEndorsement(record: ChequeRecord, endorsement: SignedChequeEndorsement, by: string, at: number): Result<ChequeRecord, ChequeStatusProblem> {
  assert(endorsement.payload.chequeHash === chequeHash(record.cheque), 'the endorsement is over this record\'s cheque');
  const next = recordChequeStatus(record, { status: 'endorsed', at, by, reason: null });
  if (!next.ok) return next;
  return ok({ ...next.value, endorsement });
}
