import { WorldDb } from '../../src/storage/schema.ts';

/**
 * A second connection to a world's database that counts the rows its reads of `tables` return
 * (queries, gets, and each row a cursor visits), to show a read is bounded by what it needs and not
 * by how many rows the table holds. `setup` is closed: its middleware list is fixed at open.
 */
export async function countingConnection(setup: WorldDb, tables: readonly string[]): Promise<{ db: WorldDb; rowsRead: () => number; reset: () => void }> {
  setup.close();
  let rows = 0;
  const db = new WorldDb(setup.name);
  db.use({
    stack: 'dbcore',
    name: 'count-rows-read',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (!tables.includes(name)) return table;
        return {
          ...table,
          get: async (req) => {
            const row: unknown = await table.get(req);
            if (row !== undefined) rows += 1;
            return row;
          },
          getMany: async (req) => {
            const found: unknown[] = await table.getMany(req);
            rows += found.filter((r) => r !== undefined).length;
            return found;
          },
          query: async (req) => {
            const res = await table.query(req);
            rows += res.result.length;
            return res;
          },
          openCursor: async (req) => {
            const cursor = await table.openCursor(req);
            if (cursor === null) return cursor;
            // Every row the cursor stops on calls start's callback once.
            const start = cursor.start.bind(cursor);
            cursor.start = (onNext) => start(() => {
              rows += 1;
              onNext();
            });
            return cursor;
          },
        };
      },
    }),
  });
  await db.open();
  return { db, rowsRead: () => rows, reset: () => (rows = 0) };
}
