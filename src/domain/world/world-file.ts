import { err, ok, type Result } from '../result.ts';

// A world file: one header line of JSON, a newline, then the database export (dexie-export-import
// JSON). The header names the format, the schema version the data was written with, its byte length
// and SHA-256, so a truncated, tampered, malformed or too-new file is refused before anything is
// written.

export const worldFileFormat = 'settlelab-world';
export const worldFileFormatVersion = 1;
/** A header longer than this is not ours: stop reading instead of scanning a huge file for a newline. */
export const headerBytesMax = 4096;

export type WorldFileHeader = {
  readonly format: typeof worldFileFormat;
  readonly formatVersion: number;
  readonly schemaVersion: number;
  readonly worldName: string;
  readonly bytes: number;
  readonly sha256: string;
};

export type WorldFileError =
  | 'file_not_settlelab' // no header line, or not our format
  | 'file_malformed' // the header is not valid JSON or misses fields
  | 'file_format_too_new'
  | 'file_schema_too_new'
  | 'file_truncated' // fewer bytes than the header promises
  | 'file_checksum_mismatch'; // the data was changed after export

export function makeHeader(fields: Omit<WorldFileHeader, 'format' | 'formatVersion'>): WorldFileHeader {
  return { format: worldFileFormat, formatVersion: worldFileFormatVersion, ...fields };
}

/** Splits a file's bytes at the first newline and checks the header. Does not check the checksum. */
export function parseWorldFile(
  bytes: Uint8Array,
  schemaVersionMax: number,
): Result<{ header: WorldFileHeader; body: Uint8Array }, WorldFileError> {
  const newline = bytes.subarray(0, headerBytesMax).indexOf(0x0a);
  if (newline < 0) return err('file_not_settlelab');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, newline)));
  } catch {
    return err('file_not_settlelab');
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== worldFileFormat) {
    return err('file_not_settlelab');
  }
  const h = raw as Record<string, unknown>;
  if (
    typeof h.formatVersion !== 'number' || typeof h.schemaVersion !== 'number' || typeof h.worldName !== 'string' ||
    typeof h.bytes !== 'number' || !Number.isSafeInteger(h.bytes) || h.bytes < 0 ||
    typeof h.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.sha256)
  ) {
    return err('file_malformed');
  }
  if (h.formatVersion > worldFileFormatVersion) return err('file_format_too_new');
  if (h.schemaVersion > schemaVersionMax) return err('file_schema_too_new', { version: h.schemaVersion, max: schemaVersionMax });
  const body = bytes.subarray(newline + 1);
  if (body.length < h.bytes) return err('file_truncated');
  if (body.length > h.bytes) return err('file_malformed');
  return ok({ header: h as WorldFileHeader, body });
}
