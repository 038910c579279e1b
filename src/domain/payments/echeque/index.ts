// Signed e-cheques (电子支票), FSTC eCheck style: chequebooks, writing and signing, the payment
// notice, the payee's checklist and endorsement, the drawer's bank's presentment with its named
// return reasons and effects, stop payment, the status history, and a lab tool. Pure and
// synchronous: world time and keys come in as parameters; the app signs outside IndexedDB
// transactions and runs the decisions inside them.
export * from './config.ts';
export { chequeNumberDigits, isChequeAmount, isChequeNumber, memoLengthMax as chequeMemoLengthMax } from './fields.ts';
export * from './chequebook.ts';
export * from './cheque.ts';
export * from './notice.ts';
export * from './endorsement.ts';
export * from './dates.ts';
export * from './drawer-signature.ts';
export * from './checklist.ts';
export * from './effects.ts';
export * from './presentment.ts';
export * from './decision.ts';
export * from './stop.ts';
export * from './record.ts';
export * from './lab.ts';
