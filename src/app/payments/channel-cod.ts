import Dexie from 'dexie';
import {
  assert,
  availableOf,
  bankingAccountIds as ids,
  cashOnDeliveryChannel,
  collectCashOnDelivery,
  createCodShipment,
  dayMs,
  defaultCodConfig,
  err,
  ok,
  refuseCashOnDelivery,
  remitCodBatch,
  startOfWorldDay,
  toStored,
  worldDay,
  zero,
  type CodBatch,
  type CodChannelState,
  type CodShipmentRow,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { primaryBankAccount } from '../banking/primary-account.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import type { JobHandler } from '../scheduler.ts';
import { stepOrder } from '../market/orders.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';

// Cash on delivery (货到付款), offline: checkout creates a pending charge and the order counts as
// placed-and-payable-at-the-door (it steps PAY with no money moving, so the seller ships); the
// parcel is a COD shipment of the logistics company. At the door its courier (the logistics tab)
// COLLECTS the buyer's banknotes (`clearing:notes:<buyer>` → `clearing:notes:logistics`, and
// `logistics:vault` → `logistics:cod:payable:<seller>`; insufficient_cash leaves the parcel out for
// delivery) or records a REFUSAL: the charge fails 'refused_at_door', the units go back to stock and
// the order closes (a full refund case opened and agreed on the buyer's and seller's behalf: no
// money had moved). At each world day's end the logistics company remits the day's collections to
// each seller's bank account less the COD fee (1%, at least ¥2.00: domain cod/config.ts).

export const codJobKind = 'cod.remit';
export const codLogisticsId = 'logistics';

export const codAdapter: ChannelAdapter<CodChannelState> = {
  channel: cashOnDeliveryChannel,
  settlement: 'direct',
  async prepare(tx, order) {
    const bank = await primaryBankAccount(tx.db, order.sellerId);
    if (bank === undefined) return err('seller_bank_account_missing', { sellerId: order.sellerId });
    return ok({ payee: { partyId: order.sellerId, bankId: bank.bankId }, source: { logisticsId: codLogisticsId } });
  },
  async load(tx, charge) {
    const notes = await ledgerTables(tx.db).accounts.get(ids.notes(charge.payerId));
    const refund = await primaryBankAccount(tx.db, charge.payerId);
    return ok({ buyerCash: toStored(notes === undefined ? zero(charge.currency) : availableOf(notes)), refundTo: refund === undefined ? null : { bankId: refund.bankId, partyId: refund.partyId } });
  },
  async afterStep(tx, charge, op) {
    if (op !== 'authorize') return ok(null);
    const order = await marketTables(tx.db).orders.get(charge.orderId);
    assert(order !== undefined, 'a charge has its order');
    await paymentsTables(tx.db).codShipments.put(createCodShipment(charge, order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })), tx.now));
    return ok(null);
  },
};

async function parcel(tx: Tx, shipmentId: string) {
  const t = paymentsTables(tx.db);
  const shipment = await t.codShipments.get(shipmentId);
  if (shipment === undefined) return err('cod_shipment_not_found');
  const charge = await t.charges.get(shipment.chargeId);
  assert(charge !== undefined, 'a parcel has its charge');
  return ok({ shipment, charge });
}

/** The courier collects the cash at the door (actor: the logistics company). */
export const collectCodCommand = defineCommand({
  name: 'collectCod',
  apply: async (tx, input: { readonly shipmentId: string }) => {
    const found = await parcel(tx, input.shipmentId);
    if (!found.ok) return found;
    const state = await codAdapter.load(tx, found.value.charge, 'capture');
    assert(state.ok, 'COD state loads');
    const step = collectCashOnDelivery(found.value.shipment, found.value.charge, state.value.buyerCash!, { now: tx.now, actorId: tx.meta.actor });
    if (!step.ok) return step;
    const applied = await interpretEffects(tx, channelEffects(step.value.effects, codLogisticsId), { orderId: found.value.charge.orderId });
    if (!applied.ok) return applied;
    const t = paymentsTables(tx.db);
    await t.charges.put(step.value.charge);
    await t.codShipments.put(step.value.shipment);
    const dueAt = startOfWorldDay(tx.now) + dayMs;
    await tx.schedule({ id: `${codJobKind}:${step.value.shipment.logisticsId}:${worldDay(tx.now)}`, kind: codJobKind, dueAt, payload: { logisticsId: step.value.shipment.logisticsId } });
    return ok(step.value.shipment);
  },
});

export async function collectCod(db: WorldDb, meta: CommandMeta, input: { readonly shipmentId: string }, env: CommandEnv = {}): Promise<Result<CodShipmentRow, string>> {
  return execute(db, collectCodCommand, meta, { shipmentId: input.shipmentId }, env);
}

