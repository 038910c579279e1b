import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, caTab, certifiedBuyer, unwrap } from '../helpers/market.ts';
import { registerActive } from '../helpers/identity.ts';
import { fillDemoCatalogue, listProduct, picturesOf, productsOfSeller, restock, searchShop, setListed, updateProduct, type PictureInput } from '../../src/app/market/products.ts';
import { addToCart, cartOf, cartView, removeFromCart, setCartQuantity } from '../../src/app/market/cart.ts';
import { ordersOf, placeOrders } from '../../src/app/market/orders.ts';
import { setCommissionRates, readMarketConfig, setMarketRules } from '../../src/app/market/config.ts';
import { makeMarketplaceConfig } from '../../src/domain/index.ts';
import { marketTables } from '../../src/storage/market-tables.ts';

function picture(bytes = 300): PictureInput {
  return { image: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), thumbnail: new Blob([new Uint8Array(40)], { type: 'image/jpeg' }), width: 800, height: 600 };
}

const earphones = { number: 'DG-EAR-01', name: '蓝牙耳机', nameEn: 'Bluetooth earphones', category: 'digital', spec: '白色 · 降噪版', unitPrice: '199.00', stock: 3, description: '蓝牙5.3' };

describe('a seller’s goods', () => {
  it('only an approved store may list; numbers are unique on the platform; pictures are stored as Blobs', async () => {
    const { db } = await freshWorld();
    const pending = await registerActive(db, 'newshop', { role: 'seller', store: { name: '新店', description: '待审核' } });
    expect(await listProduct(db, meta(pending), { product: earphones })).toMatchObject({ ok: false, code: 'store_not_approved' });
    const buyer = await registerActive(db, 'justbuyer');
    expect(await listProduct(db, meta(buyer), { product: earphones })).toMatchObject({ ok: false, code: 'not_a_seller' });

    const seller = await approvedSeller(db, 'shop1');
    const listed = unwrap(await listProduct(db, meta(seller), { product: earphones, pictures: [picture(), picture(500)] }));
    expect(listed).toMatchObject({ number: 'DG-EAR-01', listed: true, stock: 3, pictureIds: [`${listed.id}-p1`, `${listed.id}-p2`] });
    const stored = await picturesOf(db, listed);
    expect(stored.map((p) => [p.image instanceof Blob, p.image.size, p.thumbnail.type])).toEqual([[true, 300, 'image/jpeg'], [true, 500, 'image/jpeg']]);

    const other = await approvedSeller(db, 'shop2');
    const dup = await listProduct(db, meta(other), { product: { ...earphones, number: 'dg-ear-01' } });
    expect(dup).toMatchObject({ ok: false, code: 'product_invalid', detail: { number: 'duplicate' } });
    const bad = await listProduct(db, meta(other), { product: { ...earphones, number: 'X', unitPrice: '-1' } });
    expect(bad).toMatchObject({ ok: false, code: 'product_invalid', detail: { number: 'too_short', unitPrice: 'money_negative' } });
    expect(await listProduct(db, meta(other), { product: { ...earphones, number: 'DG-EAR-02' }, pictures: [{ ...picture(), image: new Blob(['x'], { type: 'text/plain' }) }] })).toMatchObject({ code: 'picture_invalid' });
  });

  it('edit (fields and pictures), delist, relist, restock; search finds by Chinese name or number, never delisted goods', async () => {
    const { db } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const p = unwrap(await listProduct(db, meta(seller), { product: earphones, pictures: [picture(), picture(400)] }));
    const edited = unwrap(await updateProduct(db, meta(seller), { productId: p.id, edit: { unitPrice: '¥179', spec: '黑色 · 标准版' }, keepPictureIds: [`${p.id}-p2`], newPictures: [picture(600)] }));
    expect(edited).toMatchObject({ unitPrice: { amount: '179.00' }, spec: '黑色 · 标准版', pictureIds: [`${p.id}-p2`, `${p.id}-p3`] });
    expect(await marketTables(db).pictures.get(`${p.id}-p1`)).toBeUndefined();
    const other = await approvedSeller(db, 'shop2');
    expect(await updateProduct(db, meta(other), { productId: p.id, edit: { name: '改名' } })).toMatchObject({ code: 'not_your_product' });

    expect((await searchShop(db, '蓝牙')).map((h) => h.product.id)).toEqual([p.id]);
    expect((await searchShop(db, 'dg-ear')).map((h) => [h.product.id, h.match])).toEqual([[p.id, 'number_prefix']]);
    expect((await searchShop(db, 'BLUETOOTH')).map((h) => h.product.id)).toEqual([p.id]);
    unwrap(await setListed(db, meta(seller), { productId: p.id, listed: false }));
    expect(await setListed(db, meta(seller), { productId: p.id, listed: false })).toMatchObject({ code: 'product_already_delisted' });
    expect(await searchShop(db, '蓝牙')).toEqual([]);
    unwrap(await setListed(db, meta(seller), { productId: p.id, listed: true }));
    expect(unwrap(await restock(db, meta(seller), { productId: p.id, quantity: 7 })).stock).toBe(10);
    expect(await restock(db, meta(seller), { productId: p.id, quantity: 0 })).toMatchObject({ code: 'quantity_invalid' });
  });

  it('a demo catalogue in one click, with pictures for the products the UI drew; not twice', async () => {
    const { db } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const rows = unwrap(await fillDemoCatalogue(db, meta(seller), { pictures: { [`${seller}-demo-03`]: picture() } }));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const mine = await productsOfSeller(db, seller);
    expect(mine).toHaveLength(rows.length);
    const withPicture = mine.find((p) => p.id === `${seller}-demo-03`)!;
    expect((await picturesOf(db, withPicture))).toHaveLength(1);
    expect(await fillDemoCatalogue(db, meta(seller))).toMatchObject({ code: 'demo_catalogue_exists' });
    expect((await searchShop(db, '龙井')).length).toBe(1);
  });

  it('the operator sets commission rates; orders placed later use them', async () => {
    const { db, teacher } = await freshWorld();
    expect(await setCommissionRates(db, teacher, meta('u-someone'), { books: '0.05' })).toMatchObject({ code: 'not_the_operator' });
    expect(await setCommissionRates(db, teacher, meta('platform'), { books: '1.5' })).toMatchObject({ code: 'commission_rate_invalid' });
    expect(await setCommissionRates(db, teacher, meta('platform'), { nonsense: '0.1' })).toMatchObject({ code: 'category_invalid' });
    unwrap(await setCommissionRates(db, teacher, meta('platform'), { books: '0.05' }));
    expect((await readMarketConfig(db)).commissionRates).toMatchObject({ books: '0.05', digital: '0.03' });
  });
});

