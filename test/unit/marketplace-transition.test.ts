import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  autoConfirmJobId,
  createOrder,
  dayMs,
  demoCatalogue,
  fromStored,
  toMinorUnits,
  hourMs,
  holdingsFromLedgerEffects,
  ledgerEffectsOf,
  makeMarketplaceConfig,
  moneyHolder,
  orderEventTypes,
  orderPhase,
  orderPhases,
  sellerResponseJobId,
  transition,
  worldEpochMs,
  type Actor,
  type MarketplaceConfig,
  type MarketplaceEffect,
  type OrderEvent,
  type OrderEventType,
  type OrderPhase,
  type OrderRow,
  type ProductRow,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const buyerId = 'buyer-1';
const sellerId = 'seller-1';
const config = makeMarketplaceConfig();
const catalogue = demoCatalogue(sellerId, { now: t0 });
const product = (i: number): ProductRow => {
  const p = catalogue[i];
  if (p === undefined) throw new Error(`no demo product ${i}`);
  return p;
};
const book = product(0); // ¥45.00, books 2%
const earphones = product(2); // ¥199.00, digital 3%

const asBuyer: Actor = { role: 'buyer', partyId: buyerId };
const asSeller: Actor = { role: 'seller', partyId: sellerId };
const asPlatform: Actor = { role: 'platform', partyId: 'platform' };
const asSystem: Actor = { role: 'system', partyId: 'scheduler' };
const address = { recipient: '张三', phone: '138 1234 5678', address: '北京市海淀区中关村大街1号', postcode: '100080' };

function newOrder(options: { lines?: { product: ProductRow; quantity: number }[]; method?: string; cfg?: MarketplaceConfig; id?: string } = {}): OrderRow {
  const result = createOrder({
    orderId: options.id ?? 'o1',
    buyerId,
    lines: options.lines ?? [{ product: book, quantity: 1 }],
    address,
    deliveryMethod: options.method ?? 'express',
    paymentMethod: 'escrow',
    now: t0,
    config: options.cfg ?? config,
  });
  if (!result.ok) throw new Error(`createOrder failed: ${result.code}`);
  return result.value.order;
}

type Step = { order: OrderRow; effects: readonly MarketplaceEffect[] };
function step(order: OrderRow, event: OrderEvent, actor: Actor, now: number, cfg: MarketplaceConfig = config): Step {
  const result = transition(order, event, { now, actor, config: cfg });
  if (!result.ok) throw new Error(`${event.type} failed: ${result.code} ${JSON.stringify(result.detail)}`);
  return result.value;
}

const ship: OrderEvent = { type: 'SHIP', trackingNumber: 'SF1234567890', method: 'express' };
const refundRequest: OrderEvent = { type: 'REFUND_REQUEST', reason: '商品有破损' };

// One way (or several) to reach each phase, each a chain of real transitions.
function paid(o = newOrder()): OrderRow {
  return step(o, { type: 'PAY' }, asBuyer, t0 + hourMs).order;
}
function shipped(o = paid()): OrderRow {
  return step(o, ship, asSeller, t0 + 2 * hourMs).order;
}
function refundOpen(o = shipped()): OrderRow {
  return step(o, refundRequest, asBuyer, t0 + dayMs).order;
}
function refundRefused(o = refundOpen()): OrderRow {
  return step(o, { type: 'REFUND_REFUSE', reason: '商品发出时完好' }, asSeller, t0 + 2 * dayMs).order;
}
function finished(o = shipped()): OrderRow {
  return step(o, { type: 'CONFIRM_RECEIPT', confirmationId: 'doc-receipt-1' }, asBuyer, t0 + 3 * dayMs).order;
}
function reviewed(o = finished()): OrderRow {
  return step(o, { type: 'REVIEW', rating: 5, text: '很好' }, asBuyer, t0 + 4 * dayMs).order;
}

const phaseBuilders: Record<OrderPhase, () => OrderRow[]> = {
  WAIT_BUYER_PAY: () => [newOrder()],
  WAIT_SELLER_SEND_GOODS: () => [paid()],
  WAIT_BUYER_CONFIRM_GOODS: () => [shipped(), step(refundOpen(), { type: 'REFUND_CANCEL' }, asBuyer, t0 + 2 * dayMs).order],
  'WAIT_BUYER_CONFIRM_GOODS/WAIT_SELLER_AGREE': () => [refundOpen()],
  'WAIT_BUYER_CONFIRM_GOODS/SELLER_REFUSE_BUYER': () => [refundRefused()],
  TRADE_FINISHED: () => [
    finished(),
    step(refundRefused(), { type: 'ARBITRATE', outcome: 'release', reason: '证据不足' }, asPlatform, t0 + 3 * dayMs).order,
  ],
  'TRADE_FINISHED/REVIEWED': () => [reviewed()],
  TRADE_CLOSED: () => [
    step(newOrder(), { type: 'CANCEL' }, asBuyer, t0 + hourMs).order,
    step(newOrder(), { type: 'PAY_TIMEOUT' }, asSystem, t0 + config.payTimeoutHours * hourMs).order,
    step(paid(), { type: 'CANCEL' }, asBuyer, t0 + 2 * hourMs).order,
    step(refundOpen(), { type: 'REFUND_AGREE' }, asSeller, t0 + 2 * dayMs).order,
  ],
};

