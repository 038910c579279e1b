import type { Migration } from './migration.ts';
import { v1World } from './v1-world.ts';
import { v2Ledger } from './v2-ledger.ts';

/** Every schema version, oldest first. Append only. */
export const migrations: readonly Migration[] = [v1World, v2Ledger];
