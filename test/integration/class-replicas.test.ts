// Two replicas of one class world (two fake-indexeddb databases, as on two PCs) follow the same
// class stream on a real nats-server and reach the same world: equal digests, equal clocks, the
// same command refused for the same reason on both; a replica whose world was changed behind the
// stream's back reports the divergence at the next checkpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClockAdvance } from '../../src/domain/index.ts';
import { WorldDb, type CommandLogRow } from '../../src/storage/schema.ts';
import { commandRegistry } from '../../src/app/commands.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { latestCertificateOf } from '../../src/app/identity/ca.ts';
import { encodeEnvelope, signClassCommand, type ClassCommand } from '../../src/sync/class/envelope.ts';
import { ClassTransport } from '../../src/sync/class/transport.ts';
import { ClassReplica, followStream, submitClassCommand, type Divergence, type Outcome, type ProgressStore } from '../../src/sync/class/replica.ts';
import { demoClass, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { freshWorld } from '../helpers/world.ts';
import { labPassword, loggedInTab } from '../helpers/identity.ts';

const pollsMax = 600;
const pollMs = 50;
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < pollsMax; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A second PC's copy of the world: replayed from the class world's genesis row alone (what seeding
 * drew), as a student's PC joining the class would start, so both start equal.
 */
async function replicaDbFrom(genesisRow: CommandLogRow, dbName: string): Promise<WorldDb> {
  const db = new WorldDb(dbName);
  const r = await replay([genesisRow], db);
  expect(r).toEqual({ ok: true, value: { commands: 0 } });
  return db;
}

function memoryProgress(): ProgressStore {
  let seq = 0;
  return { read: async () => seq, write: async (s) => void (seq = s) };
}

const digestOf = async (db: WorldDb): Promise<string> => (await worldDigest(db)).digest;

describe('two replicas of a class world', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('apply the same stream to the same world, refuse the same commands, and notice a tampered world', async () => {
    const world = await freshWorld('class world');
    const genesisRow = await world.db.commandLog.orderBy('seq').first();
    expect(genesisRow?.name).toBe('genesis');
    const dbA = world.db;
    const dbB = await replicaDbFrom(genesisRow!, `class-replica-b-${world.id}`);
    expect(await digestOf(dbB)).toBe(await digestOf(dbA));

    // Two institutions sign in (their lab-sheet passwords) to open their keys, as their students
    // would. On a copy of the world: signing in is itself a command that writes the world (the
    // lab sheet, login attempts), which in class mode must go through the stream too (not yet).
    const keychain = await replicaDbFrom(genesisRow!, `class-keychain-${world.id}`);
    const signer = async (partyId: string) => {
      const ring = await loggedInTab(keychain, world.id, partyId, await labPassword(keychain, partyId));
      const certificate = (await latestCertificateOf(keychain, partyId))!.certificate;
      return { partyId, seed: ring.seed(world.id, partyId)!, certificate };
    };
    const platform = await signer('platform');
    const escrow = await signer('escrow');
    const startClock = await readClock(dbA);

    const connect = async (who: 'teacher' | 'student', name: string) => {
      const r = await ClassTransport.connect({ servers: server.wsUrl, classCode: 'demo', user: demoClass[who].user, pass: demoClass[who].pass, name, wsFactory: nodeWebSocketFactory });
      if (!r.ok) throw new Error(r.code);
      return r.value;
    };
    const teacher = await connect('teacher', 'teacher');
    expect((await teacher.ensureStream()).ok).toBe(true);
    const pcA = await connect('student', 'pc-a');
    const pcB = await connect('student', 'pc-b');

    const divergences: Divergence[] = [];
    const replica = (db: WorldDb, replicaId: string, transport: ClassTransport) => {
      const r = new ClassReplica({ db, classId: 'demo', replicaId, registry: commandRegistry, digest: digestOf, progress: memoryProgress(), checkpointEvery: 4, publishCheckpoint: (c) => transport.publishCheckpoint(c) });
      transport.onCheckpoint((c) => r.receiveCheckpoint(c));
      r.onDivergence((d) => divergences.push(d));
      return r;
    };
    const replicaA = replica(dbA, 'pc-a', pcA);
    const replicaB = replica(dbB, 'pc-b', pcB);
    const outcomesA: Outcome[] = [];
    const outcomesB: Outcome[] = [];
    replicaA.onOutcome((o) => outcomesA.push(o));
    replicaB.onOutcome((o) => outcomesB.push(o));
    const followA = await followStream(replicaA, (from, on) => pcA.follow(from, on));
    const followB = await followStream(replicaB, (from, on) => pcB.follow(from, on));

    const move = (commandId: string, actor: string, step: ClockAdvance): ClassCommand => ({ classId: 'demo', name: 'advanceClock', commandId, actor, input: { step } });

    // PC A's tab: the platform moves the clock a day and gets its result back through its replica.
    const first = await submitClassCommand((id, data) => pcA.publish(id, data), replicaA, move('c-1', 'platform', { kind: 'days', days: 1 }), platform.seed, platform.certificate);
    expect(first).toEqual({ ok: true, value: { from: startClock, to: startClock + 86_400_000 } });
    // The same command again (a lost ack, a double click): JetStream stores it once.
    expect((await pcA.publish('c-1', encodeEnvelope(signClassCommand(move('c-1', 'platform', { kind: 'days', days: 1 }), platform.seed, platform.certificate)))).duplicate).toBe(true);
    // PC B's tab: the escrow agent signs a step the command refuses by name, on every replica.
    const refused = await submitClassCommand((id, data) => pcB.publish(id, data), replicaB, move('c-2', 'escrow', { kind: 'hours', hours: -5 }), escrow.seed, escrow.certificate);
    expect(refused.ok).toBe(false);
    // A stranger with the student login: the escrow agent signs, claiming to be the platform.
    await pcB.publish('c-3', encodeEnvelope(signClassCommand(move('c-3', 'platform', { kind: 'days', days: 30 }), escrow.seed, escrow.certificate)));
    // A command this version does not know.
    await pcB.publish('c-4', encodeEnvelope(signClassCommand({ classId: 'demo', name: 'market.noSuchThing', commandId: 'c-4', actor: 'escrow', input: {} }, escrow.seed, escrow.certificate)));
    // Accepted: the escrow agent moves the clock two hours.
    const second = await submitClassCommand((id, data) => pcB.publish(id, data), replicaB, move('c-5', 'escrow', { kind: 'hours', hours: 2 }), escrow.seed, escrow.certificate);
    expect(second.ok).toBe(true);

    await until('both replicas applied five', () => outcomesA.length === 5 && outcomesB.length === 5);
    const summary = (o: Outcome) => (o.kind === 'applied' ? `${o.seq} ${o.commandId} ${o.result.ok ? 'ok' : o.result.code}` : `${o.seq} ${o.commandId} ${o.code}`);
    expect(outcomesA.map(summary)).toEqual(outcomesB.map(summary));
    expect(outcomesA.map(summary)).toEqual([
      '1 c-1 ok',
      `2 c-2 ${refused.ok ? '' : refused.code}`,
      '3 c-3 class_actor_mismatch',
      '4 c-4 class_unknown_command',
      '5 c-5 ok',
    ]);
    expect(await readClock(dbA)).toBe(startClock + 86_400_000 + 2 * 3_600_000);
    expect(await readClock(dbB)).toBe(await readClock(dbA));
    const [digestA, digestB] = await Promise.all([digestOf(dbA), digestOf(dbB)]);
    expect(digestA).toBe(digestB);
    // Checkpoint at seq 4 compared on both sides: equal.
    expect(divergences).toEqual([]);

    // Someone edits PC B's database behind the stream's back: the next checkpoint says so, on both PCs.
    await dbB.meta.put({ key: 'clock', value: startClock });
    for (let i = 0; i < 3; i++) {
      await submitClassCommand((id, data) => pcA.publish(id, data), replicaA, move(`c-${6 + i}`, 'platform', { kind: 'hours', hours: 1 }), platform.seed, platform.certificate);
    }
    await until('both replicas reach 8', () => outcomesA.length === 8 && outcomesB.length === 8);
    await until('the divergence is seen from both sides', () => divergences.length === 2);
    expect(divergences.map((d) => [d.seq, d.replicaId]).sort()).toEqual([
      [8, 'pc-a'],
      [8, 'pc-b'],
    ]);

    await followA.stop();
    await followB.stop();
    for (const t of [pcA, pcB, teacher]) await t.close();
    dbB.close();
    keychain.close();
  });
});
