import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart, removeFromCart } from '../../src/app/market/cart.ts';
import { answerRefund, cancelOrder, payOrder, placeOrders, requestRefund } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { topUpWallet, withdrawFromWallet } from '../../src/app/market/wallet.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { WorldDb } from '../../src/storage/schema.ts';

// For random escrow-market scenarios (converted commands in any order, clock moves that run due
// jobs, and steps that are refused), the live world's digest equals its replay's: every accepted
// command is in the log with what it needs, and nothing refused left a trace replay cannot make.

type Step =
  | { kind: 'add'; quantity: number }
  | { kind: 'remove' }
  | { kind: 'place' }
  | { kind: 'pay' | 'cancel' | 'book' | 'pickUp' | 'confirm' | 'refund' | 'agree'; order: number }
  | { kind: 'clock'; hours: number }
  | { kind: 'topUp' | 'withdraw'; yuan: number };

const orderStep = (kind: 'pay' | 'cancel' | 'book' | 'pickUp' | 'confirm' | 'refund' | 'agree') => fc.record({ kind: fc.constant(kind), order: fc.nat({ max: 3 }) });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), quantity: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('remove' as const) }),
  fc.record({ kind: fc.constant('place' as const) }),
  orderStep('pay'),
  orderStep('cancel'),
  orderStep('book'),
  orderStep('pickUp'),
  orderStep('confirm'),
  orderStep('refund'),
  orderStep('agree'),
  fc.record({ kind: fc.constant('clock' as const), hours: fc.constantFrom(1, 30, 24 * 4, 24 * 11) }),
  fc.record({ kind: fc.constant('topUp' as const), yuan: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), yuan: fc.integer({ min: 1, max: 200 }) }),
);

let replays = 0;

describe('replay of random escrow-market scenarios', () => {
  it('the live world and its replay have the same digest', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
        const { db, id } = await freshWorld();
        const seller = await approvedSeller(db, 'shop1');
        const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '课本', category: 'books', spec: '平装', unitPrice: '45.00', stock: 5 } }));
        const buyer = await customerAt(db, 'buyer1', 'bank-a');
        await fund(db, buyer, 'bank-a', '500.00');
        const ring = await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
        const orders: string[] = [];
        const orderAt = (i: number) => orders[i % Math.max(orders.length, 1)] ?? 'no-such-order';
        for (const s of steps) {
          switch (s.kind) {
            case 'add': await addToCart(db, meta(buyer), { productId: book.id, quantity: s.quantity }); break;
            case 'remove': await removeFromCart(db, meta(buyer), { productId: book.id }); break;
            case 'place': {
              const placed = await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' });
              if (placed.ok) orders.push(...placed.value.map((o) => o.id));
              break;
            }
            case 'pay': await payOrder(db, meta(buyer), { orderId: orderAt(s.order) }); break;
            case 'cancel': await cancelOrder(db, meta(buyer), { orderId: orderAt(s.order) }); break;
            case 'book': await bookShipment(db, meta(seller), { orderId: orderAt(s.order) }); break;
            case 'pickUp': await pickUpShipment(db, meta('logistics'), { shipmentId: `ship-${orderAt(s.order)}` }); break;
            case 'confirm': {
              const doc = await signReceiptConfirmation(db, id, orderAt(s.order), { keyRing: ring });
              if (doc.ok) await confirmReceipt(db, meta(buyer), { orderId: orderAt(s.order), confirmation: doc.value });
              break;
            }
            case 'refund': await requestRefund(db, meta(buyer), { orderId: orderAt(s.order), reason: '不想要了' }); break;
            case 'agree': await answerRefund(db, meta(seller), { orderId: orderAt(s.order), agree: true }); break;
            case 'clock':
              await advanceClock(db, meta('platform'), { kind: 'hours', hours: s.hours });
              await runDueJobs(db, 'leader-tab');
              break;
            case 'topUp': await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: String(s.yuan) }); break;
            case 'withdraw': await withdrawFromWallet(db, meta(seller), { bankId: 'bank-a', amount: String(s.yuan) }); break;
          }
        }
        replays += 1;
        const fresh = new WorldDb(`settlelab-world-replay-prop-${Date.now().toString(36)}-${replays}`);
        const r = await replay(await db.commandLog.toArray(), fresh);
        expect(r.ok, JSON.stringify(r)).toBe(true);
        const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
        expect(again.tables).toEqual(live.tables);
        expect(again.digest).toBe(live.digest);
        fresh.close();
        db.close();
      }),
      // Each run builds a world with a certified, banked buyer: a few runs keep CI within seconds.
      { numRuns: 3 },
    );
  });
});
