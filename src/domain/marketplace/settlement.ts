// Settlement of an escrow trade: how the money the buyer paid (order.total) ends up split between
// the buyer (refund), the seller (net proceeds) and the platform (commission), and the ledger
// movements that carry the split out.
//
// The rule (README "marketplace commission"):
// 1. refund   the part returned to the buyer: 0 on release, the agreed amount on a partial refund,
//             the whole total on a full refund.
// 2. released = total - refund: the part that goes to the seller's side.
// 3. The released amount is split over the order's lines and its shipping fee in proportion to
//    their amounts (money.allocate, largest remainder: the shares add up to `released` exactly).
//    On a full release each line's share is exactly its subtotal; on a partial refund each line
//    gives back the same fraction, so no line's commission depends on which line the buyer
//    complained about.
// 4. Commission per line = percentageOf(line's share, the line's category rate snapshot), half-up
//    to the fen; the commission is the sum over lines. The shipping fee's share carries no
//    commission (platforms charge on the goods price, not on postage).
//    Examples: 3% of ¥33.33 = ¥0.9999 → ¥1.00; 0.6% of ¥0.10 = ¥0.0006 → ¥0.00 (a micro-payment
//    pays no commission: rounding per line, not on the order sum, decides).
// 5. seller net = released - commission. Never negative, because each line's commission is at
//    most its share (rate <= 1 and the share is already at the fen).
// Hence refund + seller net + commission = total, exactly, always.
//
// Ledger movements (effects.ts explains the ops). The buyer's payment is a hold (pending transfer
// buyer_wallet → escrow_holding) until the trade ends:
// - full refund: void the hold.
// - otherwise: post `released` of the hold (the rest, the refund, returns to the buyer in the same
//   step), then transfer seller net escrow_holding → seller_wallet and commission escrow_holding →
//   platform_commission. Zero amounts are left out. A job 'escrow.available' makes the seller's
//   net withdrawable T+N world days later (config.availableAfterDays).

import { assert } from '../assert.ts';
import {
  add,
  allocate,
  compare,
  fromStored,
  isZero,
  percentageOf,
  subtract,
  toMinorUnits,
  toStored,
  zero,
  type Money,
  type StoredMoney,
} from '../money/index.ts';
import { dayMs } from '../world/clock.ts';
import type { MarketplaceConfig } from './config.ts';
import { ledgerCodes, marketplaceJobKinds, type AccountRef, type LedgerEffect, type MarketplaceEffect } from './effects.ts';
import type { OrderRow } from './order.ts';

export type SettlementLine = {
  readonly productId: string;
  readonly rate: string;
  /** This line's part of the released amount. */
  readonly released: StoredMoney;
  readonly commission: StoredMoney;
};

export type Settlement = {
  readonly refund: StoredMoney;
  readonly released: StoredMoney;
  readonly commission: StoredMoney;
  readonly sellerNet: StoredMoney;
  readonly lines: readonly SettlementLine[];
  /** The shipping fee's part of the released amount (no commission on it). */
  readonly shippingReleased: StoredMoney;
  readonly at: number;
};

/** The split of the order's total when `refund` goes back to the buyer (rule at the top). */
export function computeSettlement(order: OrderRow, refund: Money, at: number): Settlement {
  const total = fromStored(order.total);
  assert(refund.currency === total.currency, 'refund is in the order currency');
  assert(!refund.amount.isNegative() && compare(refund, total) <= 0, 'refund is between zero and the total');
  const released = subtract(total, refund);

  const ratios = [...order.lines.map((l) => l.subtotal.amount), order.shippingFee.amount];
  const shares = isZero(released) ? ratios.map(() => zero(total.currency)) : allocate(released, ratios);
  const lines = order.lines.map((line, i): SettlementLine => {
    const share = shares[i];
    assert(share !== undefined, 'one share per line');
    const commission = percentageOf(share, line.commissionRate);
    assert(compare(commission, share) <= 0, 'commission is at most the share it is charged on');
    return { productId: line.productId, rate: line.commissionRate, released: toStored(share), commission: toStored(commission) };
  });
  const shippingShare = shares[order.lines.length];
  assert(shippingShare !== undefined, 'one share for shipping');
  const commission = lines.reduce((sum, l) => add(sum, fromStored(l.commission)), zero(total.currency));
  const sellerNet = subtract(released, commission);

  assert(!sellerNet.amount.isNegative() && !commission.amount.isNegative(), 'no part of the split is negative');
  assert(toMinorUnits(refund) + toMinorUnits(sellerNet) + toMinorUnits(commission) === toMinorUnits(total), 'refund + seller net + commission = total');
  return {
    refund: toStored(refund),
    released: toStored(released),
    commission: toStored(commission),
    sellerNet: toStored(sellerNet),
    lines,
    shippingReleased: toStored(shippingShare),
    at,
  };
}

