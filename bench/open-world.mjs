// The cold open of a big world (issue #18 item 2): the bench page (bench/open-cases.ts) has filled
// the big world and a small one beside it in a persistent profile, on the same origin as the
// production build; here Chromium is started afresh on that profile (a new browser process: no page,
// no database connection, no V8 heap left from the fill), the production build is loaded on a
// world's journal page (the auditor's, whose journal table is the world's first journal page), and
// the time from navigation to the first journal row on screen and the main thread free again is
// taken. Baseline: the same cold start to the world list (the app's own boot in the same profile).
import { chromium } from 'playwright-core';

/** Cold starts per world; the median is kept. */
const runsPerSide = 3;
const readyTimeoutMs = 120_000;
/** The party whose auditor page is opened (any party may look at the journal). */
const party = 'platform';

// Runs in the page before any of its scripts: notes when `selector` first shows, then when the
// main thread next runs a task after a frame (the first paint of it has happened).
const probe = (selector) => `(() => {
  const done = () => requestAnimationFrame(() => setTimeout(() => { window.__openMs = performance.now(); }, 0));
  if (document.querySelector(${JSON.stringify(selector)})) return done();
  const mo = new MutationObserver(() => { if (document.querySelector(${JSON.stringify(selector)})) { mo.disconnect(); done(); } });
  mo.observe(document, { childList: true, subtree: true });
})();`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One cold start: launches Chromium on `profile`, loads `url`, ms until `selector` was painted. */
async function coldStartMs(profile, url, selector, chromiumPath, args) {
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => { if (m.type() === 'error') console.error('open page:', m.text()); });
    await page.addInitScript(probe(selector));
    await page.goto(url);
    await page.waitForFunction(() => window.__openMs !== undefined, null, { timeout: readyTimeoutMs, polling: 50 });
    return await page.evaluate(() => window.__openMs);
  } finally {
    await context.close();
  }
}

/**
 * The open rows: median ms of cold starts to the big world's and the small world's first journal
 * page, each against the median cold start to the world list. `origin` must be the one the worlds
 * were made on (IndexedDB is per origin).
 */
export async function measureColdOpen({ profile, origin, worlds, args, chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }) {
  const journal = (id) => `${origin}/index.html#/w/${encodeURIComponent(id)}/p/${party}/auditor`;
  const times = { big: [], small: [], list: [] };
  // Alternating, so a busy moment of the machine falls on every side.
  for (let i = 0; i < runsPerSide; i += 1) {
    times.list.push(await coldStartMs(profile, `${origin}/index.html#/`, '[data-testid="world-list"]', chromiumPath, args));
    times.big.push(await coldStartMs(profile, journal(worlds.big), '[data-testid="journal-row"]', chromiumPath, args));
    times.small.push(await coldStartMs(profile, journal(worlds.small), '[data-testid="journal-row"]', chromiumPath, args));
    console.log(`open bench: round ${i + 1}: list ${Math.round(times.list[i])} ms, big ${Math.round(times.big[i])} ms, small ${Math.round(times.small[i])} ms`);
  }
  return { big: median(times.big), small: median(times.small), list: median(times.list), times };
}