// A valid event of each type, its actor, and when to send it (deadline events at their deadline).
const lastAt = (o: OrderRow): number => o.history[o.history.length - 1]?.at ?? t0;
const samples: Record<OrderEventType, { event: OrderEvent; actor: Actor; at: (o: OrderRow) => number }> = {
  PAY: { event: { type: 'PAY' }, actor: asBuyer, at: (o) => lastAt(o) + 1 },
  CANCEL: { event: { type: 'CANCEL' }, actor: asBuyer, at: (o) => lastAt(o) + 1 },
  PAY_TIMEOUT: { event: { type: 'PAY_TIMEOUT' }, actor: asSystem, at: (o) => o.deadlines.payBy ?? lastAt(o) + 1 },
  SHIP: { event: ship, actor: asSeller, at: (o) => lastAt(o) + 1 },
  CONFIRM_RECEIPT: { event: { type: 'CONFIRM_RECEIPT', confirmationId: 'doc-1' }, actor: asBuyer, at: (o) => lastAt(o) + 1 },
  AUTO_CONFIRM: { event: { type: 'AUTO_CONFIRM' }, actor: asSystem, at: (o) => o.deadlines.autoConfirmAt ?? lastAt(o) + 1 },
  REFUND_REQUEST: { event: refundRequest, actor: asBuyer, at: (o) => lastAt(o) + 1 },
  REFUND_AGREE: { event: { type: 'REFUND_AGREE' }, actor: asSeller, at: (o) => lastAt(o) + 1 },
  REFUND_REFUSE: { event: { type: 'REFUND_REFUSE', reason: '不同意' }, actor: asSeller, at: (o) => lastAt(o) + 1 },
  SELLER_RESPONSE_TIMEOUT: { event: { type: 'SELLER_RESPONSE_TIMEOUT' }, actor: asSystem, at: (o) => o.deadlines.sellerRespondBy ?? lastAt(o) + 1 },
  ARBITRATE: { event: { type: 'ARBITRATE', outcome: 'release', reason: '卖家举证充分' }, actor: asPlatform, at: (o) => lastAt(o) + 1 },
  REFUND_CANCEL: { event: { type: 'REFUND_CANCEL' }, actor: asBuyer, at: (o) => lastAt(o) + 1 },
  REVIEW: { event: { type: 'REVIEW', rating: 4, text: '物流很快' }, actor: asBuyer, at: (o) => lastAt(o) + 1 },
};

// Written out independently of legalEventsByPhase: the phase each legal event leads to.
const expected: Record<OrderPhase, Partial<Record<OrderEventType, OrderPhase>>> = {
  WAIT_BUYER_PAY: { PAY: 'WAIT_SELLER_SEND_GOODS', CANCEL: 'TRADE_CLOSED', PAY_TIMEOUT: 'TRADE_CLOSED' },
  WAIT_SELLER_SEND_GOODS: { SHIP: 'WAIT_BUYER_CONFIRM_GOODS', CANCEL: 'TRADE_CLOSED' },
  WAIT_BUYER_CONFIRM_GOODS: {
    CONFIRM_RECEIPT: 'TRADE_FINISHED',
    AUTO_CONFIRM: 'TRADE_FINISHED',
    REFUND_REQUEST: 'WAIT_BUYER_CONFIRM_GOODS/WAIT_SELLER_AGREE',
  },
  'WAIT_BUYER_CONFIRM_GOODS/WAIT_SELLER_AGREE': {
    REFUND_AGREE: 'TRADE_CLOSED', // the sample request is for the whole total
    REFUND_REFUSE: 'WAIT_BUYER_CONFIRM_GOODS/SELLER_REFUSE_BUYER',
    SELLER_RESPONSE_TIMEOUT: 'TRADE_CLOSED',
    REFUND_CANCEL: 'WAIT_BUYER_CONFIRM_GOODS',
  },
  'WAIT_BUYER_CONFIRM_GOODS/SELLER_REFUSE_BUYER': { ARBITRATE: 'TRADE_FINISHED', REFUND_CANCEL: 'WAIT_BUYER_CONFIRM_GOODS' },
  TRADE_FINISHED: { REVIEW: 'TRADE_FINISHED/REVIEWED' },
  'TRADE_FINISHED/REVIEWED': {},
  TRADE_CLOSED: {},
};

