import Dexie, { type Table } from 'dexie';

// The list of worlds on this device. Each world's data lives in its own database; this one only
// names them, so the start page can list worlds without opening each. It also keeps the lab files
// a teacher loaded on this device (src/app/labs/teacher-labs.ts): they belong to no world.

export type WorldEntry = {
  id: string;
  name: string;
  dbName: string;
  /** Wall-clock time (the device's), only for sorting the list: not world time. */
  createdAtMs: number;
};

/** A teacher's lab file, stored as it validated when loaded (docs/labs.md). */
export type TeacherLabRow = {
  /** The lab file's own id (never a built-in lab's). */
  id: string;
  /** The lab file's JSON as parsed; checked again against the app before a world starts from it. */
  file: unknown;
  /** Wall-clock time (the device's) it was loaded, only for the catalogue's order. */
  addedAtMs: number;
};

export class RegistryDb extends Dexie {
  worlds!: Table<WorldEntry, string>;
  teacherLabs!: Table<TeacherLabRow, string>;
  constructor() {
    super('settlelab-registry');
    this.version(1).stores({ worlds: 'id, name, createdAtMs' });
    // v2 adds the teacher's lab files; worlds are kept as they are.
    this.version(2).stores({ worlds: 'id, name, createdAtMs', teacherLabs: 'id, addedAtMs' });
  }
}

let registry: RegistryDb | undefined;
export function openRegistry(): RegistryDb {
  registry ??= new RegistryDb();
  return registry;
}
