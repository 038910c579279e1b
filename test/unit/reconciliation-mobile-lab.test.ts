import { describe, expect, it } from 'vitest';
import { balanceOf, counterReceiptNo, dateStartMs, hourMs, nextDate, toStored, type Difference } from '../../src/domain/index.ts';
import { deskDay, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { labArmFault, labChangeFee, labChannelOk, labMoveAcrossCutoff } from '../../src/app/reconciliation/lab.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { walletId } from '../../src/app/market/accounts.ts';
import { mobileTables } from '../../src/storage/mobile-tables.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { fund } from '../helpers/banking.ts';
import { counterBuyer, counterWorld, moveClockTo } from '../helpers/counter.ts';
import { expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta } from '../helpers/world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// The reconciliation lab's tools on the mobile payment channel (手机支付 at a shop counter): each
// fault the teacher injects is found by the seller's desk under its own name, nothing else is
// flagged, and the clerk's action closes the day with the books sound.

async function walletBalance(db: WorldDb, partyId: string): Promise<string> {
  return toStored(balanceOf((await ledgerTables(db).accounts.get(walletId(partyId)))!)).amount;
}

const kinds = (ds: readonly Difference[]) => ds.map((d) => [d.kind, d.channelTradeNo]).sort();

/** Reconciles `date` for the seller, resolves each open difference with `action`, and expects the day closed. */
async function resolveAll(db: WorldDb, seller: string, date: string, action: Parameters<typeof resolveDifference>[2]['action'], reason = '') {
  for (const d of (await deskDay(db, seller, date)).open) unwrap(await resolveDifference(db, meta(seller), { scope: seller, date, differenceId: d.id, action, reason }));
  const after = await deskDay(db, seller, date);
  expect(after.open).toEqual([]);
  expect(after.balanced).toBe(true);
  expect(after.row?.closedAt).not.toBeNull();
}

describe('reconciliation lab on the mobile payment channel', () => {
  it('the mobile channel can be armed', () => {
    expect(labChannelOk('mobile')).toBe(true);
  });

  it("a lost record: the money moved, the seller's books have no payment; the desk names a long (counter), written off", async () => {
    const w = await counterWorld();
    unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'mobile', kind: 'lose_callback' }));
    const lost = await w.pay(dateStartMs(w.day1) + 10 * hourMs, '12.50');
    const kept = await w.pay(dateStartMs(w.day1) + 11 * hourMs, '3.00');
    expect(await mobileTables(w.db).mobilePayments.get(lost.id)).toBeUndefined();
    expect(await mobileTables(w.db).mobilePayments.get(kept.id)).toMatchObject({ status: 'paid' });
    expect(await walletBalance(w.db, counterBuyer)).toBe('484.50');
    await moveClockTo(w.db, dateStartMs(nextDate(w.day1)));
    const run = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }));
    expect(kinds(run.opening)).toEqual([['long', lost.id]]);
    expect(run.opening[0]).toMatchObject({ channel: 'mobile', merchantOrderNo: counterReceiptNo(lost.id), billAmount: { amount: '12.50' } });
    await resolveAll(w.db, w.seller, w.day1, 'write_off', 'the cashier lost the receipt');
    await expectLedgerSound(w.db);
  });

  it("deliver twice: the buyer's wallet pays twice; the desk names the duplicate, and its refund pays the buyer back", async () => {
    const w = await counterWorld();
    unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'mobile', kind: 'deliver_twice' }));
    const paid = await w.pay(dateStartMs(w.day1) + 10 * hourMs, '12.50');
    expect(await walletBalance(w.db, counterBuyer)).toBe('475.00');
    // The fault strikes once: the next payment is delivered once.
    await w.pay(dateStartMs(w.day1) + 11 * hourMs, '3.00');
    expect(await walletBalance(w.db, counterBuyer)).toBe('472.00');
    await moveClockTo(w.db, dateStartMs(nextDate(w.day1)));
    const run = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }));
    expect(kinds(run.opening)).toEqual([['duplicate_payment', `${paid.id}-2`]]);
    await resolveAll(w.db, w.seller, w.day1, 'refund_duplicate');
    expect(await walletBalance(w.db, counterBuyer)).toBe('484.50');
    // The refund is on today's bill, asked for by the desk: today matches it.
    const today = nextDate(w.day1);
    await moveClockTo(w.db, dateStartMs(nextDate(today)));
    const next = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: today }));
    expect(next.opening).toEqual([]);
    expect((await deskDay(w.db, w.seller, today)).result.matched).toBe(1);
    await expectLedgerSound(w.db);
  });

  it("a changed fee on a mobile payment's bill row: a fee mismatch, booked as a fee adjustment", async () => {
    const w = await counterWorld();
    const applied = unwrap(await applyForBankAccount(w.db, meta(w.seller), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(w.db, meta('bank-b'), { applicationId: applied.id }));
    // The seller pays the channel's extra fee from its deposit.
    await fund(w.db, w.seller, 'bank-b', '10.00');
    const paid = await w.pay(dateStartMs(w.day1) + 10 * hourMs, '12.50');
    unwrap(await labChangeFee(w.db, w.teacher, meta('platform'), { channelTradeNo: paid.id, fee: '0.08' }));
    await moveClockTo(w.db, dateStartMs(nextDate(w.day1)));
    const run = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }));
    expect(kinds(run.opening)).toEqual([['fee_mismatch', paid.id]]);
    expect(run.opening[0]).toMatchObject({ billAmount: { amount: '0.08' }, otherAmount: { amount: '0.00' } });
    await resolveAll(w.db, w.seller, w.day1, 'book_fee_adjustment');
    await expectLedgerSound(w.db);
  });

  it("a mobile payment moved across the cut-off: a timing difference today, carried; tomorrow's bill matches it against the seller's record", async () => {
    const w = await counterWorld();
    const paid = await w.pay(dateStartMs(w.day1) + 10 * hourMs, '12.50');
    unwrap(await labMoveAcrossCutoff(w.db, w.teacher, meta('platform'), { channelTradeNo: paid.id }));
    const day2 = nextDate(w.day1);
    await moveClockTo(w.db, dateStartMs(nextDate(day2)));
    const run = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: w.day1 }));
    expect(run.opening.map((d) => [d.kind, d.merchantOrderNo])).toEqual([['timing', counterReceiptNo(paid.id)]]);
    await resolveAll(w.db, w.seller, w.day1, 'carry_forward');
    // Tomorrow: the row is in the bill, the seller's record (kept on the first day) matches it.
    const next = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: day2 }));
    expect(next.opening).toEqual([]);
    expect((await deskDay(w.db, w.seller, day2)).result.matched).toBe(1);
    await expectLedgerSound(w.db);
  });
});
