import { liveQuery, type Subscription } from 'dexie';
import type { WorldEntry } from '../storage/registry.ts';
import type { WorldDb } from '../storage/schema.ts';
import { openWorldDb } from '../app/worlds.ts';
import { runDueJobs } from '../app/scheduler.ts';
import type { CommandEnv, Notice } from '../app/command.ts';
import { clockKey } from '../app/clock-read.ts';
import { tabKeys } from '../app/identity/keys.ts';
import { WorldChannel } from './channel.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { LeaderElection } from './leader.ts';
import type { ChannelMessage, TabInfo } from './protocol.ts';

// A tab's connection to one world: its database, its channel to the world's other tabs, and the
// leader election. The leader runs due jobs whenever the clock moves (seen through a live query on
// the clock, so no message can be missed) and when it becomes leader (the takeover case).

export type SessionEvents = {
  onLeaderChange?: (isLeader: boolean) => void;
  onNotice?: (message: Extract<ChannelMessage, { type: 'notice' }>) => void;
  onPresence?: (tabs: TabInfo[]) => void;
  /** The database was deleted, reset or upgraded elsewhere: this tab must reload. */
  onClosed?: (reason: 'versionchange') => void;
};

export class WorldSession {
  readonly db: WorldDb;
  readonly channel: WorldChannel;
  readonly leader: LeaderElection;
  private tabEnv: CommandEnv;
  private classMode = false;
  private readonly peers = new Map<string, TabInfo>();
  private clockSub: Subscription | undefined;
  private passRunning = false;
  private passAgain = false;
  private closed = false;

  constructor(
    readonly world: WorldEntry,
    readonly tabId: string,
    private partyId: string | null,
    private readonly events: SessionEvents = {},
    /** The world's database already opened for this tab (openCheckedWorld), which the session now owns. */
    opened?: WorldDb,
  ) {
    this.db = opened ?? openWorldDb(world);
    this.db.on('versionchange', () => {
      this.db.close();
      this.events.onClosed?.('versionchange');
      return false;
    });
    this.channel = new WorldChannel(world.id);
    this.leader = new LeaderElection(`settlelab-leader:${world.id}`, (isLeader) => {
      this.announce('here');
      this.events.onLeaderChange?.(isLeader);
      if (isLeader) this.requestPass();
    });
    // Every command this tab runs passes the tab's gate: it acts only as a party signed in here
    // (or for every party while the teacher plays everyone), whatever page called it.
    this.tabEnv = { publish: (notices) => this.publish(notices), acting: (partyId) => tabKeys.acting(world.id, partyId), keyRing: tabKeys };
  }

  /** What every command of this tab runs with (read per call: class mode changes it). */
  get env(): CommandEnv {
    return this.tabEnv;
  }

  /**
   * Class mode (#20, sync/class/class-world.ts): the tab's commands go through the class stream
   * (`classSubmit`), and every PC's replica runs the jobs due after each stream message, so this
   * tab's leader stops running jobs: they would change this PC's world alone.
   */
  enterClassMode(classSubmit: NonNullable<CommandEnv['classSubmit']>): void {
    this.classMode = true;
    this.tabEnv = { ...this.tabEnv, classSubmit };
  }

  start(): void {
    this.channel.subscribe((m) => this.receive(m));
    this.leader.start();
    this.clockSub = liveQuery(() => this.db.meta.get(clockKey)).subscribe({
      next: () => {
        if (this.leader.isLeader) this.requestPass();
      },
      error: () => undefined,
    });
    this.announce('hello');
  }

  get info(): TabInfo {
    return { tabId: this.tabId, partyId: this.partyId, leader: this.leader.isLeader };
  }

  setParty(partyId: string | null): void {
    this.partyId = partyId;
    this.announce('here');
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.announce('bye');
    this.clockSub?.unsubscribe();
    this.leader.stop();
    this.channel.close();
    this.db.close();
  }

  /** Runs due jobs until none is left. Passes never overlap within a tab. */
  requestPass(): void {
    if (this.classMode) return;
    if (this.passRunning) {
      this.passAgain = true;
      return;
    }
    this.passRunning = true;
    void (async () => {
      try {
        do {
          this.passAgain = false;
          if (!this.leader.isLeader || this.closed) break;
          await runDueJobs(this.db, this.tabId, this.env);
        } while (this.passAgain);
      } catch (e) {
        // The world closed under us (deleted, reset, upgraded elsewhere): the UI already says so.
        if (!storageFaultOf(e)) throw e;
      } finally {
        this.passRunning = false;
      }
    })();
  }

  private publish(notices: readonly Notice[]): void {
    for (const n of notices) {
      if (n.kind === 'clock.moved') continue; // the clock row's live query carries it
      const base = { v: 1 as const, type: 'notice' as const, from: this.info, to: n.to, kind: n.kind };
      const message = n.ref === undefined ? base : { ...base, ref: n.ref };
      this.channel.send(message);
      // BroadcastChannel does not deliver to the sender; this tab gets its own notices directly.
      this.receive(message);
    }
  }

  private announce(type: 'hello' | 'here' | 'bye'): void {
    this.channel.send({ v: 1, type, from: this.info });
  }

  private receive(m: ChannelMessage): void {
    switch (m.type) {
      case 'hello':
        this.peers.set(m.from.tabId, m.from);
        this.announce('here');
        break;
      case 'here':
        this.peers.set(m.from.tabId, m.from);
        break;
      case 'bye':
        this.peers.delete(m.from.tabId);
        break;
      case 'clock.moved':
        if (this.leader.isLeader) this.requestPass();
        return;
      case 'notice':
        if (m.to.includes('*') || (this.partyId !== null && m.to.includes(this.partyId))) this.events.onNotice?.(m);
        return;
    }
    if (m.from.tabId !== this.tabId) this.events.onPresence?.([...this.peers.values()]);
  }
}
