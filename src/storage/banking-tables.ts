import type { Table } from 'dexie';
import type { BankPosition, CurrencyCode } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the banking tables (declared in migrations/v4-banking.ts). Money itself lives
// only in the ledger; these rows say who applied, which card belongs to which account, and which
// interbank payments are waiting for, or were settled in, which clearing batch.

export type BankApplicationStatus = 'pending' | 'approved' | 'rejected';

export type BankApplicationRow = {
  readonly id: string;
  readonly bankId: string;
  readonly partyId: string;
  readonly status: BankApplicationStatus;
  readonly appliedAt: number;
  readonly decidedAt: number | null;
  /** Why the bank refused (rejected only). */
  readonly reason: string | null;
  /** Approved only: the deposit account opened and its card. */
  readonly accountId: string | null;
  readonly cardNumber: string | null;
};

export type BankAccountRow = {
  /** The ledger account id, `<bank>:deposit:<party>`. */
  readonly id: string;
  readonly bankId: string;
  readonly partyId: string;
  /** The debit card number (借记卡号), the customer-facing account number. */
  readonly cardNumber: string;
  readonly openedAt: number;
  /** Null for accounts the world opened at creation (institutions). */
  readonly applicationId: string | null;
};

/** How an interbank transfer stands with clearing; same-bank transfers never enter it. */
export type ClearingState = 'none' | 'open' | 'settled';

export type BankTransferRow = {
  readonly id: string;
  readonly at: number;
  readonly amount: string;
  readonly currency: CurrencyCode;
  /** The ledger code of the movement (bank.transfer, escrow.topup, ...). */
  readonly code: string;
  /** The payer's reference (附言), shown on both statements. */
  readonly memo: string;
  /** Who initiated it: online banking, the bank counter, or another feature's service. */
  readonly channel: 'online' | 'counter' | 'service';
  readonly payerBankId: string;
  readonly payerPartyId: string;
  readonly payerAccountId: string;
  readonly payeeBankId: string;
  readonly payeePartyId: string;
  readonly payeeAccountId: string;
  readonly clearing: ClearingState;
  readonly batchId: string | null;
  readonly settledAt: number | null;
};

export type ClearingBatchRow = {
  /** `batch:<world day>`. */
  readonly id: string;
  /** World day number of the batch (day 0 = the world's first day). */
  readonly day: number;
  /** Payments submitted before this world time (the day's end, Beijing midnight) are in it. */
  readonly cutoffAt: number;
  readonly settledAt: number;
  readonly currency: CurrencyCode;
  readonly payments: number;
  /** Sum of every payment in the batch. */
  readonly grossTotal: string;
  /** What actually moved between reserves: the sum of the positive nets. */
  readonly settledTotal: string;
  readonly positions: readonly BankPosition[];
};

export type BankingTables = {
  bankApplications: Table<BankApplicationRow, string>;
  bankAccounts: Table<BankAccountRow, string>;
  bankTransfers: Table<BankTransferRow, string>;
  clearingBatches: Table<ClearingBatchRow, string>;
};

export function bankingTables(db: WorldDb): BankingTables {
  return {
    bankApplications: db.table('bankApplications'),
    bankAccounts: db.table('bankAccounts'),
    bankTransfers: db.table('bankTransfers'),
    clearingBatches: db.table('clearingBatches'),
  };
}

export const bankingMetaKeys = {
  /** Set once the world's banking accounts are opened (at creation, or on first use in an older world). */
  seeded: 'banking.seeded',
  /** The last card serial a bank issued: `banking.cardSerial.<bankId>`. */
  cardSerial: (bankId: string) => `banking.cardSerial.${bankId}`,
} as const;
