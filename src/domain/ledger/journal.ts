// The journal: one append-only, hash-chained list of entries per world. Each entry's hash is the hex
// SHA-256 of the UTF-8 bytes of its canonical JSON (RFC 8785, as the `canonicalize` package writes
// it) over every field except `hash`, so each entry commits to the whole history before it.

import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { assert } from '../assert.ts';
import { scaleOf } from '../money/index.ts';
import { storedToMinor } from './amount.ts';
import type { JournalEntry, JournalEntryDraft, JournalHead, TransferKind } from './types.ts';

export const genesisHash = '0'.repeat(64);
/** The head of an empty journal: the first entry has seq 1 and prevHash 64 zeros. */
export const genesisHead: JournalHead = { seq: 0, hash: genesisHash };
/** One batch appends at most this many entries (applyTransfers' batch limit). */
export const chainEntriesMax = 8190;

const hashPattern = /^[0-9a-f]{64}$/;

function isHash(value: unknown): value is string {
  return typeof value === 'string' && hashPattern.test(value);
}

export function isJournalHead(head: unknown): head is JournalHead {
  if (typeof head !== 'object' || head === null) return false;
  const h = head as Record<string, unknown>;
  return Number.isSafeInteger(h.seq) && (h.seq as number) >= 0 && isHash(h.hash) && (h.seq !== 0 || h.hash === genesisHash);
}

// The hashed keys in RFC 8785 order (UTF-16 code units, what Array.prototype.sort does): the fast
// serializer below writes them in this order; the module refuses to load if the order is wrong.
const hashedKeys = [
  'amount', 'at', 'code', 'creditAccountId', 'currency', 'debitAccountId', 'kind', 'pendingId',
  'prevHash', 'refs', 'releasedAmount', 'seq', 'transferId',
] as const;
assert([...hashedKeys].sort().join() === hashedKeys.join(), 'hashed keys are in canonical order');
const optionalKeys = new Set<string>(['pendingId', 'releasedAmount']);
const hashedKeySet = new Set<string>([...hashedKeys, 'hash']);

type Hashable = Omit<JournalEntry, 'hash'> & { readonly hash?: unknown };

const digitsOnly = /^\d+$/;

/**
 * The fast path for entries of the expected shape (known keys only, expected types). It copies
 * the fields into a fresh object literal in canonical key order and lets the engine's native
 * JSON.stringify (which keeps insertion order for non-index keys, skips undefined values and writes
 * strings and numbers exactly as canonicalize does) produce the canonical JSON in one call.
 * canonicalize's recursive sorts and string reductions cost more than the SHA-256 itself, too slow
 * for the verifier's throughput target. (Stringifying the stored row directly is slower still:
 * rows from IndexedDB's structured clone miss V8's fast JSON path; a fresh literal does not.)
 * Returns undefined for any other shape (extra keys, unexpected types, refs keys that are digits
 * only, which JavaScript enumerates first, or "__proto__"); the caller then uses canonicalize.
 */
