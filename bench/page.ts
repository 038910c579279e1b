import type { BenchCase, BenchRow } from './cases.ts';
import { benchCases } from './registry.ts';
import { openWorlds } from './open-cases.ts';

// Runs every case in this page and hands the rows to bench/run.mjs through window.__benchResult.
declare global {
  interface Window {
    __benchResult?: { rows: BenchRow[]; worlds?: { big: string; small: string } } | { error: string };
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

// ?only=name1,name2 runs a subset (for working on one figure).
const only = new URLSearchParams(location.search).get('only')?.split(',');
// ?openWorlds=1: then the big world and a small one beside it are made (or found) for the cold-open
// rows bench/run.mjs measures on this profile afterwards (bench/open-world.mjs).
const wantWorlds = new URLSearchParams(location.search).get('openWorlds') === '1';
runAll(only ? benchCases.filter((c) => only.includes(c.name)) : benchCases)
  .then(async (rows) => (wantWorlds ? { rows, worlds: await openWorlds() } : { rows }))
  .then(
    (result) => {
      window.__benchResult = result;
      log.textContent += '\ndone';
    },
    (e: unknown) => {
      window.__benchResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
    },
  );
