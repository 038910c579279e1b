import type { Migration } from './migration.ts';
import { v1World } from './v1-world.ts';
import { v2Ledger } from './v2-ledger.ts';
import { v3Identity } from './v3-identity.ts';
import { v4Banking } from './v4-banking.ts';
import { v5Market } from './v5-market.ts';
import { v6Payments } from './v6-payments.ts';
import { v7Echeque } from './v7-echeque.ts';
import { v8Ecash } from './v8-ecash.ts';
import { v9JournalBlocks } from './v9-journal-blocks.ts';
import { v10AccountIndex } from './v10-account-index.ts';
import { v11Teacher } from './v11-teacher.ts';
import { v12TabSessions } from './v12-tab-sessions.ts';
import { v13Reconciliation } from './v13-reconciliation.ts';
import { v14Mobile } from './v14-mobile.ts';
import { v15ListIndexes } from './v15-list-indexes.ts';
import { v16CommandLog } from './v16-command-log.ts';
import { v17PartyListIndexes } from './v17-party-list-indexes.ts';

/** Every schema version, oldest first. Append only. */
export const migrations: readonly Migration[] = [v1World, v2Ledger, v3Identity, v4Banking, v5Market, v6Payments, v7Echeque, v8Ecash, v9JournalBlocks, v10AccountIndex, v11Teacher, v12TabSessions, v13Reconciliation, v14Mobile, v15ListIndexes, v16CommandLog, v17PartyListIndexes];
