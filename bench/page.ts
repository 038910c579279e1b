import type { BenchCase, BenchRow } from './cases.ts';
import { benchCases } from './registry.ts';

// Runs every case in this page and hands the rows to bench/run.mjs through window.__benchResult.
declare global {
  interface Window {
    __benchResult?: { rows: BenchRow[] } | { error: string };
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
runAll(only ? benchCases.filter((c) => only.includes(c.name)) : benchCases).then(
  (rows) => {
    window.__benchResult = { rows };
    log.textContent += '\ndone';
  },
  (e: unknown) => {
    window.__benchResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
  },
);
