import Dexie, { type Table } from 'dexie';
import type { Party, Job, WorldEvent } from '../domain/index.ts';

// One IndexedDB database per world. Versions are append-only: once a version has shipped its
// stores() and upgrade() are never edited; a change is a new version below the others.

export type MetaRow = { key: string; value: unknown };
export type PartyRow = Party;
export type EventRow = Omit<WorldEvent, 'seq'> & { seq?: number };
export type JobRow = Job;
/** One row per command id: a repeat of the command returns this stored result. */
export type CommandRow = { id: string; name: string; at: number; result: unknown };

export const worldDbPrefix = 'settlelab-world-';

export class WorldDb extends Dexie {
  meta!: Table<MetaRow, string>;
  parties!: Table<PartyRow, string>;
  events!: Table<EventRow, number>;
  jobs!: Table<JobRow, string>;
  commands!: Table<CommandRow, string>;

  constructor(dbName: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(dbName, options);
    // Version 1: the world itself (issue 2).
    this.version(1).stores({
      meta: 'key',
      parties: 'id, kind',
      events: '++seq, at, type, actor, *parties',
      jobs: 'id, [status+dueAt], kind',
      commands: 'id',
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