describe('the marketplace rules', () => {
  it('the operator sets deadlines, T+N, refund requests and fees; bad values are named and change nothing', async () => {
    const { db, teacher } = await freshWorld();
    expect(await setMarketRules(db, teacher, meta('u-someone'), { payTimeoutHours: '48' })).toMatchObject({ code: 'not_the_operator' });
    expect(await setMarketRules(db, teacher, meta('platform'), {})).toMatchObject({ code: 'market_rules_empty' });
    expect(await setMarketRules(db, teacher, meta('platform'), { payTimeoutHours: ' ' })).toMatchObject({ code: 'market_rules_empty' });
    for (const [field, value] of [['payTimeoutHours', '0'], ['autoConfirmPostDays', '366'], ['availableAfterDays', '-1'], ['sellerResponseDays', '2.5'], ['refundRequestsMax', '11']] as const) {
      expect(await setMarketRules(db, teacher, meta('platform'), { [field]: value })).toMatchObject({ code: 'market_rule_invalid', detail: { field } });
    }
    expect(await setMarketRules(db, teacher, meta('platform'), { deliveryFeeExpress: '10000.01' })).toMatchObject({ code: 'market_fee_invalid', detail: { field: 'deliveryFeeExpress' } });
    expect(await setMarketRules(db, teacher, meta('platform'), { freeShippingThreshold: 'lots' })).toMatchObject({ code: 'market_fee_invalid' });
    expect(await readMarketConfig(db)).toEqual(makeMarketplaceConfig());

    unwrap(await setMarketRules(db, teacher, meta('platform'), { payTimeoutHours: '48', autoConfirmPostDays: '20', availableAfterDays: '0', deliveryFeePost: '¥8', freeShippingThreshold: 'none' }));
    unwrap(await setMarketRules(db, teacher, meta('platform'), { autoConfirmExpressDays: '7', deliveryFeeExpress: '0' }));
    const config = await readMarketConfig(db);
    expect(config).toMatchObject({ payTimeoutHours: 48, availableAfterDays: 0, freeShippingThreshold: null, autoConfirmDays: { express: 7, post: 20 }, deliveryFees: { express: '0.00', post: '8.00' } });
    unwrap(await setMarketRules(db, teacher, meta('platform'), { freeShippingThreshold: '199' }));
    expect((await readMarketConfig(db)).freeShippingThreshold).toBe('199.00');
  });
});

