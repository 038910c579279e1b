import Dexie, { type IndexableType, type Table } from 'dexie';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { assert } from '../domain/assert.ts';
import { err, ok, type Result } from '../domain/index.ts';
import { worldFileFormat, worldStreamFormatVersion, type WorldStreamHeader } from '../domain/index.ts';
import { migrations } from '../storage/migrations/index.ts';

// The streamed world file (format 2, docs/world-file.md): a header line, then every table written
// in pages of rows (one JSON line each), then a trailer line with the SHA-256 of everything before
// it. Written and read a page at a time and hashed incrementally, so a world of a million entries
// never sits in memory whole and no single step holds the thread long. Generic over tables: every
// table the database has is written, whatever features declared it.

/** The most rows one page line holds. */
export const pageRowsMax = 1000;
/** A page line is closed once its rows' JSON reaches this many characters (a page of pictures). */
export const pageCharsTarget = 1 << 20;
/** Rows of a table's first read, before its rows' size is known (a table of large rows, like the
 * journal's blocks of 128 entries, is not read a full page at once). */
export const firstReadRowsMax = 64;
/** What one read of rows aims at, in characters of their JSON: about one page line. */
export const readCharsTarget = pageCharsTarget;

/**
 * How many rows the next read of a table asks for: as many as make about readCharsTarget
 * characters at the size its rows had so far, between 1 and pageRowsMax. The journal's blocks
 * (~14 kB of JSON each) were read 1,000 at a time, ~14 MB held at once in the export worker.
 */
export function nextReadRows(rowsSoFar: number, charsSoFar: number): number {
  if (rowsSoFar === 0) return firstReadRowsMax;
  const perRow = Math.max(1, charsSoFar / rowsSoFar);
  return Math.max(1, Math.min(pageRowsMax, Math.floor(readCharsTarget / perRow)));
}

/** The longest line a reader accepts: one row (a large picture) may exceed the page target. */
export const lineBytesMax = 64 << 20;

/** Where an export or import is. `rowsTotal` is 0 for an import (known only at the end). */
export type StreamProgress = { readonly rowsDone: number; readonly rowsTotal: number; readonly bytesDone: number; readonly bytesTotal: number };

export type StreamDigest = { readonly bytes: number; readonly sha256: string; readonly tables: Readonly<Record<string, number>> };

// ---- values ---------------------------------------------------------------------------------------
// Rows hold what IndexedDB stores: besides JSON, Blobs (product pictures), Uint8Arrays (keys, hashes)
// and Dates. Those are written as tagged objects; a stored object that happens to have the tag key
// is wrapped, so decoding is exact.

const tagKey = '$$t';
const base64ChunkBytes = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += base64ChunkBytes) s += String.fromCharCode(...bytes.subarray(i, i + base64ChunkBytes));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}

/** Reads every Blob in a page's rows first (async), so encoding itself is synchronous. */
async function blobsOf(rows: readonly unknown[]): Promise<Map<Blob, Uint8Array>> {
  const found: Blob[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (v instanceof Blob) found.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !(v instanceof Date)) Object.values(v).forEach(walk);
  };
  rows.forEach(walk);
  const map = new Map<Blob, Uint8Array>();
  for (const b of found) map.set(b, new Uint8Array(await b.arrayBuffer()));
  return map;
}

/** The typed arrays a row may hold (journal blocks pack entries into them), by their tag name. */
type ViewConstructor = { new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView; readonly BYTES_PER_ELEMENT: number };
const viewKinds: Readonly<Record<string, ViewConstructor>> = {
  Uint8Array, Int8Array, Uint8ClampedArray, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

function encodeValue(v: unknown, blobs: Map<Blob, Uint8Array>): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, blobs));
  if (ArrayBuffer.isView(v)) {
    const kind = Object.prototype.toString.call(v).slice(8, -1);
    assert(Object.hasOwn(viewKinds, kind), `a world row holds no ${kind}`);
    return { [tagKey]: 'view', kind, v: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof ArrayBuffer) return { [tagKey]: 'ab', v: toBase64(new Uint8Array(v)) };
  if (v instanceof Date) return { [tagKey]: 'date', v: v.getTime() };
  if (v instanceof Blob) return { [tagKey]: 'blob', type: v.type, v: toBase64(blobs.get(v)!) };
  // By tag, not prototype: a structured clone may come from another realm (a test's IndexedDB).
  assert(Object.prototype.toString.call(v) === '[object Object]', 'a world row holds only plain objects, arrays, bytes, Blobs and Dates: ' + Object.prototype.toString.call(v));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x, blobs);
  return tagKey in out ? { [tagKey]: 'obj', v: out } : out;
}

