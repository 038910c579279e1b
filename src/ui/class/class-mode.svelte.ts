import { SvelteMap } from 'svelte/reactivity';
import type { WorldEntry } from '../../storage/registry.ts';
import type { WorldSession } from '../../sync/session.ts';
import type { ClassLink } from '../../sync/class/link.ts';
import type { ClassTab } from '../../sync/class/class-tab.ts';
import type { ClassBanner, Presence } from '../../sync/class/class-world.ts';

// A class world's tab (#20): what its banner and roster show, kept as $state from the tab's
// ClassWorld. The class code (NATS client, replica) loads only here, for a world this browser
// knows as a class world (sync/class/link.ts); a solo world's shell never fetches it.

/** How often the roster is looked at again: a PC that stopped saying it is here drops off. */
const rosterRefreshMs = 2_000;

export class ClassModel {
  banner = $state<ClassBanner | null>(null);
  present = $state<Presence[]>([]);
  /** The last stream sequence this tab applied (with the jobs due after it). */
  settled = $state(0);
  /** The browser's word on the network (its online/offline events), shown before the first connection too. */
  deviceOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  private readonly onNetwork = () => (this.deviceOnline = navigator.onLine);
  private tab: ClassTab | null = null;
  private readonly loading: Promise<ClassTab>;
  private readonly timer: ReturnType<typeof setInterval>;
  private stopped = false;

  constructor(
    readonly entry: WorldEntry,
    readonly link: ClassLink,
    readonly replicaId: string,
    session: WorldSession,
  ) {
    const loading = (this.loading = import('../../sync/class/class-tab.ts').then((m) => {
      const tab = m.startClassTab({ entry, db: session.db, link, replicaId, env: session.env, onChange: () => this.refresh() });
      this.tab = tab;
      if (this.stopped) void tab.stop();
      return tab;
    }));
    // From the first command on, the tab's commands go through the class stream (they wait for
    // the connection): a class world is never changed by one PC alone.
    session.enterClassMode(async (command) => (await loading).submit(command));
    this.timer = setInterval(() => this.refresh(), rosterRefreshMs);
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onNetwork);
      window.addEventListener('offline', this.onNetwork);
    }
  }

  private refresh(): void {
    const world = this.tab?.world() ?? null;
    if (world === null) return;
    this.banner = world.banner;
    this.present = world.present;
    this.settled = world.settled;
  }

  setParty(party: string | null): void {
    void this.loading.then((tab) => tab.setParty(party));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onNetwork);
      window.removeEventListener('offline', this.onNetwork);
    }
    void this.tab?.stop();
  }
}

/** The class model of each class world open in this tab (the roster page reads it). */
export const classModels = new SvelteMap<string, ClassModel>();
