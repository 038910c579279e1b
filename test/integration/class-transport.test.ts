// The class world's transport against a real nats-server started from the shipped configs
// (class-server/), over its WebSocket listener as a browser connects: de-duplication by command id,
// stream order, a server restart with file storage, the offline queue, the envelope check on what
// a stranger publishes straight to the stream, snapshots, checkpoints and a three-node cluster.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { utf8Encode } from '../../src/domain/crypto/index.ts';
import { encodeEnvelope, openEnvelope, signClassCommand, type ClassCommand } from '../../src/sync/class/envelope.ts';
import { ClassTransport, type ClassConnectOptions, type StreamMessage } from '../../src/sync/class/transport.ts';
import { demoClass, nodeWebSocketFactory, startNatsCluster, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { dayMs, makeClassCa, t0 } from '../support/class-identities.ts';

/** Waiting for something the server does is bounded by this many polls of pollMs. */
const pollsMax = 600;
const pollMs = 50;

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < pollsMax; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ca = makeClassCa();
const buyer = ca.party('buyer-1', 'buyer');
const seller = ca.party('seller-1', 'seller');
const trust = { classId: 'demo', roots: [ca.root], crl: ca.crl(), now: t0 + dayMs };

function command(n: number, actor = buyer): { id: string; bytes: Uint8Array } {
  const c: ClassCommand = { classId: 'demo', name: 'market.addToCart', commandId: `cmd-${actor.partyId}-${n}`, actor: actor.partyId, input: { n } };
  return { id: c.commandId, bytes: encodeEnvelope(signClassCommand(c, actor.seed, actor.certificate)) };
}

const open: { close(): Promise<void> }[] = [];

async function connect(servers: string | string[], who: 'teacher' | 'student', extra: Partial<ClassConnectOptions> = {}): Promise<ClassTransport> {
  const credentials = demoClass[who];
  const r = await ClassTransport.connect({ servers, classCode: 'demo', user: credentials.user, pass: credentials.pass, wsFactory: nodeWebSocketFactory, ...extra });
  if (!r.ok) throw new Error(r.code);
  open.push(r.value);
  return r.value;
}

/** Collects what `follow` delivers. */
async function follower(t: ClassTransport, fromSeq = 1) {
  const got: StreamMessage[] = [];
  const handle = await t.follow(fromSeq, async (m) => {
    got.push(m);
  });
  open.push({ close: () => handle.stop() });
  return got;
}

afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
});

