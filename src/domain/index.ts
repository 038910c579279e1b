// Public surface of the pure domain. Everything here is deterministic: clock and randomness come in
// as parameters.
export * from './result.ts';
export * from './assert.ts';
export * from './money/index.ts';
export * from './world/index.ts';
export * from './ledger/index.ts';
export * from './crypto/index.ts';
export * from './identity/index.ts';
export * from './marketplace/index.ts';
export * from './payments/banking/index.ts';
export * from './payments/index.ts';
export * from './reconciliation/index.ts';
