import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import CartView from '../../src/ui/market/CartView.svelte';
import CheckoutView from '../../src/ui/market/CheckoutView.svelte';
import { freshWorld, meta } from '../helpers/world.ts';
import { registerActive } from '../helpers/identity.ts';
import { unwrap } from '../helpers/market.ts';
import { decideStore, storeIdOf } from '../../src/app/identity/stores.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// The buyer's cart and checkout against a real world in fake-indexeddb (issue #12): a refused
// quantity does not stay in the box, and an order is named after the seller's store.

const tea = { number: 'TEA-01', name: '明前龙井', nameEn: 'Longjing tea', category: 'food', spec: '250 g', unitPrice: '88.00', stock: 5, description: '' };

/** A seller "wangshop" whose store is 王记茶庄, one product with 5 in stock, a buyer with 1 in the cart. */
async function shop(): Promise<{ world: WorldModel; buyer: Party; productId: string }> {
  const { id, db } = await freshWorld();
  const sellerId = await registerActive(db, 'wangshop', { role: 'seller', store: { name: '王记茶庄', description: '正品保证，当天发货' } });
  unwrap(await decideStore(db, meta('platform'), { storeId: storeIdOf(sellerId), decision: 'approve' }));
  const product = unwrap(await listProduct(db, meta(sellerId), { product: tea }));
  const buyerId = await registerActive(db, 'buyer1');
  unwrap(await addToCart(db, meta(buyerId), { productId: product.id, quantity: 1 }));
  const parties = await db.parties.toArray();
  return { world: fakeWorld(id, db, parties), buyer: parties.find((p) => p.id === buyerId)!, productId: product.id };
}

/** The parts of a tab's world model these views read (no session, leader or channel needed). */
function fakeWorld(id: string, db: WorldDb, parties: Party[]): WorldModel {
  return { entry: { id }, session: { db, env: {} }, parties: { current: parties } } as unknown as WorldModel;
}

describe('the cart', () => {
  it('a quantity above the stock is refused with the stock, and the box goes back to the quantity the subtotal uses', async () => {
    const { world, buyer } = await shop();
    render(CartView, { world, party: buyer });
    const box = (await screen.findByTestId('cart-quantity')) as HTMLInputElement;
    expect(box.value).toBe('1');
    await fireEvent.change(box, { target: { value: '99' } });
    await waitFor(() => expect(screen.getByTestId('cart-error').textContent).toBe('Out of stock: only 5 left.'));
    expect(box.value).toBe('1');
    expect(screen.getByTestId('cart-subtotal').textContent).toBe('CN¥88.00');

    // A quantity within the stock is taken; the message goes.
    await fireEvent.change(box, { target: { value: '3' } });
    await waitFor(() => expect(screen.getByTestId('cart-subtotal').textContent).toBe('CN¥264.00'));
    expect(box.value).toBe('3');
    expect(screen.queryByTestId('cart-error')).toBeNull();
  });
});

describe('checkout', () => {
  it('names each order after the seller’s store, not the seller’s login name', async () => {
    const { world, buyer } = await shop();
    render(CheckoutView, { world, party: buyer, buyNow: null });
    // The stores are read for the sellers the cart names (issue #18 item 5), so once the cart's
    // groups are known: the heading settles on the store's name.
    await waitFor(() => expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('Order from 王记茶庄'));
  });
});
