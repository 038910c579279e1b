import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type StoreRow } from '../../storage/identity-tables.ts';
import { LiveKeyed } from '../identity/live-keyed.svelte.ts';

// Sellers by their store (店铺): checkout and the order pages name the shop a buyer buys from, not
// the seller's login name. Live, so a store approved or renamed in another tab shows at once.
// Construct inside a component (the live query subscribes in $effect).
export class StoreNames {
  readonly #stores: LiveKeyed<WorldDb, StoreRow[]>;

  constructor(db: () => WorldDb) {
    this.#stores = new LiveKeyed(db, (d) => identityTables(d).stores.toArray(), []);
  }

  /** The seller's store name, else `fallback` (the seller's party name). */
  of(sellerId: string, fallback: string): string {
    // A world has one store per seller and a class's worth of sellers: a scan is enough.
    return this.#stores.current.find((s) => s.sellerId === sellerId)?.name ?? fallback;
  }
}
