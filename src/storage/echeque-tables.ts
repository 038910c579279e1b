import type { Table } from 'dexie';
import type {
  ChequePresentmentCheck,
  ChequeRecord,
  ChequeReturnReason,
  ChequebookRow,
  PresentedCheque,
  SignedChequePaymentNotice,
  SignedChequeStopOrder,
} from '../domain/payments/echeque/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the e-cheque tables (declared in migrations/v7-echeque.ts). Money lives only in
// the ledger; these rows are the documents (cheques, notices, stop orders) and the banks' records
// about them (chequebooks, presentments).

/** A deposit account its bank enabled for cheques; the account number is its card number. */
export type ChequeAccountRow = {
  /** The ledger account id, `<bank>:deposit:<party>`. */
  readonly id: string;
  readonly bankId: string;
  readonly partyId: string;
  readonly accountNumber: string;
  readonly holderName: string;
  readonly enabledAt: number;
};

/** The cheque's record (domain ChequeRecord) with the keys the lists need. */
export type ChequeRow = ChequeRecord & {
  readonly drawerPartyId: string;
  readonly payeePartyId: string;
  readonly writtenAt: number;
  /** The payee's last checklist run: null until it ran. */
  readonly checklistPassed: boolean | null;
  /** Set when the lab tool changed the amount after signing (the signed amount it had). */
  readonly alteredFrom: string | null;
};

export type ChequeNoticeRow = {
  readonly chequeId: string;
  /** The drawer's bank, which keeps the notice. */
  readonly bankId: string;
  readonly notice: SignedChequePaymentNotice;
  readonly receivedAt: number;
};

/**
 * One deposit of a cheque: 'deposited' (the collecting bank's queue), 'presented' (the paying
 * bank's queue), then 'paid' or 'returned'.
 */
export type ChequePresentmentStatus = 'deposited' | 'presented' | 'paid' | 'returned';

export type ChequePresentmentRow = {
  readonly id: string;
  readonly chequeId: string;
  /** The cheque and endorsement as deposited (a later change to the record does not touch it). */
  readonly presented: PresentedCheque;
  readonly collectingBankId: string;
  readonly payingBankId: string;
  readonly depositorPartyId: string;
  readonly amount: string;
  readonly chequeNumber: string;
  readonly status: ChequePresentmentStatus;
  readonly depositedAt: number;
  readonly presentedAt: number | null;
  readonly decidedAt: number | null;
  readonly reason: ChequeReturnReason | null;
  readonly detail: Readonly<Record<string, string | number>> | null;
  readonly fee: string | null;
  readonly trace: readonly ChequePresentmentCheck[];
  /** True when it crossed banks (booked through clearing). */
  readonly clearing: boolean;
};

export type ChequeStopRow = {
  readonly id: string;
  readonly bankId: string;
  readonly chequeId: string;
  readonly order: SignedChequeStopOrder;
  readonly acceptedAt: number;
};

export type EchequeTables = {
  readonly chequeAccounts: Table<ChequeAccountRow, string>;
  readonly chequebooks: Table<ChequebookRow, string>;
  readonly cheques: Table<ChequeRow, string>;
  readonly chequeNotices: Table<ChequeNoticeRow, string>;
  readonly chequePresentments: Table<ChequePresentmentRow, string>;
  readonly chequeStops: Table<ChequeStopRow, string>;
};

export function echequeTables(db: WorldDb): EchequeTables {
  return {
    chequeAccounts: db.table('chequeAccounts'),
    chequebooks: db.table('chequebooks'),
    cheques: db.table('cheques'),
    chequeNotices: db.table('chequeNotices'),
    chequePresentments: db.table('chequePresentments'),
    chequeStops: db.table('chequeStops'),
  };
}

export const echequeMetaKeys = {
  /** A lesson's overrides of the e-cheque config (presentment period, fee...). */
  config: 'echeque.config',
  /** The next cheque number a bank gives out (numbers are unique per bank). */
  nextNumber: (bankId: string) => `echeque.nextNumber:${bankId}`,
} as const;
