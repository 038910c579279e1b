import Dexie from 'dexie';
import {
  assert,
  checkout,
  emptyCart,
  err,
  marketplaceJobKinds,
  ok,
  transition,
  type Actor,
  type CodeOfFn,
  type ArbitrationOutcome,
  type CartRow,
  type DeliveryAddressInput,
  type Job,
  type MarketplaceConfig,
  type OrderEvent,
  type OrderRow,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketMetaKeys, marketTables } from '../../storage/market-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { registerJobHandler } from '../scheduler.ts';
import { readMarketConfig } from './config.ts';
import { interpretEffects, marketEffects } from '../effects/interpret.ts';
import { requireBuyer } from './cart.ts';
import { ensureWallet } from './accounts.ts';
import { orderStepStores } from '../command-stores.ts';
import { checkoutChannels, settlesDirect } from '../payments/channels.ts';
import { followOrderStep } from '../payments/checkout.ts';

// Orders: checkout (one order per seller, stock reserved in the same transaction), and every later
// step of the escrow trade as ONE call of the domain's transition function, whose effects (money
// through the ledger, jobs, events, notices, stock) are carried out in the same transaction as the
// new order row. An illegal step changes nothing and names why.

/**
 * The methods checkout offers: the channel registry's (src/app/payments/channels.ts). The order
 * steps look the order's channel up there too: whether its money moves through the charge instead
 * of the escrow hold (settlesDirect), and what the charge does after each step (followOrderStep).
 */
export function checkoutMethods(): readonly string[] {
  return checkoutChannels();
}
/** A party's order list shows at most this many orders, newest first. */
export const ordersListMax = 500;

async function nextCheckoutId(db: WorldDb): Promise<string> {
  const row = await db.meta.get(marketMetaKeys.nextCheckout);
  const n = typeof row?.value === 'number' ? row.value : 1;
  await db.meta.put({ key: marketMetaKeys.nextCheckout, value: n + 1 });
  return `T${String(n).padStart(6, '0')}`;
}

export type PlaceOrdersInput = {
  readonly address: DeliveryAddressInput;
  readonly deliveryMethod: string;
  readonly paymentMethod: string;
  /** Buy these cart lines (default: the whole cart). */
  readonly productIds?: readonly string[];
  /** 立即购买: buy this product now, without the cart. */
  readonly buyNow?: { readonly productId: string; readonly quantity: number };
};

export const placeOrdersCommand = defineCommand({
  name: 'placeOrders',
  stores: [...orderStepStores, 'users', 'carts'],
  apply: async (tx, input: PlaceOrdersInput) => {
    const actor = tx.meta.actor;
    if (!checkoutMethods().includes(input.paymentMethod)) return err('payment_method_invalid');
    const buyer = await requireBuyer(tx.db, actor);
    if (!buyer.ok) return buyer;
    const t = marketTables(tx.db);
    const config = await readMarketConfig(tx.db);
    const stored = input.buyNow === undefined ? ((await t.carts.get(actor)) ?? emptyCart(actor, 0)) : null;
    const cart: CartRow = stored ?? { buyerId: actor, lines: [{ productId: input.buyNow!.productId, quantity: input.buyNow!.quantity, addedAt: tx.now }], updatedAt: 0 };
    const products = (await t.products.bulkGet(cart.lines.map((l) => l.productId))).filter((p) => p !== undefined);
    const checkoutId = await nextCheckoutId(tx.db);
    const placed = checkout({
      checkoutId,
      cart,
      products,
      ...(input.productIds === undefined ? {} : { productIds: input.productIds }),
      address: input.address,
      deliveryMethod: input.deliveryMethod,
      paymentMethod: input.paymentMethod,
      now: tx.now,
      config,
    });
    if (!placed.ok) return placed;
    for (const { order, effects } of placed.value.orders) {
      const applied = await interpretEffects(tx, marketEffects(effects), { orderId: order.id });
      if (!applied.ok) return applied;
      await t.orders.add(order);
      tx.notify({ to: [order.sellerId], kind: 'market.order_placed', ref: order.id });
    }
    if (stored !== null) await t.carts.put(placed.value.cart);
    await ensureWallet(tx.db, actor, tx.now);
    return ok(placed.value.orders.map((o) => o.order));
  },
});

/**
 * Checks out: the cart (or one "buy now" product) becomes one order per seller, WAIT_BUYER_PAY,
 * with its stock reserved and its pay deadline scheduled. The products are read inside this
 * readwrite transaction, so two buyers racing for the last unit are serialized by IndexedDB: the
 * second sees stock 0 and gets out_of_stock, and nothing of its checkout is written.
 */
