export { Decimal } from './decimal.ts';
export * from './currency.ts';
export * from './money.ts';
export * from './parse.ts';
export * from './format.ts';
export * from './allocate.ts';
export * from './percentage.ts';
export * from './capital.ts';