/** The buyer refuses the parcel at the door: the charge fails, stock returns, the order closes. */
export const refuseCodCommand = defineCommand({
  name: 'refuseCod',
  apply: async (tx, input: { readonly shipmentId: string }) => {
    const found = await parcel(tx, input.shipmentId);
    if (!found.ok) return found;
    const { shipment, charge } = found.value;
    const step = refuseCashOnDelivery(shipment, charge, { now: tx.now, actorId: tx.meta.actor });
    if (!step.ok) return step;
    // The step's stock effects give the parcel's units back, with its money and notices.
    const applied = await interpretEffects(tx, channelEffects(step.value.effects, codLogisticsId), { orderId: charge.orderId });
    if (!applied.ok) return applied;
    const t = paymentsTables(tx.db);
    await t.charges.put(step.value.charge);
    await t.codShipments.put(step.value.shipment);
    // The order closes: a full refund case, agreed, with nothing to refund (no money moved).
    const order = await marketTables(tx.db).orders.get(charge.orderId);
    assert(order !== undefined, 'a parcel has its order');
    if (order.state === 'WAIT_BUYER_CONFIRM_GOODS') {
      const asked = await stepOrder(tx, order.id, { type: 'REFUND_REQUEST', reason: 'refused_at_door', amount: null, returnTrackingNumber: null }, { role: 'buyer', partyId: order.buyerId });
      if (!asked.ok) return asked;
      const agreed = await stepOrder(tx, order.id, { type: 'REFUND_AGREE' }, { role: 'seller', partyId: order.sellerId });
      if (!agreed.ok) return agreed;
    }
    return ok(step.value.shipment);
  },
});

export async function refuseCod(db: WorldDb, meta: CommandMeta, input: { readonly shipmentId: string }, env: CommandEnv = {}): Promise<Result<CodShipmentRow, string>> {
  return execute(db, refuseCodCommand, meta, { shipmentId: input.shipmentId }, env);
}

async function remitTx(tx: Tx, logisticsId: string): Promise<CodBatch | null> {
  const t = paymentsTables(tx.db);
  const collected = await t.codShipments.where('[logisticsId+status]').equals([logisticsId, 'collected']).toArray();
  const result = remitCodBatch(logisticsId, collected, tx.now, defaultCodConfig);
  if (result.batch.sellers.length === 0) return null;
  const applied = await interpretEffects(tx, channelEffects(result.effects, logisticsId));
  assert(applied.ok, `COD batch ${result.batch.id} posts: ${applied.ok ? '' : applied.code}`);
  await t.codShipments.bulkPut([...result.shipments]);
  await t.codBatches.put(result.batch);
  await tx.appendEvent({ type: 'cod.batch_remitted', actor: logisticsId, parties: result.batch.sellers.map((s) => s.sellerId), payload: { batch: result.batch.id, collected: result.batch.collected.amount, fee: result.batch.fee.amount, net: result.batch.net.amount } });
  return result.batch;
}

/** The daily remittance job (registered through the channel registry, channels.ts). */
const remitJob: JobHandler = async (tx, job) => {
  const logisticsId = job.payload.logisticsId;
  assert(typeof logisticsId === 'string', 'a COD job names its logistics company');
  await remitTx(tx, logisticsId);
};

export const codChannelModule: ChannelModule = {
  id: 'cash_on_delivery',
  adapter: codAdapter,
  catalog: { name: 'payments.channel.cash_on_delivery', prefixes: ['payments.cod.'] },
  jobs: [{ kind: codJobKind, handler: remitJob }],
};

/** Parcels the courier's page lists, newest first (issue #18: read through [logisticsId+createdAt]). */
export const codShipmentsShownMax = 200;

export async function codShipmentsOf(db: WorldDb, logisticsId: string, max = codShipmentsShownMax): Promise<CodShipmentRow[]> {
  return paymentsTables(db).codShipments.where('[logisticsId+createdAt]').between([logisticsId, Dexie.minKey], [logisticsId, Dexie.maxKey]).reverse().limit(max).toArray();
}

/** Remittances the courier's page lists at first (one a day: a month), and each "older" adds. */
export const codBatchesShownMax = 30;

/** The courier's newest `max` remittances, newest first, read through the cutoffAt index (a world has one or two couriers). */
export async function codBatchesOf(db: WorldDb, logisticsId: string, max = codBatchesShownMax): Promise<CodBatch[]> {
  return paymentsTables(db).codBatches.orderBy('cutoffAt').reverse().filter((b) => b.logisticsId === logisticsId).limit(max).toArray();
}
