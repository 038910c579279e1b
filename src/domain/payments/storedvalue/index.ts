// Stored-value cards (储值卡, 一卡通): issuers (a merchant or a campus operator) and their
// participating merchants, cards, top-ups from a bank account, purchases, merchant settlement,
// blocking, and small recurring bills (phone, internet) paid from the card.
export * from './card.ts';
export * from './bills.ts';
