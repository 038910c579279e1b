// Banking (issue 6, items 1 and 9): card numbers with their Luhn check digit, the banking accounts
// and how every movement is booked, and the clearing system's netting.
export * from './luhn.ts';
export * from './cards.ts';
export * from './accounts.ts';
export * from './booking.ts';
export * from './netting.ts';