describe('transition: every (phase, event) pair', () => {
  for (const phase of orderPhases) {
    for (const type of orderEventTypes) {
      const target = expected[phase][type];
      it(`${phase} × ${type} → ${target ?? 'illegal_transition'}`, () => {
        for (const order of phaseBuilders[phase]()) {
          expect(orderPhase(order)).toBe(phase);
          const before = structuredClone(order);
          const sample = samples[type];
          const result = transition(order, sample.event, { now: sample.at(order), actor: sample.actor, config });
          expect(order).toEqual(before); // pure: the input is never changed
          if (target === undefined) {
            expect(result).toEqual({ ok: false, code: 'illegal_transition', detail: { state: order.state, phase, event: type } });
            expect(allowedEvents(order)).not.toContain(type);
          } else {
            if (!result.ok) throw new Error(`${type} failed: ${result.code}`);
            expect(orderPhase(result.value.order)).toBe(target);
            expect(allowedEvents(order)).toContain(type);
            const last = result.value.order.history.at(-1);
            expect(last).toEqual({ state: result.value.order.state, event: type, at: sample.at(order), actor: sample.actor });
          }
        }
      });
    }
  }

  it('legal events are refused to anyone but their actor', () => {
    const others: Actor[] = [
      { role: 'buyer', partyId: 'buyer-2' },
      { role: 'seller', partyId: 'seller-2' },
      asBuyer,
      asSeller,
      asPlatform,
      asSystem,
    ];
    for (const phase of orderPhases) {
      for (const order of phaseBuilders[phase]()) {
        for (const type of Object.keys(expected[phase]) as OrderEventType[]) {
          const sample = samples[type];
          for (const actor of others) {
            if (actor === sample.actor) continue;
            const result = transition(order, sample.event, { now: sample.at(order), actor, config });
            expect(result).toEqual({ ok: false, code: 'not_authorized', detail: { event: type, role: actor.role } });
          }
        }
      }
    }
  });
});

const ledger = (effects: readonly MarketplaceEffect[]) => ledgerEffectsOf(effects);
const jobs = (effects: readonly MarketplaceEffect[]) => effects.filter((e) => e.kind === 'job.schedule').map((e) => (e.kind === 'job.schedule' ? e.job : null));
const cancels = (effects: readonly MarketplaceEffect[]) => effects.flatMap((e) => (e.kind === 'job.cancel' ? [e.jobId] : []));

