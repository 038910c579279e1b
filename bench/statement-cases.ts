import { openWorldDb } from '../src/app/worlds.ts';
import { recentCodesOf, statementPage } from '../src/app/ledger.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import '../src/app/features.ts';
import type { BenchCase } from './cases.ts';
import { bigWorld, exportSizeName, fillPair, rarePair } from './export-cases.ts';

// Issue #18 item 5 on the big world bench/export-cases.ts fills (once per run, shared): the first
// statement page of a rare account, one whose few entries are spread over the whole journal (the
// fill's rare pair: one entry in every rareEntriesEvery). Timed as Statement.svelte opens it: the
// page of 50 and the filter's recent codes, side by side. Baseline: the same for the fill's busy
// account, whose page comes from one or two journal blocks.

/** Statement.svelte's page size. */
const statementPageSize = 50;
/** Timed opens per account; the median is kept. */
const opensPerAccount = 7;

async function firstPageMs(db: WorldDb, accountId: string): Promise<number> {
  const started = performance.now();
  const [page] = await Promise.all([statementPage(db, accountId, null, statementPageSize), recentCodesOf(db, accountId)]);
  const ms = performance.now() - started;
  if (!page.ok || page.value.rows.length === 0) throw new Error(`no statement page for ${accountId}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const statementCases: BenchCase[] = [
  {
    name: `statement.rare.${exportSizeName}`,
    unit: 'ms',
    limit: 100,
    run: async () => {
      const db = openWorldDb(await bigWorld());
      try {
        const [busy] = await fillPair(db);
        const [rare] = await rarePair(db);
        // A database open and a first read outside the timing (the page's own open is not this row's).
        await db.meta.count();
        const rareMs: number[] = [];
        const busyMs: number[] = [];
        for (let i = 0; i < opensPerAccount; i++) {
          busyMs.push(await firstPageMs(db, busy.id));
          rareMs.push(await firstPageMs(db, rare.id));
        }
        return { value: median(rareMs), baseline: median(busyMs) };
      } finally {
        db.close();
      }
    },
  },
];
