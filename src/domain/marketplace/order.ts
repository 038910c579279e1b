// Orders (订单): checkout turns the buyer's cart into one order per seller, each a snapshot of what
// was bought (number, name, spec, unit price, quantity, subtotal: the seed's order fields), where it
// goes, how it ships and how it is paid. An order then moves through transition.ts's states.
//
// Shipping fee (运费), per order: the config's fee for the chosen method (default express ¥12.00,
// ordinary post ¥6.00), or zero when the goods total reaches the free-shipping threshold (default
// ¥99.00, 满99包邮). The total the buyer pays is goods total + shipping fee.
//
// Stock is reserved at order time: createOrder returns one 'stock' reserve effect per line; the app
// applies them with reserveStock on the product rows it reads in the same transaction, which
// re-checks the stock, so two buyers can never both get the last item.
//
// Codes (message key `error.<code>`): order_lines_empty, order_lines_too_many, order_mixed_sellers,
// duplicate_line {productId}, own_product, product_delisted {productId}, product_missing
// {productId}, out_of_stock {productId, stock}, quantity_invalid {productId},
// delivery_method_invalid, payment_method_invalid, currency_mismatch, address_invalid (with
// `fields`), cart_empty.

import { assert } from '../assert.ts';
import { err, ok, type Err, type Ok, type Result } from '../result.ts';
import { add, compare, fromStored, money, toStored, zero, type CurrencyCode, type StoredMoney } from '../money/index.ts';
import { hourMs } from '../world/clock.ts';
import { normalizePhone } from '../identity/registration.ts';
import type { CategoryId } from './category.ts';
import { isDeliveryMethod, assertMarketplaceConfig, type DeliveryMethod, type MarketplaceConfig } from './config.ts';
import { marketplaceJobKinds, type MarketplaceEffect } from './effects.ts';
import { cartLinesMax, lineQuantityMax, lineSubtotal, type CartRow } from './cart.ts';
import type { ProductRow } from './product.ts';
import type { Settlement } from './settlement.ts';
import { cleanLine, codePointLength, hasControlCharacters, textInputLengthMax } from './text.ts';

/** Alipay's trade statuses (交易状态), the states of an escrow order. */
export const orderStates = [
  'WAIT_BUYER_PAY', // 等待买家付款: placed, stock reserved, not paid
  'WAIT_SELLER_SEND_GOODS', // 买家已付款，等待卖家发货: money held in escrow
  'WAIT_BUYER_CONFIRM_GOODS', // 卖家已发货，等待买家确认收货: auto-confirm timer running (or paused by a refund)
  'TRADE_FINISHED', // 交易成功: money released to the seller (less any partial refund); reviewable
  'TRADE_CLOSED', // 交易关闭: cancelled, unpaid past its deadline, or refunded in full
] as const;
export type OrderState = (typeof orderStates)[number];

/** Refund statuses, Alipay's names. The first two are open cases; the last two are ends. */
export type RefundStatus =
  | 'WAIT_SELLER_AGREE' // 退款申请等待卖家确认
  | 'SELLER_REFUSE_BUYER' // 卖家拒绝退款: the platform operator arbitrates
  | 'REFUND_SUCCESS' // 退款成功 (in full or in part)
  | 'REFUND_CLOSED'; // 退款关闭: the buyer withdrew, or the platform released the money to the seller

export type CloseReason = 'buyer_cancelled' | 'pay_timeout' | 'refunded';

export type ActorRole = 'buyer' | 'seller' | 'platform' | 'system';
/** Who did something: a party in a role, or the scheduler ('system'). */
export type Actor = { readonly role: ActorRole; readonly partyId: string };

export type OrderLine = {
  readonly productId: string;
  readonly number: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly spec: string;
  readonly category: CategoryId;
  /** The commission rate in force at checkout: a later rate change never touches this order. */
  readonly commissionRate: string;
  readonly unitPrice: StoredMoney;
  readonly quantity: number;
  readonly subtotal: StoredMoney;
};

export type DeliveryAddress = {
  readonly recipient: string;
  /** Normalized as registration stores it: 13812345678 or 010-12345678. */
  readonly phone: string;
  readonly address: string;
  readonly postcode: string | null;
};

export type DeliveryAddressInput = {
  readonly recipient: string;
  readonly phone: string;
  readonly address: string;
  readonly postcode?: string | null;
};

