// The start page's time to interactive on a slow lab PC (issue #18): the production build, a fresh
// profile each run (a first visit, nothing cached), Chromium's CPU slowed 4× through the DevTools
// protocol (Emulation.setCPUThrottlingRate). "Interactive": the new-world name box is on screen,
// the world list has been read from IndexedDB (its list or its empty line shows), and the main
// thread has come back to run a task. Baseline: a page of the same server whose only script adds
// one input, under the same throttling: what the browser itself costs.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import { chromium } from 'playwright-core';

/** Cold starts per side; the median is kept. */
const runsPerSide = 5;
const cpuSlowdown = 4;
const readyTimeoutMs = 60_000;
const blankPage = '<!doctype html><meta charset="utf-8"><title>blank</title><body><script type="module">const i = document.createElement("input"); i.name = "world-name"; document.body.append(i); const p = document.createElement("p"); p.dataset.testid = "worlds-empty"; document.body.append(p);</script>';

// Runs in the page before any of its scripts: notes when the start page is ready, then when the
// main thread next runs a task (a macrotask after the frame that showed it).
const readyProbe = `(() => {
  const ready = () => document.querySelector('input[name="world-name"]') && document.querySelector('[data-testid="worlds-empty"], [data-testid="world-list"]');
  const done = () => setTimeout(() => { window.__interactiveMs = performance.now(); }, 0);
  const watch = () => {
    if (ready()) return done();
    const mo = new MutationObserver(() => { if (ready()) { mo.disconnect(); done(); } });
    mo.observe(document, { childList: true, subtree: true });
  };
  watch();
})();`;

/** The browser's version, for the report's machine line. */
let browserVersion;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function coldStartMs(url, chromiumPath) {
  const profile = mkdtempSync(join(tmpdir(), 'settlelab-start-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    await page.addInitScript(readyProbe);
    await page.goto(url);
    await page.waitForFunction(() => window.__interactiveMs !== undefined, null, { timeout: readyTimeoutMs, polling: 50 });
    const ms = await page.evaluate(() => window.__interactiveMs);
    browserVersion ??= (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1];
    return ms;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The `start.interactive.4x` row: median ms of the app's start page against the blank page. */
export async function measureStartInteractive(dist, chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') {
  const serve = sirv(dist, { dev: true });
  const server = createServer((req, res) => {
    if (req.url === '/__blank.html') {
      res.setHeader('content-type', 'text/html');
      return res.end(blankPage);
    }
    serve(req, res, () => { res.statusCode = 404; res.end(); });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const app = [];
  const blank = [];
  try {
    // Alternating, so a busy moment of the machine falls on both sides.
    for (let i = 0; i < runsPerSide; i += 1) {
      app.push(await coldStartMs(`${origin}/index.html`, chromiumPath));
      blank.push(await coldStartMs(`${origin}/__blank.html`, chromiumPath));
    }
  } finally {
    server.close();
  }
  return { value: median(app), baseline: median(blank), runs: app, browser: browserVersion ?? '' };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? join(import.meta.dirname, '../dist');
  console.log(await measureStartInteractive(dist));
}
