// Cards (issue 6, items 3 to 6): debit, credit and charge cards behind the gateway; the card
// company's statements, interest, due-date check and repayment; the acquirers' T+1 settlement.
export * from './config.ts';
export * from './billing.ts';
export * from './card.ts';
export * from './repay.ts';
export * from './interest.ts';
export * from './statement.ts';
export * from './due.ts';
export * from './channels.ts';
export * from './acquiring.ts';
