// Acquiring (收单): card sales reach the merchant's account at its acquiring bank less the merchant
// discount rate (商户扣率, e.g. 0.6%), T+1.
//
// Every captured card charge (debit, credit, charge card) has already put its sale into the
// acquirer's merchant_unsettled account for that merchant, and every refund has taken its amount
// back out (card.ts, channels.ts). Once a day the acquirer runs a batch over the items not yet
// settled whose world day is at least settleAfterDays old:
//   gross    = Σ sales - Σ refunds
//   discount = Σ percentageOf(sale, rate) - Σ percentageOf(refund, rate)
//              (rounded PER ITEM, half-up to the fen, like a slip per card transaction; the rate on a
//              refund is given back: percentageOf of the same amount is the same fee)
//   net      = gross - discount            hence net + discount = gross, exactly, always.
// Ledger, in the acquirer's book: net merchant_unsettled → the merchant's deposit, discount
// merchant_unsettled → acquiring_income. A negative net (more refunded than sold) runs the other
// way: the merchant's deposit pays it back (the ledger's no-overdraft refuses if it cannot, and the
// app retries that merchant's items in the next batch: each merchant's effects are separate for
// that reason). The whole MDR stays with the acquirer (no interchange share for the issuer: one
// less moving part for a classroom).

import { assert } from '../../assert.ts';
import { fromMinorUnits, fromStored, percentageOf, toMinorUnits, toStored, type CurrencyCode, type StoredMoney } from '../../money/index.ts';
import { worldDay } from '../../world/clock.ts';
import type { Charge } from '../gateway/charge.ts';
import { channelLedger, channelLedgerCodes, type ChannelAccountRef, type ChannelEffect } from '../gateway/effects.ts';
import { worldDateLabel } from './billing.ts';
import { assertAcquiringConfig, type AcquiringConfig } from './config.ts';

export type AcquiringItemKind = 'sale' | 'refund';

export type AcquiringItem = {
  /** `<chargeId>:sale` or `<chargeId>:refund:<refundId>`. */
  readonly id: string;
  readonly chargeId: string;
  readonly merchantId: string;
  /** The acquiring bank. */
  readonly bankId: string;
  readonly kind: AcquiringItemKind;
  /** Above zero; the kind gives the direction. */
  readonly amount: StoredMoney;
  /** When it was captured or refunded. */
  readonly at: number;
};

export type MerchantSettlement = {
  /** `<batchId>:<merchantId>`. */
  readonly id: string;
  readonly merchantId: string;
  readonly itemIds: readonly string[];
  readonly sales: StoredMoney;
  readonly refunds: StoredMoney;
  /** Signed amounts: negative when refunds outweigh sales. */
  readonly gross: StoredMoney;
  readonly discount: StoredMoney;
  readonly net: StoredMoney;
  /** This merchant's movements (also in the batch's list), to apply or retry on their own. */
  readonly effects: readonly ChannelEffect[];
};

export type AcquiringBatch = {
  /** `acquiring:<bankId>:<YYYY-MM-DD>`. */
  readonly id: string;
  readonly bankId: string;
  readonly settledAt: number;
  readonly merchantDiscountRate: string;
  readonly merchants: readonly MerchantSettlement[];
  readonly gross: StoredMoney;
  readonly discount: StoredMoney;
  readonly net: StoredMoney;
};

export const cardChannels = ['debit_card', 'credit_card', 'charge_card'] as const;
/** One bank's items in one batch: a busy classroom world has far fewer. */
export const acquiringBatchItemsMax = 100_000;

/** The acquiring items a card charge has produced so far (none for other channels or unpaid ones). */
export function acquiringItemsOfCharge(charge: Charge): AcquiringItem[] {
  if (!(cardChannels as readonly string[]).includes(charge.channel) || charge.paidAt === null) return [];
  const base = { chargeId: charge.id, merchantId: charge.payee.partyId, bankId: charge.payee.bankId };
  const items: AcquiringItem[] = [{ ...base, id: `${charge.id}:sale`, kind: 'sale', amount: charge.captured, at: charge.paidAt }];
  for (const r of charge.refunds) items.push({ ...base, id: `${charge.id}:refund:${r.id}`, kind: 'refund', amount: r.amount, at: r.at });
  return items;
}

/** Whether an item is old enough for the batch run at `settleAt` (T + settleAfterDays world days). */
export function isAcquiringItemDue(item: AcquiringItem, settleAt: number, config: AcquiringConfig): boolean {
  return worldDay(item.at) + config.settleAfterDays <= worldDay(settleAt);
}

export type AcquiringBatchResult = {
  readonly batch: AcquiringBatch;
  /** Ids of the items this batch settled; the others were not due yet. */
  readonly settledItemIds: readonly string[];
  readonly effects: readonly ChannelEffect[];
};

