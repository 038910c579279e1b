import { bytesToHex } from '../src/domain/crypto/index.ts';
import type { Certificate } from '../src/domain/index.ts';
import type { WorldEntry } from '../src/storage/registry.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import { deleteWorld, openWorldDb } from '../src/app/worlds.ts';
import { importWorld } from '../src/app/world-file.ts';
import { checkWorld } from '../src/app/world-check.ts';
import { KeyRing } from '../src/app/identity/keys.ts';
import { login } from '../src/app/identity/login.ts';
import { latestCertificateOf } from '../src/app/identity/ca.ts';
import { labUserPassword } from '../src/app/labs/presets.ts';
import { commandRegistry } from '../src/app/commands.ts';
import { execute, type CommandDefinition, type CommandInput } from '../src/app/pipeline.ts';
import { worldDigest } from '../src/app/replay.ts';
import { marketTables } from '../src/storage/market-tables.ts';
import { ClassTransport } from '../src/sync/class/transport.ts';
import { ClassWorld } from '../src/sync/class/class-world.ts';
import { createClass, joinClass, snapshotEvery, snapshotOf } from '../src/sync/class/class-tab.ts';
import { indexedDbProgress } from '../src/sync/class/replica.ts';
import '../src/app/features.ts';
import { lessonCommand, lessonSetup, type ClassBenchApi, type LessonCommand, type LessonParty, type ServerLink } from './class-lesson.ts';

// The browser side of the class rows (bench/class-bench.ts drives it, one page per Chromium
// profile, i.e. per "PC"): open the class as the teacher, join it as a replica that follows the
// class stream through the app's own code (joinClass, ClassWorld: envelope, verify, pipeline),
// note when each command was applied here, and run the same kind of commands locally through the
// pipeline for the baseline.

declare global {
  interface Window {
    __classBench?: ClassBenchApi;
  }
}

/** Wall-clock ms with sub-ms precision, comparable with Node's performance.timeOrigin + now(). */
const wallMs = (): number => performance.timeOrigin + performance.now();

let joined: { entry: WorldEntry; db: WorldDb; transport: ClassTransport; world: ClassWorld | null; snapshotAtSeq: number | null } | null = null;
/** Command id → when this replica applied it (its transaction and the applied sequence written). */
const appliedAtMs = new Map<string, number>();
const outcomeCounts: Record<string, number> = {};

async function startWorld(): Promise<void> {
  const j = joined!;
  j.world = await ClassWorld.start({
    db: j.db,
    worldId: j.entry.id,
    classId: 'demo',
    replicaId: `bench-${j.entry.id}`,
    transport: j.transport,
    keyRing: new KeyRing(),
    progress: indexedDbProgress(j.entry.dbName),
    // The teacher's PC writes a snapshot between two messages (the app: every snapshotEvery); the
    // bench's teacher replica writes the one the late joiner reads, at the sequence it is told.
    afterSeq: {
      at: (seq) => seq === j.snapshotAtSeq,
      run: async (seq) => {
        await j.transport.writeSnapshot(await snapshotOf(j.entry, j.db, seq));
      },
    },
  });
  j.world.onOutcome((o) => {
    if (o.commandId !== null) appliedAtMs.set(o.commandId, wallMs());
    const kind = o.kind === 'refused' ? o.code : o.result.ok ? 'ok' : o.result.code;
    outcomeCounts[kind] = (outcomeCounts[kind] ?? 0) + 1;
  });
}

