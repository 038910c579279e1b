import { liveQuery } from 'dexie';

// Dexie live queries as Svelte 5 state: `$effect` only subscribes, the value is `$state`. Changes
// made in any tab of the world arrive here after they commit.

export class Live<T> {
  current = $state() as T;
  error = $state<unknown>(undefined);
  /** True once the query has delivered its first value: until then `current` is only `initial`. */
  loaded = $state(false);

  constructor(query: () => Promise<T> | T, initial: T) {
    this.current = initial;
    $effect(() => {
      const sub = liveQuery(query).subscribe({
        next: (value) => {
          this.current = value;
          this.loaded = true;
        },
        error: (e: unknown) => {
          this.error = e;
        },
      });
      return () => sub.unsubscribe();
    });
  }
}
