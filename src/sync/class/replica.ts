// A class world's replica (issue #20): this PC's copy of the class world, kept by applying the
// class stream's commands in stream order. For each message: open the signed envelope against this
// world's CA (envelope.ts), find the command by name in the pipeline's registry
// (src/app/commands.ts) and run it through `execute` (src/app/pipeline.ts) as its signer. Every
// replica runs the same commands on the same world in the same order, so every replica reaches the
// same world: what a command decides (the last item goes to exactly one buyer) is decided once, by
// the stream's order, and read the same everywhere.
//
// Replicas compare themselves at checkpoints: every `checkpointEvery` sequences each digests its
// world and publishes (seq, digest); a replica whose digest at that sequence differs from another's
// reports a divergence (never ignored, the class view shows it).
//
// Applying one command per transaction here; batching several per transaction is a later step.
import type { ProgressStore } from '../../storage/class-store.ts';
import { assert, certificateStatus, err, PassedChecks, type Certificate, type RevocationSource, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { CommandEnv } from '../../app/command.ts';
import { execute, type CommandDefinition, type CommandInput } from '../../app/pipeline.ts';
import { readTrust } from '../../app/identity/common.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { readClock } from '../../app/clock-read.ts';
import { decodeEnvelope, encodeEnvelope, signClassCommand, verifyEnvelope, type ActorStanding, type ClassCommand, type EnvelopeRefusal } from './envelope.ts';
import type { Checkpoint, StreamMessage } from './transport.ts';

export type ReplicaRefusal = EnvelopeRefusal | 'class_unknown_command' | 'class_input_invalid' | 'class_command_failed';

/** Every replica refusal, for the catalog test. */
export const replicaRefusals: readonly ReplicaRefusal[] = ['class_unknown_command', 'class_input_invalid', 'class_command_failed'];

/** What one stream message did to this replica's world. */
export type Outcome =
  | {
      readonly seq: number;
      readonly kind: 'applied';
      readonly commandId: string;
      readonly name: string;
      readonly actor: string;
      /** The command's own result: ok, or its named refusal (e.g. out_of_stock), the same on every replica. */
      readonly result: Result<unknown, string>;
    }
  | { readonly seq: number; readonly kind: 'refused'; readonly code: ReplicaRefusal; readonly commandId: string | null; readonly detail?: Readonly<Record<string, string | number>> };

export type Divergence = { readonly seq: number; readonly mine: string; readonly theirs: string; readonly replicaId: string };

// The applied sequence lives in the class link's own database (src/storage/class-store.ts).
export { indexedDbProgress, type ProgressStore } from '../../storage/class-store.ts';

/** A digest this many sequences apart: often enough to catch a divergence within a lesson's minute. */
export const checkpointEveryDefault = 100;
/** Others' checkpoints held until this replica reaches their sequence; older ones are dropped. */
const heldCheckpointsMax = 1_000;
/** Refused command ids remembered, so a re-sent one is answered (a lesson sends far fewer). */
const refusedKeptMax = 1_000;
/** Own digests kept to compare with checkpoints that arrive late. */
const ownDigestsMax = 64;

export type ReplicaOptions = {
  readonly db: WorldDb;
  /** The class world's id (its class code), as every envelope must name it. */
  readonly classId: string;
  /** This replica's name in checkpoints (one per PC's tab that applies the stream). */
  readonly replicaId: string;
  /** The pipeline's registry: name → command definition. */
  readonly registry: Readonly<Record<string, CommandDefinition<never, unknown> | undefined>>;
  /** The world's canonical digest (replay.ts's worldDigest), compared at checkpoints. */
  readonly digest: (db: WorldDb) => Promise<string>;
  readonly progress: ProgressStore;
  /** Called with each checkpoint this replica makes (the transport publishes it). */
  readonly publishCheckpoint?: (checkpoint: Checkpoint) => void;
  /** Passed to every command: its `publish` tells this browser's other tabs what changed. */
  readonly env?: Pick<CommandEnv, 'publish'>;
  readonly checkpointEvery?: number;
};

function isPlainObject(value: unknown): value is CommandInput {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class ClassReplica {
  private applied = -1;
  private readonly outcomeListeners = new Set<(outcome: Outcome) => void>();
  private readonly divergenceListeners = new Set<(divergence: Divergence) => void>();
  private readonly waiting = new Map<string, ((outcome: Outcome) => void)[]>();
  private readonly ownDigests = new Map<number, string>();
  private readonly held = new Map<number, Checkpoint[]>();
  /** Refusals of recent command ids: they change nothing, so the commands table does not hold them. */
  private readonly refusedRecently = new Map<string, Outcome>();
  private readonly checkpointEvery: number;
  /**
   * Certificate, root and revocation-list signatures that passed on this replica: checked once per
   * certificate and per list, not per command (revocation and dates are still judged per command).
   */
  private readonly passedChecks = new PassedChecks();

  constructor(private readonly options: ReplicaOptions) {
    this.checkpointEvery = options.checkpointEvery ?? checkpointEveryDefault;
    assert(Number.isSafeInteger(this.checkpointEvery) && this.checkpointEvery > 0, 'checkpoints every n > 0 sequences');
  }

  /** The last stream sequence applied (0 before the first); read from the progress store once. */
  async appliedSeq(): Promise<number> {
    if (this.applied < 0) this.applied = await this.options.progress.read();
    return this.applied;
  }

  onOutcome(listener: (outcome: Outcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  onDivergence(listener: (divergence: Divergence) => void): () => void {
    this.divergenceListeners.add(listener);
    return () => this.divergenceListeners.delete(listener);
  }

  /** Resolves when the command `commandId` has been applied or refused here (the sending tab waits on it). */
  outcomeOf(commandId: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const list = this.waiting.get(commandId) ?? [];
      list.push(resolve);
      this.waiting.set(commandId, list);
    });
  }

  /**
   * The first result of a command id this replica has already applied (from the world's commands
   * table, which also records a failure) or refused, or null when it has not got to it yet.
   */
  async settledResult(commandId: string): Promise<Result<unknown, string> | null> {
    const refused = this.refusedRecently.get(commandId);
    if (refused !== undefined) return resultOf(refused);
    const row = await this.options.db.commands.get(commandId);
    return row === undefined ? null : (row.result as Result<unknown, string>);
  }

  /** Drops the waiters of `commandId` (its sender got the answer another way). */
  forget(commandId: string): void {
    this.waiting.delete(commandId);
  }

  /**
   * Applies one stream message. Messages at or below the applied sequence are skipped (the stream
   * may deliver again after a reconnect); a command id applied before returns its first result and
   * changes nothing (the pipeline's idempotency), so a command published twice applies once.
   */
  async apply(message: StreamMessage): Promise<Outcome | null> {
    const applied = await this.appliedSeq();
    if (message.seq <= applied) return null;
    const outcome = await this.decide(message);
    // After the command's own transaction: a crash between the two re-applies the message, which
    // the command id makes harmless.
    await this.options.progress.write(message.seq);
    this.applied = message.seq;
    for (const listener of this.outcomeListeners) listener(outcome);
    const id = outcome.commandId;
    if (outcome.kind === 'refused' && id !== null) {
      this.refusedRecently.set(id, outcome);
      for (const old of this.refusedRecently.keys()) {
        if (this.refusedRecently.size <= refusedKeptMax) break;
        this.refusedRecently.delete(old);
      }
    }
    if (id !== null) {
      for (const resolve of this.waiting.get(id) ?? []) resolve(outcome);
      this.waiting.delete(id);
    }
    if (message.seq % this.checkpointEvery === 0) await this.checkpoint(message.seq);
    return outcome;
  }

  private async decide(message: StreamMessage): Promise<Outcome> {
    const { db, classId, registry } = this.options;
    const seq = message.seq;
    const trust = await readTrust(db);
    assert(trust !== null, 'a class world has identities (its CA signs every party)');
    // Judged at this point of the stream, by this world's clock and revocation list: the same on
    // every replica, whatever its device clock says.
    const now = await readClock(db);
    const decoded = decodeEnvelope(message.data);
    // The actor's standing judges a command signed by its key alone; a certified one needs no reads.
    const standing = decoded.ok && 'signerKey' in decoded.value ? await standingOf(db, decoded.value.payload.actor, now, trust.crl) : undefined;
    const context = { classId, roots: trust.roots, crl: trust.crl, now, passedChecks: this.passedChecks, ...(standing === undefined ? {} : { actor: standing }) };
    const opened = decoded.ok ? verifyEnvelope(decoded.value, context, message.messageId) : decoded;
    if (!opened.ok) {
      return opened.detail === undefined
        ? { seq, kind: 'refused', code: opened.code, commandId: message.messageId }
        : { seq, kind: 'refused', code: opened.code, commandId: message.messageId, detail: opened.detail };
    }
    const { name, commandId, actor, input } = opened.value;
    const command = registry[name];
    if (command === undefined) return { seq, kind: 'refused', code: 'class_unknown_command', commandId, detail: { name } };
    if (!isPlainObject(input)) return { seq, kind: 'refused', code: 'class_input_invalid', commandId, detail: { name } };
    let result: Result<unknown, string>;
    try {
      result = await execute(db, command as unknown as CommandDefinition<CommandInput, unknown>, { id: commandId, actor }, input, this.options.env ?? {});
    } catch (e) {
      // A signed input the command's body cannot take (a programmer's assertion, a thrown error):
      // rolled back by runCommand, refused alike on every replica, and the lesson goes on.
      return { seq, kind: 'refused', code: 'class_command_failed', commandId, detail: { name, error: e instanceof Error ? e.name : 'error' } };
    }
    return { seq, kind: 'applied', commandId, name, actor, result };
  }

  private async checkpoint(seq: number): Promise<void> {
    const digest = await this.options.digest(this.options.db);
    this.ownDigests.set(seq, digest);
    for (const old of this.ownDigests.keys()) {
      if (this.ownDigests.size <= ownDigestsMax) break;
      this.ownDigests.delete(old);
    }
    this.options.publishCheckpoint?.({ replicaId: this.options.replicaId, seq, digest });
    for (const theirs of this.held.get(seq) ?? []) this.compare(theirs);
    this.held.delete(seq);
  }

  /** Another replica's checkpoint: compared now if this replica digested that sequence, or when it gets there. */
  receiveCheckpoint(theirs: Checkpoint): void {
    if (theirs.replicaId === this.options.replicaId) return;
    if (this.ownDigests.has(theirs.seq)) return this.compare(theirs);
    // `>=`: this replica may have applied that sequence and still be computing its digest.
    if (theirs.seq >= this.applied && theirs.seq % this.checkpointEvery === 0 && this.held.size < heldCheckpointsMax) {
      const list = this.held.get(theirs.seq) ?? [];
      list.push(theirs);
      this.held.set(theirs.seq, list);
    }
  }

  private compare(theirs: Checkpoint): void {
    const mine = this.ownDigests.get(theirs.seq);
    assert(mine !== undefined, 'compared only at a digested sequence');
    if (mine === theirs.digest) return;
    const divergence: Divergence = { seq: theirs.seq, mine, theirs: theirs.digest, replicaId: theirs.replicaId };
    for (const listener of this.divergenceListeners) listener(divergence);
  }
}

/** The party as this world knows it at this point of the stream: its registered key and whether the CA certified or revoked it. */
async function standingOf(db: WorldDb, partyId: string, now: number, crl: RevocationSource): Promise<ActorStanding> {
  const t = identityTables(db);
  const [key, certificates] = await Promise.all([t.partyKeys.get(partyId), t.certificates.where('partyId').equals(partyId).toArray()]);
  const revoked = certificates.some((c) => certificateStatus(c.certificate, now, crl) === 'revoked');
  return { publicKey: key?.publicKey ?? null, certificates: revoked ? 'revoked' : certificates.length > 0 ? 'held' : 'none' };
}

/** Follows the class stream into `replica` from the sequence after the last one it applied. */
export async function followStream(
  replica: ClassReplica,
  follow: (fromSeq: number, onMessage: (message: StreamMessage) => Promise<void>) => Promise<{ stop(): Promise<void> }>,
): Promise<{ stop(): Promise<void> }> {
  const from = (await replica.appliedSeq()) + 1;
  return follow(from, async (message) => {
    await replica.apply(message);
  });
}

/** A command's result as its sender sees it: the command's own result, or the replica's refusal. */
export function resultOf(outcome: Outcome): Result<unknown, string> {
  return outcome.kind === 'applied' ? outcome.result : err(outcome.code, outcome.detail === undefined ? undefined : { ...outcome.detail });
}

/**
 * The tab's own command in class mode: signed with the actor's key (open in this tab only), sent
 * (queued while offline), and answered when this PC's replica applies it in stream order.
 */
export async function submitClassCommand(
  publish: (messageId: string, data: Uint8Array) => Promise<{ readonly duplicate: boolean }>,
  replica: ClassReplica,
  command: ClassCommand,
  seed: Uint8Array,
  /** The actor's latest certificate, or null for a party the CA has not certified yet (signed by its key alone). */
  certificate: Certificate | null,
): Promise<Result<unknown, string>> {
  return sendSignedCommand(publish, replica, command.commandId, encodeEnvelope(signClassCommand(command, seed, certificate)));
}

/** Sends a command the tab signed (now, or before it had a connection) and answers with its result from this PC's replica. */
export async function sendSignedCommand(
  publish: (messageId: string, data: Uint8Array) => Promise<{ readonly duplicate: boolean }>,
  replica: ClassReplica,
  commandId: string,
  envelope: Uint8Array,
): Promise<Result<unknown, string>> {
  // Listen before sending: the replica may apply it before publish's acknowledgement arrives.
  const outcome = replica.outcomeOf(commandId);
  const ack = await publish(commandId, envelope);
  if (ack.duplicate) {
    // The stream already holds this id (a tab sending it again after a reload or a lost answer)
    // and stores nothing new: if this replica applied it before, no new message will answer, so
    // the first result comes from the world. If not yet, the replica answers when it gets there.
    const first = await replica.settledResult(commandId);
    if (first !== null) {
      replica.forget(commandId);
      return first;
    }
  }
  return resultOf(await outcome);
}
