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

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'node_modules/.settlelab-bench');
execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { cwd: root, stdio: 'inherit' });

const serve = sirv(outDir, { dev: true });
const server = createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }));
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const only = process.env.BENCH_ONLY ? `?only=${encodeURIComponent(process.env.BENCH_ONLY)}` : '';
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

const rows = result.rows;
// A partial run (BENCH_ONLY) prints its rows but keeps results.json and BENCHMARKS.md as they are.
if (!only) writeFileSync(join(root, 'bench/results.json'), JSON.stringify(rows.map(({ name, value, unit, baseline, ratio }) => ({ name, value, unit, baseline, ratio })), null, 2) + '\n');

const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(x));
const header = '| name | value | unit | baseline | ratio | target |\n|---|---:|---|---:|---:|---|';
const lines = rows.map((r) => `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.baseline)} | ${r.ratio.toFixed(3)} | ${r.target === undefined ? '' : `≥ ${r.target} ${r.ratio >= r.target ? 'met' : 'MISSED'}`} |`);
const table = [header, ...lines].join('\n');
console.log('\n' + table + '\n');
if (only) process.exit(0);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${result.browser}`;
const md = join(root, 'BENCHMARKS.md');
const prefix = readFileSync(md, 'utf8').split('<!-- results -->')[0];
writeFileSync(md, `${prefix}<!-- results -->\nLatest run: ${new Date().toISOString().slice(0, 10)} on ${machine}.\n\n${table}\n`);
