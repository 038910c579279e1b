import { assert, bytesToHex, err, keyPairFromSeed, minuteMs, ok, seedLength, type Result } from '../../domain/index.ts';

// The per-tab key ring: the private keys this tab may sign with. A party's key enters it only
// when that party logs in in this tab (login.ts opens the sealed key with the password), and
// leaves it at logout. It lives in this tab's memory and nowhere else: nothing about it is written
// to IndexedDB, localStorage or the BroadcastChannel, so another tab, a reload or an exported
// world file never carries an open key.
//
// The ring also holds the tab's online-banking sessions (U盾 logins, banking-login.ts): a session
// is opened here after the bank accepted the signed challenge, belongs to one logged-in party, ends
// when that party logs out, and lapses after `onlineBankingIdleMs` of device time without use.
// Device time (the wall clock, injected as `nowMs`), not world time: moving the world clock in a
// lab must not log a student out of the bank mid-exercise.
//
// Finally it answers "may this tab act as this party?" (`acting`): the party logged in in this tab,
// or the teacher signed in here and plays everyone (the UI's teacher sign-in answers that through
// `setTeacherCheck`). runCommand asks it through the tab's CommandEnv.

/** A tab rarely logs in as more than a few parties; more is a bug (or a leak). */
export const openKeysMax = 64;
/** Two banks per logged-in party at most in practice; the bound only catches a leak. */
export const bankingSessionsMax = 256;
/** An online-banking session ends after this much device time without being used. */
export const onlineBankingIdleMs = 30 * minuteMs;

export type OpenKey = {
  readonly worldId: string;
  readonly partyId: string;
  readonly loginName: string;
  /** hex */
  readonly publicKey: string;
  /** Wall-clock time of the login in this tab (for display only). */
  readonly loggedInAtMs: number;
};

type Entry = OpenKey & { readonly seed: Uint8Array };

/** A tab-held online-banking session: in this tab's memory only, nothing of it is stored. */
export type OnlineBankingSession = {
  readonly worldId: string;
  readonly partyId: string;
  readonly bankId: string;
  /** The accepted challenge's nonce (the bank's record of this login). */
  readonly id: string;
  /** The certificate the customer logged in with. */
  readonly serial: number;
  /** Device time of the login. */
  readonly openedAtMs: number;
};

type BankingEntry = { readonly session: OnlineBankingSession; lastUsedMs: number; expired: boolean };

export type OnlineBankingProblem = 'online_banking_required' | 'online_banking_expired';

export class KeyRing {
  private readonly entries = new Map<string, Entry>();
  private readonly banking = new Map<string, BankingEntry>();
  private teacherPlaysEveryone: (worldId: string) => boolean = () => false;
  private readonly listeners = new Set<() => void>();

  /** `nowMs` is the device clock (tests drive their own). */
  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  private static keyOf(worldId: string, partyId: string): string {
    return `${worldId}\u0000${partyId}`;
  }

  /** Keeps `seed` for the party (copying it); replaces an earlier login of the same party. */
  open(info: Omit<OpenKey, 'publicKey'>, seed: Uint8Array): OpenKey {
    assert(seed instanceof Uint8Array && seed.length === seedLength, 'a 32-byte seed');
    const key = KeyRing.keyOf(info.worldId, info.partyId);
    if (!this.entries.has(key)) assert(this.entries.size < openKeysMax, `at most ${openKeysMax} open keys per tab`);
    this.forgetKey(key, false);
    const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
    const entry: Entry = { ...info, publicKey, seed: seed.slice() };
    this.entries.set(key, entry);
    this.changed();
    return this.info(entry);
  }

  /** Logout: the seed's bytes are overwritten before the entry is dropped; the party's online-banking sessions end. */
  forget(worldId: string, partyId: string): boolean {
    this.dropBanking((s) => s.worldId === worldId && s.partyId === partyId);
    return this.forgetKey(KeyRing.keyOf(worldId, partyId), true);
  }