/** The stored value of an encoded one; throws on a malformed tag (the caller refuses the file). */
export function decodeValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  if (tagKey in o) {
    const tag = o[tagKey];
    if (tag === 'view' && typeof o.v === 'string' && typeof o.kind === 'string' && Object.hasOwn(viewKinds, o.kind)) {
      const bytes = fromBase64(o.v);
      const View = viewKinds[o.kind]!;
      if (bytes.length % View.BYTES_PER_ELEMENT !== 0) throw new Error('malformed typed array');
      return new View(bytes.buffer as ArrayBuffer, 0, bytes.length / View.BYTES_PER_ELEMENT);
    }
    if (tag === 'ab' && typeof o.v === 'string') return fromBase64(o.v).buffer as ArrayBuffer;
    if (tag === 'date' && typeof o.v === 'number') return new Date(o.v);
    if (tag === 'blob' && typeof o.v === 'string' && typeof o.type === 'string') return new Blob([fromBase64(o.v) as Uint8Array<ArrayBuffer>], { type: o.type });
    if (tag === 'obj' && typeof o.v === 'object' && o.v !== null && !Array.isArray(o.v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o.v)) out[k] = decodeValue(x);
      return out;
    }
    throw new Error('malformed tagged value');
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}

// ---- export ---------------------------------------------------------------------------------------

const encoder = new TextEncoder();

export type ExportOptions = {
  readonly onProgress?: (p: StreamProgress) => void;
  readonly signal?: AbortSignal;
  /** Rows never written (this device's build marker). */
  readonly skip?: (table: string, row: unknown) => boolean;
};

/** Pages a table holds at most (a bound on the loop; a million rows is a thousand pages). */
const tablePagesMax = 1_000_000;

/**
 * Writes the header and every table of `db` page by page through `emit`, hashing as it goes.
 * Returns what the trailer carries (the caller adds the signature and writes it), or
 * `file_export_cancelled` when the signal fired (some chunks may have been emitted: discard them).
 */
