import { describe, expect, it } from 'vitest';
import { drawTrialBalance, recordLedgerVerify, recordLedgerVerifyCommand } from '../../src/app/ledger-audit.ts';
import { labTamperEntry, verifyLedger } from '../../src/app/ledger.ts';
import { execute } from '../../src/app/pipeline.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { replayedDigests } from '../helpers/lab-world.ts';
import { eventText } from '../../src/ui/names.ts';
import { loadAllMessages, locales } from '../../src/ui/i18n/i18n.svelte.ts';

// The auditor's trial balance and journal verify are recorded acts (issue #14, the auditor lab):
// named commands in the pipeline, in the command log, each leaving its result as an event, once per
// command id, and a world that used them replays from its log to the same world. A verdict the
// journal no longer shows (stale, or made up) is refused by name and records nothing.

async function head(db: WorldDb): Promise<{ seq: number; hash: string }> {
  return (await db.meta.get(journalHeadKey))!.value as { seq: number; hash: string };
}

async function eventsOf(db: WorldDb, type: string) {
  return db.events.where('type').equals(type).toArray();
}

async function expectReplaysSame(db: WorldDb): Promise<void> {
  const { live, again } = await replayedDigests(db);
  expect(again.digest).toBe(live.digest);
}

describe('the auditor’s recorded trial balance and verify', () => {
  it('drawing the trial balance records its totals as an event, once per command id', async () => {
    const { db } = await freshWorld();
    const m = meta('platform');
    const drawn = await drawTrialBalance(db, m);
    expect(drawn.ok).toBe(true);
    if (!drawn.ok) return;
    expect(drawn.value.balanced).toBe(true);
    expect(drawn.value.headSeq).toBe((await head(db)).seq);
    const cny = drawn.value.rows.find((r) => r.currency === 'CNY')!;
    expect(cny.debitsPosted).toBe(cny.creditsPosted);
    // The same command again: the first result, no second event or log row.
    expect(await drawTrialBalance(db, m)).toEqual(drawn);
    const events = await eventsOf(db, 'ledger.trial_balance');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'platform', payload: { headSeq: drawn.value.headSeq, balanced: true } });
    expect((await db.commandLog.toArray()).filter((r) => r.name === 'drawTrialBalance')).toHaveLength(1);
  });

  it('a clean verify is recorded up to the head entry with its hash; after tampering, the broken entry', async () => {
    const { db } = await freshWorld();
    const m = meta('platform');
    const clean = await recordLedgerVerify(db, m, await verifyLedger(db));
    const h = await head(db);
    expect(clean).toMatchObject({ ok: true, value: { ok: true, headSeq: h.seq, headHash: h.hash, brokenSeq: null } });
    expect(await recordLedgerVerify(db, m, await verifyLedger(db))).toEqual(clean);
    expect(await eventsOf(db, 'ledger.verified')).toMatchObject([{ actor: 'platform', payload: { headSeq: h.seq, headHash: h.hash } }]);

    expect(await labTamperEntry(db, await teacherOf(db), meta('platform'), { seq: 4, field: 'amount', value: '99999999.00' })).toEqual({ ok: true, value: null });
    const report = await verifyLedger(db);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 4, firstBrokenReason: 'hash_mismatch' });
    const broken = await recordLedgerVerify(db, meta('platform'), report);
    expect(broken).toMatchObject({ ok: true, value: { ok: false, brokenSeq: 4, reason: 'hash_mismatch', headSeq: h.seq } });
    expect(await eventsOf(db, 'ledger.verify_broken')).toMatchObject([{ payload: { brokenSeq: 4, brokenReason: 'hash_mismatch' } }]);
    await drawTrialBalance(db, meta('platform'));

    // The feed says it in words in both languages: no placeholder left, no raw field or reason code.
    const parties = await db.parties.toArray();
    await loadAllMessages();
    for (const type of ['ledger.trial_balance', 'ledger.verified', 'ledger.verify_broken', 'lab.tampered']) {
      const [event] = await eventsOf(db, type);
      for (const locale of locales) {
        const text = eventText(event!, { parties, accounts: new Map() }, locale);
        expect(text, `${type} in ${locale}`).not.toMatch(/\{|hash_mismatch|amount\b|true/);
      }
    }
    expect(eventText((await eventsOf(db, 'ledger.verify_broken'))[0]!, { parties, accounts: new Map() }, 'zh-CN')).toBe('校验日记账：第 4 条分录已损坏：内容与其哈希不符（写入后被改动过）');
    expect(eventText((await eventsOf(db, 'lab.tampered'))[0]!, { parties, accounts: new Map() }, 'zh-CN')).toBe('实验：日记账第 4 条分录被改写（金额）');

    const names = (await db.commandLog.toArray()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['recordLedgerVerify', 'labTamperEntry', 'drawTrialBalance']));
    await expectReplaysSame(db);
  });

  it('refuses a verdict the journal does not show (ledger_verify_stale) and records nothing', async () => {
    const { db } = await freshWorld();
    await labTamperEntry(db, await teacherOf(db), meta('platform'), { seq: 4, field: 'amount', value: '1.00' });
    const events = await db.events.count();
    const log = await db.commandLog.count();
    const verdict = { ok: true, entriesChecked: 4, brokenSeq: null, reason: null, balanceMismatches: 0 };
    // "Verified up to entry 4" when entry 4 no longer hashes right; "entry 2 broken" when it is whole.
    expect(await execute(db, recordLedgerVerifyCommand, meta('platform'), verdict)).toMatchObject({ ok: false, code: 'ledger_verify_stale' });
    expect(await execute(db, recordLedgerVerifyCommand, meta('platform'), { ...verdict, ok: false, brokenSeq: 2, reason: 'hash_mismatch' })).toMatchObject({ ok: false, code: 'ledger_verify_stale' });
    expect(await execute(db, recordLedgerVerifyCommand, meta('platform'), { ...verdict, entriesChecked: (await head(db)).seq + 1 })).toMatchObject({ ok: false, code: 'ledger_verify_stale' });
    expect(await db.events.count()).toBe(events);
    expect(await db.commandLog.count()).toBe(log);
  });

  it('a tab that has not signed in as the auditor sees the verify but cannot record it', async () => {
    const { db } = await freshWorld();
    const env = { acting: () => false };
    expect(await drawTrialBalance(db, meta('platform'), env)).toMatchObject({ ok: false, code: 'sign_in_required' });
    expect(await recordLedgerVerify(db, meta('platform'), await verifyLedger(db), env)).toMatchObject({ ok: false, code: 'sign_in_required' });
    expect(await eventsOf(db, 'ledger.verified')).toHaveLength(0);
  });
});
