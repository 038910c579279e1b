export * from './records.ts';
export * from './desk.ts';
export * from './lab.ts';
