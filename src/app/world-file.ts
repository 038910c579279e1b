import Dexie from 'dexie';
import { exportDB, importDB, peakImportFile } from 'dexie-export-import';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { err, makeHeader, ok, parseWorldFile, signatureValid, signHeader, type Result } from '../domain/index.ts';
import { openRegistry, type WorldEntry } from '../storage/registry.ts';
import { currentSchemaVersion, WorldDb, worldDbPrefix } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { openWorldDb, worldNameMax } from './worlds.ts';
import { buildKey, withBuildLock, type BuildMarker } from './world-build.ts';
import { checkWorld } from './world-check.ts';
import { autoIncrementKeyPath } from '../storage/world-shape.ts';
import type { VerifyOptions } from './ledger.ts';
import { openTeacherKey, readTeacher } from './teacher.ts';

// Export a world to one file and import it as a new world, on this or any other machine. Import
// checks the file before writing and the imported world before naming it (world-check.ts: every
// row's shape and references, the ledger's verify, the world's invariants); a file that fails is
// refused with the reason, its database deleted, so existing worlds are never touched and no
// half-imported world is left behind.

/** Who signs an export: the teacher's opened key (teacher.ts openTeacherKey). */
export type WorldSigner = { readonly seed: Uint8Array; readonly name: string | null; readonly publicKey: string };

export async function exportWorld(entry: WorldEntry, signer?: WorldSigner): Promise<Blob> {
  const db = openWorldDb(entry);
  try {
    await db.open();
    // The build marker names this device's database: a file never carries it (import writes its own).
    const data = new Uint8Array(await (await exportDB(db, { prettyJson: false, filter: (table, value) => !(table === 'meta' && (value as { key?: unknown }).key === buildKey) })).arrayBuffer());
    const plain = makeHeader({ schemaVersion: db.verno, worldName: entry.name, bytes: data.length, sha256: bytesToHex(sha256(data)) });
    // Signed after the export's reads are done: no transaction is open while the key signs.
    const header = signer === undefined ? plain : signHeader(plain, signer);
    return new Blob([JSON.stringify(header) + '\n', data], { type: 'application/json' });
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

/** Who prepared a signed world: the teacher's name and the start of their key (to compare). */
export type SignedBy = { readonly name: string | null; readonly fingerprint: string };

/** The first 16 hex digits of a public key in groups of four, as a person compares them. */
export function keyFingerprint(publicKey: string): string {
  return (publicKey.slice(0, 16).match(/.{4}/g) ?? []).join(' ');
}

// The file's name lives in its own small module: the start page names a download without
// loading the export code first.
export { worldFileName } from './world-file-name.ts';

/** `id` and `createdAtMs` come from the caller (UI: crypto.randomUUID and the device clock). */
export async function importWorld(
  file: Blob,
  input: { id: string; createdAtMs: number; name?: string },
  verify: VerifyOptions = {},
): Promise<Result<WorldEntry & { readonly signedBy?: SignedBy }, string>> {
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
  // Imported into a database the registry does not name, checked whole there, and named only when
  // it passes: a refused file, a failure or a crash part way leaves no world (an interrupted one is
  // removed at the next start: world-build.ts).
  return withBuildLock(entry.dbName, async () => {
    try {
      // A row of an auto-increment table without its key would be given a fresh one by IndexedDB
      // and pass every later check: such a file was edited, so it is refused as malformed.
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
      // Opening with this build's schema runs any migrations the file's older version needs.
      const db = new WorldDb(entry.dbName);
      try {
        await db.open();
        const checked = await checkWorld(db, verify);
        if (!checked.ok) {
          db.close();
          await Dexie.delete(entry.dbName);
          return checked;
        }
        // The signer must be the world's own teacher: a key made for the occasion proves nothing.
        if (header.signature !== undefined && (await readTeacher(db))?.publicKey !== header.signature.publicKey) {
          db.close();
          await Dexie.delete(entry.dbName);
          return err('file_signature_not_teacher');
        }
        await db.meta.put({ key: buildKey, value: { op: 'import', entry } satisfies BuildMarker });
      } finally {
        db.close();
      }
      await openRegistry().worlds.add(entry);
      const s = header.signature;
      return ok(s === undefined ? entry : { ...entry, signedBy: { name: s.name, fingerprint: keyFingerprint(s.publicKey) } });
    } catch (e) {
      await Dexie.delete(entry.dbName).catch(() => undefined);
      const fault = storageFaultOf(e);
      if (fault) return err(fault);
      return err('file_malformed');
    }
  });
}
