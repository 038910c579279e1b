// Payments (issue 6): the gateway and its channel modules. Each module is pure: plain rows in, new
// rows plus effects out, world time passed in.
export * from './gateway/index.ts';
export * from './cards/index.ts';
export * from './remittance/index.ts';
export * from './cod/index.ts';
export * from './echeque/index.ts';
export * from './ecash/index.ts';
export * from './wallet/index.ts';
export * from './smartcard/index.ts';
export * from './storedvalue/index.ts';
export * from './mobile/index.ts';
