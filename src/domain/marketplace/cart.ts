// The buyer's shopping cart (购物车): lines of products and quantities, changed at any time before
// checkout (seed: "add to cart (change quantities any time)"). The cart keeps only product ids and
// quantities; prices are read from the products when totals are shown, so a price change shows up
// in the cart, and the order snapshots the price at checkout.
//
// Codes (message key `error.<code>`):
//   out_of_stock         the quantity (after merging) is above the product's stock; detail {productId, stock}
//   quantity_invalid     not a whole number in range (add: 1..lineQuantityMax; change: 0..)
//   product_delisted     the product is off the shelf; detail {productId}
//   cart_line_not_found  no line for that product; detail {productId}
//   own_product          a seller cannot buy their own product
//   cart_full            the cart already has cartLinesMax lines

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { add, fromStored, money, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../money/index.ts';
import type { ProductRow } from './product.ts';

/** A cart has at most this many different products. */
export const cartLinesMax = 100;
/** One line holds at most this many units, whatever the stock (a classroom cart, not a warehouse). */
export const lineQuantityMax = 999;

export type CartLine = {
  readonly productId: string;
  readonly quantity: number;
  readonly addedAt: number;
};

export type CartRow = {
  readonly buyerId: string;
  /** In the order the buyer added them. */
  readonly lines: readonly CartLine[];
  readonly updatedAt: number;
};

export type CartError = 'out_of_stock' | 'quantity_invalid' | 'product_delisted' | 'cart_line_not_found' | 'own_product' | 'cart_full';

export function emptyCart(buyerId: string, now: number): CartRow {
  assert(buyerId.length > 0, 'buyer id required');
  return { buyerId, lines: [], updatedAt: now };
}

function assertCart(cart: CartRow): void {
  assert(cart.lines.length <= cartLinesMax, 'cart has at most cartLinesMax lines');
  const ids = new Set(cart.lines.map((l) => l.productId));
  assert(ids.size === cart.lines.length, 'one line per product');
  assert(cart.lines.every((l) => Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= lineQuantityMax), 'line quantities in range');
}

function isQuantity(q: number, min: number): boolean {
  return Number.isSafeInteger(q) && q >= min && q <= lineQuantityMax;
}

/** Adds `quantity` units; a product already in the cart gets one merged line. */
export function addToCart(cart: CartRow, product: ProductRow, quantity: number, now: number): Result<CartRow, CartError> {
  assertCart(cart);
  assert(now >= cart.updatedAt, 'the world clock never goes backwards');
  if (product.sellerId === cart.buyerId) return err('own_product');
  if (!product.listed) return err('product_delisted', { productId: product.id });
  if (!isQuantity(quantity, 1)) return err('quantity_invalid');
  const existing = cart.lines.find((l) => l.productId === product.id);
  const merged = (existing?.quantity ?? 0) + quantity;
  if (merged > lineQuantityMax) return err('quantity_invalid');
  if (merged > product.stock) return err('out_of_stock', { productId: product.id, stock: product.stock });
  if (existing === undefined && cart.lines.length >= cartLinesMax) return err('cart_full', { linesMax: cartLinesMax });
  const lines =
    existing === undefined
      ? [...cart.lines, { productId: product.id, quantity, addedAt: now }]
      : cart.lines.map((l) => (l.productId === product.id ? { ...l, quantity: merged } : l));
  const next = { ...cart, lines, updatedAt: now };
  assertCart(next);
  return ok(next);
}

/** Sets a line's quantity: 1..stock, or 0 to remove the line. */
export function setCartQuantity(cart: CartRow, product: ProductRow, quantity: number, now: number): Result<CartRow, CartError> {
  assertCart(cart);
  assert(now >= cart.updatedAt, 'the world clock never goes backwards');
  if (!cart.lines.some((l) => l.productId === product.id)) return err('cart_line_not_found', { productId: product.id });
  if (!isQuantity(quantity, 0)) return err('quantity_invalid');
  if (quantity === 0) return removeFromCart(cart, product.id, now);
  if (!product.listed) return err('product_delisted', { productId: product.id });
  if (quantity > product.stock) return err('out_of_stock', { productId: product.id, stock: product.stock });
  return ok({ ...cart, lines: cart.lines.map((l) => (l.productId === product.id ? { ...l, quantity } : l)), updatedAt: now });
}

export function removeFromCart(cart: CartRow, productId: string, now: number): Result<CartRow, CartError> {
  assertCart(cart);
  assert(now >= cart.updatedAt, 'the world clock never goes backwards');
  if (!cart.lines.some((l) => l.productId === productId)) return err('cart_line_not_found', { productId });
  return ok({ ...cart, lines: cart.lines.filter((l) => l.productId !== productId), updatedAt: now });
}

/** unit price × quantity, exactly (Decimal; a whole quantity keeps the currency scale). */
export function lineSubtotal(unitPrice: StoredMoney, quantity: number): Money {
  assert(Number.isSafeInteger(quantity) && quantity >= 1, 'quantity is a whole number >= 1');
  const price = fromStored(unitPrice);
  return money(price.amount.times(quantity), price.currency);
}

export type CartLineView = {
  readonly productId: string;
  readonly quantity: number;
  /** null when the product no longer exists. */
  readonly product: ProductRow | null;
  /** null when the line cannot be bought now. */
  readonly subtotal: StoredMoney | null;
  /** Why the line cannot be bought now; null when it can. */
  readonly problem: 'product_missing' | 'product_delisted' | 'out_of_stock' | null;
};

export type CartTotals = {
  readonly lines: readonly CartLineView[];
  /** Sum of the subtotals of the lines that can be bought now. */
  readonly total: StoredMoney;
  /** Units in those lines (the cart badge). */
  readonly units: number;
};

/**
 * Subtotals and total for the cart page. A line whose product vanished, was delisted or has less
 * stock than the line's quantity is shown with its problem and left out of the total, because
 * checkout would refuse it: the total is what the buyer would pay for the goods now.
 */
export function cartTotals(cart: CartRow, products: readonly ProductRow[], currency: CurrencyCode): CartTotals {
  assertCart(cart);
  const byId = new Map(products.map((p) => [p.id, p]));
  let total = zero(currency);
  let units = 0;
  const lines = cart.lines.map((line): CartLineView => {
    const product = byId.get(line.productId) ?? null;
    const base = { productId: line.productId, quantity: line.quantity, product };
    if (product === null) return { ...base, subtotal: null, problem: 'product_missing' };
    if (!product.listed) return { ...base, subtotal: null, problem: 'product_delisted' };
    if (product.stock < line.quantity) return { ...base, subtotal: null, problem: 'out_of_stock' };
    const subtotal = lineSubtotal(product.unitPrice, line.quantity);
    total = add(total, subtotal);
    units += line.quantity;
    return { ...base, subtotal: toStored(subtotal), problem: null };
  });
  assert(!total.amount.isNegative(), 'a cart total is never negative');
  return { lines, total: toStored(total), units };
}
