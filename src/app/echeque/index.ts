// Signed e-cheques (issue 7), the app layer: chequebooks at the bank, writing and sending in the
// drawer's tab, the payee's checklist, endorsement and deposit, presentment between the banks,
// stop payment and the lab's altered amount.
export * from './common.ts';
export * from './chequebooks.ts';
export * from './write.ts';
export * from './payee.ts';
export * from './presentment.ts';
export * from './stop.ts';
export * from './queries.ts';
export * from './channel.ts';
