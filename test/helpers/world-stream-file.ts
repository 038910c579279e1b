import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

// A streamed world file (format 2, docs/world-file.md) taken apart and put back together, as a forger
// would: rows edited, the trailer's length, SHA-256 and row counts recomputed (a signature, if kept,
// then no longer signs the data).

export type FileTable = { tableName: string; rows: Record<string, unknown>[]; keys?: unknown[] };
export type StreamFile = { header: Record<string, unknown>; tables: FileTable[]; trailer: Record<string, unknown> };

export function splitStream(bytes: Uint8Array): StreamFile {
  const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  const trailer = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  const tables: FileTable[] = [];
  for (const line of lines.slice(1, -1)) {
    const page = JSON.parse(line) as { table: string; rows: Record<string, unknown>[]; keys?: unknown[] };
    const last = tables.at(-1);
    if (last?.tableName === page.table) {
      last.rows.push(...page.rows);
      if (page.keys) last.keys!.push(...page.keys);
    } else tables.push({ tableName: page.table, rows: [...page.rows], ...(page.keys ? { keys: [...page.keys] } : {}) });
  }
  return { header, tables, trailer };
}

/** The file written again, one page per table, sealed with a fresh digest (the trailer's other fields kept). */
export function resealStream(file: StreamFile): Blob {
  return new Blob([resealStreamBytes(file) as Uint8Array<ArrayBuffer>]);
}

export function resealStreamBytes(file: StreamFile): Uint8Array {
  const enc = new TextEncoder();
  const lines = [JSON.stringify(file.header) + '\n', ...file.tables.map((t) => JSON.stringify({ table: t.tableName, rows: t.rows, ...(t.keys ? { keys: t.keys } : {}) }) + '\n')];
  const data = enc.encode(lines.join(''));
  const tables = Object.fromEntries(file.tables.map((t) => [t.tableName, t.rows.length]));
  const trailer = { ...file.trailer, tables, bytes: data.length, sha256: bytesToHex(sha256(data)) };
  const end = enc.encode(JSON.stringify(trailer) + '\n');
  const out = new Uint8Array(data.length + end.length);
  out.set(data);
  out.set(end, data.length);
  return out;
}

export function rowsOfTable(file: StreamFile, table: string): Record<string, unknown>[] {
  return file.tables.find((t) => t.tableName === table)!.rows;
}
