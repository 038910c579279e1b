// Class mode from the browser (issue #20): the teacher opens a class (a prepared world, its
// snapshot at sequence 0), a student joins it (the latest snapshot, then the stream's tail), and a
// tab of a class world follows the class stream (ClassWorld) for as long as it is open. Loaded
// only in class mode (a dynamic import from the start page's class panel and the world shell).
//
// Snapshots: the teacher's PC writes the world file (world-file.ts) with the sequence it was
// taken after and its worldDigest, at creation and every `snapshotEvery` sequences, in the
// stream's order (between two messages), so bytes, sequence and digest are one state. A joiner
// imports the file, checks the digest of what it imported, and follows the stream from the next
// sequence.
import { err, ok, type Result } from '../../domain/index.ts';
import type { WorldEntry } from '../../storage/registry.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { CommandEnv } from '../../app/command.ts';
import { createLabWorld } from '../../app/labs/lab-world.ts';
import { labUserPassword } from '../../app/labs/presets.ts';
import { deleteWorld, openWorldDb, type CreatedWorld } from '../../app/worlds.ts';
import { exportWorld, importWorld } from '../../app/world-file.ts';
import { worldDigest } from '../../app/replay.ts';
import { KeyRing, tabKeys } from '../../app/identity/keys.ts';
import { login } from '../../app/identity/login.ts';
import { applyForCertificate, issueRequestedCertificate, latestCertificateOf } from '../../app/identity/ca.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { ClassTransport, offlineQueueMax, queueProblems, type ClassConnectOptions, type ConnectProblem } from './transport.ts';
import { ClassWorld, classCommandOf, signerOf } from './class-world.ts';
import { encodeEnvelope, signClassCommand } from './envelope.ts';
import { indexedDbProgress } from './replica.ts';
import { indexedDbOutbox } from '../../storage/class-store.ts';
import { isClassCode } from './subjects.ts';
import { rememberClassLink, type ClassLink } from './link.ts';

/** The lab a class world starts from: the B2C escrow lab's prepared world. */
export const classLabId = 'b2c-escrow';
/** A snapshot this many sequences apart: a late joiner replays at most this many commands. */
export const snapshotEvery = 50;
/** Waits between attempts to reach the class server when a tab opens while it is away. */
const reconnectWaitMs = 2_000;

export type ClassProblem = ConnectProblem | 'class_not_started' | 'class_code_invalid' | 'class_already_started' | 'class_snapshot_mismatch';

function teacherUser(code: string): string {
  return `${code}-teacher`;
}
function studentUser(code: string): string {
  return `${code}-student`;
}

/** Node tests pass the `ws` package's socket (Node 20 has no WebSocket); browsers pass nothing. */
type Socketed = { readonly wsFactory?: ClassConnectOptions['wsFactory'] };

async function connect(link: Pick<ClassLink, 'server' | 'code' | 'user' | 'pass'>, name: string, socketed: Socketed = {}, outbox?: ClassConnectOptions['outbox']): Promise<Result<ClassTransport, ConnectProblem>> {
  return ClassTransport.connect({
    servers: link.server.trim(),
    classCode: link.code,
    user: link.user,
    pass: link.pass,
    name,
    ...(socketed.wsFactory === undefined ? {} : { wsFactory: socketed.wsFactory }),
    ...(outbox === undefined ? {} : { outbox }),
  });
}

/**
 * Tells the transport what the browser knows of the network: its offline event comes at once,
 * while the NATS pings need seconds (and Chromium's offline emulation leaves WebSockets open).
 */
function followDeviceNetwork(transport: ClassTransport): () => void {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return () => undefined;
  const update = () => transport.setDeviceOnline(navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
  return () => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  };
}

/**
 * Gives every registered user of the prepared world a certificate (their commands are signed with
 * it in class mode, envelope.ts): each signs in with the lab's user password on a key ring of its
 * own, applies, and the CA (password from the lab sheet) issues. Run before the class opens, on
 * the teacher's PC, like the preset itself.
 */
