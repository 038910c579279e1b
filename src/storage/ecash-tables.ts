import type { Table } from 'dexie';
import type {
  Certificate, EcashDenomination, EcashDepositRow, EcashPublicKey, EcashSigningSession, MerchantDevice, MondexDepositRow, RecurringBill,
  RevocationEntry, SealedPrivateKey, SmartCard, StoredValueCard, StoredValueIssuer, StoredValueTxn, WalletTransaction,
} from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the e-cash and e-wallet tables (declared in migrations/v8-ecash.ts).

/** A bank's e-cash key seed (hex, 32 bytes): its signing keys are derived from it. */
export type EcashBankSecretRow = { readonly bankId: string; readonly seed: string; readonly createdAt: number };

/** A user's wallet: the random wallet key, sealed under the wallet password (PBKDF2-SHA256 → AES-GCM). */
export type EcashWalletRow = { readonly ownerId: string; readonly sealedKey: SealedPrivateKey; readonly createdAt: number };

/** AES-GCM ciphertext under the wallet key (hex). */
export type SealedBlob = { readonly iv: string; readonly ciphertext: string };

/**
 * One purse entry. `withdrawing`: a withdrawal in progress (the sealed blob holds the wallet's
 * withdrawal state with the blinding factors; `response` is the bank's s once signed). `held`: a coin
 * (sealed blob = the coin). `spent` / `paid_back`: history, kept sealed.
 */
export type EcashPurseState = 'withdrawing' | 'held' | 'spent' | 'paid_back';
export type EcashPurseRow = {
  readonly id: string;
  readonly ownerId: string;
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  readonly state: EcashPurseState;
  readonly sealed: SealedBlob;
  /** withdrawing only: the bank session and, once signed, its response s (hex). */
  readonly sessionId: string | null;
  readonly response: string | null;
  readonly updatedAt: number;
};

export type EcashTillStatus = 'held' | 'deposited';
export function tillRowId(merchantId: string, serial: string): string {
  return `${merchantId}:${serial}`;
}

/** A coin a merchant was paid (its till), until and after it deposits it. */
export type EcashTillRow = {
  /** `${merchantId}:${serial}` */
  readonly id: string;
  readonly serial: string;
  readonly merchantId: string;
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  readonly r: string;
  readonly s: string;
  readonly paymentId: string;
  readonly reference: string;
  readonly receivedAt: number;
  readonly status: EcashTillStatus;
  readonly depositId: string | null;
};

export type EcashTables = {
  bankSecrets: Table<EcashBankSecretRow, string>;
  keys: Table<EcashPublicKey, string>;
  sessions: Table<EcashSigningSession, string>;
  spent: Table<EcashDepositRow, string>;
  wallets: Table<EcashWalletRow, string>;
  purse: Table<EcashPurseRow, string>;
  till: Table<EcashTillRow, string>;
  walletTransactions: Table<WalletTransaction, string>;
};

export function ecashTables(db: WorldDb): EcashTables {
  return {
    bankSecrets: db.table('ecashBankSecrets'),
    keys: db.table('ecashKeys'),
    sessions: db.table('ecashSessions'),
    spent: db.table('ecashSpent'),
    wallets: db.table('ecashWallets'),
    purse: db.table('ecashPurse'),
    till: db.table('ecashTill'),
    walletTransactions: db.table('walletTransactions'),
  };
}

// ---- Mondex smart cards and stored-value cards (same schema version) -------------------------

/** The Mondex scheme's own CA: it certifies every chip and merchant device; lost cards are revoked here. */
export type SmartCardSchemeRow = {
  readonly id: 'scheme';
  readonly rootSeed: string;
  readonly root: Certificate;
  readonly nextSerial: number;
  readonly revoked: readonly RevocationEntry[];
};

export type SmartCardSecretRow = { readonly keyRef: string; readonly seed: string };

export type SmartCardTables = {
  scheme: Table<SmartCardSchemeRow, string>;
  secrets: Table<SmartCardSecretRow, string>;
  cards: Table<SmartCard, string>;
  devices: Table<MerchantDevice, string>;
  deposits: Table<MondexDepositRow & { readonly key: string }, string>;
  issuers: Table<StoredValueIssuer, string>;
  svCards: Table<StoredValueCard, string>;
  svTxns: Table<StoredValueTxn, string>;
  bills: Table<RecurringBill, string>;
};

export function smartCardTables(db: WorldDb): SmartCardTables {
  return {
    scheme: db.table('smartCardScheme'),
    secrets: db.table('smartCardSecrets'),
    cards: db.table('smartCards'),
    devices: db.table('merchantDevices'),
    deposits: db.table('mondexDeposits'),
    issuers: db.table('storedValueIssuers'),
    svCards: db.table('storedValueCards'),
    svTxns: db.table('storedValueTxns'),
    bills: db.table('recurringBills'),
  };
}
