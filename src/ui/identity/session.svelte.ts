import { tabKeys, type OnlineBankingProblem, type OnlineBankingSession, type OpenKey } from '../../app/identity/keys.ts';
import { minuteMs, type Result } from '../../domain/index.ts';
import { teacherSession } from './teacher-session.svelte.ts';

// The tab's logins and online-banking sessions as Svelte state. The keys and sessions themselves
// stay in the app's key ring (memory of this tab only); this class only tells components when a
// login, logout or session change happened, and answers the party shell's one gate, `canAct`.

/** How often an idle online-banking session is looked at again, so a lapsed one shows as lapsed. */
const bankingRecheckMs = minuteMs / 2;

// The ring asks the teacher's sign-in (UI state) whether the teacher plays everyone in this tab.
tabKeys.setTeacherCheck((worldId) => teacherSession.playsEveryone(worldId));

class TabSession {
  private version = $state(0);
  /** Bumped on a timer: session expiry is device time passing, which no event announces. */
  private tick = $state(0);

  constructor() {
    tabKeys.subscribe(() => {
      this.version += 1;
    });
    if (typeof setInterval === 'function') setInterval(() => (this.tick += 1), bankingRecheckMs);
  }

  /** The party's login in this tab, or null. Reactive: re-read after any login or logout. */
  of(worldId: string, partyId: string): OpenKey | null {
    void this.version;
    return tabKeys.session(worldId, partyId);
  }

  /**
   * May this tab act as the party: the party logged in in this tab, or the teacher signed in here
   * and plays everyone. When false the party's pages are read-only (PartyHome) and runCommand
   * refuses the party's commands from this tab anyway (CommandEnv.acting).
   */
  canAct(worldId: string, partyId: string): boolean {
    void this.version;
    return tabKeys.session(worldId, partyId) !== null || teacherSession.playsEveryone(worldId);
  }

  /** The party's online-banking session with the bank in this tab, or why there is none. */
  banking(worldId: string, partyId: string, bankId: string): Result<OnlineBankingSession, OnlineBankingProblem> {
    void this.version;
    void this.tick;
    return tabKeys.bankingState(worldId, partyId, bankId);
  }
}

export const tabSession = new TabSession();
