import { describe, expect, it } from 'vitest';
import {
  cashOnDeliveryChannel,
  channelLedgerEffectsOf,
  codFeeOf,
  collectCashOnDelivery,
  createCharge,
  createCodShipment,
  makeCodConfig,
  money,
  parseWorldDate,
  refuseCashOnDelivery,
  remitCodBatch,
  type Charge,
  type CodShipmentRow,
  type GatewayContext,
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
const config = makeCodConfig();
const checkout: GatewayContext = { now: at('2026-01-25T10:00'), actorId: 'buyer-1' };
const courier: GatewayContext = { now: at('2026-01-27T14:00'), actorId: 'logistics' };

function codCharge(id: string, amount: string, sellerId = 'seller-1', bankId = 'bank-b', buyerId = 'buyer-1'): Charge {
  const step = must(
    createCharge(null, { id, orderId: `o-${id}`, amount: cny(amount), channel: 'cash_on_delivery', payerId: buyerId, payee: { partyId: sellerId, bankId }, source: { logisticsId: 'logistics' } }, cashOnDeliveryChannel, { buyerCash: null, refundTo: null }, checkout),
  );
  expect(step.charge.status).toBe('pending'); // the order ships unpaid
  expect(step.effects.filter((e) => e.kind === 'ledger')).toEqual([]);
  return step.charge;
}

function parcel(id: string, amount: string, sellerId = 'seller-1', bankId = 'bank-b'): { shipment: CodShipmentRow; charge: Charge } {
  const charge = codCharge(id, amount, sellerId, bankId);
  return { shipment: createCodShipment(charge, [{ productId: `p-${id}`, quantity: 2 }], checkout.now), charge };
}

function collected(id: string, amount: string, when: number, sellerId = 'seller-1', bankId = 'bank-b'): CodShipmentRow {
  const { shipment, charge } = parcel(id, amount, sellerId, bankId);
  return must(collectCashOnDelivery(shipment, charge, cny('100000.00'), { now: when, actorId: 'logistics' })).shipment;
}

describe('cash on delivery: the COD fee', () => {
  it('1% rounded half-up to the fen, at least ¥2.00, never more than the parcel', () => {
    const fee = (amount: string) => codFeeOf(money(amount, 'CNY'), config).amount.toFixed(2);
    expect(fee('150.00')).toBe('2.00'); // 1.50 is below the minimum
    expect(fee('200.00')).toBe('2.00');
    expect(fee('1234.50')).toBe('12.35'); // 12.345 → 12.35
    expect(fee('250.50')).toBe('2.51'); // 2.505 → 2.51
    expect(fee('1.50')).toBe('1.50'); // capped at the amount
    expect(fee('0.00')).toBe('0.00');
    const custom = makeCodConfig({ feeRate: '0.02', feeMinimum: '5.00' });
    expect(codFeeOf(money('300.00', 'CNY'), custom).amount.toFixed(2)).toBe('6.00');
    expect(codFeeOf(money('100.00', 'CNY'), custom).amount.toFixed(2)).toBe('5.00');
  });
});

describe('cash on delivery: at the door', () => {
  it('the courier collects the cash: the charge succeeds, the buyer\'s notes go to the logistics company for the seller', () => {
    const { shipment, charge } = parcel('c1', '150.00');
    const step = must(collectCashOnDelivery(shipment, charge, cny('200.00'), courier));
    expect(step.shipment.status).toBe('collected');
    expect(step.shipment.collectedAt).toBe(courier.now);
    expect(step.charge.status).toBe('succeeded');
    expect(channelLedgerEffectsOf(step.effects).map((e) => [e.transferId, e.from, e.to, e.amount.amount, e.code])).toEqual([
      ['c1:cod-collect', { role: 'cash', partyId: 'buyer-1' }, { role: 'cod_payable', logisticsId: 'logistics', sellerId: 'seller-1' }, '150.00', 'cod.collect'],
    ]);
  });

  it('not enough cash in hand: insufficient_cash, nothing changes, the parcel is still out for delivery', () => {
    const { shipment, charge } = parcel('c2', '150.00');
    const r = collectCashOnDelivery(shipment, charge, cny('149.99'), courier);
    expect(r.ok ? 'ok' : r.code).toBe('insufficient_cash');
    const later = must(collectCashOnDelivery(shipment, charge, cny('150.00'), courier));
    expect(later.shipment.status).toBe('collected');
  });

  it('the buyer refuses: the charge fails refused_at_door, the units return to stock, the seller is told', () => {
    const { shipment, charge } = parcel('c3', '150.00');
    const step = must(refuseCashOnDelivery(shipment, charge, courier));
    expect(step.shipment.status).toBe('refused');
    expect(step.charge.status).toBe('failed');
    expect(step.charge.failureReason).toBe('refused_at_door');
    expect(step.effects.filter((e) => e.kind === 'stock')).toEqual([{ kind: 'stock', op: 'release', productId: 'p-c3', quantity: 2 }]);
    expect(step.effects.filter((e) => e.kind === 'ledger')).toEqual([]);
    expect(step.effects.flatMap((e) => (e.kind === 'event' ? [e.event.type] : []))).toEqual(['charge.failed', 'cod.refused']);
    expect(step.effects).toContainEqual({ kind: 'notice', to: 'seller-1', key: 'payments.notice.cod_refused', params: { orderId: 'o-c3' } });
    const again = collectCashOnDelivery(step.shipment, step.charge, cny('150.00'), courier);
    expect(again.ok ? 'ok' : again.code).toBe('cod_not_out_for_delivery');
  });

  it('only the logistics company records what happened at the door', () => {
    const { shipment, charge } = parcel('c4', '150.00');
    const r = collectCashOnDelivery(shipment, charge, cny('150.00'), { ...courier, actorId: 'seller-1' });
    expect(r.ok ? 'ok' : r.code).toBe('not_authorized');
    const s = refuseCashOnDelivery(shipment, charge, { ...courier, actorId: 'buyer-1' });
    expect(s.ok ? 'ok' : s.code).toBe('not_authorized');
  });
});

describe('cash on delivery: the daily remittance batch', () => {
  it('per seller: collected, fee per parcel, net; parcels collected after the cut-off or refused wait or stay out', () => {
    const day = at('2026-01-27T10:00');
    const cutoff = at('2026-01-28');
    const refused = parcel('r1', '500.00');
    const refusedRow = must(refuseCashOnDelivery(refused.shipment, refused.charge, courier)).shipment;
    const rows = [
      collected('a1', '150.00', day),
      collected('a2', '1234.50', day),
      collected('b1', '1.50', day, 'seller-2', 'bank-a'),
      collected('b2', '250.50', day, 'seller-2', 'bank-a'),
      collected('late', '99.00', cutoff), // collected at the cut-off: tomorrow's batch
      parcel('out', '80.00').shipment, // still out for delivery
      refusedRow,
    ];
    const result = remitCodBatch('logistics', rows, cutoff, config);
    expect(result.batch.id).toBe('cod:logistics:2026-01-27');
    expect(result.batch.sellers.map((s) => [s.sellerId, s.bankId, s.shipmentIds, s.collected.amount, s.fee.amount, s.net.amount])).toEqual([
      ['seller-1', 'bank-b', ['a1:cod', 'a2:cod'], '1384.50', '14.35', '1370.15'], // fees 2.00 + 12.35
      ['seller-2', 'bank-a', ['b1:cod', 'b2:cod'], '252.00', '4.01', '247.99'], // fees 1.50 (capped) + 2.51
    ]);
    expect([result.batch.collected.amount, result.batch.fee.amount, result.batch.net.amount]).toEqual(['1636.50', '18.36', '1618.14']);
    expect(result.shipments.map((s) => [s.id, s.status, s.fee?.amount, s.batchId])).toEqual([
      ['a1:cod', 'remitted', '2.00', 'cod:logistics:2026-01-27'],
      ['a2:cod', 'remitted', '12.35', 'cod:logistics:2026-01-27'],
      ['b1:cod', 'remitted', '1.50', 'cod:logistics:2026-01-27'],
      ['b2:cod', 'remitted', '2.51', 'cod:logistics:2026-01-27'],
    ]);
    expect(channelLedgerEffectsOf(result.effects).map((e) => [e.transferId, e.from.role, e.to, e.amount.amount])).toEqual([
      ['cod:logistics:2026-01-27:seller-1:bank-b:net', 'cod_payable', { role: 'deposit', bankId: 'bank-b', partyId: 'seller-1' }, '1370.15'],
      ['cod:logistics:2026-01-27:seller-1:bank-b:fee', 'cod_payable', { role: 'cod_fee_income', logisticsId: 'logistics' }, '14.35'],
      ['cod:logistics:2026-01-27:seller-2:bank-a:net', 'cod_payable', { role: 'deposit', bankId: 'bank-a', partyId: 'seller-2' }, '247.99'],
      ['cod:logistics:2026-01-27:seller-2:bank-a:fee', 'cod_payable', { role: 'cod_fee_income', logisticsId: 'logistics' }, '4.01'],
    ]);
    // Remitted parcels are not remitted again.
    const next = remitCodBatch('logistics', [...result.shipments, collected('late2', '99.00', cutoff)], at('2026-01-29'), config);
    expect(next.batch.sellers.map((s) => s.shipmentIds)).toEqual([['late2:cod']]);
  });

  it('a parcel whose fee takes it all pays the seller nothing and emits no zero movement', () => {
    const result = remitCodBatch('logistics', [collected('tiny', '1.50', at('2026-01-27T10:00'))], at('2026-01-28'), config);
    expect(result.batch.sellers[0]?.net.amount).toBe('0.00');
    expect(channelLedgerEffectsOf(result.effects).map((e) => e.transferId)).toEqual(['cod:logistics:2026-01-27:seller-1:bank-b:fee']);
  });
});