export function holdTransferId(orderId: string): string {
  return `${orderId}:hold`;
}

function refsOf(order: OrderRow): Record<string, string> {
  return { orderId: order.id, buyerId: order.buyerId, sellerId: order.sellerId, channel: order.paymentMethod };
}

const escrowHolding: AccountRef = { role: 'escrow_holding' };

/** The escrow hold of a payment. */
export function holdEffect(order: OrderRow): LedgerEffect {
  return {
    kind: 'ledger',
    op: 'hold',
    transferId: holdTransferId(order.id),
    from: { role: 'buyer_wallet', partyId: order.buyerId },
    to: escrowHolding,
    amount: order.total,
    code: ledgerCodes.hold,
    refs: refsOf(order),
  };
}

/** The ledger movements and the T+N job that carry out a settlement (rule at the top). */
export function settlementEffects(order: OrderRow, settlement: Settlement, config: MarketplaceConfig): MarketplaceEffect[] {
  assert(order.holdTransferId !== null, 'only a paid order is settled');
  const refs = refsOf(order);
  const buyer: AccountRef = { role: 'buyer_wallet', partyId: order.buyerId };
  const released = fromStored(settlement.released);
  const effects: MarketplaceEffect[] = [];
  if (isZero(released)) {
    effects.push({ kind: 'ledger', op: 'void', transferId: `${order.id}:refund`, pendingId: order.holdTransferId, from: buyer, to: escrowHolding, amount: order.total, code: ledgerCodes.refund, refs });
    return effects;
  }
  effects.push({ kind: 'ledger', op: 'post', transferId: `${order.id}:release`, pendingId: order.holdTransferId, from: buyer, to: escrowHolding, amount: settlement.released, code: ledgerCodes.release, refs: { ...refs, refund: settlement.refund.amount } });
  if (!isZero(fromStored(settlement.sellerNet))) {
    effects.push({ kind: 'ledger', op: 'transfer', transferId: `${order.id}:payout`, from: escrowHolding, to: { role: 'seller_wallet', partyId: order.sellerId }, amount: settlement.sellerNet, code: ledgerCodes.payout, refs });
    effects.push({
      kind: 'job.schedule',
      job: {
        id: `${order.id}:available`,
        kind: marketplaceJobKinds.available,
        dueAt: settlement.at + config.availableAfterDays * dayMs,
        payload: { orderId: order.id, sellerId: order.sellerId, amount: settlement.sellerNet.amount, currency: settlement.sellerNet.currency },
      },
    });
  }
  if (!isZero(fromStored(settlement.commission))) {
    effects.push({ kind: 'ledger', op: 'transfer', transferId: `${order.id}:commission`, from: escrowHolding, to: { role: 'platform_commission' }, amount: settlement.commission, code: ledgerCodes.commission, refs });
  }
  return effects;
}

export type MoneyHolder = 'buyer' | 'escrow' | 'seller' | 'split';

/** Who holds an order's money; the four amounts always add up to the order total. */
export type MoneyHoldings = {
  readonly holder: MoneyHolder;
  readonly buyer: StoredMoney;
  readonly escrow: StoredMoney;
  readonly seller: StoredMoney;
  readonly platform: StoredMoney;
};

