import Dexie, { type Table } from 'dexie';

// The list of worlds on this device. Each world's data lives in its own database; this one only
// names them, so the start page can list worlds without opening each.

export type WorldEntry = {
  id: string;
  name: string;
  dbName: string;
  /** Wall-clock time (the device's), only for sorting the list: not world time. */
  createdAtMs: number;
};

export class RegistryDb extends Dexie {
  worlds!: Table<WorldEntry, string>;
  constructor() {
    super('settlelab-registry');
    this.version(1).stores({ worlds: 'id, name, createdAtMs' });
  }
}

let registry: RegistryDb | undefined;
export function openRegistry(): RegistryDb {
  registry ??= new RegistryDb();
  return registry;
}
