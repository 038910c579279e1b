import type { Party, Job, WorldEvent } from '../../domain/index.ts';
import { feedEventsMax } from '../../domain/index.ts';
import type { WorldEntry } from '../../storage/registry.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { WorldSession } from '../../sync/session.ts';
import type { TabInfo } from '../../sync/protocol.ts';
import { pendingJobs } from '../../app/scheduler.ts';
import { clockKey } from '../../app/clock-read.ts';
import { storageFaultOf, type StorageFault } from '../../storage/faults.ts';
import { Live } from '../live.svelte.ts';
import { toasts } from '../common/toasts.svelte.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import { noticeText } from '../names.ts';

/** A random id per tab: which tab led, which tabs are open. */
export const tabId = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `tab-${Date.now()}`;

// The state a tab keeps about the world it has open. Data comes from live queries; coordination
// (leader, presence, notices) from the session. Construct inside a component (live queries subscribe
// in $effect).
export class WorldModel {
  readonly session: WorldSession;
  isLeader = $state(false);
  peers = $state<TabInfo[]>([]);
  closed = $state(false);
  /** Set when the world's database cannot be opened (no IndexedDB, a newer version elsewhere...). */
  openError = $state<StorageFault | null>(null);
  readonly clock: Live<number | undefined>;
  readonly parties: Live<Party[]>;
  readonly feed: Live<WorldEvent[]>;
  readonly jobs: Live<Job[]>;

  /** `opened`: the world's database as the health check left it open, used instead of a second open. */
  constructor(readonly entry: WorldEntry, partyId: string | null, opened?: WorldDb) {
    this.session = new WorldSession(entry, tabId, partyId, {
      onLeaderChange: (leader) => (this.isLeader = leader),
      onPresence: (tabs) => (this.peers = tabs),
      onClosed: () => (this.closed = true),
      onNotice: (m) => {
        if (m.from.tabId === tabId || m.kind === 'clock.moved') return;
        // A feature words its notice kinds (`noticeKind.<kind>`); a kind without words points to
        // the activity feed rather than showing its code.
        toasts.show(() => noticeText(m.kind, i18n.locale));
      },
    }, opened);
    const db = this.session.db;
    this.clock = new Live(async () => (await db.meta.get(clockKey))?.value as number | undefined, undefined);
    this.parties = new Live(() => db.parties.toArray(), []);
    this.feed = new Live(async () => (await db.events.orderBy('seq').reverse().limit(feedEventsMax).toArray()) as WorldEvent[], []);
    this.jobs = new Live(() => pendingJobs(db), []);
    db.open().catch((e: unknown) => {
      const fault = storageFaultOf(e);
      if (!fault) throw e;
      this.openError = fault;
    });
    this.session.start();
  }

  get multiTab(): boolean {
    return this.session.channel.available && this.session.leader.supported;
  }

  stop(): void {
    this.session.stop();
  }
}
