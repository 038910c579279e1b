import { mount, tick, unmount } from 'svelte';
import { billDateOf, previousDate, type Party } from '../src/domain/index.ts';
import { createWorld, openWorldDb } from '../src/app/worlds.ts';
import { readClock } from '../src/app/clock-read.ts';
import { matchDayInWorker } from '../src/app/recon-worker/client.ts';
import { deskDay } from '../src/app/reconciliation/desk.ts';
import { blockOf, blockStart } from '../src/storage/journal-store.ts';
import { seedReconDay } from './recon-day-seed.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import type { WorldModel } from '../src/ui/world/world.svelte.ts';
import { loadAllMessages } from '../src/ui/i18n/i18n.svelte.ts';
import ReconciliationPage from '../src/ui/reconciliation/ReconciliationPage.svelte';
import type { BenchCase } from './cases.ts';

// The reconciliation desk walked as a clerk walks it, on a 100,000-order day: the operator's desk
// page (src/ui/reconciliation/ReconciliationPage.svelte, the real component on the real world
// code) is opened on the day, Run reads and matches the day in the worker with its progress bar
// and the desk's command saves it, and the differences are paged through with "more" to the last
// one. Figures: the walk's time, and the page's longest main-thread task meanwhile (Chromium's
// longtask entries, 50 ms and up). The walk's baseline is the worker's match of the same stored
// day alone (no page, no save, no rendering): the ratio is what the desk adds around it.
//
// The world is made by createWorld (institutions, the operator, the clock); the day's rows are
// written into its database directly (bench/recon-day-seed.ts, as for bench/recon-cases.ts); one
// order in lostEvery lost its callback (its charge still pending), so the desk has that many long
// differences (长款) to page through.

const ordersCount = 100_000;
const lostEvery = 100;
/** Where the day's journal entries start: a block of their own, far above the world's own entries. */
const firstSeq = blockStart(blockOf(10_000_001));
/** How long the walk waits for one step (the run of the day, a page shown) before it fails. */
const stepTimeoutMs = 10 * 60_000;
/** "More" clicks at most (the desk's own bound is deskPagesMax). */
const pagesMax = 1_000;

type Fixture = { db: WorldDb; dbName: string; entryId: string; date: string; clock: number; operator: Party };

async function seed(): Promise<Fixture> {
  const created = await createWorld({ id: `bench-desk-${Math.random().toString(36).slice(2, 8)}`, name: 'desk bench', createdAtMs: 0, passwordIterations: 1000 });
  if (!created.ok) throw new Error(created.code);
  const db = openWorldDb(created.value.entry);
  await db.open();
  const clock = await readClock(db);
  // The desk opens on the last day the channels have cut.
  const date = previousDate(billDateOf(clock));
  await seedReconDay(db, { date, ordersCount, prefix: 'D', firstSeq, lostEvery });
  const operator = await db.parties.get('platform');
  if (operator === undefined) throw new Error('the world has its operator');
  return { db, dbName: db.name, entryId: created.value.entry.id, date, clock, operator };
}

