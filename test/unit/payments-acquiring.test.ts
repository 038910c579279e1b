import { describe, expect, it } from 'vitest';
import {
  acquiringItemsOfCharge,
  channelLedgerEffectsOf,
  createCharge,
  debitCardChannel,
  makeAcquiringConfig,
  parseWorldDate,
  refundCharge,
  remittanceChannel,
  settleAcquiringBatch,
  type AcquiringItem,
} from '../../src/domain/index.ts';

function at(text: string): number {
  const r = parseWorldDate(text);
  if (!r.ok) throw new Error(text);
  return r.value;
}

function must<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

const cny = (amount: string) => ({ amount, currency: 'CNY' as const });
const config = makeAcquiringConfig();

function item(id: string, merchantId: string, kind: AcquiringItem['kind'], amount: string, when: string): AcquiringItem {
  return { id, chargeId: id, merchantId, bankId: 'bank-b', kind, amount: cny(amount), at: at(when) };
}

describe('acquiring: the T+1 batch', () => {
  it('settles yesterday\'s card sales less 0.6% per slip, half-up; today\'s wait for tomorrow', () => {
    const items = [
      item('s1', 'm1', 'sale', '1234.50', '2026-01-26T10:00'), // fee 7.407 → 7.41
      item('s2', 'm1', 'sale', '2.50', '2026-01-26T11:00'), // fee 0.015 → 0.02
      item('r1', 'm1', 'refund', '0.75', '2026-01-26T12:00'), // fee 0.0045 → 0.00
      item('r2', 'm2', 'refund', '100.00', '2026-01-26T09:00'), // a refund of a sale settled before: fee 0.60 back
      item('s3', 'm1', 'sale', '50.00', '2026-01-27T00:30'), // today: not due
    ];
    const result = settleAcquiringBatch('bank-b', items, at('2026-01-27T02:00'), config);
    expect(result.batch.id).toBe('acquiring:bank-b:2026-01-27');
    expect(result.settledItemIds).toEqual(['s1', 's2', 'r1', 'r2']);
    expect(result.batch.merchants.map((m) => [m.merchantId, m.sales.amount, m.refunds.amount, m.gross.amount, m.discount.amount, m.net.amount])).toEqual([
      ['m1', '1237.00', '0.75', '1236.25', '7.43', '1228.82'],
      ['m2', '0.00', '100.00', '-100.00', '-0.60', '-99.40'],
    ]);
    expect([result.batch.gross.amount, result.batch.discount.amount, result.batch.net.amount]).toEqual(['1136.25', '6.83', '1129.42']);
    expect(channelLedgerEffectsOf(result.effects).map((e) => [e.transferId, e.from.role, e.to.role, e.amount.amount, e.code])).toEqual([
      ['acquiring:bank-b:2026-01-27:m1:net', 'merchant_unsettled', 'deposit', '1228.82', 'acquiring.settle'],
      ['acquiring:bank-b:2026-01-27:m1:discount', 'merchant_unsettled', 'acquiring_income', '7.43', 'acquiring.discount'],
      // More refunded than sold: the merchant pays the net back, the acquirer gives the fee back.
      ['acquiring:bank-b:2026-01-27:m2:net', 'deposit', 'merchant_unsettled', '99.40', 'acquiring.settle'],
      ['acquiring:bank-b:2026-01-27:m2:discount', 'acquiring_income', 'merchant_unsettled', '0.60', 'acquiring.discount'],
    ]);
    // Each merchant's movements are also kept apart, so one merchant's refusal does not block the others.
    expect(result.batch.merchants[0]?.effects).toHaveLength(2);
  });

  it('a configurable rate and delay (T+2 at 1%)', () => {
    const cfg = makeAcquiringConfig({ merchantDiscountRate: '0.01', settleAfterDays: 2 });
    const items = [item('s1', 'm1', 'sale', '100.00', '2026-01-25T10:00'), item('s2', 'm1', 'sale', '100.00', '2026-01-26T10:00')];
    const result = settleAcquiringBatch('bank-b', items, at('2026-01-27T02:00'), cfg);
    expect(result.settledItemIds).toEqual(['s1']);
    expect(result.batch.merchants[0]?.net.amount).toBe('99.00');
  });

  it('the items of a card charge: its capture and each refund; none for other channels or unpaid charges', () => {
    const ctx = { now: at('2026-01-26T10:00'), actorId: 'buyer-1' };
    const payee = { partyId: 'm1', bankId: 'bank-b' };
    const view = { cardId: 'd1', bankId: 'bank-a', holderId: 'buyer-1', status: 'active' as const, available: cny('500.00') };
    const paid = must(createCharge(null, { id: 'ch-1', orderId: 'o-1', amount: cny('300.00'), channel: 'debit_card', payerId: 'buyer-1', payee, source: { cardId: 'd1' } }, debitCardChannel, view, ctx));
    const refunded = must(refundCharge(paid.charge, { id: 'r1', amount: cny('50.00'), reason: '' }, debitCardChannel, paid.state, { now: at('2026-01-26T18:00'), actorId: 'm1' }));
    expect(acquiringItemsOfCharge(refunded.charge)).toEqual([
      { id: 'ch-1:sale', chargeId: 'ch-1', merchantId: 'm1', bankId: 'bank-b', kind: 'sale', amount: cny('300.00'), at: at('2026-01-26T10:00') },
      { id: 'ch-1:refund:r1', chargeId: 'ch-1', merchantId: 'm1', bankId: 'bank-b', kind: 'refund', amount: cny('50.00'), at: at('2026-01-26T18:00') },
    ]);
    const batch = settleAcquiringBatch('bank-b', acquiringItemsOfCharge(refunded.charge), at('2026-01-27T01:00'), config);
    // 300 - 50 = 250 gross; fees 1.80 - 0.30 = 1.50; net 248.50.
    expect([batch.batch.gross.amount, batch.batch.discount.amount, batch.batch.net.amount]).toEqual(['250.00', '1.50', '248.50']);
    const failed = must(createCharge(null, { id: 'ch-2', orderId: 'o-2', amount: cny('900.00'), channel: 'debit_card', payerId: 'buyer-1', payee, source: { cardId: 'd1' } }, debitCardChannel, view, ctx));
    expect(acquiringItemsOfCharge(failed.charge)).toEqual([]);
    const remit = must(createCharge(null, { id: 'ch-3', orderId: 'o-3', amount: cny('9.00'), channel: 'remittance', payerId: 'buyer-1', payee }, remittanceChannel, { receivingAccountNumber: null, refundTo: null }, ctx));
    expect(acquiringItemsOfCharge(remit.charge)).toEqual([]);
  });

  it('an item of another acquirer in the batch is a bug', () => {
    expect(() => settleAcquiringBatch('bank-a', [item('s1', 'm1', 'sale', '1.00', '2026-01-25T10:00')], at('2026-01-27'), config)).toThrow();
  });
});