/**
 * One acquirer's batch at `settleAt` over its unsettled items (`items`: not settled by an earlier
 * batch; the app keeps the settled ids). Merchants in id order, their items in time order.
 */
export function settleAcquiringBatch(bankId: string, items: readonly AcquiringItem[], settleAt: number, config: AcquiringConfig): AcquiringBatchResult {
  assertAcquiringConfig(config);
  assert(items.length <= acquiringBatchItemsMax, 'batch items bounded');
  const currency: CurrencyCode = config.currency;
  const ids = new Set<string>();
  for (const item of items) {
    assert(item.bankId === bankId, `item ${item.id} is acquired by ${item.bankId}, not ${bankId}`);
    assert(item.amount.currency === currency, 'one currency per batch');
    assert(toMinorUnits(fromStored(item.amount)) > 0n, 'items are above zero');
    assert(!ids.has(item.id), `item ids are unique: ${item.id}`);
    ids.add(item.id);
  }
  const batchId = `acquiring:${bankId}:${worldDateLabel(settleAt)}`;
  const due = items.filter((i) => isAcquiringItemDue(i, settleAt, config));
  const byMerchant = new Map<string, AcquiringItem[]>();
  for (const item of due) {
    const list = byMerchant.get(item.merchantId);
    if (list === undefined) byMerchant.set(item.merchantId, [item]);
    else list.push(item);
  }
  const merchantIds = [...byMerchant.keys()].sort();

  const rate = config.merchantDiscountRate;
  const merchants: MerchantSettlement[] = [];
  const effects: ChannelEffect[] = [];
  let grossAll = 0n;
  let discountAll = 0n;
  for (const merchantId of merchantIds) {
    const list = [...(byMerchant.get(merchantId) ?? [])].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let sales = 0n;
    let refunds = 0n;
    let discount = 0n;
    for (const item of list) {
      const amount = fromStored(item.amount);
      const fee = toMinorUnits(percentageOf(amount, rate));
      if (item.kind === 'sale') {
        sales += toMinorUnits(amount);
        discount += fee;
      } else {
        refunds += toMinorUnits(amount);
        discount -= fee;
      }
    }
    const gross = sales - refunds;
    const net = gross - discount;
    assert(net + discount === gross, 'net + discount = gross');
    const id = `${batchId}:${merchantId}`;
    const mine = settlementEffects(id, bankId, merchantId, net, discount, currency);
    merchants.push({
      id,
      merchantId,
      itemIds: list.map((i) => i.id),
      sales: toStored(fromMinorUnits(sales, currency)),
      refunds: toStored(fromMinorUnits(refunds, currency)),
      gross: toStored(fromMinorUnits(gross, currency)),
      discount: toStored(fromMinorUnits(discount, currency)),
      net: toStored(fromMinorUnits(net, currency)),
      effects: mine,
    });
    effects.push(...mine);
    grossAll += gross;
    discountAll += discount;
  }
  const batch: AcquiringBatch = {
    id: batchId,
    bankId,
    settledAt: settleAt,
    merchantDiscountRate: rate,
    merchants,
    gross: toStored(fromMinorUnits(grossAll, currency)),
    discount: toStored(fromMinorUnits(discountAll, currency)),
    net: toStored(fromMinorUnits(grossAll - discountAll, currency)),
  };
  return { batch, settledItemIds: merchants.flatMap((m) => m.itemIds), effects };
}

function settlementEffects(id: string, bankId: string, merchantId: string, net: bigint, discount: bigint, currency: CurrencyCode): ChannelEffect[] {
  const unsettled: ChannelAccountRef = { role: 'merchant_unsettled', bankId, merchantId };
  const deposit: ChannelAccountRef = { role: 'deposit', bankId, partyId: merchantId };
  const income: ChannelAccountRef = { role: 'acquiring_income', bankId };
  const refs = { settlementId: id, merchantId };
  const amount = (minor: bigint): StoredMoney => toStored(fromMinorUnits(minor < 0n ? -minor : minor, currency));
  const effects: ChannelEffect[] = [];
  // Signed amounts become a direction: a movement is always above zero.
  if (net !== 0n) effects.push(channelLedger('transfer', `${id}:net`, net > 0n ? unsettled : deposit, net > 0n ? deposit : unsettled, amount(net), channelLedgerCodes.acquiringNet, refs));
  if (discount !== 0n) effects.push(channelLedger('transfer', `${id}:discount`, discount > 0n ? unsettled : income, discount > 0n ? income : unsettled, amount(discount), channelLedgerCodes.acquiringDiscount, refs));
  return effects;
}
