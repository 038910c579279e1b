// The class world's link to the NATS server (issue #20): one JetStream stream per class holds the
// signed commands in the one order every replica applies them; an object store keeps the latest
// snapshot for late joiners; a core subject carries the replicas' checkpoints. This module only
// moves bytes: what the bytes mean (envelope.ts) and applying them (replica.ts) are elsewhere.
//
// Loaded only in class mode (a dynamic import, see ./load.ts), so the NATS client never weighs on
// the first screen of a solo world.
import { wsconnect, type NatsConnection, type Status, type Subscription } from '@nats-io/nats-core';
import type { WsSocketFactory } from '@nats-io/nats-core/internal';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { assert, err, ok, type Result } from '../../domain/index.ts';
import { classNames, type ClassNames } from './subjects.ts';
import type { OutboxStore } from '../../storage/class-store.ts';

export type ClassLinkStatus = 'connected' | 'reconnecting' | 'closed';

export type ClassConnectOptions = {
  /** ws:// or wss:// addresses of the class server (one, or the three nodes of a cluster). */
  readonly servers: string | readonly string[];
  readonly classCode: string;
  readonly user: string;
  readonly pass: string;
  /** JetStream replicas of the class's stream and snapshots: 1 on one server, 3 on a cluster. */
  readonly replicas?: 1 | 3;
  /** A name the server's monitoring shows for this connection (e.g. the replica's id). */
  readonly name?: string;
  /** Node has no WebSocket global (v20): tests pass the `ws` package's; browsers pass nothing. */
  readonly wsFactory?: WsSocketFactory;
  /**
   * Where the tab's own commands wait for the server (IndexedDB in a class tab, storage/class-store.ts):
   * what a closed tab left there is published first, in order, when the transport connects.
   */
  readonly outbox?: OutboxStore;
};

/** What joining a class can run into, each with words in the catalogs (classworld.ts). */
export const linkProblems = ['class_server_unreachable', 'class_server_refused_login', 'class_not_started'] as const;
export type ConnectProblem = 'class_server_unreachable' | 'class_server_refused_login';
export type StreamProblem = 'class_not_started';
/** What a class tab's own command can run into before it is sent (words in classworld.ts). */
export const queueProblems = ['class_queue_full'] as const;

/** One stored command as the stream delivers it. */
export type StreamMessage = { readonly seq: number; readonly messageId: string | null; readonly data: Uint8Array };

export type Checkpoint = { readonly replicaId: string; readonly seq: number; readonly digest: string };

export type Snapshot = { readonly seq: number; readonly digest: string; readonly bytes: Uint8Array };

export type PublishAck = { readonly seq: number; readonly duplicate: boolean };

/**
 * The tab's own commands waiting for the server; past this the tab refuses new ones with
 * class_queue_full (it has been offline too long: a lesson's student issues far fewer).
 */
export const offlineQueueMax = 1_000;
/**
 * The connection pings the server this often and counts it dead after this many unanswered pings,
 * so a dropped link shows in the banner within about (maxPingOut + 1) * pingInterval, not the
 * client's default of minutes. 40 PCs pinging every 2 s is 20 small messages a second.
 */
export const pingIntervalMs = 2_000;
export const maxPingOut = 2;
/** How long one publish waits for the stream's acknowledgement before it is tried again. */
export const publishTimeoutMs = 5_000;
/** Waits between tries while the server is back but the stream has no leader yet (a cluster election). */
const retryDelaysMs = [100, 250, 500, 1_000, 2_000] as const;
/**
 * JetStream drops a repeated message id within this window. A tab offline for a whole lesson may
 * re-send a command whose first acknowledgement it never saw; the replicas also skip a command id
 * they applied, so a repeat after the window still applies once.
 */
export const duplicateWindowMs = 2 * 60 * 60 * 1000;
const snapshotName = 'latest';
/** Heartbeat of the stream follower (see follow). */
export const followHeartbeatMs = 2_000;
/**
 * How often a follower whose round delivered nothing asks whether the stream has moved on without
 * it. Why: when a cluster node dies, a follower connected to ANOTHER node sees no link change, and
 * its ordered consumer (hosted with the stream's old leader) may wait long for the new leader
 * before it resets itself (in CI a follower on a live node saw nothing for over 30 s). Two stalled
 * checks in a row end the round; the next starts after the last command delivered.
 */
