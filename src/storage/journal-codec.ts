import { assert } from '../domain/assert.ts';
import { hexToBytes, type JournalEntry } from '../domain/index.ts';

// How a row of consecutive journal entries is laid out in IndexedDB: in columns, not as an array
// of entry objects. Lossless for ANY stored entries, tampered ones included.
//
// Why: reading a row costs in proportion to its bytes (in this Chromium ~17 ms per MB through
// getAll, whatever the shape; bench/ measured it), and verify reads every entry. As objects, every
// entry repeats its thirteen key names and writes each hash twice (its own, and as the next entry's
// prevHash) in hex: ~360 bytes. In columns: key names once per row; the kind, currency, code and
// account ids as indexes into the row's own word list; hashes as 32 raw bytes; a prevHash that is
// the previous entry's hash (always, in an untampered chain) is not repeated; the seq is the entry's
// position. About a third of the bytes, and read about three times faster.
//
// An entry that does not have exactly the shape the ledger writes (a key added or missing, a field
// of another type, a hash that is not 64 lowercase hex digits, a prevHash other than the previous
// entry's hash, a seq other than its position) is kept verbatim in `odd`, so whatever is stored
// reads back exactly as it was written, and verify sees it as it is.

export type JournalColumns = {
  /** Seq of the first entry; entry i is at position first + i. */
  readonly first: number;
  readonly count: number;
  /** Each distinct kind, currency, code and account id of the row, once. */
  readonly words: readonly string[];
  /** Per entry, five indexes into words: kind, currency, code, debit account, credit account. */
  readonly wordIndexes: Uint16Array;
  readonly transferId: readonly (string | null)[];
  readonly amount: readonly (string | null)[];
  readonly at: Float64Array;
  readonly refs: readonly (Readonly<Record<string, string>> | null)[];
  /** Per entry: 32 bytes of its hash. */
  readonly hashes: Uint8Array;
  /** The first entry's prevHash (later entries' are the previous entry's hash). */
  readonly prevHash0: Uint8Array;
  /** Only when some entry has one: pendingId / releasedAmount per entry (null: none). */
  readonly pendingId?: readonly (string | null)[];
  readonly releasedAmount?: readonly (string | null)[];
  /** Entries kept as they are (any shape), by index in the row. */
  readonly odd: Readonly<Record<number, unknown>>;
};

const wordFields = ['kind', 'currency', 'code', 'debitAccountId', 'creditAccountId'] as const;
const wordsPerEntry = wordFields.length;
const hashBytes = 32;
const wordsMax = 0xffff;

const requiredKeys = new Set(['amount', 'at', 'code', 'creditAccountId', 'currency', 'debitAccountId', 'hash', 'kind', 'prevHash', 'refs', 'seq', 'transferId']);
const optionalKeys = new Set(['pendingId', 'releasedAmount']);
const hexPattern = /^[0-9a-f]{64}$/;

// Hex of every hash of a row: the ASCII digits of all of them written into one buffer, then each
// entry's 64 digits decoded into its own flat string (building them two digits at a time makes rope
// strings, and slices of one long string are slice objects: V8's JSON.stringify takes its slow path
// on both, which doubled the cost of the canonical JSON).
const hexDigits = new TextEncoder().encode('0123456789abcdef');
const asciiDecoder = new TextDecoder('latin1');

function hexOfAll(bytes: Uint8Array): string[] {
  const ascii = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    ascii[2 * i] = hexDigits[b >> 4]!;
    ascii[2 * i + 1] = hexDigits[b & 15]!;
  }
  const hexLength = 2 * hashBytes;
  const out = new Array<string>(bytes.length / hashBytes);
  for (let i = 0; i < out.length; i++) out[i] = asciiDecoder.decode(ascii.subarray(i * hexLength, (i + 1) * hexLength));
  return out;
}

function writeHex(hex: string, into: Uint8Array, offset: number): void {
  into.set(hexToBytes(hex, hashBytes), offset);
}

function isPlainStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/** Does entry i fit the columns (see the header)? `prevHash` is the hash the columns would give it. */
function fitsColumns(e: unknown, position: number, prevHash: unknown, first: boolean): e is JournalEntry {
  if (typeof e !== 'object' || e === null || Object.getPrototypeOf(e) !== Object.prototype) return false;
  const r = e as Record<string, unknown>;
  let required = 0;
  for (const key of Object.keys(r)) {
    if (requiredKeys.has(key)) required += 1;
    else if (!optionalKeys.has(key) || r[key] === undefined) return false; // an explicit undefined would not read back
  }
  if (required !== requiredKeys.size) return false;
  for (const f of wordFields) if (typeof r[f] !== 'string') return false;
  if (typeof r.transferId !== 'string' || typeof r.amount !== 'string') return false;
  if (r.pendingId !== undefined && typeof r.pendingId !== 'string') return false;
  if (r.releasedAmount !== undefined && typeof r.releasedAmount !== 'string') return false;
  if (typeof r.at !== 'number' || Object.is(r.at, -0) || r.seq !== position) return false;
  if (!isPlainStringRecord(r.refs)) return false;
  if (typeof r.hash !== 'string' || !hexPattern.test(r.hash)) return false;
  if (typeof r.prevHash !== 'string' || !hexPattern.test(r.prevHash)) return false;
  return first || r.prevHash === prevHash;
}

/** The columns of `entries`, the entries at positions first, first + 1, ... (any content). */
export function encodeJournalColumns(first: number, entries: readonly unknown[]): JournalColumns {
  const n = entries.length;
  assert(Number.isSafeInteger(first) && first >= 1 && n >= 1, 'a row has a first seq >= 1 and at least one entry');
  const words: string[] = [];
  const wordIndex = new Map<string, number>();
  const wordIndexes = new Uint16Array(n * wordsPerEntry);
  const transferId: (string | null)[] = new Array<string | null>(n).fill(null);
  const amount: (string | null)[] = new Array<string | null>(n).fill(null);
  const refs: (Record<string, string> | null)[] = new Array<Record<string, string> | null>(n).fill(null);
  const at = new Float64Array(n);
  const hashes = new Uint8Array(n * hashBytes);
  const prevHash0 = new Uint8Array(hashBytes);
  const pendingId: (string | null)[] = new Array<string | null>(n).fill(null);
  const releasedAmount: (string | null)[] = new Array<string | null>(n).fill(null);
  let anyPending = false;
  let anyReleased = false;
  const odd: Record<number, unknown> = {};
  // The first entry's prevHash is stored on its own; it must be hex to fit (else entry 0 is odd).
  const e0 = entries[0] as { prevHash?: unknown } | null;
  const firstPrev = typeof e0 === 'object' && e0 !== null && typeof e0.prevHash === 'string' && hexPattern.test(e0.prevHash) ? e0.prevHash : undefined;
  if (firstPrev !== undefined) writeHex(firstPrev, prevHash0, 0);
  let previousHash: unknown = undefined;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (!fitsColumns(e, first + i, previousHash, i === 0 && firstPrev !== undefined) || words.length > wordsMax - wordsPerEntry) {
      odd[i] = e;
      previousHash = typeof e === 'object' && e !== null ? (e as { hash?: unknown }).hash : undefined;
      continue;
    }
    for (let f = 0; f < wordsPerEntry; f++) {
      const word = e[wordFields[f]!];
      let index = wordIndex.get(word);
      if (index === undefined) {
        index = words.length;
        words.push(word);
        wordIndex.set(word, index);
      }
      wordIndexes[i * wordsPerEntry + f] = index;
    }
    transferId[i] = e.transferId;
    amount[i] = e.amount;
    refs[i] = e.refs;
    at[i] = e.at;
    writeHex(e.hash, hashes, i * hashBytes);
    if (e.pendingId !== undefined) {
      pendingId[i] = e.pendingId;
      anyPending = true;
    }
    if (e.releasedAmount !== undefined) {
      releasedAmount[i] = e.releasedAmount;
      anyReleased = true;
    }
    previousHash = e.hash;
  }
  return {
    first, count: n, words, wordIndexes, transferId, amount, at, refs, hashes, prevHash0, odd,
    ...(anyPending ? { pendingId } : {}),
    ...(anyReleased ? { releasedAmount } : {}),
  };
}

