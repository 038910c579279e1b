// npm run bench: builds the benchmark page, runs it in Debian's Chromium with a fresh persistent
// profile (real IndexedDB on disk), writes bench/results.json, prints the table and keeps it in
// BENCHMARKS.md with the machine it ran on.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import { chromium } from 'playwright-core';
import { bundleMarkdown, bundleReport } from './bundle-report.mjs';
import { measureStartInteractive } from './start-page.mjs';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'node_modules/.settlelab-bench');
// Rows measured on the production build itself (npm run bench builds dist/ first), not in the
// bench page: the start page's JavaScript and its time to interactive (issue #18).
const appDist = resolve(process.env.SETTLELAB_DIST ?? join(root, 'dist'));
const appRowNames = ['firstscreen.js.gzip', 'start.interactive.4x'];
const onlyNames = process.env.BENCH_ONLY?.split(',');
const wantedApp = (name) => onlyNames === undefined || onlyNames.includes(name);
const pageOnly = onlyNames?.filter((n) => !appRowNames.includes(n));
const pageRuns = pageOnly === undefined || pageOnly.length > 0;

/** Chromium's version as the start-page runs saw it (when the bench page did not run). */
let browserSeen = '';

async function appRows() {
  const rows = [];
  const kb = (x) => Math.round(x * 10) / 10;
  if (wantedApp('firstscreen.js.gzip')) {
    const report = bundleReport(appDist);
    // Baseline: all of the app's JavaScript; the ratio is the share the start page loads.
    rows.push({ name: 'firstscreen.js.gzip', value: kb(report.firstScreenGzipKb), unit: 'kB', baseline: kb(report.totalGzipKb), ratio: Math.round((report.firstScreenGzipKb / report.totalGzipKb) * 1000) / 1000, limit: 120, markdown: bundleMarkdown(report) });
  }
  if (wantedApp('start.interactive.4x')) {
    const m = await measureStartInteractive(appDist);
    browserSeen = m.browser;
    rows.push({ name: 'start.interactive.4x', value: Math.round(m.value), unit: 'ms', baseline: Math.round(m.baseline), ratio: Math.round((m.value / m.baseline) * 1000) / 1000, limit: 1000 });
  }
  return rows;
}

if (pageRuns) execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { cwd: root, stdio: 'inherit' });

async function pageBench() {
  const serve = sirv(outDir, { dev: true });
  const server = createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const only = pageOnly ? `?only=${encodeURIComponent(pageOnly.join(','))}` : '';
  const url = `http://127.0.0.1:${server.address().port}/index.html${only}`;

  const profile = mkdtempSync(join(tmpdir(), 'settlelab-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let result;
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
    await page.goto(url);
    await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 30 * 60_000, polling: 500 });
    result = await page.evaluate(() => window.__benchResult);
    result.browser = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (result.error) {
    console.error(result.error);
    process.exit(1);
  }
  return result;
}

const result = pageRuns ? await pageBench() : { rows: [], browser: '' };
const extra = await appRows();
const measured = [...result.rows, ...extra];
// A partial run (BENCH_ONLY) prints its rows but keeps results.json and BENCHMARKS.md as they are;
// with BENCH_MERGE=1 its rows replace the same rows there and the others stay as last measured.
const merge = process.env.BENCH_MERGE === '1';
const only = onlyNames !== undefined && !merge;
const previous = merge ? JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')) : [];
const rows = [...previous.map((p) => measured.find((m) => m.name === p.name) ?? p), ...measured.filter((m) => !previous.some((p) => p.name === m.name))];
if (!only) writeFileSync(join(root, 'bench/results.json'), JSON.stringify(rows.map(({ name, value, unit, baseline, ratio, target, limit }) => ({ name, value, unit, baseline, ratio, target, limit })), null, 2) + '\n');

const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(x));
const header = '| name | value | unit | baseline | ratio | target |\n|---|---:|---|---:|---:|---|';
// A target bounds the ratio from below; a limit bounds the value from above (sizes, times).
const goal = (r) => (r.limit !== undefined ? `≤ ${fmt(r.limit)} ${r.unit} ${r.value <= r.limit ? 'met' : 'MISSED'}` : r.target === undefined ? '' : `≥ ${r.target} ${r.ratio >= r.target ? 'met' : 'MISSED'}`);
const lines = rows.map((r) => `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.baseline)} | ${r.ratio.toFixed(3)} | ${goal(r)} |`);
const table = [header, ...lines].join('\n');
console.log('\n' + table + '\n');
if (only) process.exit(0);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${result.browser || browserSeen}`;
const md = join(root, 'BENCHMARKS.md');
const prefix = readFileSync(md, 'utf8').split('<!-- results -->')[0];
const bundle = extra.find((r) => r.markdown !== undefined);
const bundleText = bundle === undefined ? '' : `\n### Bundle report (production build)\n\n${bundle.markdown}\n`;
const partial = merge && onlyNames !== undefined ? ` (rows ${measured.map((r) => r.name).join(', ')}; the others as before)` : '';
writeFileSync(md, `${prefix}<!-- results -->\nLatest run: ${new Date().toISOString().slice(0, 10)}${partial} on ${machine}.\n\n${table}\n${bundleText}`);
