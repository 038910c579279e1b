export * from './bill.ts';
export * from './csv.ts';
export * from './match.ts';