export type Shipment = { readonly trackingNumber: string; readonly method: DeliveryMethod; readonly at: number };
/** confirmationId: the id of the buyer's signed receipt confirmation; null when confirmed automatically. */
export type Receipt = { readonly confirmationId: string | null; readonly auto: boolean; readonly at: number };

export type RefundCase = {
  /** 1 for the first request on the order, 2 for the second... */
  readonly round: number;
  readonly status: RefundStatus;
  /** What the buyer asked back (default: the whole total). */
  readonly amount: StoredMoney;
  readonly reason: string;
  readonly returnTrackingNumber: string | null;
  readonly requestedAt: number;
  readonly sellerReason: string | null;
  readonly resolvedAt: number | null;
};

export type ArbitrationOutcome = 'full_refund' | 'partial_refund' | 'release';
export type Arbitration = {
  readonly outcome: ArbitrationOutcome;
  readonly refund: StoredMoney;
  readonly reason: string;
  readonly by: string;
  readonly at: number;
};

export type OrderDeadlines = {
  /** WAIT_BUYER_PAY closes at this time. */
  readonly payBy: number | null;
  /** Receipt is confirmed automatically at this time; null while not shipped, paused or done. */
  readonly autoConfirmAt: number | null;
  /** An open refund request is agreed at this time if the seller stays silent. */
  readonly sellerRespondBy: number | null;
};

/** What can happen to an order (transition.ts). */
export const orderEventTypes = [
  'PAY', // buyer: the total is held in escrow
  'CANCEL', // buyer, before shipping: closed, stock returned, any payment voided
  'PAY_TIMEOUT', // scheduler: unpaid past payBy
  'SHIP', // seller: tracking number and method; starts the auto-confirm timer
  'CONFIRM_RECEIPT', // buyer: signed receipt confirmation; money released
  'AUTO_CONFIRM', // scheduler: the confirm timer ran out; money released
  'REFUND_REQUEST', // buyer, after shipping: pauses the timer
  'REFUND_AGREE', // seller
  'REFUND_REFUSE', // seller: the platform operator arbitrates
  'SELLER_RESPONSE_TIMEOUT', // scheduler: a silent seller agrees
  'ARBITRATE', // platform: full refund, partial refund or release
  'REFUND_CANCEL', // buyer withdraws the request: the timer resumes
  'REVIEW', // buyer, after the trade finished, once
] as const;
export type OrderEventType = (typeof orderEventTypes)[number];

export type OrderHistoryEvent = 'CREATE' | OrderEventType;

/** One line of the order page's timeline. */
export type OrderHistoryEntry = {
  /** The state after the event. */
  readonly state: OrderState;
  readonly event: OrderHistoryEvent;
  readonly at: number;
  readonly actor: Actor;
};

export type OrderRow = {
  readonly id: string;
  readonly buyerId: string;
  readonly sellerId: string;
  readonly currency: CurrencyCode;
  readonly state: OrderState;
  readonly lines: readonly OrderLine[];
  readonly address: DeliveryAddress;
  readonly deliveryMethod: DeliveryMethod;
  /** The payment channel id the buyer chose ('escrow', 'card', 'online_bank'...). */
  readonly paymentMethod: string;
  readonly goodsTotal: StoredMoney;
  readonly shippingFee: StoredMoney;
  /** goodsTotal + shippingFee: what the buyer pays into escrow. */
  readonly total: StoredMoney;
  readonly createdAt: number;
  readonly paidAt: number | null;
  /** The id of the escrow hold (a pending ledger transfer) once paid. */
  readonly holdTransferId: string | null;
  readonly shipment: Shipment | null;
  readonly receipt: Receipt | null;
  readonly deadlines: OrderDeadlines;
  /** Auto-confirm time left while a refund request pauses the timer; null when not paused. */
  readonly autoConfirmRemainingMs: number | null;
  /** How many times the auto-confirm job was scheduled (its id carries this number). */
  readonly autoConfirmRound: number;
  /** The latest refund case (open or ended); null when none was ever requested. */
  readonly refund: RefundCase | null;
  readonly refundRequests: number;
  readonly arbitration: Arbitration | null;
  /** How the escrowed money was finally split; set when the order finishes or closes after payment. */
  readonly settlement: Settlement | null;
  readonly closeReason: CloseReason | null;
  readonly finishedAt: number | null;
  readonly closedAt: number | null;
  readonly reviewedAt: number | null;
  readonly history: readonly OrderHistoryEntry[];
};