async function certifyLabUsers(db: WorldDb, worldId: string): Promise<Result<null, string>> {
  const ca = new KeyRing();
  const caPassword = (await identityTables(db).labSheet.get('ca'))?.password;
  if (typeof caPassword !== 'string') return err('class_not_started');
  const caLogin = await login(db, worldId, { loginName: 'ca', password: caPassword }, { keyRing: ca });
  if (!caLogin.ok) return caLogin;
  const users = (await identityTables(db).users.toArray()).filter((u) => !u.institution && u.status === 'active');
  for (const user of users) {
    if ((await latestCertificateOf(db, user.partyId)) !== undefined) continue;
    const ring = new KeyRing();
    const signedIn = await login(db, worldId, { loginName: user.loginName, password: labUserPassword }, { keyRing: ring });
    if (!signedIn.ok) return signedIn;
    const request = await applyForCertificate(db, worldId, user.partyId, { keyRing: ring });
    if (!request.ok) return request;
    const issued = await issueRequestedCertificate(db, worldId, 'ca', { requestId: request.value.requestId }, { keyRing: ca });
    if (!issued.ok) return issued;
    ring.forgetWorld(worldId);
  }
  ca.forgetWorld(worldId);
  return ok(null);
}

/** The class world after `seq` as a snapshot: its world file and digest (one state, taken between two messages). */
export async function snapshotOf(entry: WorldEntry, db: WorldDb, seq: number): Promise<{ seq: number; digest: string; bytes: Uint8Array }> {
  const digest = (await worldDigest(db)).digest;
  const bytes = new Uint8Array(await (await exportWorld(entry)).arrayBuffer());
  return { seq, digest, bytes };
}

export type CreateClassInput = Socketed & { readonly server: string; readonly code: string; readonly teacherPassword: string; readonly worldId: string; readonly worldName: string; readonly createdAtMs: number };

/**
 * The teacher opens a class: the class server's stream (the teacher's login may create it), a new
 * world from the lab's preset with certificates for its users, and its snapshot at sequence 0.
 * A class whose stream already holds commands is not opened again (students join it instead).
 */
export async function createClass(input: CreateClassInput): Promise<Result<CreatedWorld, ClassProblem | string>> {
  const code = input.code.trim().toLowerCase();
  if (!isClassCode(code)) return err('class_code_invalid');
  const link: ClassLink = { server: input.server.trim(), code, user: teacherUser(code), pass: input.teacherPassword, role: 'teacher' };
  const connected = await connect(link, 'teacher', input);
  if (!connected.ok) return connected;
  const transport = connected.value;
  try {
    const stream = await transport.ensureStream();
    if (!stream.ok) return stream;
    if ((await transport.lastSeq()) > 0) return err('class_already_started');
    const created = await createLabWorld({ labId: classLabId, id: input.worldId, name: input.worldName, createdAtMs: input.createdAtMs, teacher: { name: '', password: '' } });
    if (!created.ok) return created;
    const entry = created.value.entry;
    const db = openWorldDb(entry);
    try {
      const certified = await certifyLabUsers(db, entry.id);
      if (!certified.ok) {
        await deleteWorld(entry.id);
        return certified;
      }
      await transport.writeSnapshot(await snapshotOf(entry, db, 0));
    } finally {
      db.close();
    }
    rememberClassLink(entry.id, link);
    return created;
  } finally {
    await transport.close();
  }
}

export type JoinClassInput = Socketed & { readonly server: string; readonly code: string; readonly studentPassword: string; readonly worldId: string; readonly worldName: string; readonly createdAtMs: number };

/** A student joins: the class's latest snapshot imported as a world of this browser, its digest checked. */
export async function joinClass(input: JoinClassInput): Promise<Result<WorldEntry, ClassProblem | string>> {
  const code = input.code.trim().toLowerCase();
  if (!isClassCode(code)) return err('class_code_invalid');
  const link: ClassLink = { server: input.server.trim(), code, user: studentUser(code), pass: input.studentPassword, role: 'student' };
  const connected = await connect(link, 'student', input);
  if (!connected.ok) return connected;
  const transport = connected.value;
  try {
    const stream = await transport.ensureStream();
    if (!stream.ok) return stream;
    const snapshot = await transport.readSnapshot();
    if (snapshot === null) return err('class_not_started');
    const imported = await importWorld(new Blob([snapshot.bytes as Uint8Array<ArrayBuffer>]), { id: input.worldId, createdAtMs: input.createdAtMs, name: input.worldName });
    if (!imported.ok) return imported;
    const entry = imported.value;
    const db = openWorldDb(entry);
    let digest: string;
    try {
      digest = (await worldDigest(db)).digest;
    } finally {
      db.close();
    }
    if (digest !== snapshot.digest) {
      await deleteWorld(entry.id);
      return err('class_snapshot_mismatch');
    }
    // The world is the class world after `seq`: its replica follows from the next one.
    await indexedDbProgress(entry.dbName).write(snapshot.seq);
    rememberClassLink(entry.id, link);
    return ok(entry);
  } finally {
    await transport.close();
  }
}

