// Class mode's faults below the UI (#20 acceptance): PCs of one class world (fake-indexeddb worlds
// opened with createClass / joinClass, each running its replica, ClassWorld) on a real nats-server
// with file storage.
// - The server restarts mid-lesson on the same port and store: the PCs' transports reconnect by
//   themselves, the commands their tabs sent during the outage wait in their queues and are applied
//   once afterwards on every PC, nothing sent before is lost, and the digests are equal.
// - A late joiner: a student whose PC joins after commands were applied imports the latest snapshot
//   the teacher's PC wrote mid-stream, applies only the stream's tail, and lands on the same digest.
import { afterEach, describe, expect, it } from 'vitest';
import { login } from '../../src/app/identity/login.ts';
import { labUserPassword } from '../../src/app/labs/presets.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { snapshotOf } from '../../src/sync/class/class-tab.ts';
import { indexedDbProgress } from '../../src/sync/class/replica.ts';
import { until } from '../support/until.ts';
import { unwrap } from '../helpers/market.ts';
import { appliedIds, buyerId, classServer, digestOf, join, openClass, sellerId, settled, startPc, stopPcs } from '../support/class-pcs.ts';
import '../../src/app/features.ts';

afterEach(stopPcs);

const product = (n: number) => ({ product: { number: `BK-${n}`, name: `《支付》${n}`, category: 'books', spec: '平装', unitPrice: '40.00', stock: 5 } });

describe('class mode faults on a real nats-server', () => {
  it('a server restart mid-lesson loses no command: PCs reconnect by themselves and the commands sent meanwhile apply once, in order, everywhere', async () => {
    const server = await classServer();
    const teacher = await startPc(server, 'teacher', 'pc-1', await openClass(server, 'faults-teacher'));
    const student = await startPc(server, 'student', 'pc-2', await join(server, 'faults-student'));
    const pcs = [teacher, student];

    unwrap(await login(teacher.db, teacher.entry.id, { loginName: 'lab_seller', password: labUserPassword }, { keyRing: teacher.ring, env: teacher.env }));
    unwrap(await login(student.db, student.entry.id, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: student.ring, env: student.env }));
    const before = [];
    for (let n = 1; n <= 3; n++) before.push(unwrap(await listProduct(teacher.db, { id: `m-list-${n}`, actor: sellerId }, product(n), teacher.env)));
    unwrap(await addToCart(student.db, { id: 'm-cart-1', actor: buyerId }, { productId: before[0]!.id, quantity: 1 }, student.env));
    const lastBefore = await settled(teacher.transport, pcs);

    // The server goes down mid-lesson (a crash: no flush); both PCs notice and keep their worlds.
    await server.kill();
    await until('both PCs notice the outage', () => pcs.every((pc) => pc.world.banner.link === 'reconnecting'));
    // Both tabs act while it is down: their commands wait in their queues, unanswered.
    const meanwhile = [
      listProduct(teacher.db, { id: 'm-list-4', actor: sellerId }, product(4), teacher.env),
      addToCart(student.db, { id: 'm-cart-2', actor: buyerId }, { productId: before[1]!.id, quantity: 2 }, student.env),
      addToCart(student.db, { id: 'm-cart-3', actor: buyerId }, { productId: before[2]!.id, quantity: 1 }, student.env),
    ];
    await until('the commands are queued', () => teacher.world.banner.queued === 1 && student.world.banner.queued === 2);
    for (const pc of pcs) expect(pc.world.settled).toBe(lastBefore);

    // The same server again, on the same port and store: nobody reconnects the PCs by hand.
    await server.start();
    const results = await Promise.all(meanwhile);
    for (const r of results) expect(r.ok).toBe(true);
    const last = await settled(teacher.transport, pcs);
    expect(last).toBe(lastBefore + 3);
    for (const pc of pcs) {
      expect(pc.statuses).toEqual(['reconnecting', 'connected']);
      expect(pc.world.banner).toEqual({ link: 'connected', queued: 0, diverged: null });
      // Every command once, the ones from before the restart included.
      const ids = await appliedIds(pc.db, 'm-');
      expect(ids.slice(0, 4)).toEqual(['m-list-1', 'm-list-2', 'm-list-3', 'm-cart-1']);
      expect([...ids.slice(4)].sort()).toEqual(['m-cart-2', 'm-cart-3', 'm-list-4']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await marketTables(pc.db).products.count()).toBe(await marketTables(teacher.db).products.count());
    }
    // The student's queued commands kept their order.
    const studentIds = await appliedIds(student.db, 'm-cart-');
    expect(studentIds).toEqual(['m-cart-1', 'm-cart-2', 'm-cart-3']);
    const [d1, d2] = await Promise.all(pcs.map((pc) => digestOf(pc.db)));
    expect(d1).toBe(d2);
  });

  it('a late joiner imports the snapshot the teacher’s PC wrote mid-stream, applies only the tail, and reaches the same digest', async () => {
    const server = await classServer();
    // The teacher's PC writes a snapshot every 4 sequences (the app: every snapshotEvery).
    const teacher = await startPc(server, 'teacher', 'pc-1', await openClass(server, 'late-teacher'), {
      at: (seq) => seq % 4 === 0,
      run: async (pc, seq) => {
        await pc.transport.writeSnapshot(await snapshotOf(pc.entry, pc.db, seq));
      },
    });
    const student = await startPc(server, 'student', 'pc-2', await join(server, 'late-student'));

    unwrap(await login(teacher.db, teacher.entry.id, { loginName: 'lab_seller', password: labUserPassword }, { keyRing: teacher.ring, env: teacher.env }));
    unwrap(await login(student.db, student.entry.id, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: student.ring, env: student.env }));
    const listed = [];
    for (let n = 1; n <= 4; n++) listed.push(unwrap(await listProduct(teacher.db, { id: `j-list-${n}`, actor: sellerId }, product(n), teacher.env)));
    unwrap(await addToCart(student.db, { id: 'j-cart-1', actor: buyerId }, { productId: listed[3]!.id, quantity: 1 }, student.env));
    const last = await settled(teacher.transport, [teacher, student]);
    expect(last).toBe(7);

    // A third PC joins now: the latest snapshot is the one after sequence 4, not the opening one.
    const lateEntry = await join(server, 'late-joiner');
    expect(await indexedDbProgress(lateEntry.dbName).read()).toBe(4);
    const late = await startPc(server, 'student', 'pc-3', lateEntry);
    const applied: number[] = [];
    late.world.onOutcome((o) => applied.push(o.seq));
    await settled(teacher.transport, [teacher, student, late]);
    // Only the tail after the snapshot went through its replica.
    expect(applied).toEqual([5, 6, 7]);
    const digests = await Promise.all([teacher, student, late].map((pc) => digestOf(pc.db)));
    expect(new Set(digests).size).toBe(1);
    expect(await appliedIds(late.db, 'j-')).toEqual(await appliedIds(teacher.db, 'j-'));

    // And it takes part: the late joiner's buyer acts, every PC applies it alike.
    unwrap(await login(late.db, late.entry.id, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: late.ring, env: late.env }));
    unwrap(await addToCart(late.db, { id: 'j-cart-2', actor: buyerId }, { productId: listed[0]!.id, quantity: 1 }, late.env));
    await settled(teacher.transport, [teacher, student, late]);
    const after = await Promise.all([teacher, student, late].map((pc) => digestOf(pc.db)));
    expect(new Set(after).size).toBe(1);
  });
});