describe('payment and cancellation', () => {
  it('PAY holds the total in escrow and cancels the pay timeout', () => {
    const order = newOrder(); // ¥45.00 + ¥12.00 express
    expect(order.total).toEqual({ amount: '57.00', currency: 'CNY' });
    const { order: next, effects } = step(order, { type: 'PAY' }, asBuyer, t0 + hourMs);
    expect(ledger(effects)).toEqual([
      {
        kind: 'ledger',
        op: 'hold',
        transferId: 'o1:hold',
        from: { role: 'buyer_wallet', partyId: buyerId },
        to: { role: 'escrow_holding' },
        amount: { amount: '57.00', currency: 'CNY' },
        code: 'escrow.hold',
        refs: { orderId: 'o1', buyerId, sellerId, channel: 'escrow' },
      },
    ]);
    expect(cancels(effects)).toEqual(['o1:pay-timeout']);
    expect(next.paidAt).toBe(t0 + hourMs);
    expect(next.deadlines.payBy).toBeNull();
    expect(moneyHolder(next)).toMatchObject({ holder: 'escrow', escrow: { amount: '57.00' }, buyer: { amount: '0.00' } });
    expect(effects.some((e) => e.kind === 'notice' && e.to === sellerId && e.key === 'marketplace.notice.order_paid')).toBe(true);
    expect(effects.some((e) => e.kind === 'event' && e.event.type === 'marketplace.pay')).toBe(true);
  });

  it('PAY at or after the pay deadline is refused; PAY_TIMEOUT before it is a stale job', () => {
    const order = newOrder();
    const payBy = t0 + 24 * hourMs;
    expect(order.deadlines.payBy).toBe(payBy);
    expect(transition(order, { type: 'PAY' }, { now: payBy, actor: asBuyer, config })).toEqual({ ok: false, code: 'pay_deadline_passed' });
    expect(transition(order, { type: 'PAY_TIMEOUT' }, { now: payBy - 1, actor: asSystem, config })).toEqual({
      ok: false,
      code: 'deadline_not_reached',
      detail: { dueAt: payBy },
    });
    const { order: closed, effects } = step(order, { type: 'PAY_TIMEOUT' }, asSystem, payBy);
    expect(closed.state).toBe('TRADE_CLOSED');
    expect(closed.closeReason).toBe('pay_timeout');
    expect(ledger(effects)).toEqual([]);
    expect(effects.filter((e) => e.kind === 'stock')).toEqual([{ kind: 'stock', op: 'release', productId: book.id, quantity: 1 }]);
    expect(moneyHolder(closed).holder).toBe('buyer');
  });

  it('the pay timeout follows the configured hours', () => {
    const cfg = makeMarketplaceConfig({ payTimeoutHours: 2 });
    expect(newOrder({ cfg }).deadlines.payBy).toBe(t0 + 2 * hourMs);
  });

  it('CANCEL before payment closes the order, returns stock and cancels the pay timeout', () => {
    const order = newOrder({ lines: [{ product: book, quantity: 2 }, { product: earphones, quantity: 1 }] });
    const { order: closed, effects } = step(order, { type: 'CANCEL' }, asBuyer, t0 + 5);
    expect(closed).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'buyer_cancelled', closedAt: t0 + 5, settlement: null });
    expect(ledger(effects)).toEqual([]);
    expect(cancels(effects)).toEqual(['o1:pay-timeout']);
    expect(effects.filter((e) => e.kind === 'stock')).toEqual([
      { kind: 'stock', op: 'release', productId: book.id, quantity: 2 },
      { kind: 'stock', op: 'release', productId: earphones.id, quantity: 1 },
    ]);
  });

  it('CANCEL after payment voids the hold (full refund) and returns stock', () => {
    const { order: closed, effects } = step(paid(), { type: 'CANCEL' }, asBuyer, t0 + 2 * hourMs);
    expect(closed.state).toBe('TRADE_CLOSED');
    expect(ledger(effects)).toEqual([
      expect.objectContaining({ op: 'void', transferId: 'o1:refund', pendingId: 'o1:hold', amount: { amount: '57.00', currency: 'CNY' }, code: 'escrow.refund' }),
    ]);
    expect(effects.filter((e) => e.kind === 'stock')).toHaveLength(1);
    expect(moneyHolder(closed)).toMatchObject({ holder: 'buyer', buyer: { amount: '57.00' }, seller: { amount: '0.00' } });
  });
});

