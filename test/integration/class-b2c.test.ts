// Class mode end to end below the UI (#20): three PCs (three fake-indexeddb copies of one class
// world) run the B2C escrow story through the app's own wrappers with `env.classSubmit` (the hook
// in execute): every command, signing in included, goes through the class stream on a real
// nats-server and each PC's replica applies it. A seller lists on PC 1, a buyer on PC 2 buys and
// pays through escrow, logistics on PC 3 picks up and delivers, the buyer confirms; the jobs due
// after each message (T+1 settlement) run on every replica. All three end with the same balances
// and equal world digests. Then two buyers on two PCs race for the last item: one order, one
// out_of_stock, on every replica.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldDb } from '../../src/storage/schema.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { login } from '../../src/app/identity/login.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { orderById, placeOrders } from '../../src/app/market/orders.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import type { CommandEnv } from '../../src/app/command.ts';
import { ClassTransport } from '../../src/sync/class/transport.ts';
import { ClassWorld } from '../../src/sync/class/class-world.ts';
import { demoClass, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { b2cStory, buyerId, copyOf, memoryProgress, prepareB2cClassWorld, sellerId } from '../support/class-b2c-story.ts';
import { until } from '../support/until.ts';
import { address, certifiedBuyer, unwrap } from '../helpers/market.ts';
import '../../src/app/features.ts';

const worldId = 'lab-world-class-b2c';
const digestOf = async (db: WorldDb): Promise<string> => (await worldDigest(db)).digest;

describe('class mode: the B2C story on three PCs through one class stream', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('lists, buys, pays through escrow, ships, confirms and settles alike on every PC; the last item goes to one buyer', async () => {
    // The teacher prepares the class world before the lesson: the B2C lab, and a certificate for
    // the seller and a second buyer (a party without one signs with its key alone, class-newcomer).
    const { teacherDb, caRing } = await prepareB2cClassWorld(worldId);
    const rival = await certifiedBuyer(teacherDb, worldId, 'rival', caRing);

    const pcs = await Promise.all([1, 2, 3].map(async (n) => ({ n, db: await copyOf(teacherDb, `class-b2c-pc${n}`), ring: new KeyRing() })));
    const start = await digestOf(teacherDb);
    for (const pc of pcs) expect(await digestOf(pc.db)).toBe(start);

    const connect = async (who: 'teacher' | 'student', name: string) => {
      const r = await ClassTransport.connect({ servers: server.wsUrl, classCode: 'demo', user: demoClass[who].user, pass: demoClass[who].pass, name, wsFactory: nodeWebSocketFactory });
      if (!r.ok) throw new Error(r.code);
      return r.value;
    };
    const teacher = await connect('teacher', 'teacher');
    expect((await teacher.ensureStream()).ok).toBe(true);
    const tabs = await Promise.all(
      pcs.map(async (pc) => {
        const transport = await connect('student', `pc-${pc.n}`);
        const world = await ClassWorld.start({ db: pc.db, worldId, classId: 'demo', replicaId: `pc-${pc.n}`, transport, keyRing: pc.ring, progress: memoryProgress(), checkpointEvery: 5 });
        const env: CommandEnv = world.envFor({ keyRing: pc.ring });
        return { ...pc, transport, world, env };
      }),
    );
    const [pc1, pc2, pc3] = tabs as [(typeof tabs)[0], (typeof tabs)[0], (typeof tabs)[0]];
    const meta = (actor: string, id: string) => ({ id, actor });

    // A wrong password opens no key: nothing is sent.
    expect(await login(pc2.db, worldId, { loginName: 'lab_buyer', password: 'not the password' }, { keyRing: pc2.ring, env: pc2.env })).toMatchObject({ ok: false, code: 'wrong_login' });
    const { bookId, orderId } = await b2cStory(worldId, pc1, pc2, pc3);
    const book = { id: bookId };
    const order = { id: orderId };
    // Not signed in on this PC: refused before anything is sent.
    expect(await addToCart(pc3.db, meta(buyerId, 'pc3-cart'), { productId: `${sellerId}-demo-01`, quantity: 1 }, pc3.env)).toMatchObject({ ok: false, code: 'sign_in_required' });

    const settledAll = async () => {
      const last = await teacher.lastSeq();
      await until(`every PC settled ${last}`, () => tabs.every((t) => t.world.settled === last));
    };
    await settledAll();
    const views = await Promise.all(tabs.map(async (t) => ({ seller: await walletOf(t.db, sellerId), buyer: await walletOf(t.db, buyerId), order: (await orderById(t.db, order.id))?.state, digest: await digestOf(t.db) })));
    for (const v of views) expect(v).toEqual(views[0]);
    expect(views[0]!.order).toBe('TRADE_FINISHED');
    expect(views[0]!.seller.available.amount).toBe('51.20');
    expect(views[0]!.buyer.available.amount).toBe('248.00');

    // The last item: the rival signs in on PC 3; both buyers place at once from two PCs.
    unwrap(await login(pc3.db, worldId, { loginName: 'rival', password: 'correct horse 42' }, { keyRing: pc3.ring, env: pc3.env }));
    unwrap(await addToCart(pc2.db, meta(buyerId, 'cart-2'), { productId: book.id, quantity: 1 }, pc2.env));
    unwrap(await addToCart(pc3.db, meta(rival.partyId, 'cart-3'), { productId: book.id, quantity: 1 }, pc3.env));
    const race = await Promise.all([
      placeOrders(pc2.db, meta(buyerId, 'place-2'), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }, pc2.env),
      placeOrders(pc3.db, meta(rival.partyId, 'place-3'), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }, pc3.env),
    ]);
    expect(race.filter((r) => r.ok)).toHaveLength(1);
    expect(race.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(['out_of_stock']);
    await settledAll();
    const after = await Promise.all(tabs.map(async (t) => ({ stock: (await marketTables(t.db).products.get(book.id))?.stock, orders: (await marketTables(t.db).orders.toArray()).filter((o) => o.lines.some((l) => l.productId === book.id)).length, digest: await digestOf(t.db) })));
    for (const v of after) expect(v).toEqual(after[0]);
    expect(after[0]).toMatchObject({ stock: 0, orders: 2 });
    for (const t of tabs) expect(t.world.banner).toEqual({ link: 'connected', queued: 0, diverged: null });
    await until('every PC is on the roster', () => pc1.world.present.length === 3);

    for (const t of tabs) {
      await t.world.stop();
      await t.transport.close();
      t.db.close();
    }
    await teacher.close();
    teacherDb.close();
  });
});
