import Dexie, { type IndexableTypeArrayReadonly } from 'dexie';
import { importDB, peakImportFile } from 'dexie-export-import';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  digestSignatureValid, err, headerBytesMax, isTrailerLine, ok, parseHeaderLine, parseTrailer, parseWorldFile, signatureValid,
  type Result, type WorldFileSignature, type WorldStreamHeader, type WorldStreamTrailer,
} from '../domain/index.ts';
import { databaseAt, decodeValue, LineReader, lineBytesMax, storesAt, type StreamProgress } from './world-stream.ts';
import { openRegistry, type WorldEntry } from '../storage/registry.ts';
import { currentSchemaVersion, WorldDb, worldDbPrefix } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { worldNameMax } from './worlds.ts';
import { buildKey, withBuildLock, type BuildMarker } from './world-build.ts';
import { checkWorld } from './world-check.ts';
import { autoIncrementKeyPath } from '../storage/world-shape.ts';
import type { VerifyOptions } from './ledger.ts';
import { readTeacher } from './teacher.ts';

// Importing a world file as a new world: parsing, hashing and checking it, and writing its rows
// into a database of their own. A plain function of this thread: in the browser it runs in the
// import worker (world-import.worker.ts, started by world-file.ts importWorld) so the page stays
// free; Node tests call it directly. The file is checked whole (its digest and signature, every
// row, the ledger's chain and balances: world-check.ts) before the world is named; a file that
// fails is refused with the reason and its database deleted, so existing worlds are never touched
// and no half-imported world is left behind.

/** Who prepared a signed world: the teacher's name and the start of their key (to compare). */
export type SignedBy = { readonly name: string | null; readonly fingerprint: string };

/** The first 16 hex digits of a public key in groups of four, as a person compares them. */
export function keyFingerprint(publicKey: string): string {
  return (publicKey.slice(0, 16).match(/.{4}/g) ?? []).join(' ');
}

/**
 * How many ranges an import's ledger verify runs in, unless the caller says: one, in the import's
 * own thread (the import worker). Verify workers started from the import worker live in the same
 * renderer process, each with its own heap: at 200,000 entries two of them took the renderer's own
 * memory from about 185 MB to 393 MB at the end of an import, in this thread 266 MB, the import's
 * time within the machine's noise (bench/export-cases.ts, BENCHMARKS.md). The page is never held
 * either way: this thread is the worker's.
 */
export const importVerifyRanges = 1;

export type ImportOptions = { readonly onProgress?: (p: StreamProgress) => void; readonly signal?: AbortSignal };

/** Who names the new world: `id` and `createdAtMs` come from the caller (UI: crypto.randomUUID and the device clock). */
export type ImportInput = { readonly id: string; readonly createdAtMs: number; readonly name?: string };

/** An imported world, with who signed its file when it was signed. */
export type ImportedWorld = WorldEntry & { readonly signedBy?: SignedBy };

/**
 * Imports a world file as a new world, in this thread (the import worker calls it; so do Node
 * tests). Reads the file as a stream: a streamed file (format 2) page by page into the build
 * database; a file of the first format whole, as before.
 */
export async function importWorldFile(
  file: Blob,
  input: ImportInput,
  verify: VerifyOptions = {},
  options: ImportOptions = {},
): Promise<Result<ImportedWorld, string>> {
  const lines = new LineReader(file.stream().getReader());
  const first = await lines.next(headerBytesMax);
  if (first === null || first === 'too_long' || !first.terminated) {
    await lines.cancel();
    return err('file_not_settlelab');
  }
  const parsed = parseHeaderLine(first.line.subarray(0, first.line.length - 1), currentSchemaVersion());
  if (!parsed.ok || parsed.value.version === 1) {
    await lines.cancel();
    return parsed.ok ? importWorldV1(file, input, verify) : parsed;
  }
  const header = parsed.value.header;
  const name = (input.name ?? header.worldName).trim().slice(0, worldNameMax) || 'world';
  const entry: WorldEntry = { id: input.id, name, dbName: worldDbPrefix + input.id, createdAtMs: input.createdAtMs };
  // Written into a database the registry does not name, checked whole there, and named only when
  // it passes: a refused or cancelled file, a failure or a crash part way leaves no world (an
  // interrupted one is removed at the next start: world-build.ts).
  return withBuildLock(entry.dbName, async () => {
    let written: Result<WorldStreamTrailer, string>;
    try {
      written = await streamIntoBuild(lines, first.line, header, entry, file.size, options);
    } catch (e) {
      await lines.cancel();
      await Dexie.delete(entry.dbName).catch(() => undefined);
      const fault = storageFaultOf(e);
      if (fault) return err(fault);
      throw e;
    }
    if (!written.ok) {
      await lines.cancel();
      await Dexie.delete(entry.dbName);
      return written;
    }
    return finishImport(entry, written.value.signature, { ...verify, ranges: verify.ranges ?? importVerifyRanges }, options.signal);
  });
}