describe('shipping, confirmation and the auto-confirm timer (world time)', () => {
  it('express auto-confirms 10 world days after shipping, post 30', () => {
    const shipAt = t0 + 2 * hourMs;
    for (const [method, days] of [['express', 10], ['post', 30]] as const) {
      const { order, effects } = step(paid(), { type: 'SHIP', trackingNumber: 'ＳＦ１２３４-５６７８９０', method }, asSeller, shipAt);
      expect(order.shipment).toEqual({ trackingNumber: 'SF1234567890', method, at: shipAt });
      expect(order.deadlines.autoConfirmAt).toBe(shipAt + days * dayMs);
      expect(jobs(effects)).toEqual([{ id: 'o1:auto-confirm:1', kind: 'marketplace.auto_confirm', dueAt: shipAt + days * dayMs, payload: { orderId: 'o1', round: 1 } }]);
      const due = shipAt + days * dayMs;
      expect(transition(order, { type: 'AUTO_CONFIRM' }, { now: due - 1, actor: asSystem, config })).toEqual({ ok: false, code: 'deadline_not_reached', detail: { dueAt: due } });
      const done = step(order, { type: 'AUTO_CONFIRM' }, asSystem, due);
      expect(done.order.state).toBe('TRADE_FINISHED');
      expect(done.order.receipt).toEqual({ confirmationId: null, auto: true, at: due });
    }
  });

  it('the auto-confirm days are configurable', () => {
    const cfg = makeMarketplaceConfig({ autoConfirmDays: { express: 7 } });
    const order = step(paid(), ship, asSeller, t0 + 2 * hourMs, cfg).order;
    expect(order.deadlines.autoConfirmAt).toBe(t0 + 2 * hourMs + 7 * dayMs);
    expect(cfg.autoConfirmDays.post).toBe(30);
  });

  it('SHIP checks the tracking number and the method', () => {
    const order = paid();
    const at = { now: t0 + 2 * hourMs, actor: asSeller, config };
    expect(transition(order, { type: 'SHIP', trackingNumber: 'SF12', method: 'express' }, at)).toMatchObject({ code: 'tracking_number_invalid' });
    expect(transition(order, { type: 'SHIP', trackingNumber: '顺丰12345678', method: 'express' }, at)).toMatchObject({ code: 'tracking_number_invalid' });
    expect(transition(order, { type: 'SHIP', trackingNumber: 'SF1234567890', method: 'air' }, at)).toMatchObject({ code: 'delivery_method_invalid' });
  });

  it('CONFIRM_RECEIPT releases the money less commission, cancels the timer and schedules T+1 availability', () => {
    const order = newOrder({ lines: [{ product: book, quantity: 1 }, { product: earphones, quantity: 1 }] }); // 45 + 199 = 244, free shipping
    expect(order.shippingFee.amount).toBe('0.00');
    const s = shipped(paid(order));
    const at = t0 + 3 * dayMs;
    const { order: done, effects } = step(s, { type: 'CONFIRM_RECEIPT', confirmationId: 'doc-receipt-9' }, asBuyer, at);
    expect(done.receipt).toEqual({ confirmationId: 'doc-receipt-9', auto: false, at });
    expect(cancels(effects)).toEqual(['o1:auto-confirm:1']);
    // Commission: 2% of 45.00 = 0.90, 3% of 199.00 = 5.97 → 6.87; seller gets 244.00 - 6.87 = 237.13.
    expect(done.settlement).toMatchObject({ refund: { amount: '0.00' }, released: { amount: '244.00' }, commission: { amount: '6.87' }, sellerNet: { amount: '237.13' } });
    expect(ledger(effects).map((e) => [e.op, e.transferId, e.amount.amount, e.from.role, e.to.role])).toEqual([
      ['post', 'o1:release', '244.00', 'buyer_wallet', 'escrow_holding'],
      ['transfer', 'o1:payout', '237.13', 'escrow_holding', 'seller_wallet'],
      ['transfer', 'o1:commission', '6.87', 'escrow_holding', 'platform_commission'],
    ]);
    expect(jobs(effects)).toEqual([{ id: 'o1:available', kind: 'escrow.available', dueAt: at + dayMs, payload: { orderId: 'o1', sellerId, amount: '237.13', currency: 'CNY' } }]);
    expect(moneyHolder(done)).toEqual({
      holder: 'seller',
      buyer: { amount: '0.00', currency: 'CNY' },
      escrow: { amount: '0.00', currency: 'CNY' },
      seller: { amount: '237.13', currency: 'CNY' },
      platform: { amount: '6.87', currency: 'CNY' },
    });
  });

  it('T+N availability follows the configuration', () => {
    const cfg = makeMarketplaceConfig({ availableAfterDays: 3 });
    const s = shipped();
    const { effects } = step(s, { type: 'CONFIRM_RECEIPT', confirmationId: 'x' }, asBuyer, t0 + 3 * dayMs, cfg);
    expect(jobs(effects)[0]?.dueAt).toBe(t0 + 6 * dayMs);
  });

  it('CONFIRM_RECEIPT needs a confirmation id', () => {
    expect(transition(shipped(), { type: 'CONFIRM_RECEIPT', confirmationId: '  ' }, { now: t0 + dayMs, actor: asBuyer, config })).toMatchObject({ code: 'confirmation_id_invalid' });
  });
});