/** The entries the columns hold, as fresh objects (exactly what was encoded). */
export function decodeJournalColumns(c: JournalColumns): JournalEntry[] {
  const out = new Array<JournalEntry>(c.count);
  const hexes = hexOfAll(c.hashes);
  let previousHash: string = hexOfAll(c.prevHash0)[0]!;
  for (let i = 0; i < c.count; i++) {
    if (isVerbatim(c, i)) {
      out[i] = c.odd[i] as JournalEntry;
      previousHash = verbatimHash(c, i);
      continue;
    }
    const hash = hexes[i]!;
    out[i] = entryOf(c, i, hash, previousHash);
    previousHash = hash;
  }
  return out;
}

/** Is entry i kept as it was stored (odd), not in the columns? */
function isVerbatim(c: JournalColumns, i: number): boolean {
  return c.odd[i] !== undefined || c.transferId[i] === null;
}

/** The hash a verbatim entry hands on as the next entry's prevHash ('' when it has none). */
function verbatimHash(c: JournalColumns, i: number): string {
  const h = (c.odd[i] as { hash?: unknown } | null | undefined)?.hash;
  return typeof h === 'string' ? h : '';
}

/** Entry i from the columns (not a verbatim one), with its hash and its prevHash. */
function entryOf(c: JournalColumns, i: number, hash: string, previousHash: string): JournalEntry {
  const w = i * wordsPerEntry;
  const pendingId = c.pendingId?.[i];
  const releasedAmount = c.releasedAmount?.[i];
  // A fresh literal per entry, in one shape: canonical JSON takes V8's fast path on it.
  const entry: Record<string, unknown> = {
    amount: c.amount[i],
    at: c.at[i],
    code: c.words[c.wordIndexes[w + 2]!],
    creditAccountId: c.words[c.wordIndexes[w + 4]!],
    currency: c.words[c.wordIndexes[w + 1]!],
    debitAccountId: c.words[c.wordIndexes[w + 3]!],
    kind: c.words[c.wordIndexes[w]!],
    prevHash: previousHash,
    refs: c.refs[i],
    seq: c.first + i,
    transferId: c.transferId[i],
    hash,
  };
  if (pendingId !== undefined && pendingId !== null) entry.pendingId = pendingId;
  if (releasedAmount !== undefined && releasedAmount !== null) entry.releasedAmount = releasedAmount;
  return entry as JournalEntry;
}

/**
 * The positions in the row (0-based) of the entries that debit or credit `accountId`, found in the
 * columns without decoding any entry (a verbatim entry is looked at as stored).
 */
export function positionsNaming(c: JournalColumns, accountId: string): number[] {
  const word = c.words.indexOf(accountId);
  const out: number[] = [];
  for (let i = 0; i < c.count; i++) {
    if (isVerbatim(c, i)) {
      const v = c.odd[i] as { debitAccountId?: unknown; creditAccountId?: unknown } | null | undefined;
      if (typeof v === 'object' && v !== null && (v.debitAccountId === accountId || v.creditAccountId === accountId)) out.push(i);
    } else if (word >= 0 && (c.wordIndexes[i * wordsPerEntry + 3] === word || c.wordIndexes[i * wordsPerEntry + 4] === word)) {
      out.push(i);
    }
  }
  return out;
}

/**
 * The entries at `positions` of the row, decoded alone: each exactly what decodeJournalColumns gives
 * at that position (a rare account's statement reads one or two entries of a 128-entry row).
 */
export function decodeJournalColumnsAt(c: JournalColumns, positions: readonly number[]): JournalEntry[] {
  return positions.map((i) => {
    assert(Number.isSafeInteger(i) && i >= 0 && i < c.count, 'a position inside the row');
    if (isVerbatim(c, i)) return c.odd[i] as JournalEntry;
    const previousHash = i === 0 ? hexOfAll(c.prevHash0)[0]! : isVerbatim(c, i - 1) ? verbatimHash(c, i - 1) : hexOfAll(c.hashes.subarray((i - 1) * hashBytes, i * hashBytes))[0]!;
    return entryOf(c, i, hexOfAll(c.hashes.subarray(i * hashBytes, (i + 1) * hashBytes))[0]!, previousHash);
  });
}
