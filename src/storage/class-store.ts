// The class link's own small database on this PC (issue #20), beside the class worlds' databases:
// how far each class world's replica has applied the class stream, and the tab's own signed
// commands still waiting for the class server (the outbox). Neither is world state: they are never
// in a world's digest or its exported file, and every PC keeps its own.
//
// Versions are append-only, as for a world database (migrations/migration.ts): a shipped version's
// stores are never edited; a change is a new version below.
import Dexie, { type Table } from 'dexie';

type ProgressRow = { readonly world: string; readonly seq: number };

/** One queued command: `n` keeps the order the tab issued them in, across reloads. */
type OutboxRow = { readonly n?: number; readonly world: string; readonly messageId: string; readonly data: Uint8Array };

class ClassStoreDb extends Dexie {
  progress!: Table<ProgressRow, string>;
  outbox!: Table<OutboxRow, number>;
  constructor() {
    super('settlelab-class-progress');
    // v1 (shipped): the applied sequence per world database.
    this.version(1).stores({ progress: 'world' });
    // v2: the outbox, read per world in issue order and removed by message id once the stream has it.
    this.version(2).stores({ outbox: '++n, world, &[world+messageId]' });
  }
}

let classStoreDb: ClassStoreDb | null = null;

function classStore(): ClassStoreDb {
  classStoreDb ??= new ClassStoreDb();
  return classStoreDb;
}

/** Where a replica keeps how far it has applied the stream (outside the world: it is not world state). */
export type ProgressStore = {
  read(): Promise<number>;
  write(seq: number): Promise<void>;
};

/** The applied sequence of the world database `worldDbName`, in this browser's own small database. */
export function indexedDbProgress(worldDbName: string): ProgressStore {
  const table = classStore().progress;
  return {
    read: async () => (await table.get(worldDbName))?.seq ?? 0,
    write: async (seq) => {
      await table.put({ world: worldDbName, seq });
    },
  };
}

/** One of the tab's own signed commands waiting for the class server. */
export type OutboxEntry = { readonly messageId: string; readonly data: Uint8Array };

/** The tab's waiting commands, kept so a reload or a closed browser does not lose them. */
export type OutboxStore = {
  /** Every waiting command, in the order they were added. */
  load(): Promise<OutboxEntry[]>;
  /** Adds one at the end; adding a message id already waiting keeps the first. */
  add(entry: OutboxEntry): Promise<void>;
  /** Removes one the stream has stored (nothing when it is not there). */
  remove(messageId: string): Promise<void>;
};

/** The outbox of the class world whose database is `worldDbName`, in this browser's class database. */
export function indexedDbOutbox(worldDbName: string): OutboxStore {
  const table = classStore().outbox;
  return {
    // An index's equal keys come in primary-key order: the order the commands were added.
    load: async () => (await table.where('world').equals(worldDbName).toArray()).map((r) => ({ messageId: r.messageId, data: r.data })),
    add: async ({ messageId, data }) => {
      await table.db.transaction('rw', table, async () => {
        if ((await table.where('[world+messageId]').equals([worldDbName, messageId]).count()) > 0) return;
        await table.add({ world: worldDbName, messageId, data });
      });
    },
    remove: async (messageId) => {
      await table.where('[world+messageId]').equals([worldDbName, messageId]).delete();
    },
  };
}
