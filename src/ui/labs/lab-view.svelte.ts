import { liveQuery } from 'dexie';
import type { WorldDb } from '../../storage/schema.ts';

// A view of a lab world that follows the world: a flat live query over the tables the lab's checks
// read (one count per table, no nested awaits, so Dexie watches them all) triggers a plain read of
// the view after every change. Reads that overlap are ordered: only the newest one's result shows.
export class LabWatch<K, T> {
  current = $state() as T;
  error = $state<unknown>(undefined);

  constructor(key: () => { readonly db: WorldDb; readonly tables: readonly string[]; readonly input: K }, read: (db: WorldDb, input: K) => Promise<T>, initial: T) {
    this.current = initial;
    $effect(() => {
      const { db, tables, input } = key();
      let latest = 0;
      let stopped = false;
      const sub = liveQuery(() => Promise.all(tables.map((t) => db.table(t).count()))).subscribe({
        next: () => {
          latest += 1;
          const mine = latest;
          read(db, input).then(
            (value) => {
              if (!stopped && mine === latest) this.current = value;
            },
            (e: unknown) => {
              if (!stopped) this.error = e;
            },
          );
        },
        error: (e: unknown) => {
          this.error = e;
        },
      });
      return () => {
        stopped = true;
        sub.unsubscribe();
      };
    });
  }
}
