import { expect } from 'vitest';
import { commandByName } from '../../src/app/commands.ts';
import { execute, resultDigest, type CommandInput } from '../../src/app/pipeline.ts';
import { WorldDb, type CommandLogRow } from '../../src/storage/schema.ts';

// Replay onto a snapshot (issue #19 item 3): a test sets its parties up (registration, accounts,
// certificates), takes a snapshot of every table, runs the story under test, then restores the
// snapshot into a fresh database and executes the log's rows after it by name, as replay() does
// after its genesis. So a module's commands are checked whatever the state of the modules that set
// the parties up. Used by the payment channels' and the instruments' replay tests.

let replays = 0;
/** A fresh, empty world database with a name no other replay uses. */
export function replayDb(): WorldDb {
  replays += 1;
  return new WorldDb(`settlelab-world-replay-snapshot-${Date.now().toString(36)}-${replays}`);
}

export type Snapshot = { readonly seq: number; readonly tables: ReadonlyMap<string, readonly unknown[]> };

/** Every row of every table, and the log's last seq: the world as it is now. */
export async function snapshot(db: WorldDb): Promise<Snapshot> {
  const tables = new Map<string, readonly unknown[]>();
  for (const table of db.tables) {
    // Every world table keeps its key in its rows (inbound), so its rows alone restore it.
    expect(table.schema.primKey.keyPath, `${table.name} has inbound keys`).toBeTruthy();
    tables.set(table.name, await table.toArray());
  }
  const last = await db.commandLog.orderBy('seq').last();
  return { seq: last?.seq ?? 0, tables };
}

/** A fresh database holding exactly the snapshot's rows. */
export async function restore(s: Snapshot): Promise<WorldDb> {
  const fresh = replayDb();
  await fresh.open();
  await fresh.transaction('rw', fresh.tables, async () => {
    for (const table of fresh.tables) {
      const rows = s.tables.get(table.name)!;
      if (rows.length > 0) await table.bulkAdd([...rows]);
    }
  });
  return fresh;
}

/** Executes the log's rows after the snapshot on the restored copy, by name; each result must digest as logged. Returns the names run. */
export async function replayAfter(s: Snapshot, log: readonly CommandLogRow[], fresh: WorldDb): Promise<string[]> {
  const replayed: string[] = [];
  for (const row of log) {
    if ((row.seq ?? 0) <= s.seq) continue;
    const command = commandByName(row.name);
    expect(command, `seq ${row.seq}: ${row.name} is registered`).toBeDefined();
    const r = await execute(fresh, command!, { id: row.commandId, actor: row.actor }, row.input as CommandInput);
    expect(resultDigest(r), `seq ${row.seq}: ${row.name} gives the logged result`).toBe(row.resultDigest);
    replayed.push(row.name);
  }
  return replayed;
}
