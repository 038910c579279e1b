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

/** Dexie 4's own field for a version's declared spec (what its stores() first sets). */
type DexieVersionInternals = { _cfg: { storesSource?: Record<string, string | null> } };

export class WorldDb extends Dexie {
  meta!: Table<MetaRow, string>;
  parties!: Table<PartyRow, string>;
  events!: Table<EventRow, number>;
  jobs!: Table<JobRow, string>;
  commands!: Table<CommandRow, string>;
  commandLog!: Table<CommandLogRow, number>;

  constructor(dbName: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(dbName, options);
    // Dexie parses every version declared so far again on each version() and stores() call: 16
    // versions declared one by one cost 9,384 table parses (now 736), ~70 ms of CPU per WorldDb in Chromium
    // under load, twice in each cold open of a world (issue #18). So the versions are declared
    // first with empty specs (cheap to parse again), each older version's spec is then set as
    // stores() sets it (a version's first storesSource is the spec given), and the last stores()
    // call parses every version once, from all of them, as the version-by-version calls ended with
    // (test/unit/world-schema.test.ts holds the two the same).
    const versions = migrations.map((m) => this.version(m.version));
    const last = migrations.length - 1;
    migrations.forEach((m, i) => {
      if (i < last) (versions[i] as unknown as DexieVersionInternals)._cfg.storesSource = { ...m.stores };
    });
    versions[last]!.stores({ ...migrations[last]!.stores });
    migrations.forEach((m, i) => {
      if (m.upgrade) versions[i]!.upgrade(m.upgrade);
    });
  }
}

/** The schema version this build writes; an exported file newer than this is refused. */
export function currentSchemaVersion(): number {
  const probe = new WorldDb('settlelab-schema-probe', { autoOpen: false });
  const v = probe.verno;
  probe.close();
  return v;
}