async function until<T>(what: string, probe: () => T | null | undefined | false): Promise<T> {
  const started = performance.now();
  for (;;) {
    const seen = probe();
    if (seen !== null && seen !== undefined && seen !== false) return seen;
    if (performance.now() - started > stepTimeoutMs) throw new Error(`desk walk: no ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type Walk = { walkMs: number; longestTaskMs: number; workerMs: number };

/** Opens the desk, runs the day, pages through its differences; the page's longest task meanwhile. */
async function walkDesk(f: Fixture): Promise<Walk> {
  // The worker's match of the day alone, first (also warms the disk cache the same for both).
  const workerStarted = performance.now();
  const alone = await matchDayInWorker(f.dbName, 'platform', f.date, {});
  const workerMs = performance.now() - workerStarted;
  const longs = ordersCount / lostEvery;
  if (alone.result.differences.length !== longs) throw new Error(`the day has ${longs} longs, the worker found ${alone.result.differences.length}`);

  // The walk's steps (their start times), to tell in which one each long task fell.
  const steps: { name: string; at: number }[] = [];
  const step = (name: string) => steps.push({ name, at: performance.now() });
  const tasks: { at: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      tasks.push({ at: entry.startTime, ms: Math.round(entry.duration) });
    }
  });
  // The world shell has the catalogs loaded before any party page opens (App.svelte).
  await loadAllMessages();
  // The seed's 100,000-row arrays and the match above are garbage now: collected here (run.mjs
  // starts Chromium with --expose-gc), not in a pause inside the walk.
  (globalThis as { gc?: () => void }).gc?.();
  observer.observe({ type: 'longtask' });
  const target = document.createElement('div');
  document.body.append(target);
  const world = { entry: { id: f.entryId }, parties: { current: [f.operator] }, clock: { current: f.clock }, session: { db: f.db, env: {} } } as unknown as WorldModel;
  const started = performance.now();
  let walkMs: number;
  step('open');
  const page = mount(ReconciliationPage, { target, props: { world, party: f.operator, page: [] } });
  try {
    const q = (testid: string) => target.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    await until('desk', () => q('recon-status'));
    step('run');
    q('recon-run')!.click();
    await until('run saved', () => q('recon-progress')?.dataset.state === 'done');
    step('saved');
    await until('matched day', () => q('recon-status')?.dataset.state === 'open' && q('recon-progress')?.dataset.state === 'done');
    step('pages');
    const shown = () => target.querySelectorAll('[data-testid="recon-difference"]').length;
    for (let pageNo = 0; pageNo < pagesMax; pageNo++) {
      const more = q('recon-differences-more');
      if (more === null) break;
      const before = shown();
      more.click();
      await tick();
      await until('next page', () => shown() > before);
      // A clerk's clicks are separate events: the next one in a task of its own (chained in
      // microtasks, the twenty pages of 1,000 differences ran as one 300-400 ms task).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (shown() !== longs) throw new Error(`the desk shows ${shown()} differences of ${longs}`);
    // Told apart in the log, not timed in the figure: the saved day's view read alone, then the
    // desk opened again on it (as another tab opens it).
    const viewStarted = performance.now();
    await deskDay(f.db, 'platform', f.date);
    const viewMs = Math.round(performance.now() - viewStarted);
    walkMs = performance.now() - started;
    step(`view read (${viewMs} ms)`);
    const again = document.createElement('div');
    document.body.append(again);
    const second = mount(ReconciliationPage, { target: again, props: { world, party: f.operator, page: [] } });
    await until('desk opened again', () => again.querySelector<HTMLElement>('[data-testid="recon-status"]')?.dataset.state === 'open');
    step('reopened');
    await unmount(second);
    again.remove();
    // Entries are delivered after the task ends: one turn of the event loop for the last ones.
    await new Promise((resolve) => setTimeout(resolve, 0));
    step('end');
    const walkEnd = started + walkMs;
    const walkLongestMs = Math.max(0, ...tasks.filter((t) => t.at < walkEnd).map((t) => t.ms));
    const stepOf = (at: number) => [...steps].reverse().find((s) => s.at <= at)?.name ?? 'before';
    console.log(`desk bench: steps ${steps.map((s) => `${s.name} +${Math.round(s.at - started)} ms`).join(', ')}; long tasks ${tasks.map((t) => `${t.ms} ms in ${stepOf(t.at)} at +${Math.round(t.at - started)} ms`).join(', ') || 'none'}`);
    return { walkMs, longestTaskMs: walkLongestMs, workerMs };
  } finally {
    observer.disconnect();
    await unmount(page);
    target.remove();
  }
}

let walked: Promise<Walk> | undefined;
const walk = () => (walked ??= seed().then(walkDesk));

export const reconDeskCases: readonly BenchCase[] = [
  {
    name: 'reconcile.desk.walk',
    unit: 'ms',
    run: async () => {
      const w = await walk();
      return { value: w.walkMs, baseline: w.workerMs };
    },
  },
  { name: 'reconcile.desk.longtask', unit: 'ms', limit: 100, run: async () => ({ value: (await walk()).longestTaskMs, baseline: 100 }) },
];