export async function placeOrders(db: WorldDb, meta: CommandMeta, input: PlaceOrdersInput, env: CommandEnv = {}): Promise<Result<OrderRow[], string>> {
  if (!checkoutMethods().includes(input.paymentMethod)) return err('payment_method_invalid');
  return execute(db, placeOrdersCommand, meta, input, env);
}

/**
 * One step of an order inside the caller's transaction: transition, effects, new row. The order's
 * last history time bounds `now` from below: a job due earlier than a user's later step runs "as
 * of" that step, since an order's history never goes backwards.
 */
export async function stepOrder(tx: Tx, orderId: string, event: OrderEvent, actor: Actor) {
  const t = marketTables(tx.db);
  const order = await t.orders.get(orderId);
  if (order === undefined) return err('order_not_found', { orderId });
  return stepLoadedOrder(tx, order, event, actor);
}

/**
 * stepOrder for an order row already read in this transaction (and not written since), and the
 * market's config when read alongside it: each read the caller did is one round trip less here.
 */
async function stepLoadedOrder(tx: Tx, order: OrderRow, event: OrderEvent, actor: Actor, loadedConfig?: MarketplaceConfig) {
  const t = marketTables(tx.db);
  const config = loadedConfig ?? (await readMarketConfig(tx.db));
  const lastAt = order.history[order.history.length - 1]?.at ?? order.createdAt;
  const stepped = transition(order, event, { now: Math.max(tx.now, lastAt), actor, config });
  if (!stepped.ok) return stepped;
  const direct = settlesDirect(order);
  // A direct order's money moves through its charge: no escrow hold, release, or T+N availability.
  const effects = direct ? stepped.value.effects.filter((e) => e.kind !== 'ledger' && !(e.kind === 'job.schedule' && e.job.kind === marketplaceJobKinds.available)) : stepped.value.effects;
  const applied = await interpretEffects(tx, marketEffects(effects), { orderId: order.id });
  if (!applied.ok) return applied;
  await t.orders.put(stepped.value.order);
  const after = await followOrderStep(tx, order, stepped.value.order);
  if (!after.ok) return after;
  return ok(stepped.value.order);
}

/** The codes one order step can refuse with: the transition's, its effects', the charge's (checkout.ts). */
export type OrderStepCode = CodeOfFn<typeof stepLoadedOrder>;

type Role = 'buyer' | 'seller' | 'platform';

type OrderInput = { readonly orderId: string };

/**
 * A command that steps one order by an event made from its input, as the acting party in `role`;
 * `before` checks or writes first inside the same transaction.
 */
function orderStepCommand<I extends OrderInput, B extends string = never>(
  name: string,
  role: Role,
  eventOf: (input: I) => OrderEvent,
  before?: (tx: Tx, order: OrderRow) => Promise<Result<null, B>>,
  stores?: readonly string[],
) {
  return defineCommand<I, OrderRow, B | OrderStepCode | 'order_not_found' | 'not_the_operator'>({
    name,
    ...(stores === undefined ? {} : { stores }),
    apply: async (tx, input) => {
      const [order, config] = await Promise.all([marketTables(tx.db).orders.get(input.orderId), readMarketConfig(tx.db)]);
      if (order === undefined) return err('order_not_found', { orderId: input.orderId });
      if (role === 'platform') {
        const party = await tx.db.parties.get(tx.meta.actor);
        if (party?.kind !== 'operator') return err('not_the_operator');
      }
      if (before !== undefined) {
        const checked = await before(tx, order);
        if (!checked.ok) return checked;
      }
      // Neither the operator check nor any `before` writes the order: the row read above is current.
      return stepLoadedOrder(tx, order, eventOf(input), { role, partyId: tx.meta.actor }, config);
    },
  });
}

export const payOrderCommand = orderStepCommand<OrderInput, 'payment_method_unavailable'>('payOrder', 'buyer', () => ({ type: 'PAY' }), async (tx, order) => {
  if (order.paymentMethod !== 'escrow') return err('payment_method_unavailable', { method: order.paymentMethod });
  return ok(null);
  // An escrow order's PAY: the hold in the ledger; the gateway's followOrderStep has nothing to do for it
  // (no charge: escrow orders are paid here, not through payOrderWith). The buyer's wallet is
  // opened, when new, with the hold (interpretEffects opens every wallet its escrow ledger effects name).
}, orderStepStores);

/** The buyer pays: the order total moves from the buyer's escrow wallet into a pending hold. */
export async function payOrder(db: WorldDb, meta: CommandMeta, input: { readonly orderId: string }, env: CommandEnv = {}): Promise<Result<OrderRow, string>> {
  return execute(db, payOrderCommand, meta, { orderId: input.orderId }, env);
}