describe('refund requests pause the auto-confirm timer', () => {
  it('stores the time left, cancels the job, and resumes with exactly that time on REFUND_CANCEL', () => {
    const shipAt = t0 + 2 * hourMs;
    const s = shipped();
    expect(s.deadlines.autoConfirmAt).toBe(shipAt + 10 * dayMs);

    const requestAt = shipAt + 3 * dayMs;
    const r = step(s, { type: 'REFUND_REQUEST', reason: '尺码不对', returnTrackingNumber: 'yt9876543210' }, asBuyer, requestAt);
    expect(r.order.autoConfirmRemainingMs).toBe(7 * dayMs);
    expect(r.order.deadlines).toEqual({ payBy: null, autoConfirmAt: null, sellerRespondBy: requestAt + 5 * dayMs });
    expect(r.order.refund).toMatchObject({ round: 1, status: 'WAIT_SELLER_AGREE', amount: { amount: '57.00' }, reason: '尺码不对', returnTrackingNumber: 'YT9876543210' });
    expect(cancels(r.effects)).toEqual([autoConfirmJobId('o1', 1)]);
    expect(jobs(r.effects)).toEqual([{ id: 'o1:seller-timeout:1', kind: 'marketplace.seller_response_timeout', dueAt: requestAt + 5 * dayMs, payload: { orderId: 'o1', round: 1 } }]);
    // The old job, if it still fires, is refused: the timer is paused.
    expect(transition(r.order, { type: 'AUTO_CONFIRM' }, { now: shipAt + 10 * dayMs, actor: asSystem, config })).toMatchObject({ code: 'illegal_transition' });

    const cancelAt = requestAt + 2 * dayMs;
    const c = step(r.order, { type: 'REFUND_CANCEL' }, asBuyer, cancelAt);
    expect(c.order.deadlines.autoConfirmAt).toBe(cancelAt + 7 * dayMs);
    expect(c.order.autoConfirmRemainingMs).toBeNull();
    expect(c.order.refund?.status).toBe('REFUND_CLOSED');
    expect(cancels(c.effects)).toEqual([sellerResponseJobId('o1', 1)]);
    expect(jobs(c.effects)).toEqual([{ id: 'o1:auto-confirm:2', kind: 'marketplace.auto_confirm', dueAt: cancelAt + 7 * dayMs, payload: { orderId: 'o1', round: 2 } }]);

    // The original deadline no longer confirms; the resumed one does.
    expect(transition(c.order, { type: 'AUTO_CONFIRM' }, { now: shipAt + 10 * dayMs, actor: asSystem, config })).toMatchObject({ code: 'deadline_not_reached' });
    expect(step(c.order, { type: 'AUTO_CONFIRM' }, asSystem, cancelAt + 7 * dayMs).order.state).toBe('TRADE_FINISHED');
  });

  it('a refused case withdrawn by the buyer also resumes the timer (no seller job to cancel)', () => {
    const refused = refundRefused(); // requested at t0 + 1d; shipped at t0 + 2h
    const remaining = t0 + 2 * hourMs + 10 * dayMs - (t0 + dayMs);
    expect(refused.autoConfirmRemainingMs).toBe(remaining);
    const c = step(refused, { type: 'REFUND_CANCEL' }, asBuyer, t0 + 4 * dayMs);
    expect(cancels(c.effects)).toEqual([]);
    expect(c.order.deadlines.autoConfirmAt).toBe(t0 + 4 * dayMs + remaining);
  });

  it('refuses a request at or after the confirm deadline, and after refundRequestsMax requests', () => {
    const s = shipped();
    const due = s.deadlines.autoConfirmAt ?? 0;
    expect(transition(s, refundRequest, { now: due, actor: asBuyer, config })).toEqual({ ok: false, code: 'confirm_deadline_passed' });
    let o = s;
    let now = t0 + dayMs;
    for (let i = 0; i < config.refundRequestsMax; i++) {
      o = step(o, refundRequest, asBuyer, now).order;
      o = step(o, { type: 'REFUND_CANCEL' }, asBuyer, now + hourMs).order;
      now += 2 * hourMs;
    }
    expect(o.refundRequests).toBe(3);
    expect(transition(o, refundRequest, { now, actor: asBuyer, config })).toEqual({ ok: false, code: 'refund_requests_exhausted', detail: { max: 3 } });
  });

  it('checks the reason, the amount and the return tracking number', () => {
    const s = shipped();
    const ctx = { now: t0 + dayMs, actor: asBuyer, config };
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '   ' }, ctx)).toMatchObject({ code: 'reason_required' });
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '坏'.repeat(501) }, ctx)).toMatchObject({ code: 'reason_too_long' });
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '坏了', amount: '57.01' }, ctx)).toEqual({ ok: false, code: 'refund_amount_too_large', detail: { max: '57.00' } });
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '坏了', amount: '0' }, ctx)).toMatchObject({ code: 'money_zero' });
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '坏了', amount: 'abc' }, ctx)).toMatchObject({ code: 'money_not_a_number' });
    expect(transition(s, { type: 'REFUND_REQUEST', reason: '坏了', returnTrackingNumber: '12' }, ctx)).toMatchObject({ code: 'tracking_number_invalid' });
    expect(step(s, { type: 'REFUND_REQUEST', reason: '坏了', amount: '¥57.00' }, asBuyer, t0 + dayMs).order.refund?.amount.amount).toBe('57.00');
  });
});

