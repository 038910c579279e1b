// PCs of one class world in Node, for the class integration tests: each a fake-indexeddb world
// opened with createClass / joinClass, its transport on a real nats-server and its replica
// (ClassWorld) following the stream. `stopPcs` closes them after each test.
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldEntry } from '../../src/storage/registry.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import type { CommandEnv } from '../../src/app/command.ts';
import type { ClassLinkStatus } from '../../src/sync/class/transport.ts';
import { ClassTransport } from '../../src/sync/class/transport.ts';
import { ClassWorld } from '../../src/sync/class/class-world.ts';
import { createClass, joinClass } from '../../src/sync/class/class-tab.ts';
import { indexedDbProgress } from '../../src/sync/class/replica.ts';
import { demoClass, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from './nats-server.ts';
import { until } from './until.ts';

// localStorage for the class links (jsdom is not this project's environment).
const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
};

export const sellerId = 'u-lab_seller';
export const buyerId = 'u-lab_buyer';
export const digestOf = async (db: WorldDb): Promise<string> => (await worldDigest(db)).digest;

export type Pc = { readonly name: string; readonly entry: WorldEntry; readonly db: WorldDb; readonly transport: ClassTransport; readonly world: ClassWorld; readonly ring: KeyRing; readonly env: CommandEnv; readonly statuses: ClassLinkStatus[] };

const running: Pc[] = [];
const servers: NatsServerHandle[] = [];
/** Stops every PC and server the test started (call in afterEach). */
export async function stopPcs(): Promise<void> {
  for (const pc of running.splice(0)) {
    await pc.world.stop();
    await pc.transport.close();
    pc.db.close();
  }
  for (const s of servers.splice(0)) await s.dispose();
}

export async function classServer(): Promise<NatsServerHandle> {
  const server = await startNatsServer();
  servers.push(server);
  return server;
}

/** A PC's tab on a class world of this browser: its transport, its replica following the stream. */
export async function startPc(
  server: { readonly wsUrl: string | string[] },
  who: 'teacher' | 'student',
  name: string,
  entry: WorldEntry,
  /** Work at chosen sequences (the teacher's snapshots), as ClassWorld's afterSeq. */
  afterSeq?: { readonly at: (seq: number) => boolean; readonly run: (pc: { entry: WorldEntry; db: WorldDb; transport: ClassTransport }, seq: number) => Promise<void> },
  /** 3 on a three-node cluster: the class's stream keeps every command on all three nodes. */
  replicas?: 1 | 3,
): Promise<Pc> {
  const connected = await ClassTransport.connect({ servers: server.wsUrl, classCode: demoClass.code, user: demoClass[who].user, pass: demoClass[who].pass, name, wsFactory: nodeWebSocketFactory, ...(replicas === undefined ? {} : { replicas }) });
  if (!connected.ok) throw new Error(connected.code);
  const transport = connected.value;
  const statuses: ClassLinkStatus[] = [];
  transport.onStatus((s) => statuses.push(s));
  const db = openWorldDb(entry);
  const ring = new KeyRing();
  const world = await ClassWorld.start({
    db,
    worldId: entry.id,
    classId: demoClass.code,
    replicaId: name,
    transport,
    keyRing: ring,
    progress: indexedDbProgress(entry.dbName),
    checkpointEvery: 3,
    ...(afterSeq === undefined ? {} : { afterSeq: { at: afterSeq.at, run: (seq: number) => afterSeq.run({ entry, db, transport }, seq) } }),
  });
  const pc: Pc = { name, entry, db, transport, world, ring, env: world.envFor({ keyRing: ring }), statuses };
  running.push(pc);
  return pc;
}

export const base = (server: NatsServerHandle) => ({ server: server.wsUrl, code: demoClass.code, wsFactory: nodeWebSocketFactory, createdAtMs: 0 });

export async function openClass(server: NatsServerHandle, worldId: string): Promise<WorldEntry> {
  const created = await createClass({ ...base(server), teacherPassword: demoClass.teacher.pass, worldId, worldName: 'Class' });
  if (!created.ok) throw new Error(created.code);
  return created.value.entry;
}

export async function join(server: NatsServerHandle, worldId: string): Promise<WorldEntry> {
  const joined = await joinClass({ ...base(server), studentPassword: demoClass.student.pass, worldId, worldName: 'Class' });
  if (!joined.ok) throw new Error(joined.code);
  return joined.value;
}

/** Every PC has applied the stream up to its last message (and the jobs due after it). */
export async function settled(server: { lastSeq(): Promise<number> }, pcs: readonly Pc[]): Promise<number> {
  const last = await server.lastSeq();
  await until(`every PC settled ${last}`, () => pcs.every((pc) => pc.world.settled === last));
  return last;
}

/** What each PC's replica applied, by command id, in order (its command log minus the genesis). */
export async function appliedIds(db: WorldDb, prefix: string): Promise<string[]> {
  return (await db.commandLog.orderBy('seq').toArray()).map((r) => r.commandId).filter((id) => id.startsWith(prefix));
}

