import { describe, expect, it } from 'vitest';
import { dateStartMs, hourMs, nextDate } from '../../src/domain/index.ts';
import { dayId, deskDay, reconcileDay, reconcileDayCommand } from '../../src/app/reconciliation/desk.ts';
import { execute } from '../../src/app/pipeline.ts';
import { labArmFault } from '../../src/app/reconciliation/lab.ts';
import { reconcileDayInBackground, reconAttemptsMax } from '../../src/app/reconciliation/background.ts';
import { matchDayInThread, matchDayOffThread, reconWorkersAvailable } from '../../src/app/recon-worker/client.ts';
import { serveReconWorker, type ReconWorkerScope } from '../../src/app/recon-worker/serve.ts';
import type { FromReconWorker, ToReconWorker } from '../../src/app/recon-worker/protocol.ts';
import { billSummariesOf, dayReadPageRows, matchDigest, matchInputs, readDayInputs, ReconRunCancelled } from '../../src/app/reconciliation/day-inputs.ts';
import { reconTables } from '../../src/storage/recon-tables.ts';
import { counterWorld, moveClockTo } from '../helpers/counter.ts';
import { unwrap } from '../helpers/market.ts';
import { meta } from '../helpers/world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// The reconciliation worker's protocol and its run (the same code the worker runs in Chromium, here
// on a stand-in scope in Node, which has no Worker: the desk's fallback runs it in this thread).

/** A day with two counter payments: one the seller's record of is lost, one delivered twice. */
async function troubledCounterDay() {
  const w = await counterWorld();
  unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'mobile', kind: 'lose_callback' }));
  const lost = await w.pay(dateStartMs(w.day1) + 10 * hourMs, '12.50');
  unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'mobile', kind: 'deliver_twice' }));
  const twice = await w.pay(dateStartMs(w.day1) + 11 * hourMs, '7.30');
  await w.pay(dateStartMs(w.day1) + 12 * hourMs, '3.00');
  await moveClockTo(w.db, dateStartMs(nextDate(w.day1)) + hourMs);
  return { ...w, lost, twice };
}

/** A stand-in worker scope: what the page posts in, what the worker posts back. */
function standIn(db: WorldDb) {
  const out: FromReconWorker[] = [];
  const scope: ReconWorkerScope = { onmessage: null, postMessage: (m) => void out.push(m) };
  serveReconWorker(scope, async () => db);
  const post = (m: ToReconWorker) => scope.onmessage!({ data: m } as MessageEvent<ToReconWorker>);
  const settled = async () => {
    for (let i = 0; i < 400 && !out.some((m) => m.type !== 'progress'); i++) await new Promise((r) => setTimeout(r, 10));
    return out;
  };
  return { out, post, settled };
}

