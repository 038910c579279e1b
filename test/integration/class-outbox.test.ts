// The class tab's outbox (#20, "Offline"): the tab's own signed commands waiting for the class
// server are kept in this browser's class database (storage/class-store.ts), so a reload or a
// closed browser does not lose them. On a real nats-server: a tab goes offline (the browser's
// offline event), queues three commands and is closed; its next transport sends them first, in
// order, once each, and a command the stream already had (a reload between the acknowledgement
// and forgetting it) is not stored twice. Past the named limit a class world refuses new commands
// with class_queue_full.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope, signClassCommand, type ClassCommand } from '../../src/sync/class/envelope.ts';
import { ClassTransport, offlineQueueMax, type ClassConnectOptions, type StreamMessage } from '../../src/sync/class/transport.ts';
import { ClassWorld } from '../../src/sync/class/class-world.ts';
import { indexedDbOutbox, indexedDbProgress, type ProgressStore } from '../../src/storage/class-store.ts';
import { startClassTab } from '../../src/sync/class/class-tab.ts';
import type { ClassLink } from '../../src/sync/class/link.ts';
import { tabKeys } from '../../src/app/identity/keys.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { demoClass, freePort, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { labPassword, loggedInTab } from '../helpers/identity.ts';
import { makeClassCa } from '../support/class-identities.ts';
import { until } from '../support/until.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { caTab, certifiedBuyer } from '../helpers/market.ts';
import '../../src/app/features.ts';

const ca = makeClassCa();
const buyer = ca.party('buyer-1', 'buyer');

function command(n: number): { id: string; bytes: Uint8Array } {
  const c: ClassCommand = { classId: 'demo', name: 'market.addToCart', commandId: `outbox-${n}`, actor: buyer.partyId, input: { n } };
  return { id: c.commandId, bytes: encodeEnvelope(signClassCommand(c, buyer.seed, buyer.certificate)) };
}

const open: { close(): Promise<void> }[] = [];
let server: NatsServerHandle;

async function connect(who: 'teacher' | 'student', extra: Partial<ClassConnectOptions> = {}): Promise<ClassTransport> {
  const r = await ClassTransport.connect({ servers: server.wsUrl, classCode: 'demo', user: demoClass[who].user, pass: demoClass[who].pass, wsFactory: nodeWebSocketFactory, ...extra });
  if (!r.ok) throw new Error(r.code);
  open.push(r.value);
  return r.value;
}

beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.dispose();
});
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
});

