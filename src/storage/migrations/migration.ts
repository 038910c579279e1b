import type { Transaction } from 'dexie';

/**
 * One schema version of a world database. Versions are append-only: a shipped version's stores and
 * upgrade are never edited; a change is a new version with a higher number in its own file, listed
 * in migrations/index.ts. Each feature owns its tables (declared in its version) and reads them with
 * db.table(name) through its own row types.
 */
export type Migration = {
  readonly version: number;
  readonly stores: Readonly<Record<string, string | null>>;
  readonly upgrade?: (tx: Transaction) => Promise<void>;
};
