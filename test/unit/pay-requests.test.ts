import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, caTab, certifiedBuyer, fundWallet, unwrap } from '../helpers/market.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { payOrder, placeOrders } from '../../src/app/market/orders.ts';

// The pipeline's cost per payment (issue #19 item 7): a payment's transaction is bound by its
// IndexedDB round trips (each request costs Dexie's zone bookkeeping and the store's structured
// clone), so the requests one escrow payment makes are counted here, by the store methods called.

const counted = ['get', 'getAll', 'getAllKeys', 'getKey', 'put', 'add', 'delete', 'clear', 'count', 'openCursor', 'openKeyCursor'] as const;

function countRequests(): { readonly calls: string[]; stop(): void } {
  const calls: string[] = [];
  const proto = (globalThis as unknown as { IDBObjectStore: { prototype: Record<string, (...a: unknown[]) => unknown> } }).IDBObjectStore.prototype;
  const originals = counted.map((m) => [m, proto[m]] as const);
  for (const [m, original] of originals) {
    proto[m] = function (this: { name: string }, ...args: unknown[]) {
      calls.push(`${this.name}.${m}`);
      return original!.apply(this, args);
    };
  }
  return { calls, stop: () => { for (const [m, original] of originals) proto[m] = original!; } };
}

describe('one escrow payment through the pipeline', () => {
  it('reads each row once and makes no more requests than it needs', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const buyer = await certifiedBuyer(db, id, 'buyer1', await caTab(db, id));
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '课本', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    await fundWallet(db, buyer.partyId, '500.00');
    const orderIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [order] = unwrap(await placeOrders(db, meta(buyer.partyId), { address, deliveryMethod: 'post', paymentMethod: 'escrow', buyNow: { productId: book.id, quantity: 1 } }));
      orderIds.push(order!.id);
    }
    // The first payment opens the accounts every escrow trade needs; the second is the steady state.
    unwrap(await payOrder(db, meta(buyer.partyId), { orderId: orderIds[0]! }));
    const counter = countRequests();
    try {
      unwrap(await payOrder(db, meta(buyer.partyId), { orderId: orderIds[1]! }));
    } finally {
      counter.stop();
    }
    // The order is read once (the command's check and the step share the row).
    expect(counter.calls.filter((c) => c === 'orders.get')).toHaveLength(1);
    // The hold's journal entry is indexed under the order from what the ledger just chained, not
    // read back (it was: transfers.get and journalBlocks.getAll after the write).
    expect(counter.calls.filter((c) => c === 'journalBlocks.getAll' || c === 'journalBlocks.get')).toEqual([]);
    expect(counter.calls.indexOf('transfers.get')).toBeLessThan(counter.calls.indexOf('transfers.put'));
    expect(counter.calls.filter((c) => c === 'transfers.get')).toHaveLength(1);
    // The accounts a trade needs (escrow core, the buyer's wallet and settling account) are checked
    // once each and the ledger moves those rows without reading them again: 5 reads (there were 9:
    // the buyer's wallet checked twice, then the two accounts moved read again).
    expect(counter.calls.filter((c) => c === 'accounts.get')).toHaveLength(5);
    // The log row and the command's record, written once each, with everything in one transaction.
    expect(counter.calls.filter((c) => c === 'commandLog.add' || c === 'commands.add').sort()).toEqual(['commandLog.add', 'commands.add']);
    // 31 requests before (issue #19 item 7).
    expect(counter.calls.length).toBeLessThanOrEqual(24);
  });
});
