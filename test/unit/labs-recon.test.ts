import { describe, expect, it } from 'vitest';
import { createLabWorld, labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { checkAnswer, labProgress } from '../../src/app/labs/progress.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { deskDay, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { billDateOf, previousDate } from '../../src/domain/index.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The reconciliation lab's preset runs the real commands (the teacher's lab tools arm a lost
// callback and a duplicate notification, three orders are paid through three channels, the clock
// passes the cut-off), replays to the same ledger head; its steps tick from the desk's rows and
// its questions are answered by the day's differences.

let n = 0;
async function labWorld(): Promise<{ db: WorldDb; id: string; ms: number }> {
  n += 1;
  const id = `recon-lab-${n}-${Date.now().toString(36)}`;
  const started = performance.now();
  const r = await createLabWorld({ labId: 'reconciliation', id, name: 'Reconciliation lab', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!r.ok) throw new Error(r.code);
  const ms = performance.now() - started;
  const db = openWorldDb(r.value.entry);
  await db.open();
  return { db, id, ms };
}

const head = async (db: WorldDb) => (await db.meta.get(journalHeadKey))?.value as { seq: number; hash: string };

describe('the reconciliation lab', () => {
  it('builds its preset by real commands, the same way twice (same ledger head hash)', async () => {
    const a = await labWorld();
    const b = await labWorld();
    console.info(`reconciliation preset built in ${Math.round(a.ms)} and ${Math.round(b.ms)} ms`);
    expect((await head(a.db)).seq).toBeGreaterThan(0);
    expect(await head(b.db)).toEqual(await head(a.db));
    expect((await labOfWorld(a.db))?.id).toBe('reconciliation');
    const armed = (await a.db.events.toArray()).filter((e) => e.type === 'recon.lab_armed').map((e) => (e.payload as { fault: string }).fault);
    expect(armed.sort()).toEqual(['deliver_twice', 'lose_callback']);
    await expectLedgerSound(a.db);
  });

  it('ticks run, 补单, the refund and the closed day from the desk; answers from the day', async () => {
    const { db } = await labWorld();
    const lab = labById('reconciliation')!;
    const done = async () => (await labProgress(db, lab)).steps.filter((s) => s.done).map((s) => s.step.id);
    expect(await done()).toEqual([]);
    const date = previousDate(billDateOf(await readClock(db)));
    expect(await checkAnswer(db, lab, 'long-amount', '57.00')).toBe('not_yet');

    unwrap(await reconcileDay(db, meta('platform'), { scope: 'platform', date }));
    expect(await done()).toEqual(['run']);
    const day = await deskDay(db, 'platform', date);
    expect(day.open.map((d) => d.kind).sort()).toEqual(['duplicate_payment', 'long']);
    const long = day.open.find((d) => d.kind === 'long')!;
    const duplicate = day.open.find((d) => d.kind === 'duplicate_payment')!;
    expect(await checkAnswer(db, lab, 'long-amount', '¥57.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'long-amount', '45.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'duplicate-trade', ` ${duplicate.channelTradeNo!.toLowerCase()} `)).toBe('correct');

    unwrap(await resolveDifference(db, meta('platform'), { scope: 'platform', date, differenceId: long.id, action: 'mark_paid', reason: '' }));
    expect(await done()).toEqual(['run', 'mark-paid']);
    unwrap(await resolveDifference(db, meta('platform'), { scope: 'platform', date, differenceId: duplicate.id, action: 'refund_duplicate', reason: '' }));
    const progress = await labProgress(db, lab);
    expect(progress.current).toBeNull();
    expect(progress.steps.every((s) => s.done && typeof s.at === 'number')).toBe(true);
    await expectLedgerSound(db);
  });
});
