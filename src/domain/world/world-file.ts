import { err, ok, type Result } from '../result.ts';
import { hexToBytes, isHex, utf8Encode } from '../crypto/bytes.ts';
import { publicKeyLength, sign, signatureLength, verify } from '../crypto/ed25519.ts';

// A world file: one header line of JSON, a newline, then the database export (dexie-export-import
// JSON). The header names the format, the schema version the data was written with, its byte length
// and SHA-256, so a truncated, tampered, malformed or too-new file is refused before anything is
// written.

export const worldFileFormat = 'settlelab-world';
/** The first format: one header line, then the whole dexie-export-import JSON. Still imported. */
export const worldFileFormatVersion = 1;
/** The streamed format (docs/world-file.md): a header line, pages of rows, a trailer line. */
export const worldStreamFormatVersion = 2;
/** A header longer than this is not ours: stop reading instead of scanning a huge file for a newline. */
export const headerBytesMax = 4096;

/** A teacher's Ed25519 signature of the file's data (its length and SHA-256, see signingMessage). */
export type WorldFileSignature = {
  /** The teacher's name as the world had it when signed (shown: "prepared by …"), or null. */
  readonly name: string | null;
  /** hex, 32 bytes */
  readonly publicKey: string;
  /** hex, 64 bytes */
  readonly value: string;
};

export type WorldFileHeader = {
  readonly format: typeof worldFileFormat;
  readonly formatVersion: number;
  readonly schemaVersion: number;
  readonly worldName: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly signature?: WorldFileSignature;
};

/** Longest teacher name a signature may carry (the teacher role's own limit is lower). */
export const signatureNameMax = 200;

/** What a teacher signs: the data's length and SHA-256 (which import checks against the data),
 * under a label so the signature means nothing anywhere else. */
export function signingMessage(bytes: number, sha256: string, formatVersion: number = worldFileFormatVersion): Uint8Array {
  return utf8Encode(`${worldFileFormat}:${formatVersion}:signed-data:${bytes}:${sha256}`);
}

/** A teacher's signature over a streamed file's digest (its length and SHA-256, under format 2's label). */
export function signDigest(bytes: number, sha256: string, signer: { readonly seed: Uint8Array; readonly name: string | null; readonly publicKey: string }): WorldFileSignature {
  const value = sign(signingMessage(bytes, sha256, worldStreamFormatVersion), signer.seed);
  return { name: signer.name, publicKey: signer.publicKey, value: [...value].map((b) => b.toString(16).padStart(2, '0')).join('') };
}

/** Does a streamed file's signature sign its length and SHA-256? */
export function digestSignatureValid(s: WorldFileSignature, bytes: number, sha256: string): boolean {
  return verify(hexToBytes(s.value, signatureLength), signingMessage(bytes, sha256, worldStreamFormatVersion), hexToBytes(s.publicKey, publicKeyLength));
}

/** The header with the teacher's signature over its data. */
export function signHeader(header: WorldFileHeader, signer: { readonly seed: Uint8Array; readonly name: string | null; readonly publicKey: string }): WorldFileHeader {
  const value = sign(signingMessage(header.bytes, header.sha256), signer.seed);
  return { ...header, signature: { name: signer.name, publicKey: signer.publicKey, value: [...value].map((b) => b.toString(16).padStart(2, '0')).join('') } };
}

/** Does the header's signature (there must be one) sign its data's length and SHA-256? */
export function signatureValid(header: WorldFileHeader): boolean {
  const s = header.signature;
  if (s === undefined) return false;
  return verify(hexToBytes(s.value, signatureLength), signingMessage(header.bytes, header.sha256), hexToBytes(s.publicKey, publicKeyLength));
}

function isSignatureShape(v: unknown): v is WorldFileSignature {
  const s = v as WorldFileSignature | null;
  return typeof s === 'object' && s !== null && (s.name === null || (typeof s.name === 'string' && s.name.length <= signatureNameMax)) &&
    isHex(s.publicKey, publicKeyLength) && isHex(s.value, signatureLength);
}