/** An order has at most this many lines (a cart's worth). */
export const orderLinesMax = cartLinesMax;
/** The longest possible life of an order has ~14 events; more than this is a bug. */
export const orderHistoryMax = 40;
export const recipientLengthMax = 50;
export const deliveryAddressLengthMin = 5;
export const deliveryAddressLengthMax = 200;
const orderIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const paymentMethodPattern = /^[a-z][a-z0-9_]{1,31}$/;

export type AddressField = keyof DeliveryAddressInput;
export type AddressFieldProblem = 'required' | 'too_long' | 'too_short' | 'invalid_characters' | 'invalid_phone' | 'invalid_postcode';
export type AddressFieldErrors = Partial<Record<AddressField, AddressFieldProblem>>;
export type AddressFailure = Err<'address_invalid'> & { readonly fields: AddressFieldErrors };

/**
 * Checks a delivery address (prefilled from the buyer's profile, editable at checkout): recipient
 * 1-50 characters, a PRC mobile or landline number, address 5-200 characters, optional 6-digit
 * postcode.
 */
export function validateDeliveryAddress(input: DeliveryAddressInput): Ok<DeliveryAddress> | AddressFailure {
  const fields: AddressFieldErrors = {};
  const line = (field: 'recipient' | 'address', min: number, max: number): string => {
    const raw = input[field];
    assert(typeof raw === 'string', `${field} must be text`);
    if (raw.length > textInputLengthMax) {
      fields[field] = 'too_long';
      return '';
    }
    const value = cleanLine(raw);
    const length = codePointLength(value);
    if (value === '') fields[field] = 'required';
    else if (length < min) fields[field] = 'too_short';
    else if (length > max) fields[field] = 'too_long';
    else if (hasControlCharacters(value, false)) fields[field] = 'invalid_characters';
    return value;
  };
  const recipient = line('recipient', 1, recipientLengthMax);
  const address = line('address', deliveryAddressLengthMin, deliveryAddressLengthMax);
  assert(typeof input.phone === 'string', 'phone must be text');
  const phone = input.phone.trim() === '' ? null : input.phone.length > 40 ? null : normalizePhone(input.phone);
  if (input.phone.trim() === '') fields.phone = 'required';
  else if (phone === null) fields.phone = 'invalid_phone';
  const postcodeText = (input.postcode ?? '').normalize('NFKC').trim();
  if (postcodeText !== '' && !/^\d{6}$/.test(postcodeText)) fields.postcode = 'invalid_postcode';
  if (Object.keys(fields).length > 0) return { ...err('address_invalid', fields as Record<string, string>), fields };
  assert(phone !== null, 'a valid address has a phone');
  return ok({ recipient, phone, address, postcode: postcodeText === '' ? null : postcodeText });
}

/**
 * The checkout form's starting address: the registration profile's real name, delivery address,
 * delivery phone and postcode (identity/registration.ts's RegistrationData has these fields). The
 * buyer may edit it before placing the order; validateDeliveryAddress checks the result.
 */
export function deliveryAddressFromProfile(profile: {
  readonly realName: string;
  readonly deliveryAddress: string;
  readonly deliveryPhone: string;
  readonly postcode?: string | null;
}): DeliveryAddressInput {
  return { recipient: profile.realName, phone: profile.deliveryPhone, address: profile.deliveryAddress, postcode: profile.postcode ?? null };
}

/** The shipping fee of an order with this goods total (rule at the top of this file). */
export function shippingFeeFor(goodsTotal: StoredMoney, method: DeliveryMethod, config: MarketplaceConfig): StoredMoney {
  assert(goodsTotal.currency === config.currency, 'goods total is in the world currency');
  const goods = fromStored(goodsTotal);
  if (config.freeShippingThreshold !== null && compare(goods, money(config.freeShippingThreshold, config.currency)) >= 0) {
    return toStored(zero(config.currency));
  }
  return toStored(money(config.deliveryFees[method], config.currency));
}

export function payTimeoutJobId(orderId: string): string {
  return `${orderId}:pay-timeout`;
}

export type OrderLineInput = { readonly product: ProductRow; readonly quantity: number };

export type CreateOrderInput = {
  /** Caller-chosen, unique: letters, digits, _ and -, at most 64 (effect ids are derived from it). */
  readonly orderId: string;
  readonly buyerId: string;
  readonly lines: readonly OrderLineInput[];
  readonly address: DeliveryAddressInput;
  readonly deliveryMethod: string;
  readonly paymentMethod: string;
  readonly now: number;
  readonly config: MarketplaceConfig;
};

