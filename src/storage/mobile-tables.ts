import type { Table } from 'dexie';
import type { MobileWallet, StoredMoney } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the mobile payment tables (declared in migrations/v14-mobile.ts).

export type MobilePaymentKind = 'payment_code' | 'merchant_code';
/** awaiting_pin: the cashier scanned a code for more than the buyer's small-amount limit; the
 * buyer's phone asks for the PIN and nothing has moved yet. */
export type MobilePaymentStatus = 'awaiting_pin' | 'paid' | 'declined';

export type MobilePaymentRow = {
  readonly id: string;
  readonly kind: MobilePaymentKind;
  readonly payerId: string;
  readonly payeeId: string;
  readonly amount: StoredMoney;
  readonly status: MobilePaymentStatus;
  /** World time the payment was asked for (the scan). */
  readonly at: number;
  readonly paidAt: number | null;
  /** The institution's bill date of the payment (its cut-off rule, reconciliation's billDateOf). */
  readonly billDate: string;
  /** The escrow agent's bill: whose books the payment is in. */
  readonly institutionId: string;
  /** The ledger transfer that moved the money (null until paid). */
  readonly transferId: string | null;
};

export type MobileTables = {
  mobileWallets: Table<MobileWallet, string>;
  mobilePayments: Table<MobilePaymentRow, string>;
};

export function mobileTables(db: WorldDb): MobileTables {
  return { mobileWallets: db.table('mobileWallets'), mobilePayments: db.table('mobilePayments') };
}
