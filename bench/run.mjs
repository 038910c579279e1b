// npm run bench: builds the benchmark page, runs it in Debian's Chromium with a fresh persistent
// profile (real IndexedDB on disk), writes bench/results.json, prints the table and keeps it in
// BENCHMARKS.md with the machine it ran on.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import { chromium } from 'playwright-core';
import { bundleMarkdown, bundleReport } from './bundle-report.mjs';
import { measureStartInteractive } from './start-page.mjs';
import { measureColdOpen } from './open-world.mjs';

const root = resolve(import.meta.dirname, '..');
// SETTLELAB_BENCH_OUT: another folder for the bench page's build (two people measuring at once).
const outDir = resolve(process.env.SETTLELAB_BENCH_OUT ?? join(root, 'node_modules/.settlelab-bench'));
// Rows measured on the production build itself (npm run bench builds dist/ first), not in the
// bench page: the start page's JavaScript and its time to interactive (issue #18).
const appDist = resolve(process.env.SETTLELAB_DIST ?? join(root, 'dist'));
const appRowNames = ['firstscreen.js.gzip', 'start.interactive.4x'];
// Rows of a simulated class on a real nats-server, driven from Node (bench/class-bench.ts, issue #20).
const classRowNames = ['class.apply', 'class.converge', 'class.join'];
const onlyNames = process.env.BENCH_ONLY?.split(',');
const wantedApp = (name) => onlyNames === undefined || onlyNames.includes(name);
const pageOnly = onlyNames?.filter((n) => !appRowNames.includes(n) && !classRowNames.includes(n));
const classWanted = classRowNames.filter(wantedApp);
const pageRuns = pageOnly === undefined || pageOnly.length > 0;
// The cold open of the big world and of a small one beside it (issue #18 item 2, bench/open-world.mjs):
// measured after the page has filled them, in a new browser on the same profile and origin. Named
// by the big world's size (BENCH_EXPORT_ENTRIES, as bench/export-cases.ts names its rows).
const bigEntries = Number(process.env.BENCH_EXPORT_ENTRIES ?? 1_000_000);
const sizeName = bigEntries % 1_000_000 === 0 ? `${bigEntries / 1_000_000}m` : `${Math.round(bigEntries / 1000)}k`;
const openRowNames = [`open.${sizeName}`, `open.small-beside-${sizeName}`];
const wantOpen = openRowNames.some(wantedApp);
// BENCH_PROFILE=<dir>: the page's profile is kept there (and the port its origin had, and the worlds
// it filled, in settlelab-bench.json); a later run on it finds the worlds filled and does not fill
// them again (for measuring the open again after a change, without a 10-17 min fill).
const keptProfile = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;
const keptFile = keptProfile && join(keptProfile, 'settlelab-bench.json');
const kept = keptFile && existsSync(keptFile) ? JSON.parse(readFileSync(keptFile, 'utf8')) : undefined;

/** Chromium's version as the start-page runs saw it (when the bench page did not run). */
let browserSeen = '';

/** The binary's full version: a persistent context has no Browser object, and the user agent's is
 * reduced (156.0.0.0). */