  /** Forgets every key and online-banking session of a world (the world was deleted or reset). */
  forgetWorld(worldId: string): void {
    this.dropBanking((s) => s.worldId === worldId);
    for (const [key, entry] of [...this.entries]) if (entry.worldId === worldId) this.forgetKey(key, false);
    this.changed();
  }

  /**
   * The tab's teacher sign-in (UI state, teacher-session.svelte.ts) tells the ring whether the
   * teacher plays every party of a world in this tab; set once when the tab starts.
   */
  setTeacherCheck(playsEveryone: (worldId: string) => boolean): void {
    this.teacherPlaysEveryone = playsEveryone;
  }

  /** May this tab act as the party: it logged in here, or the teacher plays everyone here. */
  acting(worldId: string, partyId: string): boolean {
    return this.entries.has(KeyRing.keyOf(worldId, partyId)) || this.teacherPlaysEveryone(worldId);
  }

  /**
   * Opens an online-banking session for a party logged in in this tab (after the bank accepted its
   * signed challenge); replaces an earlier session with the same bank.
   */
  openBanking(info: Omit<OnlineBankingSession, 'openedAtMs'>): OnlineBankingSession {
    assert(this.entries.has(KeyRing.keyOf(info.worldId, info.partyId)), 'online banking opens only for a party logged in in this tab');
    const key = KeyRing.bankingKeyOf(info.worldId, info.partyId, info.bankId);
    if (!this.banking.has(key)) assert(this.banking.size < bankingSessionsMax, `at most ${bankingSessionsMax} online-banking sessions per tab`);
    const now = this.nowMs();
    const session: OnlineBankingSession = { ...info, openedAtMs: now };
    this.banking.set(key, { session, lastUsedMs: now, expired: false });
    this.changed();
    return session;
  }

  /** The party's session with the bank as the tab sees it now (reading does not count as use). */
  bankingState(worldId: string, partyId: string, bankId: string): Result<OnlineBankingSession, OnlineBankingProblem> {
    const entry = this.banking.get(KeyRing.bankingKeyOf(worldId, partyId, bankId));
    if (entry === undefined) return err('online_banking_required');
    if (entry.expired || this.nowMs() - entry.lastUsedMs >= onlineBankingIdleMs) {
      entry.expired = true;
      return err('online_banking_expired');
    }
    return ok(entry.session);
  }

  /** For commands acting with online banking: the live session, which this use keeps alive. */
  useBanking(worldId: string, partyId: string, bankId: string): Result<OnlineBankingSession, OnlineBankingProblem> {
    const state = this.bankingState(worldId, partyId, bankId);
    if (state.ok) this.banking.get(KeyRing.bankingKeyOf(worldId, partyId, bankId))!.lastUsedMs = this.nowMs();
    return state;
  }

  /** Ends the party's session with the bank; false when there was none. */
  closeBanking(worldId: string, partyId: string, bankId: string): boolean {
    const had = this.banking.delete(KeyRing.bankingKeyOf(worldId, partyId, bankId));
    if (had) this.changed();
    return had;
  }

  session(worldId: string, partyId: string): OpenKey | null {
    const entry = this.entries.get(KeyRing.keyOf(worldId, partyId));
    return entry === undefined ? null : this.info(entry);
  }

  /** The seed to sign with, or null when the party has not logged in in this tab. */
  seed(worldId: string, partyId: string): Uint8Array | null {
    return this.entries.get(KeyRing.keyOf(worldId, partyId))?.seed ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private static bankingKeyOf(worldId: string, partyId: string, bankId: string): string {
    return `${worldId}\u0000${partyId}\u0000${bankId}`;
  }

  private dropBanking(which: (s: OnlineBankingSession) => boolean): void {
    for (const [key, entry] of [...this.banking]) if (which(entry.session)) this.banking.delete(key);
  }

  private info(entry: Entry): OpenKey {
    const { seed: _seed, ...info } = entry;
    return info;
  }

  private forgetKey(key: string, notify: boolean): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    entry.seed.fill(0);
    this.entries.delete(key);
    if (notify) this.changed();
    return true;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** This tab's key ring (a module instance is per tab: every tab is its own JavaScript realm). */
export const tabKeys = new KeyRing();