export const followStallCheckMs = 3_000;
const nanosPerMs = 1_000_000;

type Pending = {
  readonly messageId: string;
  readonly data: Uint8Array;
  /** Settles when the command is in the outbox (at once without one). */
  readonly kept: Promise<void>;
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (e: unknown) => void;
};

const noAnswer = (): void => undefined;

function isPermanentPublishError(e: unknown): boolean {
  // Retrying cannot help when the server forbids the subject or the message is too big.
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /permission|maximum payload|max_payload/i.test(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ClassTransport {
  readonly names: ClassNames;
  private readonly js: JetStreamClient;
  private readonly queue: Pending[] = [];
  private flushing = false;
  private linkStatus: ClassLinkStatus = 'connected';
  /** What the NATS client says of its connection; `linkStatus` also counts the device being offline. */
  private natsStatus: ClassLinkStatus = 'connected';
  /** The browser's own word (navigator.onLine, its offline/online events): offline means no network at all. */
  private deviceOnline = true;
  private readonly statusListeners = new Set<(status: ClassLinkStatus) => void>();
  private readonly queueListeners = new Set<(queued: number) => void>();
  private snapshots: ObjectStore | null = null;

  private constructor(
    readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: ClassConnectOptions,
  ) {
    this.names = classNames(options.classCode);
    this.js = jetstream(nc, { timeout: publishTimeoutMs });
    void this.watchStatus();
  }

  /** Connects (reconnecting by itself from then on, for as long as the tab keeps it open). */
  static async connect(options: ClassConnectOptions): Promise<Result<ClassTransport, ConnectProblem>> {
    const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
    let nc: NatsConnection;
    try {
      nc = await wsconnect({
        servers,
        user: options.user,
        pass: options.pass,
        name: options.name,
        // A lesson outlasts any outage of the class server: keep trying for as long as the tab is open.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        pingInterval: pingIntervalMs,
        maxPingOut,
        waitOnFirstConnect: false,
        ...(options.wsFactory === undefined ? {} : { wsFactory: options.wsFactory }),
      });
    } catch (e) {
      const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
      return err(/authori[sz]ation/i.test(text) ? 'class_server_refused_login' : 'class_server_unreachable');
    }
    const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs });
    const transport = new ClassTransport(nc, jsm, options);
    await transport.restoreOutbox();
    return ok(transport);
  }

  /** Queues what a closed tab left in the outbox, before any new command, and sends it. */
  private async restoreOutbox(): Promise<void> {
    const outbox = this.options.outbox;
    if (outbox === undefined) return;
    const left = await outbox.load();
    const waiting = new Set(this.queue.map((p) => p.messageId));
    const restored = left.filter((e) => !waiting.has(e.messageId)).map((e): Pending => ({ ...e, kept: Promise.resolve(), resolve: noAnswer, reject: noAnswer }));
    this.queue.unshift(...restored);
    if (restored.length > 0) this.queueChanged();
    void this.flush();
  }

  get status(): ClassLinkStatus {
    return this.linkStatus;
  }

  /** Read through a method: the status changes between awaits, which narrowing does not see. */
  private isClosed(): boolean {
    return this.linkStatus === 'closed';
  }

  /** Calls `listener` on every change of the link (the tab shows "offline, read-only" from it). */
  onStatus(listener: (status: ClassLinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(nats: ClassLinkStatus): void {
    this.natsStatus = nats;
    const status: ClassLinkStatus = nats === 'connected' && !this.deviceOnline ? 'reconnecting' : nats;
    if (status === this.linkStatus) return;
    this.linkStatus = status;
    for (const listener of this.statusListeners) listener(status);
    if (status === 'connected') void this.flush();
    else if (status === 'closed' && !this.flushing) this.abandonQueue();
  }

  /** A closed connection sends nothing more: its waiting commands are rejected here but stay in the outbox, for the next connection of this world's tab. */
  private abandonQueue(): void {
    const left = this.queue.splice(0);
    for (const pending of left) pending.reject(new Error('the class connection is closed'));
    if (left.length > 0) this.queueChanged();
  }

  /**
   * The device's network as the browser sees it. Offline, the tab holds its commands even if the
   * old socket still seems open (Chromium's offline emulation keeps WebSockets working, and on a
   * real drop the socket is dead until the pings say so); back online, it sends them if the
   * connection is up.
   */
  setDeviceOnline(online: boolean): void {
    if (online === this.deviceOnline) return;
    this.deviceOnline = online;
    this.setStatus(this.natsStatus);
  }

  /** Calls `listener` with the number of waiting commands whenever it changes (the banner counts them). */
  onQueued(listener: (queued: number) => void): () => void {
    this.queueListeners.add(listener);
    return () => this.queueListeners.delete(listener);
  }

  private queueChanged(): void {
    for (const listener of this.queueListeners) listener(this.queue.length);
  }

  private async watchStatus(): Promise<void> {
    const events: AsyncIterable<Status> = this.nc.status();
    for await (const event of events) {
      if (event.type === 'disconnect' || event.type === 'reconnecting') this.setStatus('reconnecting');
      else if (event.type === 'reconnect') this.setStatus('connected');
      else if (event.type === 'close') this.setStatus('closed');
    }
    this.setStatus('closed');
  }

  /**
   * Makes sure the class's stream exists: the teacher's connection creates it (file storage, so a
   * server restart loses nothing); a student's may only look, and is told the class has not started.
   */
  async ensureStream(): Promise<Result<void, StreamProblem>> {
    const { stream, commandSubject } = this.names;
    try {
      await this.jsm.streams.info(stream);
      return ok(undefined);
    } catch (e) {
      if (!(e instanceof JetStreamApiError) || e.code !== JetStreamApiCodes.StreamNotFound) throw e;
    }
    try {
      await this.jsm.streams.add({
        name: stream,
        subjects: [commandSubject],
        storage: StorageType.File,
        num_replicas: this.options.replicas ?? 1,
        duplicate_window: duplicateWindowMs * nanosPerMs,
      });
      return ok(undefined);
    } catch (e) {
      if (isPermanentPublishError(e)) return err('class_not_started');
      throw e;
    }
  }

  /** How many commands the tab has waiting for the server. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether one more command may wait (below offlineQueueMax); past it the tab refuses, class_queue_full. */
  get queueHasRoom(): boolean {
    return this.queue.length < offlineQueueMax;
  }

  /**
   * Publishes one of the tab's own commands, under its command id as the message id. Offline, it
   * waits in the queue and goes out, in order, when the link is back; a retry after a lost
   * acknowledgement is dropped by JetStream as a duplicate. With an outbox, it is kept there until
   * the stream has it, so it survives a reload. Resolves with the stream's sequence. The caller
   * checks `queueHasRoom` first.
   */
  publish(messageId: string, data: Uint8Array): Promise<PublishAck> {
    assert(messageId.length > 0, 'a command id');
    assert(this.queueHasRoom, `at most ${offlineQueueMax} commands wait for the class server`);
    const kept = this.options.outbox?.add({ messageId, data }) ?? Promise.resolve();
    const done = new Promise<PublishAck>((resolve, reject) => this.queue.push({ messageId, data, kept, resolve, reject }));
    this.queueChanged();
    void this.flush();
    return done;
  }

  /** Takes the head off the queue once the stream has it (or it can never go): out of the outbox too. */
  private async dequeue(head: Pending): Promise<void> {
    await head.kept.catch(() => undefined);
    // A row left behind (the disk refused the delete) is sent again after a reload: the stream or
    // the replicas drop the repeat by its command id.
    await this.options.outbox?.remove(head.messageId).catch(() => undefined);
    assert(this.queue[0] === head, 'only the flush takes commands off the queue');
    this.queue.shift();
    this.queueChanged();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let attempt = 0;
      while (this.queue.length > 0 && this.linkStatus === 'connected') {
        const head = this.queue[0]!;
        // Kept before it leaves. If the outbox refused it (a full disk) it still goes out from
        // memory; only a reload before then would lose it.
        await head.kept.catch(() => undefined);
        try {
          const ack = await this.js.publish(this.names.commandSubject, head.data, { msgID: head.messageId, timeout: publishTimeoutMs });
          await this.dequeue(head);
          attempt = 0;
          head.resolve({ seq: ack.seq, duplicate: ack.duplicate });
        } catch (e) {
          if (isPermanentPublishError(e)) {
            await this.dequeue(head);
            head.reject(e);
            continue;
          }
          if (this.isClosed()) break;
          // No ack: the server went away, or the stream is electing a leader. Same id, so a
          // message that was stored after all is not stored twice.
          await sleep(retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)]!);
          attempt += 1;
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.isClosed()) {
      this.abandonQueue();
    } else if (this.queue.length > 0 && this.linkStatus === 'connected') {
      void this.flush();
    }
  }

  /** `followBursts` one message at a time: `onMessage` gets each stored command in stream order. */
  follow(fromSeq: number, onMessage: (message: StreamMessage) => Promise<void>): Promise<{ stop(): Promise<void>; readonly stopped: Promise<void> }> {
    return this.followBursts(fromSeq, (burst) => onMessage(burst[0]!), 1);
  }

  /**
   * Delivers the stream's commands in stream order, from `fromSeq` on, to `onBurst`: the messages
   * already received together (a busy lesson, or catching up), up to `burstMax` at a time, so the
   * replica can apply them in fewer transactions; the next burst waits for the previous to finish,
   * until stopped. Each round is an ordered consumer from the sequence after the last one
   * delivered; when the link comes back after an
   * outage (a server restart, a dead cluster node) the round is ended and a new one starts at once,
   * instead of waiting for the old consumer to notice its missed heartbeats. A round that cannot
   * start (the stream is electing a leader) is tried again after a short wait. A throw from
   * `onBurst` is a programmer error: following stops and `stopped` rejects with it.
   */
  async followBursts(
    fromSeq: number,
    onBurst: (messages: readonly StreamMessage[]) => Promise<void>,
    burstMax: number,
  ): Promise<{ stop(): Promise<void>; readonly stopped: Promise<void> }> {
    assert(Number.isSafeInteger(fromSeq) && fromSeq >= 1, 'stream sequences start at 1');
    assert(Number.isSafeInteger(burstMax) && burstMax >= 1, 'a burst holds one message at least');
    let next = fromSeq;
    let stopping = false;
    let round: ConsumerMessages | null = null;
    const unwatch = this.onStatus((status) => {
      if (status === 'connected') void round?.close();
    });
    const startRound = async (): Promise<ConsumerMessages> => {
      // No subject filter: the stream holds only the command subject, and filter_subjects needs a 2.10 server.
      const consumer = await this.js.consumers.get(this.names.stream, { opt_start_seq: next });
      // Heartbeats every few seconds: an ordered consumer whose node died re-creates itself after two missed beats.
      return consumer.consume({ idle_heartbeat: followHeartbeatMs });
    };
    // Received and not yet handed over, in stream order. One drain at a time hands them over in
    // bursts while the consumer keeps receiving, so what arrives during a burst's work (a busy
    // lesson, a catch-up) makes the next burst.
    const received: StreamMessage[] = [];
    let draining: Promise<void> | null = null;
    let thrown = null as { readonly error: unknown } | null;
    const drainLoop = async (): Promise<void> => {
      // One macrotask first: the consumer hands over what it has already received.
      await sleep(0);
      try {
        // Ends when nothing waits: the consumer adds at most burstMax before it waits for this loop.
        while (received.length > 0 && !stopping) await onBurst(received.splice(0, burstMax));
      } catch (e) {
        stopping = true;
        thrown = { error: e };
        void round?.close();
      } finally {
        draining = null;
      }
    };
    const drain = (): Promise<void> => (draining ??= drainLoop());
    const stopped = (async () => {
      let attempt = 0;
      try {
        while (!stopping && !this.isClosed()) {
          try {
            round = await startRound();
          } catch {
            await sleep(retryDelaysMs[Math.min(attempt++, retryDelaysMs.length - 1)]!);
            continue;
          }
          if (stopping) break;
          attempt = 0;
          const thisRound = round;
          let delivered = next;
          let stalledChecks = 0;
          const watchdog = setInterval(() => {
            if (next !== delivered) {
              delivered = next;
              stalledChecks = 0;
              return;
            }
            void this.lastSeq().then(
              (last) => {
                stalledChecks = last >= next ? stalledChecks + 1 : 0;
                if (stalledChecks >= 2) void thisRound.close();
              },
              () => undefined, // no leader yet: the next check asks again
            );
          }, followStallCheckMs);
          try {
            for await (const m of round) {
              if (m.seq < next) continue; // already received by an earlier round
              received.push({ seq: m.seq, messageId: m.headers?.get('Nats-Msg-Id') || null, data: m.data });
              next = m.seq + 1;
              // A full burst waiting holds the consumer until it is handed over (the server keeps the rest).
              if (received.length >= burstMax) await drain();
              else void drain();
            }
          } catch {
            // The round's consumer failed (its node went away): the next round starts after `next - 1`.
          } finally {
            clearInterval(watchdog);
          }
          // What this round received goes through before the next round starts.
          await drain();
          if (thrown !== null) throw thrown.error;
        }
      } finally {
        unwatch();
        await round?.close().catch(() => undefined);
      }
    })();
    return {
      stopped,
      async stop() {
        stopping = true;
        await round?.close();
        await stopped;
      },
    };
  }

  /** The last sequence stored in the class's stream (0 when empty). */
  async lastSeq(): Promise<number> {
    const info = await this.jsm.streams.info(this.names.stream);
    return info.state.last_seq;
  }

  private async snapshotStore(): Promise<ObjectStore> {
    this.snapshots ??= await new Objm(this.js).create(this.names.snapshotBucket, {
      storage: StorageType.File,
      replicas: this.options.replicas ?? 1,
    });
    return this.snapshots;
  }

  /** Replaces the class's snapshot: the world after `seq`, with its digest for the reader to check. */
  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    const store = await this.snapshotStore();
    await store.putBlob({ name: snapshotName, metadata: { seq: String(snapshot.seq), digest: snapshot.digest } }, snapshot.bytes);
  }

  /** The latest snapshot, or null when none was written. Its bytes and metadata are one version. */
  async readSnapshot(): Promise<Snapshot | null> {
    const store = await this.snapshotStore();
    const result = await store.get(snapshotName);
    if (result === null) return null;
    const chunks: Uint8Array[] = [];
    const reader = result.data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    // The object store checks its own SHA-256 of the bytes; a mismatch rejects here.
    const failure = await result.error;
    // It resolves to undefined (not null, as typed) when the read went well.
    if (failure instanceof Error) throw new Error('the snapshot did not arrive whole', { cause: failure });
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    const seq = Number(result.info.metadata?.seq);
    const digest = result.info.metadata?.digest;
    assert(Number.isSafeInteger(seq) && seq >= 0 && typeof digest === 'string', 'a snapshot names its sequence and digest');
    return { seq, digest, bytes };
  }

  /** Tells the class this replica's digest after applying `seq`. */
  publishCheckpoint(checkpoint: Checkpoint): void {
    this.nc.publish(this.names.checkpointSubject, JSON.stringify(checkpoint));
  }

  /** Every checkpoint any replica publishes from now on (malformed ones are skipped). */
  onCheckpoint(listener: (checkpoint: Checkpoint) => void): () => void {
    const subscription: Subscription = this.nc.subscribe(this.names.checkpointSubject, {
      callback: (error, m) => {
        if (error !== null) return;
        let value: unknown;
        try {
          value = m.json();
        } catch {
          return;
        }
        const c = value as Partial<Checkpoint>;
        if (typeof c.replicaId === 'string' && Number.isSafeInteger(c.seq) && typeof c.digest === 'string') {
          listener({ replicaId: c.replicaId, seq: c.seq!, digest: c.digest });
        }
      },
    });
    return () => subscription.unsubscribe();
  }

  /** Waits until the server has everything published so far (tests, and before closing a tab). */
  async flushed(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
