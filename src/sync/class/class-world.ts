// A tab in class mode (issue #20): this PC's replica of the class world, following the class
// stream, and the tab's `classSubmit` (CommandEnv) that sends the tab's own commands through the
// stream instead of running them here. Wiring only: the envelope, the transport and the replica
// are their own modules.
//
// Scheduled jobs: a job is a consequence of the stream, not a party's act, so it is not published.
// Every replica runs the jobs that fell due right after applying each stream message, under one
// runner name (`classJobRunner`): the same jobs at the same point of the stream on every PC, so the
// same world (a job's command id is deterministic, `job:<id>#<attempt>`). No leader is needed and
// no one has to sign for the world ('system' has no certificate). The tab's own leader pass
// (sync/session.ts) must not run jobs in class mode: it would change one PC's world alone.
import { err, ok, type Certificate, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { ClassSubmission, CommandEnv } from '../../app/command.ts';
import type { KeyRing } from '../../app/identity/keys.ts';
import { latestCertificateOf } from '../../app/identity/ca.ts';
import { jobDue, runDueJobs } from '../../app/scheduler.ts';
import { commandRegistry } from '../../app/commands.ts';
import { worldDigest } from '../../app/replay.ts';
import type { ClassCommand } from './envelope.ts';
import { batchCommandsMax, ClassReplica, sendSignedCommand, submitClassCommand, type Divergence, type Outcome, type ProgressStore } from './replica.ts';
import { offlineQueueMax, queueProblems, type ClassLinkStatus, type ClassTransport } from './transport.ts';

/** The runner every replica names on the jobs it runs (a job row's ranBy is world state). */
export const classJobRunner = 'class';
/** How often a replica says it is here (roster); one missed beat is forgiven. */
export const presenceEveryMs = 2_000;
const presenceStaleMs = 3 * presenceEveryMs;
/** Replicas a roster shows at most (a class is ~40 PCs). */
const rosterMax = 200;

/** One replica as the roster shows it: which party its tab plays and how far it has applied. */
export type Presence = { readonly replicaId: string; readonly party: string | null; readonly seq: number; readonly seenAtMs: number };

/** The banner's state: connected, offline (read-only, the tab's commands queued), or diverged. */
export type ClassBanner = { readonly link: ClassLinkStatus; readonly queued: number; readonly diverged: Divergence | null };

export type ClassWorldOptions = {
  readonly db: WorldDb;
  /** The world's id in this browser (the key ring names keys by it). */
  readonly worldId: string;
  readonly classId: string;
  readonly replicaId: string;
  readonly transport: ClassTransport;
  readonly keyRing: KeyRing;
  readonly progress: ProgressStore;
  /** Passed to the replica's commands (notices to this browser's other tabs). */
  readonly publish?: CommandEnv['publish'];
  readonly checkpointEvery?: number;
  /**
   * Work at chosen sequences (the teacher's PC writes its snapshots): a batch of stream messages
   * ends at each sequence `at` holds for, and `run` is called there after the batch and its jobs,
   * before the next message: the world is exactly the class world after `seq`.
   */
  readonly afterSeq?: { readonly at: (seq: number) => boolean; readonly run: (seq: number) => Promise<void> };
  /** Device time for presence only (never world state). */
  readonly nowMs?: () => number;
};

/**
 * What signs the tab's command for its actor: the actor's key, open in this tab (it signed in, or
 * registered, here), and its latest certificate; null for a party the CA has not certified yet
 * (registering, activating, applying), which signs with its key alone and every replica checks
 * against the key the world registered (envelope.ts).
 */
export async function signerOf(db: WorldDb, keyRing: KeyRing, worldId: string, actor: string): Promise<Result<{ seed: Uint8Array; certificate: Certificate | null }, 'sign_in_required'>> {
  const seed = keyRing.seed(worldId, actor);
  if (seed === null) return err('sign_in_required', { party: actor });
  const row = await latestCertificateOf(db, actor);
  return ok({ seed, certificate: row === undefined ? null : row.certificate });
}

/** The tab's prepared command as the class stream carries it. */
export function classCommandOf(classId: string, command: ClassSubmission): ClassCommand {
  return { classId, name: command.name, commandId: command.meta.id, actor: command.meta.actor, input: command.input as never };
}

function presenceSubject(classId: string): string {
  return `settlelab.${classId}.presence`;
}

export class ClassWorld {
  readonly replica: ClassReplica;
  private party: string | null = null;
  private diverged: Divergence | null = null;
  /** The last stream sequence applied here together with the jobs due after it. */
  settled = 0;
  private readonly roster = new Map<string, Presence>();
  private readonly listeners = new Set<() => void>();
  private readonly stops: (() => void)[] = [];
  private following: { stop(): Promise<void> } | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;
  private readonly nowMs: () => number;

  private constructor(private readonly options: ClassWorldOptions) {
    this.nowMs = options.nowMs ?? (() => Date.now());
    const { db, classId, replicaId, transport, progress } = options;
    const env = options.publish === undefined ? {} : { publish: options.publish };
    this.replica = new ClassReplica({
      db,
      classId,
      replicaId,
      registry: commandRegistry,
      digest: async (d) => (await worldDigest(d)).digest,
      progress,
      env,
      ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
      publishCheckpoint: (c) => transport.publishCheckpoint(c),
    });
    this.stops.push(transport.onCheckpoint((c) => this.replica.receiveCheckpoint(c)));
    this.stops.push(
      this.replica.onDivergence((d) => {
        this.diverged ??= d;
        this.changed();
      }),
    );
    this.stops.push(transport.onStatus(() => this.changed()));
    this.stops.push(transport.onQueued(() => this.changed()));
  }

  /** Starts following the class stream from where this PC's replica left off, and saying it is here. */
  static async start(options: ClassWorldOptions): Promise<ClassWorld> {
    const world = new ClassWorld(options);
    const { transport, db } = options;
    const jobsEnv = options.publish === undefined ? {} : { publish: options.publish };
    const from = (await world.replica.appliedSeq()) + 1;
    const afterSeq = options.afterSeq;
    const batchOptions = { endAfter: () => jobDue(db), ...(afterSeq === undefined ? {} : { endAt: afterSeq.at }) };
    world.following = await transport.followBursts(
      from,
      async (burst) => {
        // Each batch takes one message at least, so a burst of n ends within n batches.
        for (let rest = burst; rest.length > 0; ) {
          const { consumed, outcomes } = await world.replica.applyBatch(rest, batchOptions);
          // Jobs due after the batch's last message, on every replica alike (see the top of this
          // file): a batch ends after a message that makes a job due, so they run where they would
          // after that message alone.
          if (outcomes.length > 0) await runDueJobs(db, classJobRunner, jobsEnv);
          const seq = rest[consumed - 1]!.seq;
          world.settled = seq;
          if (afterSeq?.at(seq) === true) await afterSeq.run(seq);
          world.changed();
          rest = rest.slice(consumed);
        }
      },
      batchCommandsMax,
    );
    const subscription = transport.nc.subscribe(presenceSubject(options.classId), {
      callback: (error, m) => {
        if (error !== null) return;
        let value: Partial<Presence>;
        try {
          value = m.json<Partial<Presence>>();
        } catch {
          return;
        }
        if (typeof value.replicaId !== 'string' || !Number.isSafeInteger(value.seq)) return;
        if (!world.roster.has(value.replicaId) && world.roster.size >= rosterMax) return;
        world.roster.set(value.replicaId, { replicaId: value.replicaId, party: typeof value.party === 'string' ? value.party : null, seq: value.seq!, seenAtMs: world.nowMs() });
        world.changed();
      },
    });
    world.stops.push(() => subscription.unsubscribe());
    world.beat = setInterval(() => void world.announce(), presenceEveryMs);
    void world.announce();
    return world;
  }

  /** The party this tab plays (the roster shows it). */
  setParty(party: string | null): void {
    this.party = party;
    void this.announce();
  }

  private async announce(): Promise<void> {
    if (this.options.transport.status !== 'connected') return;
    const seq = await this.replica.appliedSeq();
    this.options.transport.nc.publish(presenceSubject(this.options.classId), JSON.stringify({ replicaId: this.options.replicaId, party: this.party, seq }));
  }

  /**
   * CommandEnv.classSubmit: the actor's key must be open in this tab (it signed in, or registered,
   * here); the command is signed with it and the actor's certificate if it has one, published (queued while offline) and answered by this replica.
   */
  readonly submit = async (command: ClassSubmission): Promise<Result<unknown, string>> => {
    const { worldId, keyRing, db, classId, transport } = this.options;
    const signer = await signerOf(db, keyRing, worldId, command.meta.actor);
    if (!signer.ok) return signer;
    // Checked after the last await: from here to the queue nothing yields, so the limit holds.
    if (!transport.queueHasRoom) return err(queueProblems[0], { max: offlineQueueMax });
    return submitClassCommand((id, data) => transport.publish(id, data), this.replica, classCommandOf(classId, command), signer.value.seed, signer.value.certificate);
  };

  /**
   * Sends a command the tab signed before it had a connection (kept in the outbox meanwhile) and
   * answers with its result. The transport may have sent it from the outbox already: the stream
   * stores one of the two (message id), and the replica answers either way.
   */
  async sendSigned(commandId: string, envelope: Uint8Array): Promise<Result<unknown, string>> {
    const { transport } = this.options;
    if (!transport.queueHasRoom) return err(queueProblems[0], { max: offlineQueueMax });
    return sendSignedCommand((id, data) => transport.publish(id, data), this.replica, commandId, envelope);
  }

  /** The tab's env in class mode: its own env with the hook that sends commands through the stream. */
  envFor(env: CommandEnv): CommandEnv {
    return { ...env, classSubmit: this.submit };
  }

  get banner(): ClassBanner {
    return { link: this.options.transport.status, queued: this.options.transport.queued, diverged: this.diverged };
  }

  /** Replicas heard from recently, this one included. */
  get present(): Presence[] {
    const now = this.nowMs();
    return [...this.roster.values()].filter((p) => now - p.seenAtMs <= presenceStaleMs).sort((a, b) => (a.replicaId < b.replicaId ? -1 : 1));
  }

  onOutcome(listener: (outcome: Outcome) => void): () => void {
    return this.replica.onOutcome(listener);
  }

  /** Called whenever the banner or the roster may have changed. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  async stop(): Promise<void> {
    if (this.beat !== null) clearInterval(this.beat);
    for (const stop of this.stops.splice(0)) stop();
    await this.following?.stop();
  }
}
