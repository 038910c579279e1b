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
// A burst of stream messages (a busy lesson, or catching up) is applied in batches (applyBatch): each
// message verified outside any transaction, then up to batchCommandsMax commands in one transaction
// through the pipeline (pipeline.ts executeBatch), the applied sequence written once per batch. A
// batch gives exactly the world that applying its messages one by one gives: it ends before a
// message whose verification the batch's own commands changed (the trust, the clock, the signer's
// standing), after a command that makes a job due (its caller runs jobs there), and at checkpoint
// sequences; a command that fails rolls the batch back and runs alone (apply).
import type { ProgressStore } from '../../storage/class-store.ts';
import { assert, certificateStatus, err, PassedChecks, type Certificate, type RevocationSource, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { CommandEnv } from '../../app/command.ts';
import { batchCommandsMax, canonicalJson, execute, executeBatch, type BatchReport, type CommandDefinition, type CommandInput } from '../../app/pipeline.ts';
import { readTrust } from '../../app/identity/common.ts';
import { identityTables, type IdentityTrust } from '../../storage/identity-tables.ts';
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
export { batchCommandsMax } from '../../app/pipeline.ts';

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

/** What judges a message: the world's trust and clock at that point of the stream; `key` compares two. */
type JudgeContext = { readonly trust: IdentityTrust; readonly now: number; readonly key: string };

/** The actor whose standing judged a key-signed message, and that standing's canonical JSON. */
type StandingKey = { readonly actor: string; readonly key: string } | null;

/** A message after its envelope was opened: refused (its outcome), or a command to run. */
type Judged =
  | { readonly kind: 'refused'; readonly outcome: Outcome; readonly standing: StandingKey }
  | {
      readonly kind: 'command';
      readonly seq: number;
      readonly commandId: string;
      readonly name: string;
      readonly actor: string;
      readonly command: CommandDefinition<never, unknown>;
      readonly input: CommandInput;
      readonly standing: StandingKey;
    };

function contextKey(trust: IdentityTrust, now: number): string {
  return canonicalJson({ roots: trust.roots, crl: trust.crl, now });
}

export type BatchOptions = {
  /** Asked inside the batch's transaction after each message: true ends the batch after it (a job is due). */
  readonly endAfter?: () => Promise<boolean>;
  /** Sequences a batch ends at (the teacher's snapshots are written there). */
  readonly endAt?: (seq: number) => boolean;
};

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
    await this.settle([outcome]);
    return outcome;
  }

  /** After the commands' transaction: the applied sequence, once; listeners, waiting senders, the checkpoint. */
  private async settle(outcomes: readonly Outcome[]): Promise<void> {
    const last = outcomes[outcomes.length - 1];
    assert(last !== undefined, 'a batch applied one message at least');
    // A crash between the commands' commit and this write re-applies the messages, which their
    // command ids make harmless.
    await this.options.progress.write(last.seq);
    this.applied = last.seq;
    for (const outcome of outcomes) {
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
    }
    // A batch ends at a checkpoint sequence: only its last message can be one.
    if (last.seq % this.checkpointEvery === 0) await this.checkpoint(last.seq);
  }

  private async decide(message: StreamMessage): Promise<Outcome> {
    const judged = await this.judge(message, await this.readContext());
    if (judged.kind === 'refused') return judged.outcome;
    const { seq, commandId, name, actor, command, input } = judged;
    let result: Result<unknown, string>;
    try {
      result = await execute(this.options.db, command as unknown as CommandDefinition<CommandInput, unknown>, { id: commandId, actor }, input, this.options.env ?? {});
    } catch (e) {
      // A signed input the command's body cannot take (a programmer's assertion, a thrown error):
      // rolled back by runCommand, refused alike on every replica, and the lesson goes on.
      return { seq, kind: 'refused', code: 'class_command_failed', commandId, detail: { name, error: e instanceof Error ? e.name : 'error' } };
    }
    return { seq, kind: 'applied', commandId, name, actor, result };
  }

  /** What a message is judged by, read from the world now: its trust and clock. */
  private async readContext(): Promise<JudgeContext> {
    const { db } = this.options;
    const [trust, now] = await Promise.all([readTrust(db), readClock(db)]);
    assert(trust !== null, 'a class world has identities (its CA signs every party)');
    return { trust, now, key: contextKey(trust, now) };
  }

  /**
   * Opens a message's envelope and finds its command, judged at this point of the stream by this
   * world's clock and revocation list: the same on every replica, whatever its device clock says.
   * Signatures are checked here, outside any transaction.
   */
  private async judge(message: StreamMessage, context: JudgeContext): Promise<Judged> {
    const { db, classId, registry } = this.options;
    const seq = message.seq;
    const { trust, now } = context;
    const decoded = decodeEnvelope(message.data);
    // The actor's standing judges a command signed by its key alone; a certified one needs no reads.
    const standing = decoded.ok && 'signerKey' in decoded.value ? await standingOf(db, decoded.value.payload.actor, now, trust.crl) : undefined;
    const standingKey = standing === undefined ? null : { actor: decoded.ok ? decoded.value.payload.actor : '', key: canonicalJson(standing) };
    const verifyContext = { classId, roots: trust.roots, crl: trust.crl, now, passedChecks: this.passedChecks, ...(standing === undefined ? {} : { actor: standing }) };
    const opened = decoded.ok ? verifyEnvelope(decoded.value, verifyContext, message.messageId) : decoded;
    const refused = (outcome: Outcome): Judged => ({ kind: 'refused', outcome, standing: standingKey });
    if (!opened.ok) {
      return refused(
        opened.detail === undefined
          ? { seq, kind: 'refused', code: opened.code, commandId: message.messageId }
          : { seq, kind: 'refused', code: opened.code, commandId: message.messageId, detail: opened.detail },
      );
    }
    const { name, commandId, actor, input } = opened.value;
    const command = registry[name];
    if (command === undefined) return refused({ seq, kind: 'refused', code: 'class_unknown_command', commandId, detail: { name } });
    if (!isPlainObject(input)) return refused({ seq, kind: 'refused', code: 'class_input_invalid', commandId, detail: { name } });
    return { kind: 'command', seq, commandId, name, actor, command, input, standing: standingKey };
  }

  /**
   * Applies the first messages of a burst (stream order) in one transaction: up to
   * batchCommandsMax, to the first checkpoint sequence or one `endAt` names, and fewer where the
   * batch's own commands change what judges the next message or make a job due (`endAfter`, asked
   * inside the transaction after each message). Returns how many messages it took (at least one)
   * and their outcomes (none for messages at or below the applied sequence, which it skips): the
   * caller runs the due jobs and calls again with the rest.
   */
  async applyBatch(messages: readonly StreamMessage[], options: BatchOptions = {}): Promise<{ readonly consumed: number; readonly outcomes: readonly Outcome[] }> {
    assert(messages.length > 0, 'a burst holds messages');
    const applied = await this.appliedSeq();
    let skipped = 0;
    while (skipped < messages.length && messages[skipped]!.seq <= applied) {
      skipped += 1;
      if (options.endAt?.(messages[skipped - 1]!.seq) === true) break;
    }
    if (skipped > 0) return { consumed: skipped, outcomes: [] };
    const planned: StreamMessage[] = [];
    for (const m of messages) {
      assert(planned.length === 0 || m.seq > planned[planned.length - 1]!.seq, 'a burst is in stream order');
      planned.push(m);
      if (planned.length >= batchCommandsMax || m.seq % this.checkpointEvery === 0 || options.endAt?.(m.seq) === true) break;
    }
    // Judged outside the transaction against the world before the batch; inside it, a message is
    // applied only while what judged it is still what the world says (else the batch ends there,
    // and the next judges it again).
    const base = await this.readContext();
    const judged: Judged[] = [];
    for (const m of planned) judged.push(await this.judge(m, base));
    const { db } = this.options;
    const stillJudged = async (j: Judged): Promise<boolean> => {
      const now = await this.readContext();
      if (now.key !== base.key) return false;
      return j.standing === null || canonicalJson(await standingOf(db, j.standing.actor, now.now, now.trust.crl)) === j.standing.key;
    };
    let size = planned.length;
    let report: BatchReport;
    // Each try after the first holds fewer steps than the one before: at most batchCommandsMax tries.
    for (let tries = 1; ; tries++) {
      assert(tries <= batchCommandsMax, 'a batch retried with fewer steps each time');
      report = await executeBatch(
        db,
        {
          size,
          step: async (index) => {
            const j = judged[index]!;
            if (index > 0 && !(await stillJudged(j))) return 'end';
            return j.kind === 'refused' ? 'none' : { command: j.command, meta: { id: j.commandId, actor: j.actor }, input: j.input };
          },
          ...(options.endAfter === undefined ? {} : { endAfter: options.endAfter }),
        },
        this.options.env ?? {},
      );
      // A command failed and rolled the batch back: the ones before it again as a batch, then it alone.
      if (report.kind === 'failed' && report.index > 0) size = report.index;
      else break;
    }
    const outcomes: Outcome[] =
      report.kind === 'failed'
        ? [await this.decide(planned[0]!)]
        : report.results.map((result, index): Outcome => {
            const j = judged[index]!;
            if (j.kind === 'refused') return j.outcome;
            assert(result !== null, 'a command step has its result');
            return { seq: j.seq, kind: 'applied', commandId: j.commandId, name: j.name, actor: j.actor, result };
          });
    await this.settle(outcomes);
    return { consumed: outcomes.length, outcomes };
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