export type WorldFileError =
  | 'file_not_settlelab' // no header line, or not our format
  | 'file_malformed' // the header is not valid JSON or misses fields
  | 'file_format_too_new'
  | 'file_schema_too_new'
  | 'file_truncated' // fewer bytes than the header promises
  | 'file_checksum_mismatch' // the data was changed after export
  | 'file_signature_invalid'; // signed, but the signature does not sign this data

/** The first line of a streamed (format 2) file. Its bytes are part of what the trailer's SHA-256 covers. */
export type WorldStreamHeader = {
  readonly format: typeof worldFileFormat;
  readonly formatVersion: typeof worldStreamFormatVersion;
  readonly schemaVersion: number;
  readonly worldName: string;
  /** The most rows one page line holds (the writer's limit, so a reader knows what to expect). */
  readonly pageRowsMax: number;
};

/** What marks the trailer line: the file's last line. */
export const worldStreamEnd = 'settlelab-world-end';

/** The last line of a streamed file: what came before it, its SHA-256, and the teacher's signature over that. */
export type WorldStreamTrailer = {
  readonly end: typeof worldStreamEnd;
  /** Rows per table, as written. */
  readonly tables: Readonly<Record<string, number>>;
  /** Bytes of the header line and every page line (each with its newline): what sha256 covers. */
  readonly bytes: number;
  readonly sha256: string;
  readonly signature?: WorldFileSignature;
};

/** The format version a file's first line names (1 or 2), after checking it is ours and not too new. */
export function parseHeaderLine(
  line: Uint8Array,
  schemaVersionMax: number,
): Result<{ readonly version: 1 } | { readonly version: 2; readonly header: WorldStreamHeader }, WorldFileError> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(line));
  } catch {
    return err('file_not_settlelab');
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== worldFileFormat) return err('file_not_settlelab');
  const h = raw as Record<string, unknown>;
  if (typeof h.formatVersion !== 'number') return err('file_malformed');
  if (h.formatVersion > worldStreamFormatVersion) return err('file_format_too_new');
  if (h.formatVersion === worldFileFormatVersion) return ok({ version: 1 });
  if (h.formatVersion !== worldStreamFormatVersion || typeof h.schemaVersion !== 'number' || !Number.isSafeInteger(h.schemaVersion) ||
    typeof h.worldName !== 'string' || typeof h.pageRowsMax !== 'number' || !Number.isSafeInteger(h.pageRowsMax) || h.pageRowsMax < 1) {
    return err('file_malformed');
  }
  if (h.schemaVersion > schemaVersionMax) return err('file_schema_too_new', { version: h.schemaVersion, max: schemaVersionMax });
  return ok({ version: 2, header: h as WorldStreamHeader });
}

/** Is this parsed line a trailer (whatever its fields)? */
export function isTrailerLine(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { end?: unknown }).end === worldStreamEnd;
}

/** Checks a trailer's fields (not its digest: the reader compares that with what it hashed). */
export function parseTrailer(v: unknown): Result<WorldStreamTrailer, WorldFileError> {
  const t = v as Record<string, unknown>;
  const tables = t.tables as Record<string, unknown> | null;
  if (
    !isTrailerLine(v) || typeof tables !== 'object' || tables === null || Array.isArray(tables) ||
    !Object.values(tables).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) ||
    typeof t.bytes !== 'number' || !Number.isSafeInteger(t.bytes) || t.bytes < 0 ||
    typeof t.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(t.sha256) ||
    (t.signature !== undefined && !isSignatureShape(t.signature))
  ) {
    return err('file_malformed');
  }
  return ok(v as WorldStreamTrailer);
}

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
    typeof h.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.sha256) ||
    (h.signature !== undefined && !isSignatureShape(h.signature))
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