export const cancelOrderCommand = orderStepCommand<OrderInput>('cancelOrder', 'buyer', () => ({ type: 'CANCEL' }), async (tx, order) => {
  // A courier booked but not yet at the door does not come.
  const shipments = marketTables(tx.db).shipments;
  const booked = await shipments.get(shipmentIdOf(order.id));
  if (booked !== undefined && booked.status === 'booked') {
    await shipments.put({ ...booked, status: 'cancelled', events: [...booked.events, { at: tx.now, status: 'cancelled', place: '', note: '' }] });
  }
  return ok(null);
});

/** The buyer cancels before shipping: stock back, and any payment back in full. */
export async function cancelOrder(db: WorldDb, meta: CommandMeta, input: { readonly orderId: string }, env: CommandEnv = {}): Promise<Result<OrderRow, string>> {
  return execute(db, cancelOrderCommand, meta, { orderId: input.orderId }, env);
}

export function shipmentIdOf(orderId: string): string {
  return `ship-${orderId}`;
}

type RefundRequestInput = OrderInput & { readonly reason: string; readonly amount: string | null; readonly returnTrackingNumber: string | null };
export const requestRefundCommand = orderStepCommand<RefundRequestInput>('requestRefund', 'buyer', (i) => ({ type: 'REFUND_REQUEST', reason: i.reason, amount: i.amount, returnTrackingNumber: i.returnTrackingNumber }));

export async function requestRefund(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly reason: string; readonly amount?: string | null; readonly returnTrackingNumber?: string | null },
  env: CommandEnv = {},
): Promise<Result<OrderRow, string>> {
  return execute(db, requestRefundCommand, meta, { orderId: input.orderId, reason: input.reason, amount: input.amount ?? null, returnTrackingNumber: input.returnTrackingNumber ?? null }, env);
}

export const cancelRefundCommand = orderStepCommand<OrderInput>('cancelRefund', 'buyer', () => ({ type: 'REFUND_CANCEL' }));

export async function cancelRefund(db: WorldDb, meta: CommandMeta, input: { readonly orderId: string }, env: CommandEnv = {}): Promise<Result<OrderRow, string>> {
  return execute(db, cancelRefundCommand, meta, { orderId: input.orderId }, env);
}

export const agreeRefundCommand = orderStepCommand<OrderInput>('agreeRefund', 'seller', () => ({ type: 'REFUND_AGREE' }));
export const refuseRefundCommand = orderStepCommand<OrderInput & { readonly reason: string }>('refuseRefund', 'seller', (i) => ({ type: 'REFUND_REFUSE', reason: i.reason }));

/** The seller agrees to the refund request, or refuses it with a reason (the platform then decides). */
export async function answerRefund(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly agree: boolean; readonly reason?: string },
  env: CommandEnv = {},
): Promise<Result<OrderRow, string>> {
  if (input.agree) return execute(db, agreeRefundCommand, meta, { orderId: input.orderId }, env);
  return execute(db, refuseRefundCommand, meta, { orderId: input.orderId, reason: input.reason ?? '' }, env);
}

type ArbitrateInput = OrderInput & { readonly outcome: ArbitrationOutcome; readonly reason: string; readonly amount: string | null };
export const arbitrateCommand = orderStepCommand<ArbitrateInput>('arbitrate', 'platform', (i) => ({ type: 'ARBITRATE', outcome: i.outcome, reason: i.reason, amount: i.amount }));

/** The platform operator decides a refused refund: full refund, partial refund or release. */
export async function arbitrate(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly outcome: ArbitrationOutcome; readonly reason: string; readonly amount?: string | null },
  env: CommandEnv = {},
): Promise<Result<OrderRow, string>> {
  return execute(db, arbitrateCommand, meta, { orderId: input.orderId, outcome: input.outcome, reason: input.reason, amount: input.amount ?? null }, env);
}

type ReviewInput = OrderInput & { readonly rating: number; readonly text: string };
export const reviewOrderCommand = orderStepCommand<ReviewInput>('reviewOrder', 'buyer', (i) => ({ type: 'REVIEW', rating: i.rating, text: i.text }));

export async function reviewOrder(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly rating: number; readonly text: string },
  env: CommandEnv = {},
): Promise<Result<OrderRow, string>> {
  // A rating a form made from bad text (NaN) cannot be logged: the domain's own refusal names it.
  const rating = Number.isFinite(input.rating) ? input.rating : -1;
  return execute(db, reviewOrderCommand, meta, { orderId: input.orderId, rating, text: input.text }, env);
}

// ---- jobs: the escrow agent's and the platform's timers -----------------------------------------

const systemActor: Actor = { role: 'system', partyId: 'system' };

