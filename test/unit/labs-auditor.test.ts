import { describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { checkAnswer, labProgress } from '../../src/app/labs/progress.ts';
import { labTamperEntry, verifyLedger } from '../../src/app/ledger.ts';
import { drawTrialBalance, recordLedgerVerify } from '../../src/app/ledger-audit.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta, teacherOf } from '../helpers/world.ts';
import { freshLabWorld, replayedDigests } from '../helpers/lab-world.ts';

// The auditor lab (审计): its preset settles two trades by the real commands and replays to the same
// ledger head; its steps tick from the auditor's recorded trial balance and verifies and the
// teacher's tampering (never from a click), and its questions are answered by the world.

const labWorld = () => freshLabWorld('auditor');

const head = async (db: WorldDb) => (await db.meta.get(journalHeadKey))?.value as { seq: number; hash: string };

describe('the auditor lab', () => {
  it('builds its preset by real commands, the same way twice (same ledger head hash): two settled trades', async () => {
    const a = await labWorld();
    const b = await labWorld();
    console.info(`auditor preset built in ${Math.round(a.ms)} and ${Math.round(b.ms)} ms`);
    expect((await head(a.db)).seq).toBeGreaterThan(0);
    expect(await head(b.db)).toEqual(await head(a.db));
    expect((await labOfWorld(a.db))?.id).toBe('auditor');
    const orders = await marketTables(a.db).orders.toArray();
    expect(orders.map((o) => o.settlement !== null && o.receipt !== null && !o.receipt.auto)).toEqual([true, true]);
    await expectLedgerSound(a.db);
  });

  it('ticks from recorded audits and the tampering; the wrong entry does not tick; answers from the world; replays', async () => {
    const { db } = await labWorld();
    const lab = labById('auditor')!;
    const done = async () => (await labProgress(db, lab)).steps.filter((s) => s.done).map((s) => s.step.id);
    expect(await done()).toEqual([]);
    expect(await checkAnswer(db, lab, 'head', '1')).toBe('not_yet');

    // Another party's trial balance is not the auditor's.
    unwrap(await drawTrialBalance(db, meta('bank-a')));
    expect(await done()).toEqual([]);
    unwrap(await drawTrialBalance(db, meta('platform')));
    expect(await done()).toEqual(['trial']);

    const clean = unwrap(await recordLedgerVerify(db, meta('platform'), await verifyLedger(db)));
    expect(await done()).toEqual(['trial', 'verify']);
    const headSeq = (await head(db)).seq;
    expect(clean.headSeq).toBe(headSeq);
    expect(await checkAnswer(db, lab, 'head', String(headSeq - 1))).toBe('wrong');
    expect(await checkAnswer(db, lab, 'head', String(headSeq))).toBe('correct');

    // The commission the platform earned on the two settled trades.
    const commission = (await marketTables(db).orders.toArray()).reduce((sum, o) => sum.plus(o.settlement!.commission.amount), new Decimal(0));
    expect(commission.isPositive() && !commission.isZero()).toBe(true);
    expect(await checkAnswer(db, lab, 'commission', commission.toFixed(2))).toBe('correct');
    expect(await checkAnswer(db, lab, 'commission', '0.00')).toBe('wrong');

    const teacher = await teacherOf(db);
    unwrap(await labTamperEntry(db, teacher, meta('platform'), { seq: 5, field: 'amount', value: '88888.00' }));
    expect(await done()).toEqual(['trial', 'verify', 'tamper']);
    expect(await checkAnswer(db, lab, 'broken', '5')).toBe('not_yet');

    // A verify another party ran does not count; the auditor's names entry 5.
    unwrap(await recordLedgerVerify(db, meta('bank-a'), await verifyLedger(db)));
    expect(await done()).toEqual(['trial', 'verify', 'tamper']);
    unwrap(await recordLedgerVerify(db, meta('platform'), await verifyLedger(db)));
    expect(await done()).toEqual(['trial', 'verify', 'tamper', 'find']);
    expect(await checkAnswer(db, lab, 'broken', '4')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'broken', '5')).toBe('correct');

    // Every table replays the same, the journal head too; meta only differs by the lab marker row,
    // which every preset writes directly (markLab), outside the log.
    const { live, again } = await replayedDigests(db);
    expect({ ...again.tables, meta: '' }).toEqual({ ...live.tables, meta: '' });
    expect(again.journalHead).toBe(live.journalHead);
  });
});