function chromiumVersion() {
  return execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).match(/(\d+\.\d+\.\d+\.\d+)/)?.[1];
}

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
    browserSeen = chromiumVersion() ?? m.browser;
    rows.push({ name: 'start.interactive.4x', value: Math.round(m.value), unit: 'ms', baseline: Math.round(m.baseline), ratio: Math.round((m.value / m.baseline) * 1000) / 1000, limit: 1000 });
  }
  if (classWanted.length > 0) {
    // TypeScript of src/ and test/support in Node: loaded through Vite's module runner.
    const { runnerImport } = await import('vite');
    const { module } = await runnerImport(join(root, 'bench/class-bench.ts'), { configFile: false, logLevel: 'warn' });
    const measured = await module.classRows({ outDir, chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', wanted: classWanted });
    browserSeen ||= measured.browser;
    rows.push(...measured.rows);
  }
  return rows;
}

/**
 * The renderer processes' resident memory (MB) of the Chromium using `profile`: the page and its
 * workers live there (the export's and import's workers too). `privateMb` is their own memory
 * (anonymous and shared-memory pages: heaps, buffers, what a phase allocates); `rssMb` also counts
 * the file pages every renderer maps from Chromium's binary (about 90-110 MB each, the same pages
 * shared by all of them and by the browser process), once per renderer: a fresh browser with the
 * bench page alone sums to ~450 MB that way, before anything runs.
 */
function rendererMemoryMb(profile) {
  const procs = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kbOf = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      procs.push({ pid, ppid, args, rss: kbOf('VmRSS'), own: kbOf('RssAnon') + kbOf('RssShmem') });
    } catch {
      // The process ended while being read.
    }
  }
  const browser = procs.find((p) => p.args.includes(`--user-data-dir=${profile}`) && !p.args.some((a) => a.startsWith('--type=')));
  if (browser === undefined) return { rssMb: 0, privateMb: 0, renderers: 0 };
  const mine = new Set([browser.pid]);
  // Descendants (through the zygotes): bounded by the process count.
  for (let grew = true, turns = 0; grew && turns < procs.length; turns += 1) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  // A child process rewrites its command line as one string (spaces, not NULs): match within it.
  const renderers = procs.filter((p) => mine.has(p.pid) && / --type=renderer( |$)/.test(` ${p.args.join(' ')}`));
  return { rssMb: renderers.reduce((sum, p) => sum + p.rss, 0) / 1024, privateMb: renderers.reduce((sum, p) => sum + p.own, 0) / 1024, renderers: renderers.length };
}

/** The bench page's path on the server that also serves the production build at its root. */
const benchPrefix = '/__bench/';

/** How often the renderer's memory is sampled while a phase (window.__benchPhase) runs. */
const rssSampleMs = 250;

// The export and import rows (bench/export-cases.ts) each run in a Chromium of their own, started
// afresh on the profile that holds the filled big world: the renderer's memory is then what the
// phase costs, not what filling a million entries left in that process. The exported file is kept
// on disk by this server between the two (POSTed by the export's page, fetched by the import's).
const exportNames = [`export.${sizeName}`, `export.${sizeName}.heap`, `export.${sizeName}.longtask`];
const importNames = exportNames.map((n) => n.replace(/^export/, 'import'));
const phaseNames = [...exportNames, ...importNames];
const wantedPage = (name) => pageOnly === undefined || pageOnly.includes(name);
const wantExport = exportNames.some(wantedPage);
const wantImport = importNames.some(wantedPage);
// The other page rows (all but the phases when BENCH_ONLY is not given).
const otherOnly = pageOnly?.filter((n) => !phaseNames.includes(n));
const othersWanted = otherOnly === undefined || otherOnly.length > 0;
const keptFilePath = '/__bench-file';

if (pageRuns || classWanted.length > 0) execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts', '--outDir', outDir, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });

const browserArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * One run of the bench page in a Chromium started afresh on `profile`: `params` go into its query.
 * The renderer's memory is sampled per phase the page names: first when the page asks for its
 * starting reading (it waits for it), then every rssSampleMs until the phase ends.
 */
