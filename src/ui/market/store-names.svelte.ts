import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type StoreRow } from '../../storage/identity-tables.ts';
import { LiveKeyed } from '../identity/live-keyed.svelte.ts';

// Sellers by their store (店铺): checkout and the order pages name the shop a buyer buys from, not
// the seller's login name. Live, so a store approved or renamed in another tab shows at once.
// Only the stores of the sellers the page names are read (the unique sellerId index), never every
// store of the world (issue #18 item 5). Construct inside a component (the live query subscribes
// in $effect).
export class StoreNames {
  readonly #stores: LiveKeyed<{ readonly db: WorldDb; readonly sellerIds: readonly string[] }, StoreRow[]>;

  /** `sellerIds`: the sellers the page names (read outside the querier, so a change re-creates it). */
  constructor(db: () => WorldDb, sellerIds: () => readonly string[]) {
    this.#stores = new LiveKeyed(
      () => ({ db: db(), sellerIds: [...sellerIds()].sort().filter((id, i, sorted) => i === 0 || sorted[i - 1] !== id) }),
      (k) => (k.sellerIds.length === 0 ? [] : identityTables(k.db).stores.where('sellerId').anyOf([...k.sellerIds]).toArray()),
      [],
    );
  }

  /** The seller's store name, else `fallback` (the seller's party name). */
  of(sellerId: string, fallback: string): string {
    // Only the page's sellers' stores are held (one store per seller): a scan is enough.
    return this.#stores.current.find((s) => s.sellerId === sellerId)?.name ?? fallback;
  }
}
