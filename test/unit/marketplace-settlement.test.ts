import { describe, expect, it } from 'vitest';
import {
  computeSettlement,
  createOrder,
  createProduct,
  holdingsFromLedgerEffects,
  ledgerEffectsOf,
  makeMarketplaceConfig,
  money,
  moneyHolder,
  settlementEffects,
  transition,
  worldEpochMs,
  type CategoryId,
  type LedgerEffect,
  type MarketplaceConfig,
  type OrderRow,
  type ProductRow,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const noShipping = makeMarketplaceConfig({ deliveryFees: { express: '0.00', post: '0.00' } });
const address = { recipient: '王五', phone: '13912345678', address: '广州市天河区体育西路1号' };

let seq = 0;
function product(price: string, category: CategoryId): ProductRow {
  seq += 1;
  const r = createProduct(
    { number: `T-${String(seq).padStart(3, "0")}`, name: `商品${seq}`, category, spec: '标准', unitPrice: price, stock: 1000 },
    { id: `p${seq}`, sellerId: 'seller-1', now: t0, currency: 'CNY' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.fields));
  return r.value;
}

function order(lines: [ProductRow, number][], cfg: MarketplaceConfig = noShipping, method = 'express'): OrderRow {
  const r = createOrder({ orderId: 'o1', buyerId: 'buyer-1', lines: lines.map(([p, quantity]) => ({ product: p, quantity })), address, deliveryMethod: method, paymentMethod: 'escrow', now: t0, config: cfg });
  if (!r.ok) throw new Error(r.code);
  return r.value.order;
}

const cny = (amount: string) => money(amount, 'CNY');

describe('commission (per line, percentageOf half-up to the fen, summed)', () => {
  it('3% of ¥33.33 is ¥1.00', () => {
    const s = computeSettlement(order([[product('33.33', 'digital'), 1]]), cny('0'), t0);
    expect(s).toMatchObject({ released: { amount: '33.33' }, commission: { amount: '1.00' }, sellerNet: { amount: '32.33' } });
  });

  it('0.6% of ¥0.10 is ¥0.00: a micro-payment pays no commission, and no zero transfer is emitted', () => {
    const o = order([[product('0.10', 'content'), 1]]);
    const s = computeSettlement(o, cny('0'), t0);
    expect(s).toMatchObject({ commission: { amount: '0.00' }, sellerNet: { amount: '0.10' } });
    const effects = ledgerEffectsOf(settlementEffects({ ...o, holdTransferId: 'o1:hold' }, s, noShipping));
    expect(effects.map((e) => [e.op, e.code, e.amount.amount])).toEqual([
      ['post', 'escrow.release', '0.10'],
      ['transfer', 'escrow.payout', '0.10'],
    ]);
  });

  it('rounds each line, then sums (two 2% lines of ¥0.25 pay ¥0.01 each)', () => {
    const s = computeSettlement(order([[product('0.25', 'books'), 1], [product('0.25', 'books'), 1]]), cny('0'), t0);
    expect(s.lines.map((l) => l.commission.amount)).toEqual(['0.01', '0.01']);
    expect(s.commission.amount).toBe('0.02'); // 2% of the ¥0.50 sum would have been ¥0.01
  });

  it('uses each line’s category rate, and world overrides', () => {
    const cfg = makeMarketplaceConfig({ commissionRates: { clothing: '0.1' }, deliveryFees: { express: '0.00' } });
    const s = computeSettlement(order([[product('59.00', 'clothing'), 2], [product('45.00', 'books'), 1]], cfg), cny('0'), t0);
    expect(s.lines.map((l) => [l.rate, l.commission.amount])).toEqual([
      ['0.1', '11.80'],
      ['0.02', '0.90'],
    ]);
    expect(s.commission.amount).toBe('12.70');
  });

  it('charges no commission on the shipping fee', () => {
    const cfg = makeMarketplaceConfig({ freeShippingThreshold: null });
    const s = computeSettlement(order([[product('45.00', 'books'), 1]], cfg), cny('0'), t0); // 45 + 12
    expect(s).toMatchObject({ released: { amount: '57.00' }, shippingReleased: { amount: '12.00' }, commission: { amount: '0.90' }, sellerNet: { amount: '56.10' } });
  });
});

describe('partial refunds', () => {
  it('split the released part over lines and shipping in proportion; commission on the released part only', () => {
    const cfg = makeMarketplaceConfig({ freeShippingThreshold: null });
    const o = order([[product('45.00', 'books'), 1], [product('199.00', 'digital'), 1]], cfg); // 244 + 12 = 256
    const s = computeSettlement(o, cny('56.00'), t0); // released 200.00
    // 200 × 45/256 = 35.156 → 35.16; 200 × 199/256 = 155.468 → 155.47; 200 × 12/256 = 9.375 → 9.37
    expect(s.lines.map((l) => l.released.amount)).toEqual(['35.16', '155.47']);
    expect(s.shippingReleased.amount).toBe('9.37');
    // 2% of 35.16 = 0.7032 → 0.70; 3% of 155.47 = 4.6641 → 4.66
    expect(s.commission.amount).toBe('5.36');
    expect(s.sellerNet.amount).toBe('194.64');
    expect(s.refund.amount).toBe('56.00');
  });

  it('a full refund leaves nothing released and voids the hold', () => {
    const o = { ...order([[product('45.00', 'books'), 1]]), holdTransferId: 'o1:hold' };
    const s = computeSettlement(o, cny('45.00'), t0);
    expect(s).toMatchObject({ released: { amount: '0.00' }, commission: { amount: '0.00' }, sellerNet: { amount: '0.00' } });
    expect(settlementEffects(o, s, noShipping)).toEqual([
      expect.objectContaining({ kind: 'ledger', op: 'void', pendingId: 'o1:hold', amount: { amount: '45.00', currency: 'CNY' } }),
    ]);
  });

  it('asserts on refunds outside [0, total]', () => {
    const o = order([[product('45.00', 'books'), 1]]);
    expect(() => computeSettlement(o, cny('45.01'), t0)).toThrow(/between zero and the total/);
    expect(() => computeSettlement(o, cny('-0.01'), t0)).toThrow(/between zero and the total/);
  });
});

describe('money trail', () => {
  it('moneyHolder follows the order through its states', () => {
    const o = order([[product('45.00', 'books'), 1]]);
    const ctx = (now: number, role: 'buyer' | 'seller', partyId: string) => ({ now, actor: { role, partyId }, config: noShipping });
    expect(moneyHolder(o)).toMatchObject({ holder: 'buyer', buyer: { amount: '45.00' } });
    const paid = transition(o, { type: 'PAY' }, ctx(t0 + 1, 'buyer', 'buyer-1'));
    if (!paid.ok) throw new Error(paid.code);
    expect(moneyHolder(paid.value.order)).toMatchObject({ holder: 'escrow', escrow: { amount: '45.00' }, buyer: { amount: '0.00' } });
    const shipped = transition(paid.value.order, { type: 'SHIP', trackingNumber: 'EMS123456789', method: 'post' }, ctx(t0 + 2, 'seller', 'seller-1'));
    if (!shipped.ok) throw new Error(shipped.code);
    expect(moneyHolder(shipped.value.order).holder).toBe('escrow');
  });

  it('replaying ledger effects checks post and void against the hold', () => {
    const total = { amount: '10.00', currency: 'CNY' } as const;
    const hold: LedgerEffect = { kind: 'ledger', op: 'hold', transferId: 'h', from: { role: 'buyer_wallet', partyId: 'b' }, to: { role: 'escrow_holding' }, amount: total, code: 'escrow.hold', refs: {} };
    const post = (amount: string): LedgerEffect => ({ ...hold, op: 'post', transferId: 'p', pendingId: 'h', amount: { amount, currency: 'CNY' }, code: 'escrow.release' });
    expect(holdingsFromLedgerEffects(total, [hold])).toMatchObject({ buyer: { amount: '0.00' }, escrow: { amount: '10.00' } });
    expect(holdingsFromLedgerEffects(total, [hold, post('4.00')])).toMatchObject({ buyer: { amount: '6.00' }, escrow: { amount: '4.00' } });
    expect(() => holdingsFromLedgerEffects(total, [hold, post('10.01')])).toThrow(/at most the hold/);
    expect(() => holdingsFromLedgerEffects(total, [post('1.00')])).toThrow(/open hold/);
    expect(() => holdingsFromLedgerEffects(total, [hold, post('4.00'), post('4.00')])).toThrow(/open hold/);
  });
});
