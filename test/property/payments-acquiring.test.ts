import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  channelAccountId,
  channelLedgerEffectsOf,
  fromMinorUnits,
  fromStored,
  isAcquiringItemDue,
  makeAcquiringConfig,
  parseWorldDate,
  percentageOf,
  settleAcquiringBatch,
  toMinorUnits,
  toStored,
  type AcquiringItem,
} from '../../src/domain/index.ts';

function at(text: string): number {
  const r = parseWorldDate(text);
  if (!r.ok) throw new Error(text);
  return r.value;
}

const day0 = at('2026-02-01');
const hourMs = 3_600_000;
const minor = (amount: string): bigint => toMinorUnits(fromStored({ amount, currency: 'CNY' }));

const rateArb = fc.integer({ min: 0, max: 10_000 }).map((n) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`);
const itemsArb = fc.array(
  fc.record({
    merchant: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom('sale' as const, 'refund' as const),
    amountMinor: fc.integer({ min: 1, max: 10_000_000 }),
    hour: fc.integer({ min: 0, max: 4 * 24 - 1 }),
  }),
  { maxLength: 60 },
);

describe('acquiring batch properties', () => {
  it('for every merchant and the batch: net + discount == gross, gross == sales - refunds, discount == Σ per-slip fees; the ledger moves exactly that', () => {
    fc.assert(
      fc.property(itemsArb, rateArb, fc.integer({ min: 0, max: 2 }), (raw, rate, settleAfterDays) => {
        const config = makeAcquiringConfig({ merchantDiscountRate: rate, settleAfterDays });
        const items: AcquiringItem[] = raw.map((r, i) => ({
          id: `i${i}`,
          chargeId: `c${i}`,
          merchantId: `m${r.merchant}`,
          bankId: 'bank-b',
          kind: r.kind,
          amount: toStored(fromMinorUnits(BigInt(r.amountMinor), 'CNY')),
          at: day0 + r.hour * hourMs,
        }));
        const settleAt = day0 + 3 * 24 * hourMs + hourMs;
        const { batch, settledItemIds, effects } = settleAcquiringBatch('bank-b', items, settleAt, config);

        const due = items.filter((i) => isAcquiringItemDue(i, settleAt, config));
        expect([...settledItemIds].sort()).toEqual(due.map((i) => i.id).sort());

        let grossAll = 0n;
        let discountAll = 0n;
        const ledger = channelLedgerEffectsOf(effects);
        for (const m of batch.merchants) {
          const mine = due.filter((i) => i.merchantId === m.merchantId);
          const sales = mine.filter((i) => i.kind === 'sale').reduce((s, i) => s + minor(i.amount.amount), 0n);
          const refunds = mine.filter((i) => i.kind === 'refund').reduce((s, i) => s + minor(i.amount.amount), 0n);
          const fees = mine.reduce((s, i) => s + (i.kind === 'sale' ? 1n : -1n) * toMinorUnits(percentageOf(fromStored(i.amount), rate)), 0n);
          const gross = minor(m.gross.amount);
          const discount = minor(m.discount.amount);
          const net = minor(m.net.amount);
          expect(net + discount).toBe(gross);
          expect(gross).toBe(sales - refunds);
          expect(minor(m.sales.amount)).toBe(sales);
          expect(minor(m.refunds.amount)).toBe(refunds);
          expect(discount).toBe(fees);
          // A discount never exceeds what it is charged on, in either direction.
          expect(discount <= sales && -discount <= refunds).toBe(true);

          // What leaves the merchant's unsettled account in this batch is exactly the gross.
          const unsettled = channelAccountId({ role: 'merchant_unsettled', bankId: 'bank-b', merchantId: m.merchantId });
          const out = ledger.reduce((s, e) => s + (channelAccountId(e.from) === unsettled ? minor(e.amount.amount) : 0n) - (channelAccountId(e.to) === unsettled ? minor(e.amount.amount) : 0n), 0n);
          expect(out).toBe(gross);
          for (const e of m.effects) expect(minor(e.kind === 'ledger' ? e.amount.amount : '1') > 0n).toBe(true);
          grossAll += gross;
          discountAll += discount;
        }
        expect(minor(batch.gross.amount)).toBe(grossAll);
        expect(minor(batch.discount.amount)).toBe(discountAll);
        expect(minor(batch.net.amount) + minor(batch.discount.amount)).toBe(minor(batch.gross.amount));
        // The acquirer's income moves by exactly the batch's discount.
        const income = channelAccountId({ role: 'acquiring_income', bankId: 'bank-b' });
        const earned = ledger.reduce((s, e) => s + (channelAccountId(e.to) === income ? minor(e.amount.amount) : 0n) - (channelAccountId(e.from) === income ? minor(e.amount.amount) : 0n), 0n);
        expect(earned).toBe(discountAll);
      }),
      { numRuns: 300 },
    );
  });
});
