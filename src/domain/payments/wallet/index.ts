// The e-wallet's pure parts (电子钱包): the transaction recorder and its search and CSV export,
// saved cards kept masked, and the ledger effects shared by the instruments the wallet holds
// (e-cash, Mondex smart cards, stored-value cards).
export * from './ledger-effects.ts';
export * from './recorder.ts';
export * from './csv.ts';
export * from './saved-cards.ts';
export * from './amount.ts';
