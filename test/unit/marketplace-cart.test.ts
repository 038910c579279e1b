import { describe, expect, it } from 'vitest';
import {
  addToCart,
  cartLinesMax,
  cartTotals,
  demoCatalogue,
  emptyCart,
  lineSubtotal,
  removeFromCart,
  setCartQuantity,
  toStored,
  worldEpochMs,
  type CartRow,
  type ProductRow,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const catalogue = demoCatalogue('seller-1');
const at = (i: number): ProductRow => catalogue[i] as ProductRow;
const book = at(0); // 45.00, stock 60
const dates = at(4); // 29.90, stock 120
const article = at(11); // 0.10

function must(r: { ok: true; value: CartRow } | { ok: false; code: string }): CartRow {
  if (!r.ok) throw new Error(r.code);
  return r.value;
}

describe('cart', () => {
  it('adds lines and merges the same product into one line', () => {
    let cart = emptyCart('buyer-1', t0);
    cart = must(addToCart(cart, book, 2, t0 + 1));
    cart = must(addToCart(cart, dates, 1, t0 + 2));
    cart = must(addToCart(cart, book, 3, t0 + 3));
    expect(cart.lines).toEqual([
      { productId: book.id, quantity: 5, addedAt: t0 + 1 },
      { productId: dates.id, quantity: 1, addedAt: t0 + 2 },
    ]);
    expect(cart.updatedAt).toBe(t0 + 3);
  });

  it('refuses bad quantities, stock overruns (after merging), delisted and own products', () => {
    const cart = must(addToCart(emptyCart('buyer-1', t0), book, 58, t0));
    expect(addToCart(cart, book, 3, t0)).toEqual({ ok: false, code: 'out_of_stock', detail: { productId: book.id, stock: 60 } });
    expect(addToCart(cart, book, 0, t0)).toEqual({ ok: false, code: 'quantity_invalid' });
    expect(addToCart(cart, book, 1.5, t0)).toEqual({ ok: false, code: 'quantity_invalid' });
    expect(addToCart(cart, { ...dates, listed: false }, 1, t0)).toEqual({ ok: false, code: 'product_delisted', detail: { productId: dates.id } });
    expect(addToCart(cart, { ...dates, stock: 0 }, 1, t0)).toMatchObject({ code: 'out_of_stock' });
    expect(addToCart(emptyCart('seller-1', t0), book, 1, t0)).toEqual({ ok: false, code: 'own_product' });
  });

  it('changes a quantity within 1..stock; 0 removes the line', () => {
    let cart = must(addToCart(emptyCart('buyer-1', t0), book, 2, t0));
    cart = must(setCartQuantity(cart, book, 60, t0));
    expect(cart.lines[0]?.quantity).toBe(60);
    expect(setCartQuantity(cart, book, 61, t0)).toMatchObject({ code: 'out_of_stock' });
    expect(setCartQuantity(cart, book, -1, t0)).toEqual({ ok: false, code: 'quantity_invalid' });
    expect(setCartQuantity(cart, dates, 1, t0)).toEqual({ ok: false, code: 'cart_line_not_found', detail: { productId: dates.id } });
    expect(setCartQuantity(cart, { ...book, listed: false }, 3, t0)).toMatchObject({ code: 'product_delisted' });
    expect(must(setCartQuantity(cart, book, 0, t0)).lines).toEqual([]);
  });

  it('removes a line, and reports a missing one', () => {
    const cart = must(addToCart(emptyCart('buyer-1', t0), book, 2, t0));
    expect(must(removeFromCart(cart, book.id, t0 + 1)).lines).toEqual([]);
    expect(removeFromCart(cart, 'nope', t0)).toEqual({ ok: false, code: 'cart_line_not_found', detail: { productId: 'nope' } });
  });

  it('caps the number of lines', () => {
    let cart = emptyCart('buyer-1', t0);
    for (let i = 0; i < cartLinesMax; i++) cart = must(addToCart(cart, { ...book, id: `p${i}` }, 1, t0));
    expect(addToCart(cart, { ...book, id: 'one-more' }, 1, t0)).toMatchObject({ code: 'cart_full' });
    expect(must(addToCart(cart, { ...book, id: 'p0' }, 1, t0)).lines).toHaveLength(cartLinesMax); // merging still works
  });

  it('subtotals are unit price × quantity exactly; totals skip lines that cannot be bought', () => {
    expect(toStored(lineSubtotal({ amount: '0.10', currency: 'CNY' }, 3)).amount).toBe('0.30'); // a float would give 0.30000000000000004
    expect(toStored(lineSubtotal({ amount: '29.90', currency: 'CNY' }, 7)).amount).toBe('209.30');
    let cart = emptyCart('buyer-1', t0);
    cart = must(addToCart(cart, book, 2, t0));
    cart = must(addToCart(cart, dates, 3, t0));
    cart = must(addToCart(cart, article, 3, t0));
    const totals = cartTotals(cart, [book, dates, article], 'CNY');
    expect(totals.lines.map((l) => l.subtotal?.amount)).toEqual(['90.00', '89.70', '0.30']);
    expect(totals.total).toEqual({ amount: '180.00', currency: 'CNY' });
    expect(totals.units).toBe(8);

    const changed = cartTotals(cart, [{ ...book, listed: false }, { ...dates, stock: 2 }], 'CNY');
    expect(changed.lines.map((l) => l.problem)).toEqual(['product_delisted', 'out_of_stock', 'product_missing']);
    expect(changed.total.amount).toBe('0.00');
    expect(changed.units).toBe(0);
  });
});
