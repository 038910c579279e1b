import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { orderById, payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment, postTracking } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { topUpWallet, walletOf } from '../../src/app/market/wallet.ts';
import { WorldDb, type CommandLogRow } from '../../src/storage/schema.ts';

// Replay rebuilds a world from its command log alone: the genesis row seeds a fresh database, every
// later row runs again by name, and the rebuilt world's digest equals the live one's.

let replays = 0;
/** A fresh database to replay into. */
export function replayDb(): WorldDb {
  replays += 1;
  return new WorldDb(`settlelab-world-replay-${Date.now().toString(36)}-${replays}`);
}

/** Replays `db`'s log into a fresh database and expects the same world. */
export async function expectReplaysSame(db: WorldDb): Promise<void> {
  const fresh = replayDb();
  const log = await db.commandLog.toArray();
  const r = await replay(log, fresh);
  expect(r).toEqual({ ok: true, value: { commands: log.length - 1 } });
  const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
  expect(again.tables).toEqual(live.tables);
  expect(again.digest).toBe(live.digest);
  expect(again.journalHead).toBe(live.journalHead);
  fresh.close();
}

/**
 * The escrow story: a seller with an approved store lists a textbook; a buyer with a bank account
 * pays cash in at the counter, gets a certificate, logs in to online banking and tops the wallet
 * up; checkout, escrow payment, pick-up and tracking, the signed receipt, and T+1 by the jobs.
 */
async function escrowStory() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '《电子商务概论》', category: 'books', spec: '第5版 · 平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '300.00');
  const ring = await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
  unwrap(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '200.00' }));
  unwrap(await addToCart(db, meta(buyer), { productId: book.id, quantity: 2 }));
  const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
  unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
  unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }));
  const doc = unwrap(await signReceiptConfirmation(db, id, order!.id, { keyRing: ring }));
  unwrap(await confirmReceipt(db, meta(buyer), { orderId: order!.id, confirmation: doc }));
  await advanceDays(db, 1);
  return { db, seller, buyer, orderId: order!.id };
}

describe('replay', () => {
  it('a world of clock moves replays to the same digest', async () => {
    const { db } = await freshWorld();
    expect((await advanceClock(db, meta(), { kind: 'hours', hours: 3 })).ok).toBe(true);
    expect((await advanceClock(db, meta(), { kind: 'days', days: 2 })).ok).toBe(true);
    await expectReplaysSame(db);
  });

  it('an escrow order from registration to the seller’s T+1 money replays to the same world', async () => {
    const story = await escrowStory();
    expect((await orderById(story.db, story.orderId))?.state).toBe('TRADE_FINISHED');
    expect((await walletOf(story.db, story.seller)).available.amount).not.toBe('0.00');
    const names = (await story.db.commandLog.toArray()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['genesis', 'register', 'activateAccount', 'decideStore', 'topUpWallet', 'placeOrders', 'payOrder', 'pickUpShipment', 'confirmReceipt', 'advanceClock', 'job:escrow.available']));
    // Never a password in the log.
    expect(JSON.stringify(await story.db.commandLog.toArray())).not.toContain('correct horse');
    await expectReplaysSame(story.db);
  });

  it('a changed log row is a named divergence: which step, which command', async () => {
    const story = await escrowStory();
    const log = await story.db.commandLog.toArray();
    const i = log.findIndex((r) => r.name === 'topUpWallet');
    const tampered: CommandLogRow[] = log.map((r, k) => (k === i ? { ...r, input: { ...(r.input as object), amount: '20.00' } } : r));
    expect(await replay(tampered, replayDb())).toEqual({ ok: false, code: 'replay_diverged', detail: { seq: log[i]!.seq, name: 'topUpWallet', commandId: log[i]!.commandId } });
    // A log without its genesis cannot be replayed.
    expect(await replay(log.slice(1), replayDb())).toMatchObject({ ok: false, code: 'replay_no_genesis' });
    // A row naming a command nobody defined.
    const unknown = log.map((r, k) => (k === i ? { ...r, name: 'noSuchCommand' } : r));
    expect(await replay(unknown, replayDb())).toMatchObject({ ok: false, code: 'replay_unknown_command', detail: { seq: log[i]!.seq, name: 'noSuchCommand' } });
  });
});
