import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { topUpWallet } from '../../src/app/market/wallet.ts';
import { closePastWorld, openPastWorld, ReadOnlyWorldError, stepsOf, timeTravelLog } from '../../src/app/time-travel.ts';
import { marketTables } from '../../src/storage/market-tables.ts';

// Time travel: the world as it was after step N of its log, rebuilt by replay into a temporary
// database that refuses writes, deleted when the teacher leaves.

let draws = 0;
const random = (bytes: number) => new Uint8Array(bytes).fill(++draws % 256);

describe('time travel', () => {
  it('before the payment the order is unpaid, after it paid; the past refuses writes; leaving deletes it', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '课本', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '300.00');
    await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
    unwrap(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '100.00' }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: book.id, quantity: 1 } }));
    unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));

    const log = await timeTravelLog(db);
    const steps = stepsOf(log);
    expect(steps[0]).toMatchObject({ step: 0, name: 'genesis' });
    const paidAt = steps.findIndex((s) => s.name === 'payOrder');
    expect(paidAt).toBe(steps.length - 1);

    const before = unwrap(await openPastWorld(log, paidAt - 1, random));
    expect((await marketTables(before.db).orders.get(order!.id))?.state).toBe('WAIT_BUYER_PAY');
    await expect(marketTables(before.db).orders.put({ ...order!, state: 'TRADE_CLOSED' })).rejects.toBeInstanceOf(ReadOnlyWorldError);
    const after = unwrap(await openPastWorld(log, paidAt, random));
    expect((await marketTables(after.db).orders.get(order!.id))?.state).toBe('WAIT_SELLER_SEND_GOODS');
    // The live world is as it was.
    expect((await marketTables(db).orders.get(order!.id))?.state).toBe('WAIT_SELLER_SEND_GOODS');

    await closePastWorld(before);
    await closePastWorld(after);
    const names = await indexedDB.databases();
    expect(names.map((d) => d.name)).not.toContain(before.dbName);
    expect(names.map((d) => d.name)).not.toContain(after.dbName);
  });
});