export type OrderResult = { readonly order: OrderRow; readonly effects: readonly MarketplaceEffect[] };

export type CreateOrderError =
  | 'order_lines_empty'
  | 'order_lines_too_many'
  | 'order_mixed_sellers'
  | 'duplicate_line'
  | 'own_product'
  | 'product_delisted'
  | 'product_missing'
  | 'out_of_stock'
  | 'quantity_invalid'
  | 'delivery_method_invalid'
  | 'payment_method_invalid'
  | 'currency_mismatch'
  | 'address_invalid'
  | 'cart_empty';

export type CreateOrderFailure = Err<CreateOrderError> | AddressFailure;

/** Places one order with one seller: a WAIT_BUYER_PAY row and its effects (stock, pay timeout, event, notice). */
export function createOrder(input: CreateOrderInput): Ok<OrderResult> | CreateOrderFailure {
  const { orderId, buyerId, now, config } = input;
  assert(orderIdPattern.test(orderId), `order id must match ${orderIdPattern.source}: ${orderId}`);
  assert(buyerId.length > 0, 'buyer id required');
  assert(Number.isSafeInteger(now), 'world time is an integer');
  assertMarketplaceConfig(config);

  if (input.lines.length === 0) return err('order_lines_empty');
  if (input.lines.length > orderLinesMax) return err('order_lines_too_many', { linesMax: orderLinesMax });
  const first = input.lines[0];
  assert(first !== undefined, 'at least one line');
  const sellerId = first.product.sellerId;
  const seen = new Set<string>();
  for (const { product, quantity } of input.lines) {
    if (product.sellerId !== sellerId) return err('order_mixed_sellers');
    if (seen.has(product.id)) return err('duplicate_line', { productId: product.id });
    seen.add(product.id);
    if (product.sellerId === buyerId) return err('own_product');
    if (product.unitPrice.currency !== config.currency) return err('currency_mismatch');
    if (!product.listed) return err('product_delisted', { productId: product.id });
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > lineQuantityMax) return err('quantity_invalid', { productId: product.id });
    if (quantity > product.stock) return err('out_of_stock', { productId: product.id, stock: product.stock });
  }
  if (!isDeliveryMethod(input.deliveryMethod)) return err('delivery_method_invalid');
  const deliveryMethod = input.deliveryMethod;
  if (!paymentMethodPattern.test(input.paymentMethod)) return err('payment_method_invalid');
  const address = validateDeliveryAddress(input.address);
  if (!address.ok) return address;

  const lines: OrderLine[] = input.lines.map(({ product, quantity }) => ({
    productId: product.id,
    number: product.number,
    name: product.name,
    nameEn: product.nameEn,
    spec: product.spec,
    category: product.category,
    commissionRate: config.commissionRates[product.category],
    unitPrice: product.unitPrice,
    quantity,
    subtotal: toStored(lineSubtotal(product.unitPrice, quantity)),
  }));
  const goods = lines.reduce((sum, l) => add(sum, fromStored(l.subtotal)), zero(config.currency));
  const goodsTotal = toStored(goods);
  const shippingFee = shippingFeeFor(goodsTotal, deliveryMethod, config);
  const total = toStored(add(goods, fromStored(shippingFee)));
  const payBy = now + config.payTimeoutHours * hourMs;
  const actor: Actor = { role: 'buyer', partyId: buyerId };

  const order: OrderRow = {
    id: orderId,
    buyerId,
    sellerId,
    currency: config.currency,
    state: 'WAIT_BUYER_PAY',
    lines,
    address: address.value,
    deliveryMethod,
    paymentMethod: input.paymentMethod,
    goodsTotal,
    shippingFee,
    total,
    createdAt: now,
    paidAt: null,
    holdTransferId: null,
    shipment: null,
    receipt: null,
    deadlines: { payBy, autoConfirmAt: null, sellerRespondBy: null },
    autoConfirmRemainingMs: null,
    autoConfirmRound: 0,
    refund: null,
    refundRequests: 0,
    arbitration: null,
    settlement: null,
    closeReason: null,
    finishedAt: null,
    closedAt: null,
    reviewedAt: null,
    history: [{ state: 'WAIT_BUYER_PAY', event: 'CREATE', at: now, actor }],
  };
  const effects: MarketplaceEffect[] = [
    ...lines.map((l): MarketplaceEffect => ({ kind: 'stock', op: 'reserve', productId: l.productId, quantity: l.quantity })),
    { kind: 'job.schedule', job: { id: payTimeoutJobId(orderId), kind: marketplaceJobKinds.payTimeout, dueAt: payBy, payload: { orderId } } },
    {
      kind: 'event',
      event: { type: 'marketplace.order_created', actor: buyerId, parties: [buyerId, sellerId], payload: { orderId, state: order.state, total: total.amount, currency: total.currency } },
    },
    { kind: 'notice', to: buyerId, key: 'marketplace.notice.order_created', params: { orderId, total: total.amount, payBy } },
  ];
  assertOrderRow(order);
  return ok({ order, effects });
}