/** Lines a file may hold: every line has at least its newline. */
function linesMaxOf(fileBytes: number): number {
  return fileBytes + 1;
}

/**
 * Reads page lines into the build database (at the file's schema version) until the trailer, hashing
 * every byte before it. A damaged page stops the writing but not the hashing, so a changed file is
 * named as changed (checksum) rather than as whatever its change broke.
 */
async function streamIntoBuild(
  lines: LineReader,
  headerLine: Uint8Array,
  header: WorldStreamHeader,
  entry: WorldEntry,
  fileBytes: number,
  options: ImportOptions,
): Promise<Result<WorldStreamTrailer, string>> {
  const hash = sha256.create();
  hash.update(headerLine);
  let bytes = headerLine.length;
  const stores = storesAt(header.schemaVersion);
  const counts: Record<string, number> = {};
  let rowsDone = 0;
  let problem: string | undefined;
  let trailer: WorldStreamTrailer | undefined;
  const build = databaseAt(entry.dbName, header.schemaVersion);
  await build.open();
  try {
    for (let n = 0; n < linesMaxOf(fileBytes); n += 1) {
      if (options.signal?.aborted) return err('file_import_cancelled');
      const next = await lines.next(lineBytesMax);
      if (next === null) return err('file_truncated');
      if (next === 'too_long') return err('file_malformed');
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(next.line));
      } catch {
        // A last line cut short is a truncated file; a damaged line inside is hashed and named at the end.
        if (!next.terminated) return err('file_truncated');
        value = undefined;
      }
      if (isTrailerLine(value)) {
        if (!next.terminated) return err('file_truncated');
        const t = parseTrailer(value);
        if (!t.ok) return t;
        if ((await lines.next(lineBytesMax)) !== null) return err('file_malformed');
        trailer = t.value;
        break;
      }
      if (!next.terminated) return err('file_truncated');
      hash.update(next.line);
      bytes += next.line.length;
      if (problem !== undefined) continue;
      const page = pageOf(value, stores);
      if (page === undefined) {
        problem = 'file_malformed';
        continue;
      }
      counts[page.table] = (counts[page.table] ?? 0) + page.rows.length;
      const written = await writePage(build, page, entry);
      if (!written) problem = 'file_malformed';
      rowsDone += page.rows.length;
      options.onProgress?.({ rowsDone, rowsTotal: 0, bytesDone: lines.bytesRead, bytesTotal: fileBytes });
    }
  } finally {
    build.close();
  }
  if (trailer === undefined) return err('file_truncated');
  if (trailer.bytes !== bytes || bytesToHex(hash.digest()) !== trailer.sha256) return err('file_checksum_mismatch');
  if (problem !== undefined) return err(problem);
  const named = new Set([...Object.keys(counts), ...Object.keys(trailer.tables)]);
  for (const t of named) if ((counts[t] ?? 0) !== (trailer.tables[t] ?? 0)) return err('file_malformed');
  // A signed file's signature must sign exactly this data.
  if (trailer.signature !== undefined && !digestSignatureValid(trailer.signature, trailer.bytes, trailer.sha256)) return err('file_signature_invalid');
  return ok(trailer);
}

type Page = { readonly table: string; readonly rows: unknown[]; readonly keys?: unknown[] };

/** A page line's table (one the file's schema version has), its rows and (outbound keys) keys, decoded. */
function pageOf(value: unknown, stores: Readonly<Record<string, string>>): Page | undefined {
  const p = value as { table?: unknown; rows?: unknown; keys?: unknown } | undefined;
  if (typeof p !== 'object' || p === null || typeof p.table !== 'string' || !Object.hasOwn(stores, p.table) || !Array.isArray(p.rows)) return undefined;
  if (p.keys !== undefined && (!Array.isArray(p.keys) || p.keys.length !== p.rows.length)) return undefined;
  try {
    return { table: p.table, rows: p.rows.map(decodeValue), keys: p.keys === undefined ? undefined : (p.keys as unknown[]).map(decodeValue) };
  } catch {
    return undefined;
  }
}

