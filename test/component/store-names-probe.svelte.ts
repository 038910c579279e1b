import { StoreNames } from '../../src/ui/market/store-names.svelte.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

/** A StoreNames for `sellerIds`, made inside an effect root as a component would. */
export function StoreNamesProbe(db: WorldDb, sellerIds: readonly string[]): { name(id: string): string; stop(): void } {
  let names: StoreNames | undefined;
  const stop = $effect.root(() => {
    names = new StoreNames(() => db, () => sellerIds);
  });
  return { name: (id) => names!.of(id, id), stop };
}
