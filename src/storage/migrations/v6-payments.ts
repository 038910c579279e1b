import type { Migration } from './migration.ts';

// The payment gateway (issue 6 items 2-8). Never edit once shipped: add a new version instead.
//   charges: one row per payment attempt, whatever the channel (the domain Charge as plain JSON):
//     by order (an order page, reconciliation), by channel and status (the operator's list), by
//     payer and payee (a buyer's / seller's payments), newest first by createdAt.
//   cards: the card company's credit and charge cards (domain CardRow), by holder.
//   cardStatements: statements the billing-day job closed (domain CardStatementRow), by card.
//   cardApplications: customers' applications for a card, by applicant and by status (the card
//     company's queue).
//   remittanceMatches: incoming transfers placed on remittance charges (the refund route), by charge.
//   remittanceExceptions: incoming transfers the matcher could not place (the payee's queue), by
//     payee and status.
//   codShipments: cash-on-delivery parcels (domain CodShipmentRow), by order, charge, and the
//     courier's work queue (logisticsId, status); codBatches: the daily COD remittances to sellers.
//   acquiringBatches: each acquiring bank's daily T+1 settlement of card sales to merchants (domain
//     AcquiringBatch), by bank; the item ids it lists are the ones settled.
export const v6Payments: Migration = {
  version: 6,
  stores: {
    charges: 'id, orderId, channel, status, payerId, payee.partyId, createdAt',
    acquiringBatches: 'id, bankId, settledAt',
    cards: 'id, holderId',
    cardStatements: 'id, cardId, closingAt',
    cardApplications: 'id, applicantId, status',
    remittanceMatches: 'transferId, chargeId',
    remittanceExceptions: 'id, transfer.payeeId, status',
    codShipments: 'id, orderId, chargeId, [logisticsId+status]',
    codBatches: 'id, logisticsId, cutoffAt',
  },
};