describe('the cart and checkout', () => {
  it('one cart per buyer: merged lines, quantities, removal, totals; checkout splits by seller', async () => {
    const { db, id } = await freshWorld();
    const s1 = await approvedSeller(db, 'shop1');
    const s2 = await approvedSeller(db, 'shop2');
    const buyer = await certifiedBuyer(db, id, 'buyer1', await caTab(db, id));
    const a = unwrap(await listProduct(db, meta(s1), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 5 } }));
    const b = unwrap(await listProduct(db, meta(s2), { product: { number: 'FD-0001', name: '红枣', category: 'food', spec: '500g', unitPrice: '29.90', stock: 9 } }));
    const me = meta(buyer.partyId).actor;
    unwrap(await addToCart(db, meta(me), { productId: a.id, quantity: 1 }));
    // Another tab of the same buyer adds the same product: one merged line.
    unwrap(await addToCart(db, meta(me), { productId: a.id, quantity: 2 }));
    unwrap(await addToCart(db, meta(me), { productId: b.id, quantity: 1 }));
    expect((await cartOf(db, me)).lines.map((l) => [l.productId, l.quantity])).toEqual([[a.id, 3], [b.id, 1]]);
    expect(await addToCart(db, meta(me), { productId: a.id, quantity: 3 })).toMatchObject({ code: 'out_of_stock' });
    expect(await addToCart(db, meta(s1), { productId: b.id, quantity: 1 })).toMatchObject({ code: 'not_a_buyer' });
    unwrap(await setCartQuantity(db, meta(me), { productId: b.id, quantity: 4 }));
    expect((await cartView(db, me))).toMatchObject({ total: { amount: '254.60' }, units: 7 });
    unwrap(await removeFromCart(db, meta(me), { productId: b.id }));
    unwrap(await addToCart(db, meta(me), { productId: b.id, quantity: 2 }));

    expect(await placeOrders(db, meta(me), { address: { ...address, phone: '123' }, deliveryMethod: 'express', paymentMethod: 'escrow' })).toMatchObject({ code: 'address_invalid' });
    expect(await placeOrders(db, meta(me), { address, deliveryMethod: 'express', paymentMethod: 'cash' })).toMatchObject({ code: 'payment_method_invalid' });
    const orders = unwrap(await placeOrders(db, meta(me), { address, deliveryMethod: 'post', paymentMethod: 'escrow' }));
    expect(orders.map((o) => [o.sellerId, o.goodsTotal.amount, o.shippingFee.amount, o.total.amount, o.paymentMethod])).toEqual([
      [s1, '135.00', '0.00', '135.00', 'escrow'], // 满99包邮
      [s2, '59.80', '6.00', '65.80', 'escrow'],
    ]);
    expect((await cartOf(db, me)).lines).toEqual([]);
    expect((await ordersOf(db, me, 'buyer')).map((o) => o.id).sort()).toEqual(orders.map((o) => o.id).sort());
  });

  it('two buyers buy the last item at the same moment: one order, one out_of_stock', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const ca = await caTab(db, id);
    const b1 = await certifiedBuyer(db, id, 'buyer1', ca);
    const b2 = await certifiedBuyer(db, id, 'buyer2', ca);
    const last = unwrap(await listProduct(db, meta(seller), { product: { ...earphones, stock: 1 } }));
    const buy = (buyerId: string) => placeOrders(db, meta(buyerId), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: last.id, quantity: 1 } });
    const results = await Promise.all([buy(b1.partyId), buy(b2.partyId)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(['out_of_stock']);
    expect((await marketTables(db).products.get(last.id))?.stock).toBe(0);
    expect(await marketTables(db).orders.count()).toBe(1);
  });
});
