import type { Migration } from './migration.ts';

// The command log (issue #19): every accepted command, appended in its own transaction, in the
// order the world accepted them: its name, prepared input, actor, id, world time and a digest of
// its result. The first row of a world made since is its genesis (what seeding consumed), so the
// log alone rebuilds the world (src/app/replay.ts). Append only: nothing updates or deletes a row.
//   seq: auto-increment, the log's order; commandId: unique, one row per accepted command.
// Worlds made before v16 keep an empty log: they have no genesis and cannot be replayed.
export const v16CommandLog: Migration = {
  version: 16,
  stores: {
    commandLog: '++seq, &commandId, name',
  },
};
