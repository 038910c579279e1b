import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalEntryJson } from '../../domain/ledger/journal.ts';
import type { EntryDigests } from '../../domain/ledger/verify.ts';
import type { JournalEntry } from '../../domain/ledger/types.ts';

// The verifier's SHA-256 through WebCrypto: every entry is still hashed on every verify, but by the
// browser's native SHA-256 on its crypto thread, while this thread only builds the canonical bytes
// (in this Chromium, noble's JS SHA-256 was ~40% of a verify's main-thread time). Same digests as
// noble, bit for bit (test/unit/ledger-verify-app.test.ts compares both engines).

/** Who computes each entry's SHA-256: WebCrypto (native, on the browser's crypto thread) or
 * @noble/hashes (in JavaScript, on this thread). */
export type HashEngine = 'webcrypto' | 'noble';

export function subtleCrypto(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

export function defaultHashEngine(): HashEngine {
  return subtleCrypto() === undefined ? 'noble' : 'webcrypto';
}

const encoder = new TextEncoder();
// One UTF-8 buffer for every entry: digest() copies its input before it returns (WebCrypto spec,
// "get a copy of the bytes held by the data parameter"), so the next entry may overwrite it.
let utf8 = new Uint8Array(8192);

/** The digest of each entry's canonical bytes (null for an entry that has none), for feed(). */
export function digestEntries(subtle: SubtleCrypto, entries: readonly JournalEntry[]): Promise<EntryDigests> {
  // One callback per digest writing into one array (no Promise.all, no map): this loop and the
  // 2,500 resolutions per chunk are most of what WebCrypto costs this thread.
  return new Promise<EntryDigests>((resolve, reject) => {
    const digests = new Array<Uint8Array | null>(entries.length).fill(null);
    let waiting = entries.length + 1; // + 1: settled only after the loop has posted every digest
    const arrived = () => {
      waiting -= 1;
      if (waiting === 0) resolve(digests);
    };
    for (let i = 0; i < entries.length; i += 1) {
      const json = canonicalEntryJson(entries[i] as JournalEntry);
      if (json === undefined) {
        arrived(); // no canonical form: stays null
        continue;
      }
      const bytesMax = json.length * 3; // a UTF-16 code unit is at most 3 UTF-8 bytes
      if (utf8.length < bytesMax) utf8 = new Uint8Array(bytesMax * 2);
      const { written } = encoder.encodeInto(json, utf8);
      subtle.digest('SHA-256', utf8.subarray(0, written)).then((digest) => {
        digests[i] = new Uint8Array(digest);
        arrived();
      }, reject);
    }
    arrived();
  });
}

// noble's SHA-256 with one hasher reused for every entry (its state copied from a fresh one):
// the one-shot sha256() allocates a hasher, its buffers and the output per call, ~15% of its time.
const freshHasher = sha256.create();
const hasher = sha256.create();

/** The same digests as digestEntries, computed here with @noble/hashes. */
export function digestEntriesNoble(entries: readonly JournalEntry[]): EntryDigests {
  const digests = new Array<Uint8Array | null>(entries.length);
  for (let i = 0; i < entries.length; i += 1) {
    const json = canonicalEntryJson(entries[i] as JournalEntry);
    if (json === undefined) {
      digests[i] = null;
      continue;
    }
    const bytesMax = json.length * 3;
    if (utf8.length < bytesMax) utf8 = new Uint8Array(bytesMax * 2);
    const { written } = encoder.encodeInto(json, utf8);
    freshHasher._cloneInto(hasher);
    hasher.update(utf8.subarray(0, written));
    const digest = new Uint8Array(32);
    hasher.digestInto(digest);
    digests[i] = digest;
  }
  return digests;
}

/** The digests of a chunk with `engine` (WebCrypto falls back to noble where it is missing). */
export async function digestsFor(engine: HashEngine, entries: readonly JournalEntry[]): Promise<EntryDigests> {
  const subtle = engine === 'webcrypto' ? subtleCrypto() : undefined;
  return subtle === undefined ? digestEntriesNoble(entries) : digestEntries(subtle, entries);
}