export async function writeWorldStream(db: Dexie, worldName: string, emit: (chunk: Uint8Array) => Promise<void>, options: ExportOptions = {}): Promise<Result<StreamDigest, 'file_export_cancelled'>> {
  const hash = sha256.create();
  let bytes = 0;
  const put = async (text: string): Promise<void> => {
    const chunk = encoder.encode(text);
    hash.update(chunk);
    bytes += chunk.length;
    await emit(chunk);
  };
  const header: WorldStreamHeader = { format: worldFileFormat, formatVersion: worldStreamFormatVersion, schemaVersion: db.verno, worldName, pageRowsMax };
  await put(JSON.stringify(header) + '\n');
  const tables = [...db.tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let rowsTotal = 0;
  for (const t of tables) rowsTotal += await t.count();
  let rowsDone = 0;
  const counts: Record<string, number> = {};
  for (const t of tables) {
    counts[t.name] = 0;
    const keyPath = t.schema.primKey.keyPath;
    let last: IndexableType | undefined;
    let tableChars = 0;
    let tableRows = 0;
    for (let page = 0; page < tablePagesMax; page += 1) {
      if (options.signal?.aborted) return err('file_export_cancelled');
      const limit = nextReadRows(tableRows, tableChars);
      const { rows, keys } = await readPage(db, t, last, keyPath === null || keyPath === undefined, limit);
      if (rows.length === 0) break;
      last = keys !== undefined ? keys.at(-1) : (Dexie.getByKeyPath(rows.at(-1) as object, keyPath as string | string[]) as IndexableType);
      const blobs = await blobsOf(rows);
      let texts: string[] = [];
      let pageKeys: unknown[] = [];
      let chars = 0;
      const flush = async (): Promise<void> => {
        if (texts.length === 0) return;
        const keyPart = keys === undefined ? '' : `,"keys":${JSON.stringify(pageKeys)}`;
        await put(`{"table":${JSON.stringify(t.name)},"rows":[${texts.join(',')}]${keyPart}}\n`);
        counts[t.name]! += texts.length;
        texts = [];
        pageKeys = [];
        chars = 0;
      };
      for (let i = 0; i < rows.length; i += 1) {
        if (options.skip?.(t.name, rows[i])) continue;
        const text = JSON.stringify(encodeValue(rows[i], blobs));
        texts.push(text);
        if (keys !== undefined) pageKeys.push(encodeValue(keys[i], blobs));
        chars += text.length;
        tableChars += text.length;
        if (chars >= pageCharsTarget) await flush();
      }
      await flush();
      rowsDone += rows.length;
      tableRows += rows.length;
      options.onProgress?.({ rowsDone, rowsTotal, bytesDone: bytes, bytesTotal: 0 });
      if (rows.length < limit) break;
    }
  }
  return ok({ bytes, sha256: bytesToHex(hash.digest()), tables: counts });
}

async function readPage(db: Dexie, t: Table, after: IndexableType | undefined, outbound: boolean, limit: number): Promise<{ rows: unknown[]; keys?: IndexableType[] }> {
  return db.transaction('r', t, async () => {
    const range = () => (after === undefined ? t.orderBy(':id') : t.where(':id').above(after)).limit(limit);
    const rows = await range().toArray();
    return outbound ? { rows, keys: (await range().primaryKeys()) } : { rows };
  });
}

// ---- reading lines ---------------------------------------------------------------------------------

/** Splits a byte stream into lines (each with its newline), holding at most one line in memory. */
export class LineReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private ended = false;
  /** Bytes taken from the stream so far (progress). */
  bytesRead = 0;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next line; `terminated` false for a last line without its newline; `null` at the end;
   * `'too_long'` for a line over `max` bytes. */
  async next(max: number): Promise<{ line: Uint8Array; terminated: boolean } | null | 'too_long'> {
    const parts: Uint8Array[] = [];
    let length = 0;
    // Each turn takes a chunk from the stream or returns: bounded by the stream's length.
    for (;;) {
      if (this.pos < this.buf.length) {
        const nl = this.buf.indexOf(0x0a, this.pos);
        const end = nl < 0 ? this.buf.length : nl + 1;
        parts.push(this.buf.subarray(this.pos, end));
        length += end - this.pos;
        this.pos = end;
        if (length > max) return 'too_long';
        if (nl >= 0) return { line: concat(parts, length), terminated: true };
      }
      if (this.ended) return length > 0 ? { line: concat(parts, length), terminated: false } : null;
      const r = await this.reader.read();
      if (r.done) this.ended = true;
      else {
        this.buf = r.value;
        this.pos = 0;
        this.bytesRead += r.value.length;
      }
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The stores a world database had at a schema version (what a file of that version may hold). */
export function storesAt(version: number): Record<string, string> {
  const stores: Record<string, string | null> = {};
  for (const m of migrations) if (m.version <= version) Object.assign(stores, m.stores);
  return Object.fromEntries(Object.entries(stores).filter((e): e is [string, string] => e[1] !== null));
}

/**
 * An empty database with the schema of `version` (no upgrades: it is filled from a file of that
 * version). Dexie creates a new database from its last declared version's schema in one step, so
 * that version alone with every store up to it (storesAt) makes the same stores and indexes as
 * declaring each version in turn, which Dexie would parse again on each stores() call (~100-270 ms
 * per import in Node under load; test/unit/world-stream-schema.test.ts holds the two the same).
 */
export function databaseAt(name: string, version: number): Dexie {
  const db = new Dexie(name);
  db.version(version).stores(storesAt(version));
  return db;
}