function fastCanonicalJson(e: Hashable): string | undefined {
  if (typeof e.amount !== 'string' || typeof e.code !== 'string' || typeof e.creditAccountId !== 'string') return undefined;
  if (typeof e.currency !== 'string' || typeof e.debitAccountId !== 'string' || typeof e.kind !== 'string') return undefined;
  if (typeof e.prevHash !== 'string' || typeof e.transferId !== 'string') return undefined;
  if (!Number.isSafeInteger(e.at) || !Number.isSafeInteger(e.seq)) return undefined;
  if (e.pendingId !== undefined && typeof e.pendingId !== 'string') return undefined;
  if (e.releasedAmount !== undefined && typeof e.releasedAmount !== 'string') return undefined;
  const refs = e.refs as unknown;
  if (typeof refs !== 'object' || refs === null || Object.getPrototypeOf(refs) !== Object.prototype) return undefined;

  // Known keys only: an added field is hashed too (by the slow path), so adding one shows.
  let present = 0;
  for (const key in e) {
    if ((e as Record<string, unknown>)[key] === undefined) continue;
    if (!hashedKeySet.has(key)) return undefined;
    present += 1;
  }
  const expected = hashedKeys.length - optionalKeys.size + (e.pendingId !== undefined ? 1 : 0) +
    (e.releasedAmount !== undefined ? 1 : 0) + (e.hash !== undefined ? 1 : 0);
  if (present !== expected) return undefined;

  const refKeys = Object.keys(refs);
  let sortedRefs = refs as Record<string, unknown>;
  for (const key of refKeys) {
    if (typeof sortedRefs[key] !== 'string' || digitsOnly.test(key) || key === '__proto__') return undefined;
  }
  if (refKeys.length > 1) {
    refKeys.sort(); // One key (the common case) is in order already: no copy.
    const copy: Record<string, unknown> = {};
    for (const key of refKeys) copy[key] = sortedRefs[key];
    sortedRefs = copy;
  }
  return JSON.stringify({
    amount: e.amount,
    at: e.at,
    code: e.code,
    creditAccountId: e.creditAccountId,
    currency: e.currency,
    debitAccountId: e.debitAccountId,
    kind: e.kind,
    pendingId: e.pendingId,
    prevHash: e.prevHash,
    refs: sortedRefs,
    releasedAmount: e.releasedAmount,
    seq: e.seq,
    transferId: e.transferId,
  });
}

/**
 * The canonical JSON of an entry without its hash: byte-identical to canonicalize() of the entry
 * minus `hash` (a property test holds the two together). Undefined only for data canonicalize
 * refuses (NaN, Infinity), which a verifier reports as a hash mismatch.
 */
export function canonicalEntryJson(entry: Hashable): string | undefined {
  const fast = fastCanonicalJson(entry);
  if (fast !== undefined) return fast;
  const rest: Record<string, unknown> = { ...entry };
  delete rest.hash;
  try {
    // Only reached for entries of an unexpected shape (tampered or corrupted rows); canonicalize
    // throws on NaN/Infinity, which is data to report, not a bug in this program.
    return canonicalize(rest);
  } catch {
    return undefined;
  }
}

// One reusable UTF-8 buffer: encodeInto avoids a fresh Uint8Array per entry.
const encoder = new TextEncoder();
let utf8Buffer = new Uint8Array(4096);

function sha256Of(text: string): Uint8Array {
  const bytesMax = text.length * 3; // UTF-16 code unit -> at most 3 UTF-8 bytes.
  if (utf8Buffer.length < bytesMax) utf8Buffer = new Uint8Array(bytesMax * 2);
  const { written } = encoder.encodeInto(text, utf8Buffer);
  return sha256(utf8Buffer.subarray(0, written));
}

function sha256Hex(text: string): string {
  return bytesToHex(sha256Of(text));
}

const hexCodes = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

/** digest === hex, compared in place (no hex string is built: the verifier does this per entry). */
function digestEqualsHex(digest: Uint8Array, hex: string): boolean {
  if (hex.length !== digest.length * 2) return false;
  for (let i = 0; i < digest.length; i += 1) {
    const byte = digest[i] as number;
    if (hex.charCodeAt(2 * i) !== hexCodes[byte >> 4] || hex.charCodeAt(2 * i + 1) !== hexCodes[byte & 15]) return false;
  }
  return true;
}

/** Does the entry's stored `hash` equal the hash of its fields? False for unhashable entries. */
export function entryHashMatches(entry: Hashable & { readonly hash: unknown }): boolean {
  if (typeof entry.hash !== 'string') return false;
  const json = canonicalEntryJson(entry);
  return json !== undefined && digestEqualsHex(sha256Of(json), entry.hash);
}

/** Hex SHA-256 of the entry's canonical bytes (every field but `hash`, prevHash included). */
export function entryHash(entry: Hashable): string {
  const json = canonicalEntryJson(entry);
  assert(json !== undefined, 'entry has no canonical form (NaN or Infinity in a field)');
  return sha256Hex(json);
}