/** Writes one page (one transaction, at most pageRowsMax rows); false when the rows are not storable. */
async function writePage(build: Dexie, page: Page, entry: WorldEntry): Promise<boolean> {
  // A row of an auto-increment table without its key would be given a fresh one by IndexedDB and
  // pass every later check: such a file was edited, so it is refused as malformed.
  const autoKey = autoIncrementKeyPath(page.table);
  const rows: unknown[] = [];
  const keys: unknown[] = [];
  for (let i = 0; i < page.rows.length; i += 1) {
    const row = page.rows[i] as Record<string, unknown>;
    if (autoKey !== '' && !Number.isSafeInteger(row?.[autoKey])) return false;
    if (page.table === 'meta' && row?.key === buildKey) continue;
    rows.push(page.table === 'meta' && (row?.key === 'worldId' || row?.key === 'name') ? { key: row.key, value: row.key === 'worldId' ? entry.id : entry.name } : row);
    if (page.keys !== undefined) keys.push(page.keys[i]);
  }
  try {
    const table = build.table(page.table);
    if (page.keys !== undefined) await table.bulkAdd(rows, keys as IndexableTypeArrayReadonly);
    else await table.bulkAdd(rows);
    return true;
  } catch (e) {
    if (storageFaultOf(e) !== undefined) throw e;
    return false;
  }
}

/**
 * The imported database opened with this build's schema (running any migrations its older version
 * needs), checked whole, its signer compared with its teacher, marked complete and then named.
 */
async function finishImport(entry: WorldEntry, signature: WorldFileSignature | undefined, verify: VerifyOptions, signal?: AbortSignal): Promise<Result<ImportedWorld, string>> {
  try {
    const db = new WorldDb(entry.dbName);
    try {
      await db.open();
      const checked = await checkWorld(db, verify);
      if (!checked.ok) {
        db.close();
        await Dexie.delete(entry.dbName);
        return checked;
      }
      // Cancelled while the world was checked (a million entries take a while): nothing is named.
      if (signal?.aborted) {
        db.close();
        await Dexie.delete(entry.dbName);
        return err('file_import_cancelled');
      }
      // The signer must be the world's own teacher: a key made for the occasion proves nothing.
      if (signature !== undefined && (await readTeacher(db))?.publicKey !== signature.publicKey) {
        db.close();
        await Dexie.delete(entry.dbName);
        return err('file_signature_not_teacher');
      }
      await db.meta.put({ key: buildKey, value: { op: 'import', entry } satisfies BuildMarker });
    } finally {
      db.close();
    }
    await openRegistry().worlds.add(entry);
    return ok(signature === undefined ? entry : { ...entry, signedBy: { name: signature.name, fingerprint: keyFingerprint(signature.publicKey) } });
  } catch (e) {
    await Dexie.delete(entry.dbName).catch(() => undefined);
    const fault = storageFaultOf(e);
    if (fault) return err(fault);
    return err('file_malformed');
  }
}

/** A file of the first format (one dexie-export-import JSON after the header), read whole as before. */
async function importWorldV1(
  file: Blob,
  input: ImportInput,
  verify: VerifyOptions,
): Promise<Result<ImportedWorld, string>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const parsed = parseWorldFile(bytes, currentSchemaVersion());
  if (!parsed.ok) return parsed;
  const { header, body } = parsed.value;
  if (bytesToHex(sha256(body)) !== header.sha256) return err('file_checksum_mismatch');
  // A signed file's signature must sign exactly this data (checked before anything is written).
  if (header.signature !== undefined && !signatureValid(header)) return err('file_signature_invalid');
  const bodyBlob = new Blob([body as Uint8Array<ArrayBuffer>]);
  try {
    const meta = await peakImportFile(bodyBlob);
    if (meta.formatName !== 'dexie' || meta.data.databaseVersion > currentSchemaVersion()) return err('file_malformed');
  } catch {
    return err('file_malformed');
  }
  const name = (input.name ?? header.worldName).trim().slice(0, worldNameMax) || 'world';
  const entry: WorldEntry = { id: input.id, name, dbName: worldDbPrefix + input.id, createdAtMs: input.createdAtMs };
  return withBuildLock(entry.dbName, async () => {
    try {
      let keyMissing = false;
      const imported = await importDB(bodyBlob, {
        name: entry.dbName,
        filter: (table, value: Record<string, unknown>) => {
          const autoKey = autoIncrementKeyPath(table);
          if (autoKey !== '' && !Number.isSafeInteger(value[autoKey])) keyMissing = true;
          return !(table === 'meta' && value.key === buildKey);
        },
        transform: (table, value: { key?: string }, key) =>
          table === 'meta' && (value.key === 'worldId' || value.key === 'name')
            ? { value: { key: value.key, value: value.key === 'worldId' ? entry.id : name }, key }
            : { value, key },
      });
      imported.close();
      if (keyMissing) {
        await Dexie.delete(entry.dbName);
        return err('file_malformed');
      }
    } catch (e) {
      await Dexie.delete(entry.dbName).catch(() => undefined);
      const fault = storageFaultOf(e);
      if (fault) return err(fault);
      return err('file_malformed');
    }
    return finishImport(entry, header.signature, { ...verify, ranges: verify.ranges ?? importVerifyRanges });
  });
}
