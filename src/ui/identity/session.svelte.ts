import { tabKeys, type OpenKey } from '../../app/identity/keys.ts';

// The tab's logins as Svelte state. The keys themselves stay in the app's key ring (memory of this
// tab only); this class only tells components when a login or logout happened.
class TabSession {
  private version = $state(0);

  constructor() {
    tabKeys.subscribe(() => {
      this.version += 1;
    });
  }

  /** The party's login in this tab, or null. Reactive: re-read after any login or logout. */
  of(worldId: string, partyId: string): OpenKey | null {
    void this.version;
    return tabKeys.session(worldId, partyId);
  }
}

export const tabSession = new TabSession();
