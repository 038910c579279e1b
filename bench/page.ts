import type { BenchCase, BenchRow } from './cases.ts';
import { benchCases } from './registry.ts';
import { openWorlds } from './open-cases.ts';
import { bigWorld } from './export-cases.ts';

// Runs every case in this page and hands the rows to bench/run.mjs through window.__benchResult.
declare global {
  interface Window {
    __benchResult?: { rows: BenchRow[]; worlds?: { big: string; small: string }; bigWorld?: string } | { error: string };
  }
}

const log = document.getElementById('log')!;

async function runAll(cases: readonly BenchCase[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of cases) {
    log.textContent += `\n${c.name}…`;
    const { value, baseline } = await c.run();
    const row: BenchRow = { name: c.name, value: round(value), unit: c.unit, baseline: round(baseline), ratio: round(value / baseline, 3) };
    if (c.target !== undefined) row.target = c.target;
    if (c.limit !== undefined) row.limit = c.limit;
    rows.push(row);
  }
  return rows;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ?only=name1,name2 runs a subset (for working on one figure); ?exclude=name1,name2 all but those
// (bench/run.mjs runs the export and import rows each in a browser of their own).
const only = new URLSearchParams(location.search).get('only')?.split(',');
const exclude = new URLSearchParams(location.search).get('exclude')?.split(',') ?? [];
// ?reportBig=1: the big world's id is handed back (run.mjs names it to the export's own browser).
const reportBig = new URLSearchParams(location.search).get('reportBig') === '1';
// ?openWorlds=1: then the big world and a small one beside it are made (or found) for the cold-open
// rows bench/run.mjs measures on this profile afterwards (bench/open-world.mjs).
const wantWorlds = new URLSearchParams(location.search).get('openWorlds') === '1';
runAll(benchCases.filter((c) => (only === undefined || only.includes(c.name)) && !exclude.includes(c.name)))
  .then(async (rows) => ({ rows, ...(wantWorlds ? { worlds: await openWorlds() } : {}), ...(reportBig ? { bigWorld: (await bigWorld()).id } : {}) }))
  .then(
    (result) => {
      window.__benchResult = result;
      log.textContent += '\ndone';
    },
    (e: unknown) => {
      window.__benchResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
    },
  );