async function runPage(profile, url) {
  // A kept profile holds the app's service worker from the last cold opens: its navigation fallback
  // answered the bench page with the app's index.html even with service workers blocked (the page
  // never reported). Removed here; the first cold open installs it again, as in a fresh profile.
  rmSync(join(profile, 'Default', 'Service Worker'), { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // The production build's service worker (its scope is the origin's root, where the cold opens
    // load the app) would answer the bench page's navigation with the app's index.html.
    serviceWorkers: 'block',
    args: [...browserArgs,
      // performance.memory exact and current (else rounded and cached): the export rows' heap.
      '--enable-precise-memory-info',
      // window.gc(): a case that seeds a large fixture in the page collects its garbage before it measures.
      '--js-flags=--expose-gc'],
  });
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
    page.on('console', (m) => { if (m.type() === 'log' && /^(export|desk|open) bench/.test(m.text())) console.log('page:', m.text()); });
    await page.goto(url);
    /** Per phase: the reading before it started and the highest while it ran (MB). */
    const rss = new Map();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const phase = await page.evaluate(() => window.__benchPhase).catch(() => undefined);
        if (phase) {
          const mb = rendererMemoryMb(profile);
          // BENCH_RSS_SERIES=<file>: every reading appended (phase, ms, own MB, summed VmRSS MB), to see when the peak comes.
          if (process.env.BENCH_RSS_SERIES) appendFileSync(process.env.BENCH_RSS_SERIES, `${phase},${Date.now()},${Math.round(mb.privateMb)},${Math.round(mb.rssMb)}\n`);
          const seen = rss.get(phase);
          if (seen === undefined) {
            rss.set(phase, { startMb: mb.privateMb, peakMb: mb.privateMb, rssStartMb: mb.rssMb, rssPeakMb: mb.rssMb, renderers: mb.renderers });
            await page.evaluate((p) => { window.__benchRssTaken = p; }, phase).catch(() => undefined);
          } else {
            seen.peakMb = Math.max(seen.peakMb, mb.privateMb);
            seen.rssPeakMb = Math.max(seen.rssPeakMb, mb.rssMb);
            seen.renderers = Math.max(seen.renderers, mb.renderers);
          }
        }
        await new Promise((ok) => setTimeout(ok, rssSampleMs));
      }
    })();
    try {
      await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 60 * 60_000, polling: 500 });
    } finally {
      sampling = false;
      await sampler;
    }
    const result = await page.evaluate(() => window.__benchResult);
    if (result.error) {
      console.error(result.error);
      process.exit(1);
    }
    // The row: the renderers' own memory at its peak. Baseline: the reading before the phase began
    // (a fresh browser with the bench page loaded). The sum of their whole resident sets is printed.
    for (const [phase, m] of rss) {
      result.rows.push({ name: `${phase}.rss`, value: Math.round(m.peakMb), unit: 'MB', baseline: Math.round(m.startMb), ratio: Math.round((m.peakMb / m.startMb) * 1000) / 1000, limit: 300 });
      console.log(`${phase}.rss: renderers' own memory ${Math.round(m.startMb)} MB before, peak ${Math.round(m.peakMb)} MB; whole resident sets of its ${m.renderers} renderer processes summed ${Math.round(m.rssStartMb)} MB before, peak ${Math.round(m.rssPeakMb)} MB`);
    }
    result.browser = chromiumVersion() ?? (await page.evaluate(() => navigator.userAgent));
    return result;
  } finally {
    await context.close();
  }
}

/** Serves the bench page (under /__bench/), the production build (at /) and the kept export file. */
async function startServer(filePath) {
  // One origin for the bench page and the production build: the worlds the page fills in
  // IndexedDB are the ones the app then opens (bench/open-world.mjs).
  const serveBench = sirv(outDir, { dev: true });
  const serveApp = sirv(appDist, { dev: true });
  const notFound = (res) => () => { res.statusCode = 404; res.end(); };
  const server = createServer((req, res) => {
    if (req.url === keptFilePath && req.method === 'POST') {
      const out = createWriteStream(filePath);
      req.pipe(out);
      out.on('finish', () => res.end());
      out.on('error', () => { res.statusCode = 500; res.end(); });
      return;
    }
    if (req.url === keptFilePath) {
      if (!existsSync(filePath)) return notFound(res)();
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-length', statSync(filePath).size);
      createReadStream(filePath).pipe(res);
      return;
    }
    if (req.url.startsWith(benchPrefix)) {
      req.url = req.url.slice(benchPrefix.length - 1);
      return serveBench(req, res, notFound(res));
    }
    serveApp(req, res, notFound(res));
  });
  await new Promise((ok) => server.listen(kept?.port ?? 0, '127.0.0.1', ok));
  return server;
}

