import { WorldDb } from '../../src/storage/schema.ts';
import { allAccounts, submitTransfers } from '../../src/app/ledger.ts';
import type { TransferRequest } from '../../src/domain/index.ts';

// Bundled by an e2e test (vite build, IIFE) and added to the production app's page: fills a world
// the UI created with journal entries through the app's own ledger batch API (submitTransfers, as
// bench/ledger-cases.ts does), far faster than clicking. Same origin, so the same IndexedDB.

/** Requests per batch (one transaction each): well under transferRequestsMax. */
const batchRequestsMax = 5000;

async function fillWorld(dbName: string, entries: number): Promise<number> {
  const db = new WorldDb(dbName);
  await db.open();
  try {
    const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
    if (a === undefined || b === undefined) throw new Error('the world has two unconstrained CNY accounts');
    let done = 0;
    // Bounded by `entries`: each turn writes up to batchRequestsMax.
    while (done < entries) {
      const n = Math.min(batchRequestsMax, entries - done);
      const requests: TransferRequest[] = Array.from({ length: n }, (_, i) => ({
        id: `fill-${done + i}`, kind: 'single', debitAccountId: a.id, creditAccountId: b.id, amount: '1.00', currency: 'CNY', code: 'lab.move', refs: { n: String(done + i) },
      }));
      const results = await submitTransfers(db, requests);
      const failed = results.find((r) => r.status === 'failed');
      if (failed !== undefined) throw new Error(`transfer refused: ${JSON.stringify(failed)}`);
      done += n;
    }
    return done;
  } finally {
    db.close();
  }
}

(globalThis as unknown as { settlelabFillWorld: typeof fillWorld }).settlelabFillWorld = fillWorld;
