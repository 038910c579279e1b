import { createWorld, openWorldDb } from '../src/app/worlds.ts';
import { submitTransfers } from '../src/app/ledger.ts';
import type { TransferRequest } from '../src/domain/index.ts';
import type { WorldEntry } from '../src/storage/registry.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import '../src/app/features.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';
import { bigWorld, exportSizeName, fillPair, fillWorld } from './export-cases.ts';

// Issue #18 items 2 and 3 on the big world bench/export-cases.ts fills (once per run, shared):
// - transfer.batch.at-<size>: batches of 1,000 into the big world against the same batches into an
//   empty world (target ≥ 0.8: writes do not slow down with the journal's size);
// - the worlds the cold-open rows (bench/open-world.mjs, open.<size> and open.small-beside-<size>)
//   open in a fresh browser on this profile: the big one and a small one stored beside it.

/** Entries of the small world stored beside the big one (the "2k-entry world"). */
const smallWorldEntries = 2000;
const batchSize = 1000;
const runId = Math.random().toString(36).slice(2, 8);

let emptyWorld: Promise<WorldEntry> | undefined;
function freshWorld(): Promise<WorldEntry> {
  emptyWorld ??= (async () => {
    const created = await createWorld({ id: `bench-empty-${runId}`, name: 'empty bench', createdAtMs: 0 });
    if (!created.ok) throw new Error(created.code);
    return created.value.entry;
  })();
  return emptyWorld;
}

let seq = 0;
/** A rate of batches of 1,000 transfers (one transaction each) into `db`. */
async function batchRate(db: WorldDb): Promise<number> {
  const [a, b] = await fillPair(db);
  return ratePerSecond(batchSize, async () => {
    const requests: TransferRequest[] = Array.from({ length: batchSize }, () => {
      seq += 1;
      return { id: `at-${runId}-${seq}`, kind: 'single', debitAccountId: a.id, creditAccountId: b.id, amount: '1.00', currency: 'CNY', code: 'lab.move', refs: { n: String(seq) } };
    });
    const results = await submitTransfers(db, requests);
    if (results.some((r) => r.status !== 'created')) throw new Error('a batched transfer failed');
  });
}

export const openCases: BenchCase[] = [
  {
    name: `transfer.batch.at-${exportSizeName}`,
    unit: 'transfers/s',
    target: 0.8,
    // Baseline: the same batches into a world made the same way with an empty journal (it grows by
    // the rounds' few thousand entries; alternating, median of five).
    run: async () => {
      const big = openWorldDb(await bigWorld());
      const empty = openWorldDb(await freshWorld());
      try {
        return await paired(() => batchRate(big), () => batchRate(empty));
      } finally {
        big.close();
        empty.close();
      }
    },
  },
];

/** The worlds the cold-open rows open: the big one and a small one beside it (made once). */
export async function openWorlds(): Promise<{ big: string; small: string }> {
  const big = await bigWorld();
  const kept = new URLSearchParams(location.search).get('smallWorld');
  if (kept !== null) return { big: big.id, small: kept };
  const created = await createWorld({ id: `bench-small-${runId}`, name: 'small beside', createdAtMs: 1 });
  if (!created.ok) throw new Error(created.code);
  await fillWorld(created.value.entry, smallWorldEntries, 's');
  return { big: big.id, small: created.value.entry.id };
}