async function settledAt(seq: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((joined?.world?.settled ?? -1) < seq) {
    if (performance.now() > deadline) throw new Error(`replica settled ${joined?.world?.settled} of ${seq} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const api: ClassBenchApi = {
  async open(link) {
    const created = await createClass({ server: link.server, code: 'demo', teacherPassword: link.teacherPass, worldId: `class-teacher-${link.runId}`, worldName: 'Class bench', createdAtMs: Date.UTC(2026, 0, 5) });
    if (!created.ok) throw new Error(`createClass: ${created.code}`);
    // The bench's simulated students sign as the lab's certified users: their keys opened here
    // with the lab's password (on the teacher's copy, which no replica uses afterwards).
    const db = openWorldDb(created.value.entry);
    const parties: LessonParty[] = [];
    for (const loginName of ['lab_seller', 'lab_buyer']) {
      const ring = new KeyRing();
      const r = await login(db, created.value.entry.id, { loginName, password: labUserPassword }, { keyRing: ring });
      if (!r.ok) throw new Error(`login ${loginName}: ${r.code}`);
      const partyId = `u-${loginName}`;
      const certificate: Certificate | undefined = (await latestCertificateOf(db, partyId))?.certificate;
      if (certificate === undefined) throw new Error(`${partyId} has no certificate`);
      parties.push({ partyId, role: loginName === 'lab_seller' ? 'seller' : 'buyer', seedHex: bytesToHex(ring.seed(created.value.entry.id, partyId)!), certificate });
    }
    const product = await marketTables(db).products.orderBy('id').first();
    if (product === undefined) throw new Error('the B2C lab has no product');
    db.close();
    return { parties, productId: product.id, snapshotEvery };
  },

  async join(link: ServerLink & { replicaId: string }) {
    const t0 = performance.now();
    const entry = await joinClass({ server: link.server, code: 'demo', studentPassword: link.studentPass, worldId: `class-${link.replicaId}-${link.runId}`, worldName: 'Class bench', createdAtMs: Date.UTC(2026, 0, 5) });
    if (!entry.ok) throw new Error(`joinClass: ${entry.code}`);
    const importMs = performance.now() - t0;
    // The snapshot's sequence, before the replica moves past it.
    const snapshotSeq = await indexedDbProgress(entry.value.dbName).read();
    const connected = await ClassTransport.connect({ servers: link.server, classCode: 'demo', user: 'demo-student', pass: link.studentPass, name: link.replicaId });
    if (!connected.ok) throw new Error(`connect: ${connected.code}`);
    joined = { entry: entry.value, db: openWorldDb(entry.value), transport: connected.value, world: null, snapshotAtSeq: null };
    await startWorld();
    const lastSeq = await connected.value.lastSeq();
    await settledAt(lastSeq, 10 * 60_000);
    return { ms: performance.now() - t0, importMs, seq: lastSeq, snapshotSeq };
  },

  async joinParts(link) {
    const connected = await ClassTransport.connect({ servers: link.server, classCode: 'demo', user: 'demo-student', pass: link.studentPass, name: 'join-parts' });
    if (!connected.ok) throw new Error(`connect: ${connected.code}`);
    let t0 = performance.now();
    const snapshot = await connected.value.readSnapshot();
    const readMs = performance.now() - t0;
    await connected.value.close();
    if (snapshot === null) throw new Error('no snapshot');
    t0 = performance.now();
    const imported = await importWorld(new Blob([snapshot.bytes as Uint8Array<ArrayBuffer>]), { id: `class-parts-${link.runId}`, createdAtMs: Date.UTC(2026, 0, 5), name: 'Class bench parts' });
    if (!imported.ok) throw new Error(`import: ${imported.code}`);
    const importMs = performance.now() - t0;
    const db = openWorldDb(imported.value);
    t0 = performance.now();
    const digest = (await worldDigest(db)).digest;
    const digestMs = performance.now() - t0;
    t0 = performance.now();
    const checked = await checkWorld(db);
    const checkMs = performance.now() - t0;
    db.close();
    await deleteWorld(imported.value.id);
    if (digest !== snapshot.digest || !checked.ok) throw new Error('the snapshot imported again differs');
    return { bytes: snapshot.bytes.length, readMs, importMs, digestMs, checkMs };
  },

  settled: () => joined?.world?.settled ?? 0,

  appliedAt: (ids) => ids.map((id) => appliedAtMs.get(id) ?? null),

  async pause() {
    await joined!.world!.stop();
    joined!.world = null;
  },

  async catchUp(toSeq) {
    const t0 = performance.now();
    await startWorld();
    await settledAt(toSeq, 10 * 60_000);
    return performance.now() - t0;
  },

  snapshotAt(seq) {
    joined!.snapshotAtSeq = seq;
  },

  async local(parties, productId, count, runId) {
    // The same lesson commands run here through the pipeline on this replica's own world copy
    // (a second join of the class), as a tab runs its commands without class mode.
    if (localDb === null) {
      localDb = await localCopy(runId);
      await runLocal(localDb, lessonSetup(parties, productId, `local-${runId}`));
    }
    const db = localDb;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await runLocal(db, lessonCommand(parties, productId, `local-${runId}`, localN++));
    return performance.now() - t0;
  },

  outcomes: () => ({ ...outcomeCounts }),

  digest: async () => (await worldDigest(joined!.db)).digest,

  async close() {
    await joined?.world?.stop();
    await joined?.transport.close();
    joined?.db.close();
    localDb?.close();
  },
};

/** One lesson command through the pipeline in this tab, as a tab runs it without class mode. */
async function runLocal(db: WorldDb, c: LessonCommand): Promise<void> {
  const command = commandRegistry[c.name] as unknown as CommandDefinition<CommandInput, unknown>;
  const r = await execute(db, command, { id: c.commandId, actor: c.actor }, c.input as CommandInput, {});
  if (!r.ok) throw new Error(`local ${c.name}: ${r.code}`);
}

let localDb: WorldDb | null = null;
let localN = 0;
let localLink: ServerLink | null = null;
async function localCopy(runId: string): Promise<WorldDb> {
  const link = localLink!;
  const entry = await joinClass({ server: link.server, code: 'demo', studentPassword: link.studentPass, worldId: `class-local-${runId}`, worldName: 'Class bench local', createdAtMs: Date.UTC(2026, 0, 5) });
  if (!entry.ok) throw new Error(`joinClass (local copy): ${entry.code}`);
  return openWorldDb(entry.value);
}

window.__classBench = { ...api, join: async (link) => { localLink = link; return api.join(link); } };