/** What a class tab shows (the banner, the roster); `world` is null until the server answered once. */
export type ClassTab = {
  readonly world: () => ClassWorld | null;
  readonly submit: NonNullable<CommandEnv['classSubmit']>;
  setParty(party: string | null): void;
  stop(): Promise<void>;
};

/**
 * Follows the class stream in this tab for as long as it is open: connects (again every few
 * seconds while the server cannot be reached), then runs this PC's replica of the class world.
 * Commands sent before the first connection are signed at once and kept in the outbox (a reload
 * loses none), go out once connected and are answered then. The teacher's tab writes the snapshots.
 */
export function startClassTab(options: Socketed & {
  readonly entry: WorldEntry;
  readonly db: WorldDb;
  readonly link: ClassLink;
  readonly replicaId: string;
  readonly env: CommandEnv;
  readonly onChange: () => void;
}): ClassTab {
  const { entry, db, link, replicaId } = options;
  const outbox = indexedDbOutbox(entry.dbName);
  let world: ClassWorld | null = null;
  let transport: ClassTransport | null = null;
  let stopped = false;
  let party: string | null = null;
  let unfollowNetwork: () => void = () => undefined;
  let resolveReady: (w: ClassWorld) => void = () => undefined;
  const ready = new Promise<ClassWorld>((resolve) => (resolveReady = resolve));
  const publish = options.env.publish;
  const afterSeq =
    link.role === 'teacher'
      ? {
          at: (seq: number) => seq % snapshotEvery === 0,
          run: async (seq: number) => {
            if (transport !== null) await transport.writeSnapshot(await snapshotOf(entry, db, seq));
          },
        }
      : undefined;
  void (async () => {
    while (!stopped) {
      // The outbox: what this world's tab queued before a reload goes out first, in order.
      const connected = await connect(link, replicaId, options, outbox);
      if (connected.ok) {
        transport = connected.value;
        break;
      }
      await new Promise((r) => setTimeout(r, reconnectWaitMs));
    }
    if (stopped || transport === null) {
      await transport?.close();
      return;
    }
    unfollowNetwork = followDeviceNetwork(transport);
    world = await ClassWorld.start({
      db,
      worldId: entry.id,
      classId: link.code,
      replicaId,
      transport,
      keyRing: tabKeys,
      progress: indexedDbProgress(entry.dbName),
      ...(publish === undefined ? {} : { publish }),
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    world.setParty(party);
    world.onChange(options.onChange);
    resolveReady(world);
    options.onChange();
  })();
  return {
    world: () => world,
    submit: async (command) => {
      if (world !== null) return world.submit(command);
      // Not connected once since the tab opened (reloaded while offline): signed now and kept in
      // the outbox, so a reload or a closed browser does not lose it; the tab's next transport
      // sends the outbox first. Answered once this PC's replica applies it.
      const signer = await signerOf(db, tabKeys, entry.id, command.meta.actor);
      if (!signer.ok) return signer;
      if ((await outbox.load()).length >= offlineQueueMax) return err(queueProblems[0], { max: offlineQueueMax });
      const envelope = encodeEnvelope(signClassCommand(classCommandOf(link.code, command), signer.value.seed, signer.value.certificate));
      await outbox.add({ messageId: command.meta.id, data: envelope });
      // Sent again through the world: the connection may have read the outbox before this add.
      return (await ready).sendSigned(command.meta.id, envelope);
    },
    setParty(p) {
      party = p;
      world?.setParty(p);
    },
    async stop() {
      stopped = true;
      unfollowNetwork();
      await world?.stop();
      await transport?.close();
    },
  };
}
