import { describe, expect, it } from 'vitest';
import { actionsOf, billCsv, counterReceiptNo, dateStartMs, hourMs, minuteMs, nextDate, paymentCodeOf, worldDateOf } from '../../src/domain/index.ts';
import { chargePaymentCode, mobileWalletOf, openMobileWallet } from '../../src/app/mobile/mobile.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { systemRandom } from '../../src/app/identity/common.ts';
import { deskBill, deskDay, reconcileDay } from '../../src/app/reconciliation/desk.ts';
import { escrowPartyId } from '../../src/app/market/accounts.ts';
import { mobileTables } from '../../src/storage/mobile-tables.ts';
import { approvedSeller, expectLedgerSound, fundWallet, unwrap } from '../helpers/market.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

const buyer = 'u-lilei';

async function moveTo(db: WorldDb, at: number): Promise<void> {
  unwrap(await advanceClock(db, meta('platform'), { kind: 'to', at }));
}

/** A seller's cashier charges the buyer's payment code for ¥12.50 at 10:00 and ¥7.30 at 23:59:30 of day 1. */
async function counterDay() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  unwrap(await openMobileWallet(db, meta(buyer), systemRandom));
  unwrap(await openMobileWallet(db, meta(seller), systemRandom));
  await fundWallet(db, buyer, '500.00');
  const day1 = nextDate(worldDateOf(await readClock(db)));
  const day2 = nextDate(day1);
  const pay = async (at: number, amount: string) => {
    await moveTo(db, at);
    const code = paymentCodeOf((await mobileWalletOf(db, buyer))!, await readClock(db));
    return unwrap(await chargePaymentCode(db, meta(seller), { code, amount }));
  };
  const morning = await pay(dateStartMs(day1) + 10 * hourMs, '12.50');
  const late = await pay(dateStartMs(day2) - minuteMs + 30_000, '7.30');
  // Both days' bills are cut (day 2's at 23:59 of day 2).
  await moveTo(db, dateStartMs(nextDate(day2)));
  return { db, seller, day1, day2, morning, late };
}

describe('reconciliation of counter payments (手机支付)', () => {
  it("each payment is in its bill day's escrow bill (23:59:30 in the next day's), matches the seller's record and the transfer, and the days close", async () => {
    const { db, seller, day1, day2, morning, late } = await counterDay();
    expect(morning.billDate).toBe(day1);
    expect(late.billDate).toBe(day2);
    for (const [date, payment] of [[day1, morning], [day2, late]] as const) {
      const row = unwrap(await reconcileDay(db, meta(seller), { scope: seller, date }));
      expect(row.opening).toEqual([]);
      expect(row.closedAt).not.toBeNull();
      const day = await deskDay(db, seller, date);
      expect(day.balanced).toBe(true);
      expect(day.result.matched).toBe(1);
      expect(day.bills.map((b) => b.institutionId)).toEqual([escrowPartyId]);
      const bill = await deskBill(db, seller, date, escrowPartyId);
      expect(bill.rows).toEqual([expect.objectContaining({ channelTradeNo: payment.id, merchantOrderNo: counterReceiptNo(payment.id), channel: 'mobile', type: 'payment', gross: payment.amount, net: payment.amount, status: 'success' })]);
      expect(day.result.settlements).toEqual([{ institutionId: escrowPartyId, billNet: payment.amount, bankCredit: payment.amount }]);
      const csv = billCsv(bill);
      expect(csv).toContain(`${payment.id},${counterReceiptNo(payment.id)},,mobile,payment,${payment.amount.amount},0.00,${payment.amount.amount},success,`);
    }
    // The 23:59:30 payment is not in day 1's bill and no timing difference on either desk.
    expect((await deskBill(db, seller, day1, escrowPartyId)).rows.map((r) => r.channelTradeNo)).toEqual([morning.id]);
    expect((await deskDay(db, seller, day1)).bills.map((b) => b.totals.rows)).toEqual([1]);
    // The operator's desk (every party) sees the same rows and no 长款 for them.
    const platform = unwrap(await reconcileDay(db, meta('platform'), { scope: 'platform', date: day2 }));
    expect(platform.opening).toEqual([]);
    await expectLedgerSound(db);
  });

  it("a counter payment whose seller's record was lost is a named difference; it cannot be marked paid from the bill", async () => {
    const { db, seller, day1, morning } = await counterDay();
    await mobileTables(db).mobilePayments.delete(morning.id);
    unwrap(await reconcileDay(db, meta(seller), { scope: seller, date: day1 }));
    const day = await deskDay(db, seller, day1);
    expect(day.balanced).toBe(false);
    expect(day.open).toEqual([expect.objectContaining({ kind: 'long', channel: 'mobile', channelTradeNo: morning.id, merchantOrderNo: counterReceiptNo(morning.id), billAmount: morning.amount })]);
    expect(actionsOf(day.open[0]!)).toEqual(['write_off']);
  });
});
