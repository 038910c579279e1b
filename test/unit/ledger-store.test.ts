import { describe, expect, it } from 'vitest';
import { dayMs, worldEpochMs, type TransferRequest } from '../../src/domain/index.ts';
import { accountsOf, journalPage, labTamperEntry, labTransfer, openAccount, statementPage, submitTransfers, trialBalanceNow, verifyLedger } from '../../src/app/ledger.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { journalEntryCount } from '../helpers/journal.ts';

async function depositAccount(db: WorldDb, id: string, flags = { debitsMustNotExceedCredits: true }) {
  const r = await openAccount(db, meta('bank-a'), { id, partyId: 'buyer-1', bookId: 'bank-a', code: 'bank.deposit', name: 'Deposit', currency: 'CNY', normal: 'credit', flags });
  expect(r.ok).toBe(true);
}

describe('ledger in IndexedDB', () => {
  it('a new world opens its institutions’ books with their capital; the trial balance is zero; the chain verifies', async () => {
    const { db } = await freshWorld();
    const bank = await accountsOf(db, 'bank-a');
    // The bank's own accounts: its book's vault and capital, plus what banking adds (reserve and
    // clearing transit accounts in its book, its reserve and notes at the central bank).
    expect(bank.filter((a) => a.bookId === 'bank-a').map((a) => a.id)).toEqual(expect.arrayContaining(['bank-a:clearing:in', 'bank-a:clearing:out', 'bank-a:equity', 'bank-a:reserve', 'bank-a:vault']));
    // The capital opened the book (the vault then also takes in the institutions' seeded deposits).
    expect(bank.find((a) => a.id === 'bank-a:equity')?.creditsPosted).toBe('100000000.00');
    // 100M capital + the escrow agent's 3M, the platform's 0.5M and logistics' 0.5M paid in.
    expect(bank.find((a) => a.id === 'bank-a:vault')?.debitsPosted).toBe('104000000.00');
    const tb = await trialBalanceNow(db);
    expect(tb.every((row) => row.postedBalanced && row.pendingBalanced)).toBe(true);
    expect(tb).toHaveLength(1);
    const report = await verifyLedger(db);
    expect(report.ok).toBe(true);
    expect(report.entriesChecked).toBe((await journalPage(db, 1, 1)).total);
    expect(report.entriesChecked).toBeGreaterThanOrEqual(7);
  });

  it('moves money, refuses an overdraft with a named code and changes nothing', async () => {
    const { db, teacher } = await freshWorld();
    await depositAccount(db, 'dep-1');
    const funded = await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'dep-1', amount: '150.00', currency: 'CNY', code: 'bank.cash_deposit' });
    expect(funded.ok).toBe(true);
    const before = await journalEntryCount(ledgerTables(db).journal);
    const over = await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'dep-1', creditAccountId: 'bank-a:vault', amount: '150.01', currency: 'CNY', code: 'bank.cash_withdrawal' });
    expect(over).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await journalEntryCount(ledgerTables(db).journal)).toBe(before);
    expect((await ledgerTables(db).accounts.get('dep-1'))?.creditsPosted).toBe('150.00');
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it('two connections spending one balance at once never overdraw it', async () => {
    const { db, teacher } = await freshWorld();
    await depositAccount(db, 'dep-2');
    await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'dep-2', amount: '15.00', currency: 'CNY', code: 'bank.cash_deposit' });
    const spend = (n: number, tag: string): Promise<unknown>[] =>
      Array.from({ length: n }, (_, i) => submitTransfers(db, [{ id: `${tag}-${i}`, kind: 'single', debitAccountId: 'dep-2', creditAccountId: 'bank-a:vault', amount: '1.00', currency: 'CNY', code: 'spend' }]));
    const results = (await Promise.all([...spend(10, 'a'), ...spend(10, 'b')])) as { status: string }[][];
    const created = results.flat().filter((r) => r.status === 'created').length;
    expect(created).toBe(15);
    const account = await ledgerTables(db).accounts.get('dep-2');
    expect(account?.debitsPosted).toBe('15.00');
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it('a hold expires at its timeout through the scheduler, exactly once', async () => {
    const { db, teacher } = await freshWorld();
    await depositAccount(db, 'dep-3');
    await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'dep-3', amount: '100.00', currency: 'CNY', code: 'bank.cash_deposit' });
    const hold: TransferRequest = { id: 'hold-1', kind: 'pending', debitAccountId: 'dep-3', creditAccountId: 'bank-a:vault', amount: '60.00', currency: 'CNY', code: 'card.hold', timeoutAt: worldEpochMs + 7 * dayMs };
    expect((await submitTransfers(db, [hold]))[0]).toMatchObject({ status: 'created' });
    // The hold reserves funds: 50 more cannot be spent.
    expect((await submitTransfers(db, [{ id: 'spend-1', kind: 'single', debitAccountId: 'dep-3', creditAccountId: 'bank-a:vault', amount: '50.00', currency: 'CNY', code: 'spend' }]))[0]).toMatchObject({ status: 'failed', code: 'insufficient_funds' });
    await advanceClock(db, meta(), { kind: 'days', days: 8 });
    await runDueJobs(db, 'tab-1');
    const pending = await ledgerTables(db).transfers.get('hold-1');
    expect(pending?.state).toBe('expired');
    expect((await ledgerTables(db).accounts.get('dep-3'))?.debitsPending).toBe('0.00');
    expect(await db.events.where('type').equals('ledger.expired').count()).toBe(1);
    // Posting after expiry is refused.
    expect((await submitTransfers(db, [{ id: 'post-1', kind: 'post', pendingId: 'hold-1' }]))[0]).toMatchObject({ status: 'failed', code: 'pending_already_expired' });
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it('a statement pages newest first with running balances, without reading the whole journal', async () => {
    const { db } = await freshWorld();
    await depositAccount(db, 'dep-4');
    const n = 120;
    await submitTransfers(db, Array.from({ length: n }, (_, i) => ({ id: `in-${i}`, kind: 'single' as const, debitAccountId: 'bank-a:vault', creditAccountId: 'dep-4', amount: `${i + 1}.00`, currency: 'CNY' as const, code: 'deposit' })));
    const first = await statementPage(db, 'dep-4', null, 50);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.rows).toHaveLength(50);
    const total = (n * (n + 1)) / 2;
    expect(first.value.rows[0]).toMatchObject({ transferId: 'in-119', balance: `${total}.00`, postedChange: '120.00' });
    expect(first.value.rows[1]!.balance).toBe(`${total - 120}.00`);
    let cursor = first.value.next;
    let pages = 1;
    let last = first.value.rows;
    while (cursor && pages < 10) {
      const next = await statementPage(db, 'dep-4', cursor, 50);
      if (!next.ok) throw new Error(next.code);
      last = next.value.rows;
      cursor = next.value.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(last[last.length - 1]).toMatchObject({ transferId: 'in-0', balance: '1.00' });
    const page1 = await journalPage(db, 1, 10);
    expect(page1.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('verify points at a tampered entry', async () => {
    const { db, teacher } = await freshWorld();
    await depositAccount(db, 'dep-5');
    await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'dep-5', amount: '10.00', currency: 'CNY', code: 'deposit' });
    await labTransfer(db, teacher, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'dep-5', amount: '20.00', currency: 'CNY', code: 'deposit' });
    expect((await verifyLedger(db)).ok).toBe(true);
    const r = await labTamperEntry(db, teacher, meta('platform'), { seq: 8, field: 'amount', value: '1000.00' });
    expect(r.ok).toBe(true);
    const report = await verifyLedger(db);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 8, firstBrokenReason: 'hash_mismatch' });
  });
});