function orderJob(event: OrderEvent): (tx: Tx, job: Job) => Promise<Result<OrderRow, string>> {
  return async (tx, job) => {
    const orderId = job.payload.orderId;
    assert(typeof orderId === 'string', 'an order job names its order');
    // A refusal (the seller's bank account cannot pay a refund back) fails the attempt: everything
    // the step wrote rolls back, and the scheduler records why on the job row and retries or parks it.
    return stepOrder(tx, orderId, event, systemActor);
  };
}

/**
 * An order's timers move money (a release, a refund through the charge's channel): a refusal is
 * retried at each move of the clock, then parked after this many attempts for the escrow agent.
 */
export const orderJobAttemptsMax = 3;
const orderJobFailure = { onFailure: 'park', attemptsMax: orderJobAttemptsMax } as const;

registerJobHandler(marketplaceJobKinds.payTimeout, orderJob({ type: 'PAY_TIMEOUT' }), { failure: orderJobFailure });
registerJobHandler(marketplaceJobKinds.autoConfirm, orderJob({ type: 'AUTO_CONFIRM' }), { failure: orderJobFailure });
registerJobHandler(marketplaceJobKinds.sellerResponseTimeout, orderJob({ type: 'SELLER_RESPONSE_TIMEOUT' }), { failure: orderJobFailure });

/** The order timers' kinds, whose parked jobs the escrow agent sees and may try again. */
export const orderJobKinds: readonly string[] = [marketplaceJobKinds.payTimeout, marketplaceJobKinds.autoConfirm, marketplaceJobKinds.sellerResponseTimeout];

/**
 * The escrow agent (or the platform operator) tries a parked order timer again, once its cause is
 * fixed (the seller's bank account can pay the refund now): it runs at the clock's next move, and
 * one more failure parks it again.
 */
export const retryParkedOrderJobCommand = defineCommand({
  name: 'retryParkedOrderJob',
  stores: ['parties'],
  apply: async (tx, input: { readonly jobId: string }) => {
    const party = await tx.db.parties.get(tx.meta.actor);
    if (party?.kind !== 'escrow' && party?.kind !== 'operator') return err('not_authorized');
    const job = await tx.db.jobs.get(input.jobId);
    if (job === undefined || job.status !== 'parked' || !orderJobKinds.includes(job.kind)) return err('job_not_parked');
    const pending: Job = { ...job, status: 'pending' };
    await tx.db.jobs.put(pending);
    await tx.appendEvent({ type: 'market.timer_retried', actor: tx.meta.actor, payload: { jobId: job.id, orderId: String(job.payload.orderId) } });
    return ok(pending);
  },
});

export async function retryParkedOrderJob(db: WorldDb, meta: CommandMeta, input: { readonly jobId: string }, env: CommandEnv = {}): Promise<Result<Job, string>> {
  return execute(db, retryParkedOrderJobCommand, meta, { jobId: input.jobId }, env);
}

// ---- queries ------------------------------------------------------------------------------------

export async function orderById(db: WorldDb, orderId: string): Promise<OrderRow | undefined> {
  return marketTables(db).orders.get(orderId);
}

/** A buyer's or a seller's orders, newest first. */
export async function ordersOf(db: WorldDb, partyId: string, side: 'buyer' | 'seller'): Promise<OrderRow[]> {
  const index = side === 'buyer' ? '[buyerId+createdAt]' : '[sellerId+createdAt]';
  return marketTables(db).orders.where(index).between([partyId, Dexie.minKey], [partyId, Dexie.maxKey]).reverse().limit(ordersListMax).toArray();
}

/** Refused refunds waiting for the platform operator. */
export async function openDisputes(db: WorldDb): Promise<OrderRow[]> {
  return marketTables(db).orders.where('refund.status').equals('SELLER_REFUSE_BUYER').limit(ordersListMax).toArray();
}

/** Orders the platform operator decided. */
export async function decidedDisputes(db: WorldDb): Promise<OrderRow[]> {
  return marketTables(db).orders.filter((o) => o.arbitration !== null).limit(ordersListMax).toArray();
}

/** Orders whose money the escrow agent holds now (paid, not yet settled). */
export async function ordersInEscrow(db: WorldDb): Promise<OrderRow[]> {
  return marketTables(db).orders.where('state').anyOf('WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS').limit(ordersListMax).toArray();
}

/** Finished or refunded orders that paid commission, newest first (the platform's commission page). */
export async function settledOrders(db: WorldDb): Promise<OrderRow[]> {
  const rows = await marketTables(db).orders.where('state').anyOf('TRADE_FINISHED', 'TRADE_CLOSED').limit(ordersListMax * 4).toArray();
  return rows.filter((o) => o.settlement !== null).sort((a, b) => (b.settlement?.at ?? 0) - (a.settlement?.at ?? 0));
}
