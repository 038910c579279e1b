import Dexie, { type Table } from 'dexie';
import type { Party, Job, WorldEvent } from '../domain/index.ts';
import { migrations } from './migrations/index.ts';
import './dexie-mode.ts';

// One IndexedDB database per world, its schema built from the append-only list of migrations.
// The world's own tables are typed here; later features type theirs in their own storage module.

export type MetaRow = { key: string; value: unknown };
export type PartyRow = Party;
export type EventRow = Omit<WorldEvent, 'seq'> & { seq?: number };
export type JobRow = Job;
/** One row per command id: a repeat of the command returns this stored result. */
export type CommandRow = { id: string; name: string; at: number; result: unknown };

/**
 * One accepted command of the world's log (v16, append only): what replay runs again. `input` is
 * the command's prepared, plain-JSON input; `resultDigest` the sha256 (hex) of its result's
 * canonical JSON (src/app/pipeline.ts).
 */
export type CommandLogRow = { seq?: number; name: string; input: unknown; actor: string; commandId: string; at: number; resultDigest: string };

export const worldDbPrefix = 'settlelab-world-';

export class WorldDb extends Dexie {
  meta!: Table<MetaRow, string>;
  parties!: Table<PartyRow, string>;
  events!: Table<EventRow, number>;
  jobs!: Table<JobRow, string>;
  commands!: Table<CommandRow, string>;
  commandLog!: Table<CommandLogRow, number>;

  constructor(dbName: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(dbName, options);
    for (const m of migrations) {
      const v = this.version(m.version).stores({ ...m.stores });
      if (m.upgrade) v.upgrade(m.upgrade);
    }
  }
}

/** The schema version this build writes; an exported file newer than this is refused. */
export function currentSchemaVersion(): number {
  const probe = new WorldDb('settlelab-schema-probe', { autoOpen: false });
  const v = probe.verno;
  probe.close();
  return v;
}
