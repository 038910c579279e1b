import {
  err, ok, signDigest, worldStreamEnd, type Result, type WorldStreamTrailer,
} from '../domain/index.ts';
import { assert } from '../domain/assert.ts';
import { BlobSink, type ByteSink } from './byte-sink.ts';
import { writeWorldStream, type ExportOptions, type StreamDigest, type StreamProgress } from './world-stream.ts';
import { runExportJob, writeOrAbort } from './export-jobs.ts';
import { runImportJob } from './import-jobs.ts';
import { importWorldFile, type ImportedWorld, type ImportInput, type ImportOptions } from './world-import.ts';
import type { WorldEntry } from '../storage/registry.ts';
import { openWorldDb } from './worlds.ts';
import { buildKey } from './world-build.ts';
import type { VerifyOptions } from './ledger.ts';
import { openTeacherKey } from './teacher.ts';

// Export a world to one file and import it as a new world, on this or any other machine. The file
// is streamed (world-stream.ts, docs/world-file.md): written and read a page at a time, hashed as it
// goes, both in workers where there are any (export-jobs.ts, import-jobs.ts). Import
// (world-import.ts) checks the file's digest and signature and the imported world before naming it
// (world-check.ts: every row's shape and references, the ledger's verify, the world's invariants);
// a file that fails is refused with the reason, its database deleted, so existing worlds are never
// touched and no half-imported world is left behind.

/** Who signs an export: the teacher's opened key (teacher.ts openTeacherKey). */
export type WorldSigner = { readonly seed: Uint8Array; readonly name: string | null; readonly publicKey: string };

export type { StreamProgress } from './world-stream.ts';

/** Runs writeWorldStream in a Worker (the page stays free) where there is one, else here (tests, old browsers). */
async function streamWorld(entry: WorldEntry, emit: (chunk: Uint8Array) => Promise<void>, options: ExportOptions): Promise<Result<StreamDigest, string>> {
  return runExportJob<StreamDigest>({ kind: 'world', dbName: entry.dbName, worldName: entry.name }, emit, options, async () => {
    const db = openWorldDb(entry);
    try {
      await db.open();
      return await writeWorldStream(db, entry.name, emit, { ...options, skip: isBuildMarkerRow });
    } finally {
      db.close();
    }
  });
}

function isBuildMarkerRow(table: string, row: unknown): boolean {
  // The build marker names this device's database: a file never carries it (import writes its own).
  return table === 'meta' && (row as { key?: unknown }).key === buildKey;
}

/**
 * Writes a world file (format 2, docs/world-file.md) to `sink` page by page, signed when a signer
 * is given. Cancelled (the signal), the sink is aborted and `file_export_cancelled` returned.
 */
export async function exportWorldTo(
  entry: WorldEntry,
  sink: ByteSink,
  options: { readonly signer?: WorldSigner; readonly onProgress?: (p: StreamProgress) => void; readonly signal?: AbortSignal } = {},
): Promise<Result<null, string>> {
  const r = await writeOrAbort(sink, options.signal, () => streamWorld(entry, (chunk) => sink.write(chunk), { onProgress: options.onProgress, signal: options.signal }));
  if (!r.ok) return r;
  const { bytes, sha256: digest, tables } = r.value;
  // Signed once the data is written: no transaction is open while the key signs.
  const trailer: WorldStreamTrailer = { end: worldStreamEnd, tables, bytes, sha256: digest, ...(options.signer === undefined ? {} : { signature: signDigest(bytes, digest, options.signer) }) };
  await sink.write(new TextEncoder().encode(JSON.stringify(trailer) + '\n'));
  await sink.close();
  return ok(null);
}

/** The whole world file as a Blob (assembled from many parts). */
export async function exportWorld(entry: WorldEntry, signer?: WorldSigner): Promise<Blob> {
  const sink = new BlobSink(worldFileMime);
  const r = await exportWorldTo(entry, sink, { signer });
  assert(r.ok, 'an export without a signal is never cancelled');
  return sink.blob();
}

export const worldFileMime = 'application/json';

/** Opens the teacher's key with the password, for one signed export; the caller wipes `seed`. */
export async function openSigner(entry: WorldEntry, teacherPassword: string): Promise<Result<WorldSigner, string>> {
  const db = openWorldDb(entry);
  try {
    const opened = await openTeacherKey(db, teacherPassword);
    return opened.ok ? ok({ seed: opened.value.seed, name: opened.value.name, publicKey: opened.value.publicKey }) : opened;
  } finally {
    db.close();
  }
}

/**
 * A world exported and signed with its teacher's Ed25519 key (opened with the teacher's password
 * for this one signature, then wiped): import shows "prepared by …, signature valid", and refuses
 * the file if anything in its data was changed since.
 */
export async function exportSignedWorld(entry: WorldEntry, teacherPassword: string): Promise<Result<Blob, string>> {
  const db = openWorldDb(entry);
  let opened;
  try {
    opened = await openTeacherKey(db, teacherPassword);
  } finally {
    db.close();
  }
  if (!opened.ok) return opened;
  try {
    return ok(await exportWorld(entry, { seed: opened.value.seed, name: opened.value.name, publicKey: opened.value.publicKey }));
  } finally {
    opened.value.seed.fill(0);
  }
}

export { keyFingerprint, type ImportInput, type ImportOptions, type ImportedWorld, type SignedBy } from './world-import.ts';

// The file's name lives in its own small module: the start page names a download without
// loading the export code first.
export { worldFileName } from './world-file-name.ts';

/**
 * Imports a world file as a new world (world-import.ts importWorldFile): in a Worker where there is
 * one (the page stays free), else in this thread (Node tests, old browsers, and a caller whose
 * verify options carry functions, which cannot cross to a worker).
 */
export async function importWorld(file: Blob, input: ImportInput, verify: VerifyOptions = {}, options: ImportOptions = {}): Promise<Result<ImportedWorld, string>> {
  const inThread = typeof Worker === 'undefined' || verify.runRange !== undefined || verify.engine !== undefined || verify.chunkEntries !== undefined;
  if (inThread) return importWorldFile(file, input, verify, options);
  if (options.signal?.aborted) return err('file_import_cancelled');
  return runImportJob(file, input, verify.ranges, options);
}