/** Like entryHash, but undefined for an entry that has no canonical form (verifier input). */
export function entryHashOf(entry: Hashable): string | undefined {
  const json = canonicalEntryJson(entry);
  return json === undefined ? undefined : sha256Hex(json);
}

/**
 * Appends drafts after `head`: seq head.seq + 1, ..., each prevHash the previous hash. The caller
 * writes the entries and the new head (the last entry's {seq, hash}) in the same transaction.
 */
export function chainEntries(head: JournalHead, drafts: readonly JournalEntryDraft[]): JournalEntry[] {
  assert(isJournalHead(head), 'head is {seq >= 0, 64-hex hash}');
  assert(drafts.length <= chainEntriesMax, `at most ${chainEntriesMax} entries per append`);
  const entries: JournalEntry[] = [];
  let seq = head.seq;
  let prevHash = head.hash;
  for (const draft of drafts) {
    assert(entryEffect(draft.kind, draft.amount, draft.releasedAmount, scaleOf(draft.currency)) !== undefined, `draft ${draft.transferId} is well-formed`);
    seq += 1;
    // Keys in canonical order (refs too: easy to read and diff) and optional fields left out
    // rather than set to undefined, so stored rows, canonicalize and the fast path see one shape.
    // fromEntries defines each key as an own property ("__proto__" included; assignment would
    // set the prototype instead and drop the ref).
    const refs = Object.fromEntries(Object.entries(draft.refs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const unhashed = {
      amount: draft.amount,
      at: draft.at,
      code: draft.code,
      creditAccountId: draft.creditAccountId,
      currency: draft.currency,
      debitAccountId: draft.debitAccountId,
      kind: draft.kind,
      ...(draft.pendingId !== undefined ? { pendingId: draft.pendingId } : {}),
      prevHash,
      refs,
      ...(draft.releasedAmount !== undefined ? { releasedAmount: draft.releasedAmount } : {}),
      seq,
      transferId: draft.transferId,
    };
    const hash = entryHash(unhashed);
    entries.push({ ...unhashed, hash });
    prevHash = hash;
  }
  assert(entries.length === drafts.length, 'one entry per draft');
  return entries;
}

/** The head after these entries (the last one's seq and hash), or `head` when there are none. */
export function headAfter(head: JournalHead, entries: readonly JournalEntry[]): JournalHead {
  const last = entries[entries.length - 1];
  return last === undefined ? head : { seq: last.seq, hash: last.hash };
}

/**
 * What an entry does to BOTH of its accounts, in minor units: the debit account's debitsPosted and
 * the credit account's creditsPosted change by `posted`, their pending fields by `pending` (see
 * JournalEntryDraft for the rule per kind). Undefined for amounts or kinds that break the rule
 * (amounts not stored strings at `scale`, a zero amount, a post above its released amount...).
 * applyTransfers (its closing assertion), chainEntries and the verifier share this one rule.
 */
export function entryEffect(
  kind: TransferKind,
  amount: string,
  releasedAmount: string | undefined,
  scale: number,
): { posted: bigint; pending: bigint } | undefined {
  const amountMinor = storedToMinor(amount, scale);
  if (amountMinor === undefined || amountMinor === 0n) return undefined;
  switch (kind) {
    case 'single':
      return releasedAmount === undefined ? { posted: amountMinor, pending: 0n } : undefined;
    case 'pending':
      return releasedAmount === undefined ? { posted: 0n, pending: amountMinor } : undefined;
    case 'post':
    case 'void':
    case 'expire': {
      if (releasedAmount === undefined) return undefined;
      const releasedMinor = storedToMinor(releasedAmount, scale);
      if (releasedMinor === undefined || amountMinor > releasedMinor) return undefined;
      if (kind === 'post') return { posted: amountMinor, pending: -releasedMinor };
      return amountMinor === releasedMinor ? { posted: 0n, pending: -releasedMinor } : undefined;
    }
    default:
      return undefined;
  }
}
