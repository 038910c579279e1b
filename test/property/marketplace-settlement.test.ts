import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allowedEvents,
  autoConfirmJobId,
  categoryIds,
  computeSettlement,
  createOrder,
  dayMs,
  fromMinorUnits,
  fromStored,
  holdingsFromLedgerEffects,
  hourMs,
  ledgerEffectsOf,
  makeMarketplaceConfig,
  moneyHolder,
  orderEventTypes,
  payTimeoutJobId,
  reserveStock,
  sellerResponseJobId,
  settlementEffects,
  toMinorUnits,
  toStored,
  transition,
  worldEpochMs,
  type Actor,
  type CategoryId,
  type MarketplaceConfig,
  type MarketplaceEffect,
  type OrderEvent,
  type OrderEventType,
  type OrderRow,
  type ProductRow,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const buyerId = 'buyer-1';
const sellerId = 'seller-1';
const address = { recipient: '赵六', phone: '13712345678', address: '深圳市南山区科技园1号' };
const cnyText = (minor: number | bigint): string => toStored(fromMinorUnits(BigInt(minor), 'CNY')).amount;
const minorOf = (amount: string): bigint => toMinorUnits(fromStored({ amount, currency: 'CNY' }));

const rateArb = fc.integer({ min: 0, max: 10_000 }).map((n) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`);
const ratesArb = fc.tuple(...categoryIds.map(() => rateArb)).map((rates) => Object.fromEntries(categoryIds.map((id, i) => [id, rates[i] ?? '0'])) as Record<CategoryId, string>);
const configArb = fc
  .record({
    rates: ratesArb,
    express: fc.integer({ min: 0, max: 3000 }),
    post: fc.integer({ min: 0, max: 3000 }),
    threshold: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
  })
  .map(({ rates, express, post, threshold }) =>
    makeMarketplaceConfig({
      commissionRates: rates,
      deliveryFees: { express: cnyText(express), post: cnyText(post) },
      freeShippingThreshold: threshold === null ? null : cnyText(threshold),
    }),
  );
// A cart of 1-6 products of one seller: price ¥0.01-¥9,999.99, quantity 1-20, any category.
const linesArb = fc.array(
  fc.record({ priceMinor: fc.integer({ min: 1, max: 999_999 }), quantity: fc.integer({ min: 1, max: 20 }), category: fc.constantFrom(...categoryIds) }),
  { minLength: 1, maxLength: 6 },
);

function productsOf(lines: { priceMinor: number; category: CategoryId }[]): ProductRow[] {
  return lines.map((l, i) => ({
    id: `p${i}`,
    sellerId,
    number: `PROP-${i}`,
    name: `商品${i}`,
    nameEn: null,
    category: l.category,
    spec: '标准',
    unitPrice: { amount: cnyText(l.priceMinor), currency: 'CNY' },
    stock: 1000,
    description: '',
    pictureIds: [],
    listed: true,
    createdAt: t0,
    updatedAt: t0,
  }));
}

function placeOrder(lines: { priceMinor: number; quantity: number; category: CategoryId }[], config: MarketplaceConfig, method: 'express' | 'post') {
  const products = productsOf(lines);
  const r = createOrder({
    orderId: 'prop-1',
    buyerId,
    lines: products.map((product, i) => ({ product, quantity: lines[i]?.quantity ?? 1 })),
    address,
    deliveryMethod: method,
    paymentMethod: 'escrow',
    now: t0,
    config,
  });
  if (!r.ok) throw new Error(r.code);
  return r.value;
}

describe('settlement properties', () => {
  it('buyer refund + seller net + commission == total paid, never negative, for any cart, rates and refund', () => {
    fc.assert(
      fc.property(configArb, linesArb, fc.constantFrom('express' as const, 'post' as const), fc.double({ min: 0, max: 1, noNaN: true }), (config, lines, method, refundShare) => {
        const { order } = placeOrder(lines, config, method);
        const totalMinor = minorOf(order.total.amount);
        // A refund anywhere in [0, total], including both ends.
        const refundMinor = BigInt(Math.floor(Number(totalMinor) * refundShare));
        const refund = fromMinorUnits(refundMinor, 'CNY');
        const s = computeSettlement(order, refund, t0 + dayMs);

        const refundOut = minorOf(s.refund.amount);
        const net = minorOf(s.sellerNet.amount);
        const commission = minorOf(s.commission.amount);
        expect(refundOut + net + commission).toBe(totalMinor);
        expect(refundOut).toBe(refundMinor);
        for (const part of [refundOut, net, commission]) expect(part >= 0n).toBe(true);
        // The released part is shared out exactly, and each line's commission is at most its share.
        const shares = s.lines.reduce((sum, l) => sum + minorOf(l.released.amount), 0n) + minorOf(s.shippingReleased.amount);
        expect(shares).toBe(totalMinor - refundMinor);
        for (const l of s.lines) expect(minorOf(l.commission.amount) <= minorOf(l.released.amount)).toBe(true);
        expect(s.lines.reduce((sum, l) => sum + minorOf(l.commission.amount), 0n)).toBe(commission);

        // The ledger effects, replayed from the hold, leave exactly what moneyHolder reports.
        const paid: OrderRow = { ...order, paidAt: t0 + 1, holdTransferId: 'prop-1:hold', settlement: s, state: refundMinor === totalMinor ? 'TRADE_CLOSED' : 'TRADE_FINISHED', closeReason: 'refunded' };
        const hold = { kind: 'ledger' as const, op: 'hold' as const, transferId: 'prop-1:hold', from: { role: 'buyer_wallet' as const, partyId: buyerId }, to: { role: 'escrow_holding' as const }, amount: order.total, code: 'escrow.hold' as const, refs: {} };
        const replay = holdingsFromLedgerEffects(order.total, [hold, ...ledgerEffectsOf(settlementEffects(paid, s, config))]);
        const { holder, ...amounts } = moneyHolder(paid);
        expect(replay).toEqual(amounts);
        expect(holder).toBe(refundMinor === 0n ? 'seller' : refundMinor === totalMinor ? 'buyer' : 'split');
      }),
      { numRuns: 300 },
    );
  });
});

// One random step of a lifecycle walk: which allowed event, how much time passes, and a number that
// picks amounts and outcomes.
const choiceArb = fc.record({ pick: fc.nat(1000), variant: fc.nat(29), delayHours: fc.integer({ min: 0, max: 40 * 24 }), amount: fc.nat(1_000_000_000) });

const actors: Record<'buyer' | 'seller' | 'platform' | 'system', Actor> = {
  buyer: { role: 'buyer', partyId: buyerId },
  seller: { role: 'seller', partyId: sellerId },
  platform: { role: 'platform', partyId: 'platform' },
  system: { role: 'system', partyId: 'scheduler' },
};

const eventWeights: Record<OrderEventType, number> = {
  PAY: 8,
  CANCEL: 1,
  PAY_TIMEOUT: 1,
  SHIP: 8,
  CONFIRM_RECEIPT: 2,
  AUTO_CONFIRM: 2,
  REFUND_REQUEST: 6,
  REFUND_AGREE: 2,
  REFUND_REFUSE: 4,
  SELLER_RESPONSE_TIMEOUT: 2,
  ARBITRATE: 4,
  REFUND_CANCEL: 2,
  REVIEW: 1,
};

type Choice = { pick: number; variant: number; delayHours: number; amount: number };

/** A valid event for the order now, or null when this choice cannot be sent at any valid time. */
function eventFor(order: OrderRow, choice: Choice, config: MarketplaceConfig): { event: OrderEvent; actor: Actor; now: number; jobId?: string } | null {
  const allowed = allowedEvents(order);
  // Weighted, so that walks get past payment often instead of mostly closing at the first step.
  const total = allowed.reduce((sum, t) => sum + eventWeights[t], 0);
  let r = choice.pick % Math.max(total, 1);
  const type = allowed.find((t) => (r -= eventWeights[t]) < 0);
  const last = order.history[order.history.length - 1]?.at ?? t0;
  const later = last + choice.delayHours * hourMs;
  const totalMinor = minorOf(order.total.amount);
  const partial = (): string | null => {
    // Strictly between zero and the total; none exists for a ¥0.01 order.
    return totalMinor >= 2n ? cnyText(1n + (BigInt(choice.amount) % (totalMinor - 1n))) : null;
  };
  switch (type) {
    case undefined:
      return null;
    case 'PAY': {
      const payBy = order.deadlines.payBy ?? 0;
      return { event: { type }, actor: actors.buyer, now: Math.min(later, payBy - 1) };
    }
    case 'CANCEL':
      return { event: { type }, actor: actors.buyer, now: later };
    case 'PAY_TIMEOUT':
      return { event: { type }, actor: actors.system, now: order.deadlines.payBy ?? 0, jobId: payTimeoutJobId(order.id) };
    case 'SHIP':
      return { event: { type, trackingNumber: 'SF0000000001', method: choice.variant % 2 === 0 ? 'express' : 'post' }, actor: actors.seller, now: later };
    case 'CONFIRM_RECEIPT':
      return { event: { type, confirmationId: `doc-${choice.pick}` }, actor: actors.buyer, now: later };
    case 'AUTO_CONFIRM':
      return { event: { type }, actor: actors.system, now: order.deadlines.autoConfirmAt ?? 0, jobId: autoConfirmJobId(order.id, order.autoConfirmRound) };
    case 'REFUND_REQUEST': {
      const due = order.deadlines.autoConfirmAt ?? 0;
      if (order.refundRequests >= config.refundRequestsMax || due - 1 < last) return null;
      const amount = choice.variant % 3 === 0 ? partial() : null;
      return { event: { type, reason: '有问题', amount }, actor: actors.buyer, now: Math.min(later, due - 1) };
    }
    case 'REFUND_AGREE':
    case 'REFUND_REFUSE':
      return { event: type === 'REFUND_AGREE' ? { type } : { type, reason: '不同意' }, actor: actors.seller, now: Math.min(later, (order.deadlines.sellerRespondBy ?? 0) - 1) };
    case 'SELLER_RESPONSE_TIMEOUT':
      return { event: { type }, actor: actors.system, now: order.deadlines.sellerRespondBy ?? 0, jobId: sellerResponseJobId(order.id, order.refund?.round ?? 0) };
    case 'ARBITRATE': {
      const outcomes = ['full_refund', 'partial_refund', 'release'] as const;
      const outcome = outcomes[choice.variant % 3] ?? 'release';
      const amount = partial();
      if (outcome === 'partial_refund' && amount === null) return null;
      return { event: { type, outcome, reason: '平台裁决', amount }, actor: actors.platform, now: later };
    }
    case 'REFUND_CANCEL':
      return { event: { type }, actor: actors.buyer, now: later };
    case 'REVIEW':
      return { event: { type, rating: 1 + (choice.variant % 5), text: '评价' }, actor: actors.buyer, now: later };
  }
}

describe('lifecycle walk properties', () => {
  it('money, jobs, deadlines and stock stay consistent along any sequence of legal events', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(configArb, linesArb, fc.array(choiceArb, { minLength: 1, maxLength: 25 }), (config, lines, choices) => {
        const created = placeOrder(lines, config, 'express');
        let order = created.order;
        const ledger: MarketplaceEffect[] = [];
        const jobs = new Map<string, number>();
        const reserved = new Map<string, number>();
        const applyEffects = (effects: readonly MarketplaceEffect[]): void => {
          for (const e of effects) {
            if (e.kind === 'ledger') ledger.push(e);
            if (e.kind === 'job.schedule') {
              expect(jobs.has(e.job.id), `job ${e.job.id} scheduled twice`).toBe(false);
              jobs.set(e.job.id, e.job.dueAt);
            }
            if (e.kind === 'job.cancel') {
              expect(jobs.has(e.jobId), `cancelled job ${e.jobId} is pending`).toBe(true);
              jobs.delete(e.jobId);
            }
            if (e.kind === 'stock') reserved.set(e.productId, (reserved.get(e.productId) ?? 0) + (e.op === 'reserve' ? e.quantity : -e.quantity));
          }
        };
        applyEffects(created.effects);

        for (const choice of choices) {
          if (allowedEvents(order).length === 0) break;
          const next = eventFor(order, choice, config);
          if (next === null) continue;
          if (next.jobId !== undefined) {
            // The scheduler runs a job only if it is pending and due now.
            expect(jobs.get(next.jobId)).toBe(next.now);
            jobs.delete(next.jobId);
          }
          const result = transition(order, next.event, { now: next.now, actor: next.actor, config });
          if (!result.ok) throw new Error(`${next.event.type} refused: ${result.code} ${JSON.stringify(result.detail)}`);
          order = result.value.order;
          const key = next.event.type === 'ARBITRATE' ? `ARBITRATE:${next.event.outcome}` : next.event.type;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          applyEffects(result.value.effects);

          // Money: the replayed ledger trail is what moneyHolder says, and it sums to the total.
          const { holder: _holder, ...amounts } = moneyHolder(order);
          expect(holdingsFromLedgerEffects(order.total, ledgerEffectsOf(ledger))).toEqual(amounts);
          // Jobs: every deadline the order shows has exactly one pending job due then.
          const pendingTimers = [...jobs.keys()].filter((id) => !id.endsWith(':available'));
          const deadlines = [order.deadlines.payBy, order.deadlines.autoConfirmAt, order.deadlines.sellerRespondBy].filter((d): d is number => d !== null);
          expect(pendingTimers.map((id) => jobs.get(id)).sort()).toEqual([...deadlines].sort());
          // The paused timer always has time left.
          if (order.autoConfirmRemainingMs !== null) expect(order.autoConfirmRemainingMs).toBeGreaterThan(0);
        }

        // Stock: still reserved unless the order closed before shipping.
        const closedUnshipped = order.state === 'TRADE_CLOSED' && order.shipment === null;
        for (const line of order.lines) expect(reserved.get(line.productId)).toBe(closedUnshipped ? 0 : line.quantity);
        if (order.state === 'TRADE_FINISHED' || order.state === 'TRADE_CLOSED') {
          expect([...jobs.keys()].every((id) => id.endsWith(':available'))).toBe(true);
          expect(moneyHolder(order).escrow.amount).toBe('0.00');
        }
      }),
      { numRuns: 500 },
    );
    // The walks reached every event and every arbitration outcome (the generator is not stuck).
    const all = [...orderEventTypes.filter((t) => t !== 'ARBITRATE'), 'ARBITRATE:full_refund', 'ARBITRATE:partial_refund', 'ARBITRATE:release'];
    expect([...seen.keys()].sort()).toEqual(all.sort());
  });
});

describe('stock reservation properties', () => {
  it('never goes below zero, and refuses exactly when demand exceeds what is left', () => {
    const productCount = 4;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: productCount, maxLength: productCount }),
        fc.array(fc.array(fc.record({ product: fc.nat(productCount - 1), quantity: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 3 }), { maxLength: 30 }),
        (stocks, requests) => {
          let rows = productsOf(stocks.map(() => ({ priceMinor: 100, category: 'books' as const }))).map((p, i) => ({ ...p, stock: stocks[i] ?? 0 }));
          const granted = new Map<string, number>();
          for (const request of requests) {
            const lines = request.map((r) => ({ productId: `p${r.product}`, quantity: r.quantity }));
            const demand = new Map<string, number>();
            for (const l of lines) demand.set(l.productId, (demand.get(l.productId) ?? 0) + l.quantity);
            const fits = [...demand].every(([id, q]) => (rows.find((p) => p.id === id)?.stock ?? 0) >= q);
            const result = reserveStock(rows, lines);
            expect(result.ok).toBe(fits);
            if (!result.ok) continue;
            const updated = new Map(result.value.map((p) => [p.id, p]));
            rows = rows.map((p) => updated.get(p.id) ?? p);
            for (const [id, q] of demand) granted.set(id, (granted.get(id) ?? 0) + q);
            expect(rows.every((p) => p.stock >= 0)).toBe(true);
          }
          rows.forEach((p, i) => expect(p.stock + (granted.get(p.id) ?? 0)).toBe(stocks[i]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
