import { liveQuery } from 'dexie';

// A live query that depends on props (the party a page shows, the bank a card is for): `key` is
// read inside the effect, so when the props change the query re-subscribes with the new key
// instead of showing the old party's rows.
export class LiveKeyed<K, T> {
  current = $state() as T;
  error = $state<unknown>(undefined);

  constructor(key: () => K, query: (key: K) => Promise<T> | T, initial: T) {
    this.current = initial;
    $effect(() => {
      const k = key();
      const sub = liveQuery(() => query(k)).subscribe({
        next: (value) => {
          this.current = value;
        },
        error: (e: unknown) => {
          this.error = e;
        },
      });
      return () => sub.unsubscribe();
    });
  }
}
