import type { Migration } from './migration.ts';
import { v1World } from './v1-world.ts';

/** Every schema version, oldest first. Append only. */
export const migrations: readonly Migration[] = [v1World];