export type CheckoutInput = Omit<CreateOrderInput, 'orderId' | 'lines' | 'buyerId'> & {
  /** Orders are named `${checkoutId}-1`, `-2`... in seller id order. */
  readonly checkoutId: string;
  readonly cart: CartRow;
  readonly products: readonly ProductRow[];
  /** Only these cart lines are bought (default: all). */
  readonly productIds?: readonly string[];
};

/**
 * Checks out a cart: one order per seller (Taobao splits a cart by shop, since each shop ships its
 * own parcel and is paid through its own escrow trade). All or nothing: if any order fails, no
 * order is made. Returns the orders and the cart without the bought lines.
 */
export function checkout(input: CheckoutInput): Result<{ orders: OrderResult[]; cart: CartRow }, CreateOrderError> | AddressFailure {
  assert(orderIdPattern.test(`${input.checkoutId}-99`), 'checkout id must make valid order ids');
  const selected = input.productIds === undefined ? input.cart.lines : input.cart.lines.filter((l) => input.productIds?.includes(l.productId));
  if (selected.length === 0) return err('cart_empty');
  const byId = new Map(input.products.map((p) => [p.id, p]));
  const bySeller = new Map<string, OrderLineInput[]>();
  for (const line of selected) {
    const product = byId.get(line.productId);
    if (product === undefined) return err('product_missing', { productId: line.productId });
    const group = bySeller.get(product.sellerId) ?? [];
    group.push({ product, quantity: line.quantity });
    bySeller.set(product.sellerId, group);
  }
  const sellers = [...bySeller.keys()].sort();
  const orders: OrderResult[] = [];
  for (const [i, sellerId] of sellers.entries()) {
    const result = createOrder({ ...input, orderId: `${input.checkoutId}-${i + 1}`, buyerId: input.cart.buyerId, lines: bySeller.get(sellerId) ?? [] });
    if (!result.ok) return result;
    orders.push(result.value);
  }
  const bought = new Set(selected.map((l) => l.productId));
  const cart: CartRow = { ...input.cart, lines: input.cart.lines.filter((l) => !bought.has(l.productId)), updatedAt: Math.max(input.cart.updatedAt, input.now) };
  assert(orders.length === sellers.length && orders.length >= 1, 'one order per seller');
  return ok({ orders, cart });
}

/** Invariants every stored order keeps; checked on every order a function returns. */
export function assertOrderRow(order: OrderRow): void {
  assert(order.lines.length >= 1 && order.lines.length <= orderLinesMax, 'an order has 1..orderLinesMax lines');
  assert(order.history.length >= 1 && order.history.length <= orderHistoryMax, 'history within bounds');
  assert(order.history[order.history.length - 1]?.state === order.state, 'the last history entry is the current state');
  const goods = order.lines.reduce((sum, l) => add(sum, fromStored(l.subtotal)), zero(order.currency));
  assert(toStored(goods).amount === order.goodsTotal.amount, 'goods total is the sum of the lines');
  const total = add(goods, fromStored(order.shippingFee));
  assert(toStored(total).amount === order.total.amount && total.amount.greaterThan(0), 'total = goods + shipping, above zero');
  assert((order.state === 'WAIT_BUYER_PAY') === (order.paidAt === null && order.closedAt === null), 'unpaid open orders wait for payment');
  assert(order.state !== 'TRADE_FINISHED' || order.settlement !== null, 'a finished trade has a settlement');
  assert(order.state !== 'TRADE_CLOSED' || order.closeReason !== null, 'a closed trade says why');
  assert(!(order.deadlines.autoConfirmAt !== null && order.autoConfirmRemainingMs !== null), 'the timer is running or paused, not both');
}
