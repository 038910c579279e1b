import { assert, bytesToHex, keyPairFromSeed, seedLength } from '../../domain/index.ts';

// The per-tab key ring: the private keys this tab may sign with. A party's key enters it only
// when that party logs in in this tab (login.ts opens the sealed key with the password), and
// leaves it at logout. It lives in this tab's memory and nowhere else: nothing about it is written
// to IndexedDB, localStorage or the BroadcastChannel, so another tab, a reload or an exported
// world file never carries an open key.

/** A tab rarely logs in as more than a few parties; more is a bug (or a leak). */
export const openKeysMax = 64;

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

export class KeyRing {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

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

  /** Logout: the seed's bytes are overwritten before the entry is dropped. */
  forget(worldId: string, partyId: string): boolean {
    return this.forgetKey(KeyRing.keyOf(worldId, partyId), true);
  }

  /** Forgets every key of a world (the world was deleted or reset). */
  forgetWorld(worldId: string): void {
    for (const [key, entry] of [...this.entries]) if (entry.worldId === worldId) this.forgetKey(key, false);
    this.changed();
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
