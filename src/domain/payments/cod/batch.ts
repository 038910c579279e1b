// The logistics company's daily COD remittance (代收货款回款): at the cut-off (the end of a world
// day) every parcel collected before it and not yet remitted is paid out to its seller, less the COD
// fee, one line per seller and remittance bank:
//   collected = Σ parcel amounts
//   fee       = Σ codFeeOf(parcel)      (per parcel: rate rounded half-up, the minimum, capped)
//   net       = collected - fee         (never negative: each parcel's fee is at most its amount)
// Ledger: net cod_payable → the seller's deposit (the logistics company pays from its own account at
// that bank), fee cod_payable → cod_fee_income (both zero-free). The parcels become 'remitted'.

import { assert } from '../../assert.ts';
import { fromMinorUnits, fromStored, toMinorUnits, toStored, type StoredMoney } from '../../money/index.ts';
import { channelLedger, channelLedgerCodes, channelNotice, type ChannelAccountRef, type ChannelEffect } from '../gateway/effects.ts';
import { worldDateLabel } from '../cards/billing.ts';
import { assertCodConfig, codFeeOf, type CodConfig } from './config.ts';
import type { CodShipmentRow } from './shipment.ts';

export type CodSellerRemittance = {
  /** `<batchId>:<sellerId>:<bankId>`. */
  readonly id: string;
  readonly sellerId: string;
  readonly bankId: string;
  readonly shipmentIds: readonly string[];
  readonly collected: StoredMoney;
  readonly fee: StoredMoney;
  readonly net: StoredMoney;
};

export type CodBatch = {
  /** `cod:<logisticsId>:<YYYY-MM-DD of the day it covers>`. */
  readonly id: string;
  readonly logisticsId: string;
  readonly cutoffAt: number;
  readonly sellers: readonly CodSellerRemittance[];
  readonly collected: StoredMoney;
  readonly fee: StoredMoney;
  readonly net: StoredMoney;
};

export type CodBatchResult = {
  readonly batch: CodBatch;
  /** The parcels this batch remitted, updated. */
  readonly shipments: readonly CodShipmentRow[];
  readonly effects: readonly ChannelEffect[];
};

/** Parcels in one batch: a world's busiest day, with room to spare. */
export const codBatchShipmentsMax = 100_000;

export function isCodRemittable(shipment: CodShipmentRow, logisticsId: string, cutoffAt: number): boolean {
  return shipment.logisticsId === logisticsId && shipment.status === 'collected' && shipment.collectedAt !== null && shipment.collectedAt < cutoffAt;
}

/** The batch at `cutoffAt` over `shipments` (any status: only the remittable ones are taken). */
export function remitCodBatch(logisticsId: string, shipments: readonly CodShipmentRow[], cutoffAt: number, config: CodConfig): CodBatchResult {
  assertCodConfig(config);
  assert(shipments.length <= codBatchShipmentsMax, 'batch parcels bounded');
  const currency = config.currency;
  // Named after the day it covers: the cut-off is the midnight that ends it.
  const batchId = `cod:${logisticsId}:${worldDateLabel(cutoffAt - 1)}`;
  const due = shipments.filter((s) => isCodRemittable(s, logisticsId, cutoffAt));
  assert(new Set(due.map((s) => s.id)).size === due.length, 'parcel ids are unique');

  const groups = new Map<string, CodShipmentRow[]>();
  for (const s of due) {
    assert(s.amount.currency === currency, 'one currency per batch');
    const key = `${s.sellerId}:${s.sellerBankId}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [s]);
    else list.push(s);
  }

  const sellers: CodSellerRemittance[] = [];
  const remitted: CodShipmentRow[] = [];
  const effects: ChannelEffect[] = [];
  let collectedAll = 0n;
  let feeAll = 0n;
  for (const key of [...groups.keys()].sort()) {
    const list = [...(groups.get(key) ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = list[0];
    assert(first !== undefined, 'a group has parcels');
    const id = `${batchId}:${key}`;
    let collected = 0n;
    let fee = 0n;
    for (const s of list) {
      const amount = fromStored(s.amount);
      const parcelFee = codFeeOf(amount, config);
      collected += toMinorUnits(amount);
      fee += toMinorUnits(parcelFee);
      remitted.push({ ...s, status: 'remitted', remittedAt: cutoffAt, batchId, fee: toStored(parcelFee) });
    }
    const net = collected - fee;
    assert(net >= 0n && fee >= 0n, 'a seller never owes the COD batch');
    const line: CodSellerRemittance = {
      id,
      sellerId: first.sellerId,
      bankId: first.sellerBankId,
      shipmentIds: list.map((s) => s.id),
      collected: toStored(fromMinorUnits(collected, currency)),
      fee: toStored(fromMinorUnits(fee, currency)),
      net: toStored(fromMinorUnits(net, currency)),
    };
    sellers.push(line);
    const payable: ChannelAccountRef = { role: 'cod_payable', logisticsId, sellerId: line.sellerId };
    const refs = { batchId, sellerId: line.sellerId };
    if (net > 0n) effects.push(channelLedger('transfer', `${id}:net`, payable, { role: 'deposit', bankId: line.bankId, partyId: line.sellerId }, line.net, channelLedgerCodes.codRemit, refs));
    if (fee > 0n) effects.push(channelLedger('transfer', `${id}:fee`, payable, { role: 'cod_fee_income', logisticsId }, line.fee, channelLedgerCodes.codFee, refs));
    effects.push(channelNotice(line.sellerId, 'cod_remitted', { batchId, collected: line.collected.amount, fee: line.fee.amount, net: line.net.amount, parcels: list.length }));
    collectedAll += collected;
    feeAll += fee;
  }
  const batch: CodBatch = {
    id: batchId,
    logisticsId,
    cutoffAt,
    sellers,
    collected: toStored(fromMinorUnits(collectedAll, currency)),
    fee: toStored(fromMinorUnits(feeAll, currency)),
    net: toStored(fromMinorUnits(collectedAll - feeAll, currency)),
  };
  return { batch, shipments: remitted, effects };
}
