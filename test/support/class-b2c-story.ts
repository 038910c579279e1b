// The B2C escrow story of a class lesson, through the app's own wrappers with each PC's class env
// (every command goes through the class stream): the teacher's prepared world, its copies for the
// PCs, and the story's steps. Shared by class-b2c.test.ts (one server) and class-cluster.test.ts
// (three nodes, one killed mid-lesson).
import { WorldDb } from '../../src/storage/schema.ts';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { labUserPassword } from '../../src/app/labs/presets.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { login } from '../../src/app/identity/login.ts';
import { applyForCertificate, issueRequestedCertificate } from '../../src/app/identity/ca.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { orderById, payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment, postTracking } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import type { CommandEnv } from '../../src/app/command.ts';
import type { ProgressStore } from '../../src/sync/class/replica.ts';
import { address, unwrap } from '../helpers/market.ts';
import { testPasswordIterations } from '../helpers/world.ts';
import { until } from './until.ts';

export const sellerId = 'u-lab_seller';
export const buyerId = 'u-lab_buyer';

export function memoryProgress(): ProgressStore {
  let seq = 0;
  return { read: async () => seq, write: async (s) => void (seq = s) };
}

/** A student PC's copy of the teacher's prepared world (what a snapshot carries). */
export async function copyOf(source: WorldDb, name: string): Promise<WorldDb> {
  const copy = new WorldDb(name);
  await copy.open();
  const rows = await Promise.all(source.tables.map(async (table) => [table.name, await table.toArray()] as const));
  await copy.transaction('rw', copy.tables, async () => {
    for (const [name, list] of rows) await copy.table(name).bulkPut(list);
  });
  return copy;
}

/**
 * The teacher prepares the class world before the lesson: the B2C lab, and a certificate for the
 * lab's seller (the CA's key ring stays open for more). Fast password hashing (tests only).
 */
export async function prepareB2cClassWorld(worldId: string): Promise<{ teacherDb: WorldDb; caRing: KeyRing }> {
  const created = await createLabWorld({ labId: 'b2c-escrow', id: worldId, name: 'class B2C', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!created.ok) throw new Error(created.code);
  const teacherDb = openWorldDb(created.value.entry);
  await teacherDb.open();
  const caRing = new KeyRing();
  unwrap(await login(teacherDb, worldId, { loginName: 'ca', password: (await identityTables(teacherDb).labSheet.get('ca'))!.password! }, { keyRing: caRing }));
  const sellerPrep = new KeyRing();
  unwrap(await login(teacherDb, worldId, { loginName: 'lab_seller', password: labUserPassword }, { keyRing: sellerPrep }));
  const request = unwrap(await applyForCertificate(teacherDb, worldId, sellerId, { keyRing: sellerPrep }));
  unwrap(await issueRequestedCertificate(teacherDb, worldId, 'ca', { requestId: request.requestId }, { keyRing: caRing }));
  return { teacherDb, caRing };
}

/** A PC's tab in class mode, as the story uses it. */
export type StoryPc = { readonly db: WorldDb; readonly ring: KeyRing; readonly env: CommandEnv };

/**
 * The story: the seller signs in on PC 1 and lists two of a new book; the buyer on PC 2 buys one
 * and pays through escrow; PC 1 books the courier, logistics on PC 3 picks it up and delivers; the
 * buyer confirms; a day later (logistics moves the clock) the T+1 job settles. `afterPayment` runs
 * right after the payment (a fault mid-lesson). Command ids are fixed, so a test can look for them.
 */
export async function b2cStory(worldId: string, pc1: StoryPc, pc2: StoryPc, pc3: StoryPc, afterPayment?: () => Promise<void>): Promise<{ bookId: string; orderId: string }> {
  const meta = (actor: string, id: string) => ({ id, actor });
  // Signing in is a command: it goes through the stream, signed with the key the password opens.
  unwrap(await login(pc1.db, worldId, { loginName: 'lab_seller', password: labUserPassword }, { keyRing: pc1.ring, env: pc1.env, commandId: 'login-seller' }));
  unwrap(await login(pc2.db, worldId, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: pc2.ring, env: pc2.env, commandId: 'login-buyer' }));
  const logisticsPassword = (await identityTables(pc3.db).labSheet.get('logistics'))!.password!;
  unwrap(await login(pc3.db, worldId, { loginName: 'logistics', password: logisticsPassword }, { keyRing: pc3.ring, env: pc3.env, commandId: 'login-logistics' }));

  const book = unwrap(await listProduct(pc1.db, meta(sellerId, 'list-1'), { product: { number: 'BK-CLASS', name: '《网络支付》', category: 'books', spec: '平装', unitPrice: '40.00', stock: 2 } }, pc1.env));
  unwrap(await addToCart(pc2.db, meta(buyerId, 'cart-1'), { productId: book.id, quantity: 1 }, pc2.env));
  const [order] = unwrap(await placeOrders(pc2.db, meta(buyerId, 'place-1'), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }, pc2.env));
  const orderId = order!.id;
  const paid = unwrap(await payOrder(pc2.db, meta(buyerId, 'pay-1'), { orderId }, pc2.env));
  if (paid.state !== 'WAIT_SELLER_SEND_GOODS') throw new Error(`paid order in ${paid.state}`);
  await afterPayment?.();
  const booking = unwrap(await bookShipment(pc1.db, meta(sellerId, 'book-1'), { orderId }, pc1.env));
  unwrap(await pickUpShipment(pc3.db, meta('logistics', 'pick-1'), { shipmentId: booking.id, place: '杭州仓' }, pc3.env));
  unwrap(await postTracking(pc3.db, meta('logistics', 'track-1'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }, pc3.env));
  // The buyer signs the receipt confirmation (in the tab) and confirms.
  await until('PC 2 sees the delivery', async () => (await orderById(pc2.db, orderId))?.state === 'WAIT_BUYER_CONFIRM_GOODS');
  const doc = unwrap(await signReceiptConfirmation(pc2.db, worldId, orderId, { keyRing: pc2.ring }));
  const confirmed = unwrap(await confirmReceipt(pc2.db, meta(buyerId, 'confirm-1'), { orderId, confirmation: doc }, pc2.env));
  if (confirmed.state !== 'TRADE_FINISHED') throw new Error(`confirmed order in ${confirmed.state}`);
  unwrap(await advanceClock(pc3.db, meta('logistics', 'clock-1'), { kind: 'days', days: 1 }, pc3.env));
  return { bookId: book.id, orderId };
}

/** The story's command ids, in the order it sends them. */
export const b2cStoryCommandIds = ['login-seller', 'login-buyer', 'login-logistics', 'list-1', 'cart-1', 'place-1', 'pay-1', 'book-1', 'pick-1', 'track-1', 'confirm-1', 'clock-1'];