async function pageBench() {
  const fileDir = mkdtempSync(join(tmpdir(), 'settlelab-export-file-'));
  const server = await startServer(join(fileDir, 'world.json'));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const pageUrl = (params) => {
    const query = new URLSearchParams(params);
    // The world export's size (bench/export-cases.ts): 1,000,000 entries unless told.
    if (process.env.BENCH_EXPORT_ENTRIES) query.set('exportEntries', process.env.BENCH_EXPORT_ENTRIES);
    return `${origin}${benchPrefix}index.html${query.size > 0 ? `?${query}` : ''}`;
  };
  if (keptProfile) mkdirSync(keptProfile, { recursive: true });
  const profile = keptProfile ?? mkdtempSync(join(tmpdir(), 'settlelab-bench-'));
  const phasesWanted = wantExport || wantImport;
  let bigId = kept?.worlds?.big;
  const result = { rows: [], browser: '' };
  try {
    if (othersWanted || (phasesWanted && bigId === undefined)) {
      const params = {};
      if (wantOpen) params.openWorlds = '1';
      if (kept?.worlds?.big) params.bigWorld = kept.worlds.big;
      if (kept?.worlds?.small) params.smallWorld = kept.worlds.small;
      if (otherOnly) params.only = otherOnly.join(',');
      else params.exclude = phaseNames.join(',');
      // The phases' browsers need the big world this run fills.
      if (phasesWanted && bigId === undefined) params.reportBig = '1';
      const r = await runPage(profile, pageUrl(params));
      result.rows.push(...r.rows);
      result.browser = r.browser;
      bigId ??= r.worlds?.big ?? r.bigWorld;
      // A kept profile names the big world it filled for the phases' later runs (the open rows write theirs below).
      if (keptFile && r.bigWorld && !r.worlds) writeFileSync(keptFile, JSON.stringify({ port: server.address().port, entries: bigEntries, worlds: { big: r.bigWorld } }) + '\n');
      if (wantOpen && r.worlds) {
        if (keptFile) writeFileSync(keptFile, JSON.stringify({ port: server.address().port, entries: bigEntries, worlds: r.worlds }) + '\n');
        const m = await measureColdOpen({ profile, origin, worlds: r.worlds, args: browserArgs });
        const row = (name, value) => ({ name, value: Math.round(value), unit: 'ms', baseline: Math.round(m.list), ratio: Math.round((value / m.list) * 1000) / 1000, limit: 1000 });
        if (wantedApp(openRowNames[0])) result.rows.push(row(openRowNames[0], m.big));
        if (wantedApp(openRowNames[1])) result.rows.push(row(openRowNames[1], m.small));
      }
    }
    if (phasesWanted) {
      // The import needs the exported file: the export runs whenever either is wanted.
      // BENCH_EXPORT_SINK=discard: the export's chunks are dropped instead of kept in a Blob (to tell
      // the Blob's memory from the export's own; the import then has no file and is not run).
      const discard = process.env.BENCH_EXPORT_SINK === 'discard';
      const e = await runPage(profile, pageUrl({ bigWorld: bigId, only: exportNames.join(','), ...(discard ? { exportSink: 'discard' } : { exportTo: keptFilePath }) }));
      if (wantExport) result.rows.push(...e.rows);
      result.browser = e.browser;
      if (wantImport && !discard) result.rows.push(...(await runPage(profile, pageUrl({ only: importNames.join(','), importFrom: keptFilePath, ...(process.env.BENCH_IMPORT_RANGES ? { importRanges: process.env.BENCH_IMPORT_RANGES } : {}) }))).rows);
    }
  } finally {
    server.close();
    rmSync(fileDir, { recursive: true, force: true });
    if (!keptProfile) rmSync(profile, { recursive: true, force: true });
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
const [prefix, before = ''] = readFileSync(md, 'utf8').split('<!-- results -->');
const bundle = extra.find((r) => r.markdown !== undefined);
// A run that did not measure the bundle keeps the report it had (it is the last section).
const bundleAt = before.indexOf('\n### Bundle report');
const bundleText = bundle !== undefined ? `\n### Bundle report (production build)\n\n${bundle.markdown}\n` : bundleAt >= 0 ? before.slice(bundleAt) : '';
const partial = merge && onlyNames !== undefined ? ` (rows ${measured.map((r) => r.name).join(', ')}; the others as before)` : '';
writeFileSync(md, `${prefix}<!-- results -->\nLatest run: ${new Date().toISOString().slice(0, 10)}${partial} on ${machine}.\n\n${table}\n${bundleText}`);
