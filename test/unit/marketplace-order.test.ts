import { describe, expect, it } from 'vitest';
import {
  addToCart,
  checkout,
  createOrder,
  deliveryAddressFromProfile,
  demoCatalogue,
  emptyCart,
  makeMarketplaceConfig,
  releaseStock,
  reserveStock,
  shippingFeeFor,
  stockLinesOf,
  validateDeliveryAddress,
  worldEpochMs,
  type CartRow,
  type CreateOrderInput,
  type ProductRow,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const config = makeMarketplaceConfig();
const s1 = demoCatalogue('seller-1', { now: t0 });
const s2 = demoCatalogue('seller-2', { now: t0 });
const p = (list: ProductRow[], i: number): ProductRow => list[i] as ProductRow;
const book = p(s1, 0); // 45.00
const dates = p(s1, 4); // 29.90
const kettle = p(s2, 7); // 129.00
const address = { recipient: '李四', phone: '+86 10 1234 5678', address: '上海市浦东新区世纪大道100号', postcode: '２００１２０' };
const base: CreateOrderInput = {
  orderId: 'ord-1',
  buyerId: 'buyer-1',
  lines: [{ product: book, quantity: 1 }],
  address,
  deliveryMethod: 'express',
  paymentMethod: 'escrow',
  now: t0,
  config,
};

describe('delivery address', () => {
  it('normalizes phone and postcode', () => {
    expect(validateDeliveryAddress(address)).toEqual({
      ok: true,
      value: { recipient: '李四', phone: '010-12345678', address: '上海市浦东新区世纪大道100号', postcode: '200120' },
    });
  });

  it('starts from the registration profile', () => {
    const profile = { realName: '李四', deliveryAddress: '上海市浦东新区世纪大道100号', deliveryPhone: '13812345678', postcode: null, email: 'li@example.com' };
    const input = deliveryAddressFromProfile(profile);
    expect(input).toEqual({ recipient: '李四', phone: '13812345678', address: '上海市浦东新区世纪大道100号', postcode: null });
    expect(validateDeliveryAddress({ ...input, address: '上海市浦东新区世纪大道200号' })).toMatchObject({ ok: true, value: { address: '上海市浦东新区世纪大道200号', postcode: null } });
  });

  it('reports every field problem', () => {
    const r = validateDeliveryAddress({ recipient: ' ', phone: '12345', address: '北京', postcode: '1234' });
    expect(r).toMatchObject({ code: 'address_invalid', fields: { recipient: 'required', phone: 'invalid_phone', address: 'too_short', postcode: 'invalid_postcode' } });
    expect(validateDeliveryAddress({ ...address, phone: '' })).toMatchObject({ fields: { phone: 'required' } });
  });
});

describe('shipping fee', () => {
  it('charges the method fee below the free-shipping threshold, nothing at or above it', () => {
    const fee = (goods: string, method: 'express' | 'post', cfg = config) => shippingFeeFor({ amount: goods, currency: 'CNY' }, method, cfg).amount;
    expect(fee('45.00', 'express')).toBe('12.00');
    expect(fee('45.00', 'post')).toBe('6.00');
    expect(fee('98.99', 'express')).toBe('12.00');
    expect(fee('99.00', 'express')).toBe('0.00');
    expect(fee('500.00', 'post', makeMarketplaceConfig({ freeShippingThreshold: null }))).toBe('6.00');
  });
});

describe('createOrder', () => {
  it('snapshots the lines and totals, reserves stock and schedules the pay timeout', () => {
    const r = createOrder({ ...base, lines: [{ product: book, quantity: 1 }, { product: dates, quantity: 1 }], deliveryMethod: 'post' });
    if (!r.ok) throw new Error(r.code);
    const { order, effects } = r.value;
    expect(order.lines).toEqual([
      { productId: book.id, number: book.number, name: '《电子商务概论》教材', nameEn: book.nameEn, spec: book.spec, category: 'books', commissionRate: '0.02', unitPrice: { amount: '45.00', currency: 'CNY' }, quantity: 1, subtotal: { amount: '45.00', currency: 'CNY' } },
      { productId: dates.id, number: dates.number, name: '新疆红枣 500g', nameEn: dates.nameEn, spec: dates.spec, category: 'food', commissionRate: '0.02', unitPrice: { amount: '29.90', currency: 'CNY' }, quantity: 1, subtotal: { amount: '29.90', currency: 'CNY' } },
    ]);
    expect(order).toMatchObject({
      state: 'WAIT_BUYER_PAY',
      sellerId: 'seller-1',
      goodsTotal: { amount: '74.90' },
      shippingFee: { amount: '6.00' },
      total: { amount: '80.90' },
      deliveryMethod: 'post',
      paymentMethod: 'escrow',
      deadlines: { payBy: t0 + 24 * 3_600_000, autoConfirmAt: null, sellerRespondBy: null },
    });
    expect(stockLinesOf(effects, 'reserve')).toEqual([
      { productId: book.id, quantity: 1 },
      { productId: dates.id, quantity: 1 },
    ]);
    expect(effects).toContainEqual({ kind: 'job.schedule', job: { id: 'ord-1:pay-timeout', kind: 'marketplace.pay_timeout', dueAt: t0 + 24 * 3_600_000, payload: { orderId: 'ord-1' } } });
  });

  it('snapshots the commission rate in force, so later rate changes do not touch the order', () => {
    const cfg = makeMarketplaceConfig({ commissionRates: { books: '0.08' } });
    const r = createOrder({ ...base, config: cfg });
    expect(r.ok && r.value.order.lines[0]?.commissionRate).toBe('0.08');
  });

  it('refuses bad orders with named codes', () => {
    expect(createOrder({ ...base, lines: [] })).toEqual({ ok: false, code: 'order_lines_empty' });
    expect(createOrder({ ...base, lines: [{ product: book, quantity: 1 }, { product: kettle, quantity: 1 }] })).toEqual({ ok: false, code: 'order_mixed_sellers' });
    expect(createOrder({ ...base, lines: [{ product: book, quantity: 1 }, { product: book, quantity: 1 }] })).toMatchObject({ code: 'duplicate_line' });
    expect(createOrder({ ...base, buyerId: 'seller-1' })).toEqual({ ok: false, code: 'own_product' });
    expect(createOrder({ ...base, lines: [{ product: { ...book, listed: false }, quantity: 1 }] })).toMatchObject({ code: 'product_delisted' });
    expect(createOrder({ ...base, lines: [{ product: book, quantity: 61 }] })).toEqual({ ok: false, code: 'out_of_stock', detail: { productId: book.id, stock: 60 } });
    expect(createOrder({ ...base, lines: [{ product: book, quantity: 0 }] })).toMatchObject({ code: 'quantity_invalid' });
    expect(createOrder({ ...base, deliveryMethod: 'drone' })).toEqual({ ok: false, code: 'delivery_method_invalid' });
    expect(createOrder({ ...base, paymentMethod: '' })).toEqual({ ok: false, code: 'payment_method_invalid' });
    expect(createOrder({ ...base, address: { ...address, phone: 'x' } })).toMatchObject({ code: 'address_invalid', fields: { phone: 'invalid_phone' } });
    expect(createOrder({ ...base, lines: [{ product: { ...book, unitPrice: { amount: '45.00', currency: 'USD' } }, quantity: 1 }] })).toEqual({ ok: false, code: 'currency_mismatch' });
  });
});

describe('checkout', () => {
  function cartOf(...items: [ProductRow, number][]): CartRow {
    let cart = emptyCart('buyer-1', t0);
    for (const [product, quantity] of items) {
      const r = addToCart(cart, product, quantity, t0);
      if (!r.ok) throw new Error(r.code);
      cart = r.value;
    }
    return cart;
  }

  it('splits a cart into one order per seller and empties the bought lines', () => {
    const cart = cartOf([kettle, 1], [book, 2], [dates, 1]);
    const r = checkout({ checkoutId: 'co-7', cart, products: [...s1, ...s2], address, deliveryMethod: 'express', paymentMethod: 'escrow', now: t0 + 5, config });
    if (!r.ok) throw new Error(r.code);
    expect(r.value.orders.map((o) => [o.order.id, o.order.sellerId, o.order.lines.map((l) => l.productId), o.order.total.amount])).toEqual([
      ['co-7-1', 'seller-1', [book.id, dates.id], '119.90'], // 90.00 + 29.90, free shipping
      ['co-7-2', 'seller-2', [kettle.id], '129.00'],
    ]);
    expect(r.value.cart.lines).toEqual([]);
  });

  it('buys only the selected lines; all or nothing', () => {
    const cart = cartOf([kettle, 1], [book, 2]);
    const r = checkout({ checkoutId: 'co-8', cart, products: [...s1, ...s2], productIds: [book.id], address, deliveryMethod: 'post', paymentMethod: 'escrow', now: t0, config });
    expect(r.ok && r.value.orders.length).toBe(1);
    expect(r.ok && r.value.cart.lines.map((l) => l.productId)).toEqual([kettle.id]);
    const soldOut = checkout({ checkoutId: 'co-9', cart, products: [...s1, { ...kettle, stock: 0 }], address, deliveryMethod: 'post', paymentMethod: 'escrow', now: t0, config });
    expect(soldOut).toMatchObject({ ok: false, code: 'out_of_stock' });
    expect(checkout({ checkoutId: 'co-9', cart, products: s1, address, deliveryMethod: 'post', paymentMethod: 'escrow', now: t0, config })).toMatchObject({ code: 'product_missing' });
    expect(checkout({ checkoutId: 'co-9', cart: emptyCart('buyer-1', t0), products: s1, address, deliveryMethod: 'post', paymentMethod: 'escrow', now: t0, config })).toEqual({ ok: false, code: 'cart_empty' });
  });
});

describe('stock reservation', () => {
  it('two buyers can never both get the last item', () => {
    const last = { ...book, stock: 1 };
    const first = reserveStock([last], [{ productId: book.id, quantity: 1 }]);
    if (!first.ok) throw new Error(first.code);
    expect(first.value[0]?.stock).toBe(0);
    // The second transaction reads the updated row.
    expect(reserveStock(first.value, [{ productId: book.id, quantity: 1 }])).toEqual({ ok: false, code: 'out_of_stock', detail: { productId: book.id, stock: 0 } });
  });

  it('adds up lines of the same product before checking', () => {
    const r = reserveStock([{ ...book, stock: 3 }], [{ productId: book.id, quantity: 2 }, { productId: book.id, quantity: 2 }]);
    expect(r).toMatchObject({ ok: false, code: 'out_of_stock' });
  });

  it('refuses missing and delisted products; releases give units back', () => {
    expect(reserveStock([book], [{ productId: 'nope', quantity: 1 }])).toEqual({ ok: false, code: 'product_missing', detail: { productId: 'nope' } });
    expect(reserveStock([{ ...book, listed: false }], [{ productId: book.id, quantity: 1 }])).toMatchObject({ code: 'product_delisted' });
    const released = releaseStock([{ ...book, stock: 0, listed: false }], [{ productId: book.id, quantity: 2 }, { productId: 'gone', quantity: 1 }]);
    expect(released.map((r) => [r.id, r.stock])).toEqual([[book.id, 2]]);
  });
});