describe('class transport on one server', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('a student cannot start the class; the teacher creates its stream', async () => {
    const student = await connect(server.wsUrl, 'student');
    expect(await student.ensureStream()).toMatchObject({ ok: false, code: 'class_not_started' });
    const teacher = await connect(server.wsUrl, 'teacher');
    expect((await teacher.ensureStream()).ok).toBe(true);
    expect((await student.ensureStream()).ok).toBe(true);
  });

  it('a wrong password is refused by name', async () => {
    const r = await ClassTransport.connect({ servers: server.wsUrl, classCode: 'demo', user: 'demo-student', pass: 'wrong', wsFactory: nodeWebSocketFactory });
    expect(r).toMatchObject({ ok: false, code: 'class_server_refused_login' });
  });

  it('stores a command id once however often it is published', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const before = await teacher.lastSeq();
    const c = command(1);
    const first = await teacher.publish(c.id, c.bytes);
    const again = await teacher.publish(c.id, c.bytes);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    expect(await teacher.lastSeq()).toBe(before + 1);
  });

  it('hands a backlog over in bursts of at most burstMax, in stream order, fewer bursts than commands', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const from = (await teacher.lastSeq()) + 1;
    const backlog = 30;
    for (let i = 0; i < backlog; i++) await teacher.publish(command(300 + i).id, command(300 + i).bytes);
    const student = await connect(server.wsUrl, 'student');
    const bursts: (readonly StreamMessage[])[] = [];
    const handle = await student.followBursts(
      from,
      async (burst) => {
        bursts.push(burst);
        // A replica's batch takes a while: what arrives meanwhile joins the next burst.
        await new Promise((r) => setTimeout(r, 20));
      },
      8,
    );
    open.push({ close: () => handle.stop() });
    await until('the backlog handed over', () => bursts.flat().length === backlog);
    expect(bursts.flat().map((m) => m.seq)).toEqual(Array.from({ length: backlog }, (_, i) => from + i));
    expect(Math.max(...bursts.map((b) => b.length))).toBeLessThanOrEqual(8);
    expect(bursts.length).toBeLessThan(backlog);
  });

  it('delivers every command in stream order, the same order to every follower', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const from = (await teacher.lastSeq()) + 1;
    const a = await connect(server.wsUrl, 'student');
    const b = await connect(server.wsUrl, 'student');
    const watchOne = await follower(a, from);
    const watchTwo = await follower(b, from);
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).publish(command(100 + i, i % 2 === 0 ? buyer : seller).id, command(100 + i, i % 2 === 0 ? buyer : seller).bytes)),
    );
    await until('both followers have 20', () => watchOne.length === 20 && watchTwo.length === 20);
    const seqs = watchOne.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => from + i));
    expect(watchTwo.map((m) => m.messageId)).toEqual(watchOne.map((m) => m.messageId));
    expect(new Set(acks.map((x) => x.seq)).size).toBe(20);
  });

  it('refuses, by name, what a stranger publishes straight to the stream', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const from = (await teacher.lastSeq()) + 1;
    const watch = await follower(teacher, from);
    // A student's own NATS client, with the class's student login: not through the app.
    const raw: NatsConnection = await wsconnect({ servers: server.wsUrl, user: demoClass.student.user, pass: demoClass.student.pass, wsFactory: nodeWebSocketFactory });
    open.push({ close: () => raw.close() });
    const js = jetstream(raw);
    const honest = signClassCommand({ classId: 'demo', name: 'market.pay', commandId: 'x-1', actor: 'buyer-1', input: { amount: '10.00' } }, buyer.seed, buyer.certificate);
    const subject = 'settlelab.demo.cmd';
    await js.publish(subject, encodeEnvelope(honest), { msgID: 'x-1' });
    // changed amount under the buyer's signature
    await js.publish(subject, encodeEnvelope({ ...honest, payload: { ...honest.payload, commandId: 'x-2', input: { amount: '9999.00' } } }), { msgID: 'x-2' });
    // no signature at all
    await js.publish(subject, utf8Encode(JSON.stringify({ payload: { ...honest.payload, commandId: 'x-3' } })), { msgID: 'x-3' });
    // the seller signs, claiming to be the buyer
    const claiming = signClassCommand({ classId: 'demo', name: 'market.pay', commandId: 'x-4', actor: 'buyer-1', input: {} }, seller.seed, seller.certificate);
    await js.publish(subject, encodeEnvelope(claiming), { msgID: 'x-4' });
    // the honest command again under a new message id
    await js.publish(subject, encodeEnvelope(honest), { msgID: 'x-5' });
    await until('five messages', () => watch.length === 5);
    const verdicts = watch.map((m) => {
      const r = openEnvelope(m.data, trust, m.messageId);
      return r.ok ? 'ok' : r.code;
    });
    expect(verdicts).toEqual(['ok', 'class_signature_invalid', 'class_unsigned', 'class_actor_mismatch', 'class_message_id_mismatch']);
  });

  it('keeps a class\'s users to its own subjects: no deleting the log, no other class', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const raw = await wsconnect({ servers: server.wsUrl, user: demoClass.student.user, pass: demoClass.student.pass, wsFactory: nodeWebSocketFactory });
    open.push({ close: () => raw.close() });
    const jsm = await jetstreamManager(raw);
    await expect(jsm.streams.delete('SETTLELAB_DEMO')).rejects.toThrow(/permission|timeout/i);
    await expect(jsm.streams.purge('SETTLELAB_DEMO')).rejects.toThrow(/permission|timeout/i);
    await expect(jetstream(raw).publish('settlelab.other.cmd', 'x', { timeout: 1_000 })).rejects.toThrow();
    expect(await teacher.lastSeq()).toBeGreaterThan(0);
  });

  it('writes and reads the latest snapshot with its sequence and digest', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    const student = await connect(server.wsUrl, 'student');
    expect(await student.readSnapshot()).toBeNull();
    // Larger than one object-store chunk, so it is read back from several.
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    await student.writeSnapshot({ seq: 41, digest: 'a'.repeat(64), bytes });
    expect(await teacher.readSnapshot()).toEqual({ seq: 41, digest: 'a'.repeat(64), bytes });
    await teacher.writeSnapshot({ seq: 42, digest: 'b'.repeat(64), bytes: new Uint8Array([1, 2, 3]) });
    expect(await student.readSnapshot()).toEqual({ seq: 42, digest: 'b'.repeat(64), bytes: new Uint8Array([1, 2, 3]) });
  });

  it('carries checkpoints between replicas', async () => {
    const a = await connect(server.wsUrl, 'student');
    const b = await connect(server.wsUrl, 'student');
    const seen: unknown[] = [];
    const stop = b.onCheckpoint((c) => seen.push(c));
    await b.flushed();
    a.publishCheckpoint({ replicaId: 'pc-1', seq: 7, digest: 'c'.repeat(64) });
    await until('the checkpoint', () => seen.length === 1);
    expect(seen).toEqual([{ replicaId: 'pc-1', seq: 7, digest: 'c'.repeat(64) }]);
    stop();
  });

  it('loses nothing across a server crash and restart: clients reconnect, queued commands go out once, in order', async () => {
    const teacher = await connect(server.wsUrl, 'teacher');
    await teacher.ensureStream();
    const from = (await teacher.lastSeq()) + 1;
    const student = await connect(server.wsUrl, 'student');
    const watch = await follower(teacher, from);
    const statuses: string[] = [];
    student.onStatus((s) => statuses.push(s));
    for (let i = 0; i < 5; i++) await student.publish(command(200 + i).id, command(200 + i).bytes);

    await server.kill();
    await until('the student notices', () => student.status === 'reconnecting');
    // Offline: the tab's own commands wait in its queue.
    const queued = Array.from({ length: 5 }, (_, i) => student.publish(command(205 + i).id, command(205 + i).bytes));
    expect(student.queued).toBe(5);

    await server.start();
    const acks = await Promise.all(queued);
    expect(student.status).toBe('connected');
    expect(statuses).toEqual(['reconnecting', 'connected']);
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 5 }, (_, i) => from + 5 + i));
    await until('the follower has all ten', () => watch.length === 10);
    expect(watch.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => from + i));
    expect(watch.map((m) => m.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => command(200 + i).id));
    expect(await teacher.lastSeq()).toBe(from + 9);
  });
});

describe('class transport on a three-node cluster', () => {
  it('keeps every command when one node is killed mid-lesson', async () => {
    const nodes = await startNatsCluster();
    try {
      const urls = nodes.map((n) => n.wsUrl);
      const teacher = await connect(urls, 'teacher', { replicas: 3 });
      expect((await teacher.ensureStream()).ok).toBe(true);
      // On the node that is killed: its follower must move to a live node by itself.
      const student = await connect([urls[0]!], 'student', { replicas: 3 });
      const watch = await follower(student);
      const sent: string[] = [];
      for (let i = 0; i < 10; i++) {
        const c = command(300 + i);
        await student.publish(c.id, c.bytes);
        sent.push(c.id);
      }
      await nodes[0]!.kill();
      for (let i = 10; i < 20; i++) {
        const c = command(300 + i);
        await teacher.publish(c.id, c.bytes);
        sent.push(c.id);
      }
      await until('every command delivered', () => watch.length === 20);
      expect(watch.map((m) => m.messageId)).toEqual(sent);
      expect(watch.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
      await Promise.all(nodes.map((n) => n.dispose()));
    }
  });
});