/**
 * Who holds the order's money now, from its state and amounts alone:
 * - 'buyer': not paid (waiting, or closed unpaid), or refunded in full. buyer = total.
 * - 'escrow': paid and not settled (waiting to ship, waiting for receipt, refund in progress).
 * - 'seller': released with no refund. seller = net, platform = commission (the commission is
 *   the seller's cost of selling, so the money is still "with the seller's side").
 * - 'split': a partial refund. buyer = refund, seller = net, platform = commission.
 */
export function moneyHolder(order: OrderRow): MoneyHoldings {
  const total = fromStored(order.total);
  const none = toStored(zero(order.currency));
  let holdings: MoneyHoldings;
  if (order.paidAt === null) {
    holdings = { holder: 'buyer', buyer: order.total, escrow: none, seller: none, platform: none };
  } else if (order.settlement === null) {
    holdings = { holder: 'escrow', buyer: none, escrow: order.total, seller: none, platform: none };
  } else {
    const s = order.settlement;
    const refund = fromStored(s.refund);
    const holder: MoneyHolder = isZero(refund) ? 'seller' : compare(refund, total) === 0 ? 'buyer' : 'split';
    holdings = { holder, buyer: s.refund, escrow: none, seller: s.sellerNet, platform: s.commission };
  }
  const sum = [holdings.buyer, holdings.escrow, holdings.seller, holdings.platform].reduce((acc, m) => add(acc, fromStored(m)), zero(order.currency));
  assert(compare(sum, total) === 0, 'holdings add up to the total');
  return holdings;
}

/** The amounts each side holds after replaying an order's ledger effects (no holder label). */
export type LedgerHoldings = Omit<MoneyHoldings, 'holder'>;

/** More ledger effects than this for one order is a bug (an order has at most five). */
export const orderLedgerEffectsMax = 16;

/**
 * Replays an order's ledger effects, in order, starting from the buyer holding `total`, with the
 * ledger's two-phase semantics: a hold moves money to escrow (pending), a post keeps the posted part
 * in escrow and returns the rest to the buyer, a void returns all of it, a transfer moves it on.
 * The money trail a test or the order page can check against moneyHolder(order).
 */
export function holdingsFromLedgerEffects(total: StoredMoney, effects: readonly LedgerEffect[]): LedgerHoldings {
  assert(effects.length <= orderLedgerEffectsMax, `too many ledger effects for one order: ${effects.length}`);
  let buyer = fromStored(total);
  let escrow = zero(total.currency);
  let seller = zero(total.currency);
  let platform = zero(total.currency);
  const held = new Map<string, Money>();
  for (const effect of effects) {
    const amount = fromStored(effect.amount);
    assert(amount.currency === total.currency && amount.amount.greaterThan(0), 'ledger effects move positive amounts in the order currency');
    switch (effect.op) {
      case 'hold':
        assert(effect.from.role === 'buyer_wallet' && effect.to.role === 'escrow_holding', 'a hold moves buyer → escrow');
        assert(!held.has(effect.transferId), 'a hold is placed once');
        held.set(effect.transferId, amount);
        buyer = subtract(buyer, amount);
        escrow = add(escrow, amount);
        break;
      case 'post':
      case 'void': {
        assert(effect.pendingId !== undefined, 'post and void resolve a hold');
        const pending = held.get(effect.pendingId);
        assert(pending !== undefined, 'post and void resolve an open hold');
        held.delete(effect.pendingId);
        const kept = effect.op === 'post' ? amount : zero(total.currency);
        assert(compare(kept, pending) <= 0, 'a post is at most the hold');
        buyer = add(buyer, subtract(pending, kept));
        escrow = subtract(escrow, subtract(pending, kept));
        break;
      }
      case 'transfer':
        assert(effect.from.role === 'escrow_holding', 'marketplace transfers leave escrow');
        escrow = subtract(escrow, amount);
        if (effect.to.role === 'seller_wallet') seller = add(seller, amount);
        else {
          assert(effect.to.role === 'platform_commission', 'escrow pays the seller or the platform');
          platform = add(platform, amount);
        }
        break;
    }
    assert(!buyer.amount.isNegative() && !escrow.amount.isNegative(), 'no side goes below zero');
  }
  return { buyer: toStored(buyer), escrow: toStored(escrow), seller: toStored(seller), platform: toStored(platform) };
}