describe('refund outcomes', () => {
  it('REFUND_AGREE on a full request closes the trade and voids the hold', () => {
    const { order, effects } = step(refundOpen(), { type: 'REFUND_AGREE' }, asSeller, t0 + 2 * dayMs);
    expect(order).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'refunded', refund: { status: 'REFUND_SUCCESS', resolvedAt: t0 + 2 * dayMs } });
    expect(cancels(effects)).toEqual(['o1:seller-timeout:1']);
    expect(ledger(effects).map((e) => [e.op, e.amount.amount])).toEqual([['void', '57.00']]);
    expect(effects.filter((e) => e.kind === 'stock')).toEqual([]); // shipped goods: the seller restocks returns
    expect(moneyHolder(order).holder).toBe('buyer');
  });

  it('REFUND_AGREE on a partial request finishes the trade with a split', () => {
    const pay = step(newOrder(), { type: 'PAY' }, asBuyer, t0 + hourMs);
    const open = step(shipped(pay.order), { type: 'REFUND_REQUEST', reason: '少发一件配件', amount: '20' }, asBuyer, t0 + dayMs).order;
    const { order, effects } = step(open, { type: 'REFUND_AGREE' }, asSeller, t0 + 2 * dayMs);
    expect(order.state).toBe('TRADE_FINISHED');
    // Released 37.00 split over book 45.00 and shipping 12.00: book share 29.21, shipping 7.79;
    // commission 2% of 29.21 = 0.5842 → 0.58.
    expect(order.settlement).toMatchObject({ refund: { amount: '20.00' }, released: { amount: '37.00' }, commission: { amount: '0.58' }, sellerNet: { amount: '36.42' } });
    expect(order.settlement?.lines[0]?.released.amount).toBe('29.21');
    expect(order.settlement?.shippingReleased.amount).toBe('7.79');
    expect(ledger(effects).map((e) => [e.op, e.amount.amount])).toEqual([
      ['post', '37.00'],
      ['transfer', '36.42'],
      ['transfer', '0.58'],
    ]);
    expect(moneyHolder(order)).toMatchObject({ holder: 'split', buyer: { amount: '20.00' }, seller: { amount: '36.42' }, platform: { amount: '0.58' } });
    // Replaying the ledger effects (hold, then post 37.00 + transfers) gives the same holdings.
    const { holder: _holder, ...amounts } = moneyHolder(order);
    expect(holdingsFromLedgerEffects(order.total, [...ledger(pay.effects), ...ledger(effects)])).toEqual(amounts);
  });

  it('a silent seller agrees once sellerRespondBy passes, not before', () => {
    const open = refundOpen();
    const due = open.deadlines.sellerRespondBy ?? 0;
    expect(due).toBe(t0 + dayMs + 5 * dayMs);
    expect(transition(open, { type: 'SELLER_RESPONSE_TIMEOUT' }, { now: due - 1, actor: asSystem, config })).toEqual({ ok: false, code: 'deadline_not_reached', detail: { dueAt: due } });
    const { order, effects } = step(open, { type: 'SELLER_RESPONSE_TIMEOUT' }, asSystem, due);
    expect(order.state).toBe('TRADE_CLOSED');
    expect(cancels(effects)).toEqual([]);
  });

  it('the seller response days are configurable', () => {
    const cfg = makeMarketplaceConfig({ sellerResponseDays: 2 });
    const open = step(shipped(), refundRequest, asBuyer, t0 + dayMs, cfg).order;
    expect(open.deadlines.sellerRespondBy).toBe(t0 + 3 * dayMs);
  });

  it('REFUND_REFUSE needs a reason and sends the case to the platform', () => {
    const open = refundOpen();
    expect(transition(open, { type: 'REFUND_REFUSE', reason: '' }, { now: t0 + 2 * dayMs, actor: asSeller, config })).toMatchObject({ code: 'reason_required' });
    const { order, effects } = step(open, { type: 'REFUND_REFUSE', reason: '商品无质量问题' }, asSeller, t0 + 2 * dayMs);
    expect(order.refund).toMatchObject({ status: 'SELLER_REFUSE_BUYER', sellerReason: '商品无质量问题' });
    expect(order.deadlines.sellerRespondBy).toBeNull();
    expect(cancels(effects)).toEqual(['o1:seller-timeout:1']);
    expect(effects.some((e) => e.kind === 'notice' && e.to === 'platform' && e.key === 'marketplace.notice.arbitration_needed')).toBe(true);
    expect(moneyHolder(order).holder).toBe('escrow');
  });

  it('ARBITRATE full_refund closes, partial_refund splits, release pays the seller; all need a reason', () => {
    const refused = refundRefused();
    const ctx = { now: t0 + 3 * dayMs, actor: asPlatform, config };
    expect(transition(refused, { type: 'ARBITRATE', outcome: 'release', reason: ' ' }, ctx)).toMatchObject({ code: 'reason_required' });

    const full = step(refused, { type: 'ARBITRATE', outcome: 'full_refund', reason: '商品与描述不符' }, asPlatform, ctx.now);
    expect(full.order).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'refunded', arbitration: { outcome: 'full_refund', refund: { amount: '57.00' }, reason: '商品与描述不符', by: 'platform' } });
    expect(ledger(full.effects).map((e) => e.op)).toEqual(['void']);

    expect(transition(refused, { type: 'ARBITRATE', outcome: 'partial_refund', reason: '部分责任' }, ctx)).toMatchObject({ code: 'refund_amount_required' });
    expect(transition(refused, { type: 'ARBITRATE', outcome: 'partial_refund', reason: '部分责任', amount: '57.00' }, ctx)).toMatchObject({ code: 'refund_amount_too_large' });
    expect(transition(refused, { type: 'ARBITRATE', outcome: 'partial_refund', reason: '部分责任', amount: '-1' }, ctx)).toMatchObject({ code: 'money_negative' });
    const partial = step(refused, { type: 'ARBITRATE', outcome: 'partial_refund', reason: '部分责任', amount: '10.00' }, asPlatform, ctx.now);
    expect(partial.order.state).toBe('TRADE_FINISHED');
    expect(partial.order.settlement).toMatchObject({ refund: { amount: '10.00' }, released: { amount: '47.00' } });
    expect(moneyHolder(partial.order).holder).toBe('split');

    const release = step(refused, { type: 'ARBITRATE', outcome: 'release', reason: '卖家举证充分' }, asPlatform, ctx.now);
    expect(release.order).toMatchObject({ state: 'TRADE_FINISHED', refund: { status: 'REFUND_CLOSED' }, settlement: { refund: { amount: '0.00' }, commission: { amount: '0.90' }, sellerNet: { amount: '56.10' } } });
    expect(moneyHolder(release.order).holder).toBe('seller');

    for (const r of [full, partial, release]) {
      const m = moneyHolder(r.order);
      const sum = [m.buyer, m.seller, m.platform, m.escrow].reduce((acc, x) => acc + toMinorUnits(fromStored(x)), 0n);
      expect(sum).toBe(5700n);
    }
  });
});

