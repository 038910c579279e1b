import type { Table } from 'dexie';
import type { AcquiringBatch, CodBatch, CodShipmentRow, CardKind, CardRow, CardStatementRow, Charge, RemittanceExceptionRow, RemittanceMatchRow, StoredMoney } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the payment gateway's tables (declared in migrations/v6-payments.ts). A charge
// row is the domain's Charge (src/domain/payments/gateway/charge.ts) as plain JSON; money itself
// lives only in the ledger.

export type ChargeRow = Charge;

export type CardApplicationStatus = 'pending' | 'approved' | 'rejected';

/** A customer's application for a credit or charge card (the card company decides the limit). */
export type CardApplicationRow = {
  readonly id: string;
  readonly applicantId: string;
  readonly kind: CardKind;
  readonly status: CardApplicationStatus;
  readonly appliedAt: number;
  readonly decidedAt: number | null;
  readonly limit: StoredMoney | null;
  readonly billingDay: number | null;
  readonly cardId: string | null;
  readonly reason: string | null;
};

export type PaymentsTables = {
  charges: Table<ChargeRow, string>;
  acquiringBatches: Table<AcquiringBatch, string>;
  cards: Table<CardRow, string>;
  cardStatements: Table<CardStatementRow, string>;
  cardApplications: Table<CardApplicationRow, string>;
  remittanceMatches: Table<RemittanceMatchRow, string>;
  remittanceExceptions: Table<RemittanceExceptionRow, string>;
  codShipments: Table<CodShipmentRow, string>;
  codBatches: Table<CodBatch, string>;
};

export function paymentsTables(db: WorldDb): PaymentsTables {
  return { charges: db.table('charges'), acquiringBatches: db.table('acquiringBatches'), cards: db.table('cards'), cardStatements: db.table('cardStatements'), cardApplications: db.table('cardApplications'), remittanceMatches: db.table('remittanceMatches'), remittanceExceptions: db.table('remittanceExceptions'), codShipments: db.table('codShipments'), codBatches: db.table('codBatches') };
}
