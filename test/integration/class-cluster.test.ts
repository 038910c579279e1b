// The three-node cluster under a lesson (#20 acceptance: "in the three-node cluster, kill one node
// mid-lesson: nothing lost, digests equal"). Three nodes of class-server/cluster/node.conf; the
// class's stream keeps three replicas. Three PCs, each connected to its own node, run the B2C
// escrow story (class-b2c-story.ts) through the stream; right after the payment the node PC 1 is
// connected to is killed (SIGKILL, a crash). PC 1 moves to a live node by itself, the story goes on,
// and every PC applies every command once, in the same order, to the same world.
import { afterAll, describe, expect, it } from 'vitest';
import type { WorldDb } from '../../src/storage/schema.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { orderById } from '../../src/app/market/orders.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { ClassTransport, type ClassLinkStatus } from '../../src/sync/class/transport.ts';
import { ClassWorld } from '../../src/sync/class/class-world.ts';
import { demoClass, nodeWebSocketFactory, startNatsCluster, type NatsServerHandle } from '../support/nats-server.ts';
import { b2cStory, b2cStoryCommandIds, buyerId, copyOf, memoryProgress, prepareB2cClassWorld, sellerId } from '../support/class-b2c-story.ts';
import { until } from '../support/until.ts';
import '../../src/app/features.ts';

const worldId = 'lab-world-class-cluster';
const digestOf = async (db: WorldDb): Promise<string> => (await worldDigest(db)).digest;

const connect = async (servers: string[], who: 'teacher' | 'student', name: string): Promise<ClassTransport> => {
  const r = await ClassTransport.connect({ servers, classCode: demoClass.code, user: demoClass[who].user, pass: demoClass[who].pass, name, wsFactory: nodeWebSocketFactory, replicas: 3 });
  if (!r.ok) throw new Error(r.code);
  return r.value;
};

describe('class mode on a three-node cluster', () => {
  const cleanup: (() => Promise<void>)[] = [];
  let nodes: NatsServerHandle[] = [];
  afterAll(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.dispose()));
  });

  it('kills one node mid-lesson: nothing lost, every PC applies the whole story, digests equal', async () => {
    nodes = await startNatsCluster();
    const urls = nodes.map((n) => n.wsUrl);
    const { teacherDb } = await prepareB2cClassWorld(worldId);
    cleanup.push(async () => teacherDb.close());
    // The teacher's connection knows every node; it opens the class's stream with three replicas.
    const teacher = await connect(urls, 'teacher', 'teacher');
    cleanup.push(() => teacher.close());
    expect((await teacher.ensureStream()).ok).toBe(true);

    const tabs = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const db = await copyOf(teacherDb, `class-cluster-pc${i + 1}`);
        const ring = new KeyRing();
        // Each PC is given one node only: PC 1's must learn the others from the cluster and move.
        const transport = await connect([urls[i]!], 'student', `pc-${i + 1}`);
        const statuses: ClassLinkStatus[] = [];
        transport.onStatus((s) => statuses.push(s));
        const world = await ClassWorld.start({ db, worldId, classId: demoClass.code, replicaId: `pc-${i + 1}`, transport, keyRing: ring, progress: memoryProgress(), checkpointEvery: 4 });
        cleanup.push(async () => {
          await world.stop();
          await transport.close();
          db.close();
        });
        return { db, ring, transport, world, statuses, env: world.envFor({ keyRing: ring }) };
      }),
    );
    const [pc1, pc2, pc3] = tabs as [(typeof tabs)[0], (typeof tabs)[0], (typeof tabs)[0]];
    const start = await digestOf(teacherDb);
    for (const t of tabs) expect(await digestOf(t.db)).toBe(start);

    let killedAt = 0;
    const { orderId } = await b2cStory(worldId, pc1, pc2, pc3, async () => {
      killedAt = await teacher.lastSeq();
      await nodes[0]!.kill();
      await until('PC 1 notices its node is gone', () => pc1.statuses.includes('reconnecting'));
    });

    const last = await teacher.lastSeq();
    expect(last).toBeGreaterThan(killedAt);
    await until(`every PC settled ${last}`, () => tabs.every((t) => t.world.settled === last));
    expect(pc1.world.banner.link).toBe('connected');
    // Nothing lost: every command of the story, once, in the order it was sent, on every PC.
    for (const t of tabs) {
      const applied = (await t.db.commandLog.orderBy('seq').toArray()).map((r) => r.commandId).filter((id) => b2cStoryCommandIds.includes(id));
      expect(applied).toEqual(b2cStoryCommandIds);
      expect(t.world.banner.diverged).toBeNull();
    }
    const views = await Promise.all(tabs.map(async (t) => ({ seller: await walletOf(t.db, sellerId), buyer: await walletOf(t.db, buyerId), order: (await orderById(t.db, orderId))?.state, digest: await digestOf(t.db) })));
    for (const v of views) expect(v).toEqual(views[0]);
    expect(views[0]!.order).toBe('TRADE_FINISHED');
    expect(views[0]!.seller.available.amount).toBe('51.20');
  });
});
