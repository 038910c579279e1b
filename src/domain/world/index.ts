export * from './parties.ts';
export * from './clock.ts';
export * from './scheduler.ts';
export * from './events.ts';
export * from './world-file.ts';