describe('the class tab\'s outbox', () => {
  it('keeps the commands queued offline across a restart of the tab\'s transport and sends them once, in order', async () => {
    const teacher = await connect('teacher');
    expect((await teacher.ensureStream()).ok).toBe(true);
    const from = (await teacher.lastSeq()) + 1;
    const seen: StreamMessage[] = [];
    const following = await teacher.follow(from, async (m) => {
      seen.push(m);
    });
    open.push({ close: () => following.stop() });
    const outbox = indexedDbOutbox('outbox-test-world');
    const [c0, c1, c2, c3] = [command(0), command(1), command(2), command(3)];
    const marker = (n: number) => command(100 + n);

    // Online: the command goes out and leaves the outbox.
    const tab = await connect('student', { outbox });
    await tab.publish(c0.id, c0.bytes);
    expect(await outbox.load()).toEqual([]);

    // The browser says it is offline: the tab holds its commands (the socket itself still works).
    tab.setDeviceOnline(false);
    expect(tab.status).toBe('reconnecting');
    const held = [c1, c2, c3].map((c) => tab.publish(c.id, c.bytes).catch((e: unknown) => e));
    expect(tab.queued).toBe(3);
    await until('the outbox keeps three', async () => (await outbox.load()).length === 3);
    // Another PC's command arrives, and none of the held ones went out before it.
    await teacher.publish(marker(1).id, marker(1).bytes);
    await until('the marker', () => seen.some((m) => m.messageId === marker(1).id));
    expect(seen.map((m) => m.messageId)).toEqual([c0.id, marker(1).id]);

    // A reload that came between c0's acknowledgement and forgetting it would leave it here too.
    await outbox.add({ messageId: c0.id, data: c0.bytes });
    // The tab is closed (a reload): what it queued is still in this browser's class database.
    await tab.close();
    expect((await Promise.all(held)).every((r) => r instanceof Error)).toBe(true);
    expect((await outbox.load()).map((e) => e.messageId)).toEqual([c1.id, c2.id, c3.id, c0.id]);

    // The tab opens again: its new transport sends them first, in order; c0 is not stored again.
    const again = await connect('student', { outbox });
    await until('the outbox is empty', async () => (await outbox.load()).length === 0 && again.queued === 0);
    await teacher.publish(marker(2).id, marker(2).bytes);
    await until('the second marker', () => seen.some((m) => m.messageId === marker(2).id));
    expect(seen.map((m) => m.messageId)).toEqual([c0.id, marker(1).id, c1.id, c2.id, c3.id, marker(2).id]);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 6 }, (_, i) => from + i));
  });

  it('refuses a new command with class_queue_full once offlineQueueMax wait, and says so in the banner', async () => {
    const teacher = await connect('teacher');
    await teacher.ensureStream();
    const world = await freshWorld('outbox full');
    const customer = await certifiedBuyer(world.db, world.id, 'fullqueue', await caTab(world.db, world.id));
    const transport = await connect('student');
    let applied = await teacher.lastSeq();
    const progress: ProgressStore = { read: async () => applied, write: async (s) => void (applied = s) };
    const classWorld = await ClassWorld.start({ db: world.db, worldId: world.id, classId: 'demo', replicaId: 'pc-full', transport, keyRing: customer.ring, progress });
    open.push({ close: () => classWorld.stop() });
    transport.setDeviceOnline(false);
    const c = command(500);
    const waiting = Array.from({ length: offlineQueueMax }, (_, i) => transport.publish(`${c.id}-${i}`, c.bytes).catch((e: unknown) => e));
    expect(classWorld.banner).toMatchObject({ link: 'reconnecting', queued: offlineQueueMax });
    const refused = await classWorld.submit({ name: 'market.addToCart', meta: meta(customer.partyId), input: { productId: 'p-1', quantity: 1 } });
    expect(refused).toMatchObject({ ok: false, code: 'class_queue_full', detail: { max: offlineQueueMax } });
    expect(transport.queued).toBe(offlineQueueMax);
    await transport.close();
    await Promise.all(waiting);
  });

  it('keeps a command issued before the tab ever connected (reloaded while offline) in the outbox, and the next tab sends it', async () => {
    const teacher = await connect('teacher');
    await teacher.ensureStream();
    const world = await freshWorld('outbox before connecting');
    const entry = { id: world.id, name: 'outbox before connecting', dbName: world.db.name, createdAtMs: 0 };
    await indexedDbProgress(entry.dbName).write(await teacher.lastSeq());
    // The platform signs in in this tab (the app's tab ring, which a class tab signs with).
    await loggedInTab(world.db, world.id, 'platform', await labPassword(world.db, 'platform'), tabKeys);
    const link = (serverUrl: string): ClassLink => ({ server: serverUrl, code: 'demo', user: demoClass.student.user, pass: demoClass.student.pass, role: 'student' });
    const tabOf = (serverUrl: string) => startClassTab({ entry, db: world.db, link: link(serverUrl), replicaId: 'pc-reload', env: {}, onChange: () => undefined, wsFactory: nodeWebSocketFactory });

    // The tab opens while the class server cannot be reached: it has never connected.
    const offline = tabOf(`ws://127.0.0.1:${await freePort()}`);
    const id = 'outbox-before-connecting';
    void advanceClock(world.db, { id, actor: 'platform' }, { kind: 'hours', hours: 1 }, { classSubmit: offline.submit });
    const outbox = indexedDbOutbox(entry.dbName);
    await until('the command is in the outbox', async () => (await outbox.load()).some((e) => e.messageId === id));
    // Reloaded (still never connected): the next tab reaches the server and sends it first.
    await offline.stop();
    const before = await readClock(world.db);
    const online = tabOf(server.wsUrl);
    open.push({ close: () => online.stop() });
    await until('the command applied', async () => (await world.db.commands.get(id)) !== undefined);
    expect(await readClock(world.db)).toBe(before + 3_600_000);
    await until('the outbox is empty', async () => (await outbox.load()).length === 0);
    expect((await world.db.commandLog.toArray()).filter((r) => r.commandId === id)).toHaveLength(1);
  });
});