describe('the reconciliation worker', () => {
  it('posts progress up to the total, then the same match the desk makes in its own transaction; the desk command saves it', async () => {
    const w = await troubledCounterDay();
    const worker = standIn(w.db);
    worker.post({ type: 'run', runId: 1, dbName: 'ignored', scope: w.seller, date: w.day1 });
    const out = await worker.settled();
    const progress = out.filter((m) => m.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ done: 0 });
    const last = progress[progress.length - 1]!;
    expect(last.done).toBe(last.total);
    expect(progress.every((m, i) => m.runId === 1 && m.done <= m.total && (i === 0 || m.done >= progress[i - 1]!.done))).toBe(true);
    const done = out[out.length - 1]!;
    if (done.type !== 'done') throw new Error(`expected done, got ${done.type}`);
    const inThread = (await deskDay(w.db, w.seller, w.day1)).result;
    expect(done.matched.result).toEqual(inThread);
    expect(done.matched.result.differences.map((d) => [d.kind, d.channelTradeNo]).sort()).toEqual([
      ['duplicate_payment', `${w.twice.id}-2`],
      ['long', w.lost.id],
    ]);

    const saved = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1, matched: done.matched }));
    expect(saved.opening).toEqual(inThread.differences);
  });

  it('the desk command logs a worker match by its stamp and digest, not its differences; matched again from the world (as replay does), it has that digest', async () => {
    const w = await troubledCounterDay();
    const matched = await matchDayInThread(w.db, w.seller, w.day1);
    expect(matched.digest).toBe(matchDigest(matched.result, matched.bills));
    const command = meta(w.seller);
    const saved = unwrap(await reconcileDay(w.db, command, { scope: w.seller, date: w.day1, matched }));
    expect(saved.latest).toEqual(matched.result);
    // What the pipeline copies, checks, stores and digests on the page's thread stays small
    // however many differences the day has: the log's input and the idempotency record's result.
    const logged = await w.db.commandLog.where('commandId').equals(command.id).first();
    expect(logged?.input).toEqual({ scope: w.seller, date: w.day1, matched: { stamp: matched.stamp, digest: matched.digest } });
    const record = await w.db.commands.get(command.id);
    expect(record?.result).toEqual({ ok: true, value: { id: saved.id, savedBy: command.id, differenceCount: matched.result.differences.length, closedAt: null } });
    // A repeat of the command id returns the saved row again.
    expect(unwrap(await reconcileDay(w.db, command, { scope: w.seller, date: w.day1, matched })).latest).toEqual(matched.result);
    // Without the match at hand the command matches the day from the world the stamp names.
    const inThread = matchInputs(w.day1, await readDayInputs(w.db, w.seller, w.day1));
    expect(matchDigest(inThread, billSummariesOf(w.day1, await readDayInputs(w.db, w.seller, w.day1)))).toBe(matched.digest);
  });

  it('a log written before the digest (the match itself as the input) still runs: replay of older worlds', async () => {
    const w = await troubledCounterDay();
    const { result, bills, stamp } = await matchDayInThread(w.db, w.seller, w.day1);
    unwrap(await execute(w.db, reconcileDayCommand, meta(w.seller), { scope: w.seller, date: w.day1, matched: { result, bills, stamp } }));
    expect((await reconTables(w.db).reconDays.get(dayId(w.seller, w.day1)))?.latest).toEqual(result);
  });

  it('a match read before another command changed the world is refused (recon_day_changed), and nothing is saved', async () => {
    const w = await troubledCounterDay();
    const matched = await matchDayInThread(w.db, w.seller, w.day1);
    await w.pay(dateStartMs(nextDate(w.day1)) + 2 * hourMs, '1.00');
    expect(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1, matched })).toMatchObject({ ok: false, code: 'recon_day_changed' });
    expect(await reconTables(w.db).reconDays.count()).toBe(0);
  });

  it('cancel: the worker stops between pages and posts cancelled; the background run returns recon_cancelled and saves nothing', async () => {
    const w = await troubledCounterDay();
    const worker = standIn(w.db);
    worker.post({ type: 'run', runId: 7, dbName: 'ignored', scope: w.seller, date: w.day1 });
    worker.post({ type: 'cancel', runId: 7 });
    const out = await worker.settled();
    expect(out[out.length - 1]).toEqual({ type: 'cancelled', runId: 7 });
    // A second run while none is going is served; a run while one is going is refused by name.
    worker.post({ type: 'run', runId: 8, dbName: 'ignored', scope: w.seller, date: w.day1 });
    worker.post({ type: 'run', runId: 9, dbName: 'ignored', scope: w.seller, date: w.day1 });
    expect(out).toContainEqual({ type: 'failed', runId: 9, name: 'ProtocolError', message: 'unexpected run message' });

    const controller = new AbortController();
    const r = await reconcileDayInBackground(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) controller.abort();
      },
    });
    expect(r).toMatchObject({ ok: false, code: 'recon_cancelled' });
    expect(await reconTables(w.db).reconDays.count()).toBe(0);
    await expect(matchDayInThread(w.db, w.seller, w.day1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ReconRunCancelled);
  });

  it('without Worker the background run matches in this thread, with progress, and saves through the desk command; a world that changed meanwhile is matched again', async () => {
    expect(reconWorkersAvailable()).toBe(false);
    const w = await troubledCounterDay();
    const seen: [number, number][] = [];
    const r = unwrap(await reconcileDayInBackground(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }, { onProgress: (done, total) => seen.push([done, total]) }));
    expect(r.opening.map((d) => d.kind).sort()).toEqual(['duplicate_payment', 'long']);
    expect(seen[seen.length - 1]![0]).toBe(seen[seen.length - 1]![1]);
    expect(dayReadPageRows).toBeGreaterThan(0);

    // The first match is overtaken by a payment on the next day: the save is refused, the day matched again.
    const w2 = await troubledCounterDay();
    let calls = 0;
    const r2 = unwrap(await reconcileDayInBackground(w2.db, meta(w2.seller), { scope: w2.seller, date: w2.day1 }, {}, {}, async (db, scope, date, io) => {
      calls += 1;
      const m = await matchDayOffThread(db, scope, date, io);
      if (calls === 1) await w2.pay(dateStartMs(nextDate(w2.day1)) + 2 * hourMs, '1.00');
      return m;
    }));
    expect(calls).toBe(2);
    expect(r2.opening.map((d) => d.kind).sort()).toEqual(['duplicate_payment', 'long']);
    expect(reconAttemptsMax).toBeGreaterThanOrEqual(2);
  });
});