describe('reviews', () => {
  it('one review per finished order, with checked rating and text', () => {
    const done = finished();
    const ctx = { now: t0 + 4 * dayMs, actor: asBuyer, config };
    expect(transition(done, { type: 'REVIEW', rating: 0, text: 'x' }, ctx)).toMatchObject({ code: 'rating_invalid' });
    expect(transition(done, { type: 'REVIEW', rating: 6, text: 'x' }, ctx)).toMatchObject({ code: 'rating_invalid' });
    expect(transition(done, { type: 'REVIEW', rating: 4.5, text: 'x' }, ctx)).toMatchObject({ code: 'rating_invalid' });
    expect(transition(done, { type: 'REVIEW', rating: 4, text: '  \n ' }, ctx)).toMatchObject({ code: 'review_text_required' });
    expect(transition(done, { type: 'REVIEW', rating: 4, text: '好'.repeat(501) }, ctx)).toMatchObject({ code: 'review_text_too_long' });
    const { order, effects } = step(done, { type: 'REVIEW', rating: 4, text: ' 包装很好 \n 发货快 ' }, asBuyer, ctx.now);
    expect(order.reviewedAt).toBe(ctx.now);
    expect(effects[0]).toEqual({
      kind: 'review',
      review: { id: 'o1:review', orderId: 'o1', buyerId, sellerId, productIds: [book.id], rating: 4, text: '包装很好 \n 发货快', at: ctx.now },
    });
    expect(transition(order, { type: 'REVIEW', rating: 5, text: '再评一次' }, { ...ctx, now: ctx.now + 1 })).toMatchObject({ code: 'illegal_transition' });
  });
});

describe('history and determinism', () => {
  it('keeps the order page timeline: state, event, time and actor of every step', () => {
    const done = reviewed();
    expect(done.history.map((h) => [h.state, h.event, h.at - t0, h.actor.role])).toEqual([
      ['WAIT_BUYER_PAY', 'CREATE', 0, 'buyer'],
      ['WAIT_SELLER_SEND_GOODS', 'PAY', hourMs, 'buyer'],
      ['WAIT_BUYER_CONFIRM_GOODS', 'SHIP', 2 * hourMs, 'seller'],
      ['TRADE_FINISHED', 'CONFIRM_RECEIPT', 3 * dayMs, 'buyer'],
      ['TRADE_FINISHED', 'REVIEW', 4 * dayMs, 'buyer'],
    ]);
  });

  it('the same commands produce the same rows and effect ids (idempotent replays)', () => {
    const run = (): unknown[] => {
      const out: unknown[] = [];
      let o = newOrder();
      const events: [OrderEvent, Actor, number][] = [
        [{ type: 'PAY' }, asBuyer, t0 + 1],
        [ship, asSeller, t0 + 2],
        [refundRequest, asBuyer, t0 + 3],
        [{ type: 'REFUND_REFUSE', reason: '不同意' }, asSeller, t0 + 4],
        [{ type: 'ARBITRATE', outcome: 'partial_refund', amount: '5', reason: '各担一半' }, asPlatform, t0 + 5],
      ];
      for (const [event, actor, now] of events) {
        const r = step(o, event, actor, now);
        o = r.order;
        out.push(r.effects);
      }
      out.push(o);
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('asserts when the world clock runs backwards (a programmer error, not a user error)', () => {
    const order = paid();
    expect(() => transition(order, ship, { now: t0, actor: asSeller, config })).toThrow(/clock never goes backwards/);
  });
});
