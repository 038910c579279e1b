import { describe, expect, it } from 'vitest';
import { exportDB } from 'dexie-export-import';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { exportWorld, exportWorldTo, importWorld } from '../../src/app/world-file.ts';
import { exportJournalCsvTo } from '../../src/app/export-jobs.ts';
import { csvPageEntriesMax, journalCsvColumns } from '../../src/app/journal-csv.ts';
import { pageRowsMax, type StreamProgress } from '../../src/app/world-stream.ts';
import { getWorld, listWorlds, openWorldDb } from '../../src/app/worlds.ts';
import { allAccounts, submitTransfers } from '../../src/app/ledger.ts';
import { buildKey } from '../../src/app/world-build.ts';
import { VerifyWorkerUnavailable } from '../../src/app/verify-worker/client.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { makeHeader, type TransferRequest } from '../../src/domain/index.ts';
import { BlobSink, type ByteSink } from '../../src/app/byte-sink.ts';
import type { WorldEntry } from '../../src/storage/registry.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { resealStreamBytes, rowsOfTable, splitStream } from '../helpers/world-stream-file.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { approvedSeller, unwrap } from '../helpers/market.ts';

// The streamed world file (format 2) and the streamed journal CSV (issue #18 item 4), in
// fake-indexeddb: a world survives export and import table by table; a cancelled export or import
// and a refused file leave nothing behind; a file of the first format still imports.

/** Transfers in the fixture world: more than one page of the transfers table and of the CSV. */
const transfersInWorld = Math.max(pageRowsMax, csvPageEntriesMax) + 300;

/** A world with a seller's product and its picture (Blobs), a command log, and more than a page of
 * transfers and journal entries. */
async function richWorld(name: string): Promise<{ entry: WorldEntry; transfers: number }> {
  const { db, id } = await freshWorld(name);
  const seller = await approvedSeller(db, 'shop1');
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  const picture = { image: new Blob([bytes], { type: 'image/jpeg' }), thumbnail: new Blob([bytes.slice(0, 4)], { type: 'image/jpeg' }), width: 800, height: 600 };
  unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 3 }, pictures: [picture] }));
  const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
  const requests: TransferRequest[] = Array.from({ length: transfersInWorld }, (_, i) => ({ id: `rt-${i}`, kind: 'single', debitAccountId: a!.id, creditAccountId: b!.id, amount: '1.00', currency: 'CNY', code: 'lab.move', refs: { n: String(i) } }));
  const results = await submitTransfers(db, requests);
  expect(results.every((r) => r.status === 'created')).toBe(true);
  db.close();
  return { entry: (await getWorld(id))!, transfers: transfersInWorld };
}

let fixture: Promise<{ entry: WorldEntry; bytes: Uint8Array }> | undefined;
/** One rich world and its exported file, shared by the tests that only read them. */
function exported(): Promise<{ entry: WorldEntry; bytes: Uint8Array }> {
  fixture ??= (async () => {
    const { entry } = await richWorld('Stream lesson');
    return { entry, bytes: new Uint8Array(await (await exportWorld(entry)).arrayBuffer()) };
  })();
  return fixture;
}

/** A stored value made comparable: Blobs by type and bytes, typed arrays by kind and bytes. */
async function plain(v: unknown): Promise<unknown> {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Blob) return { blob: v.type, bytes: [...new Uint8Array(await v.arrayBuffer())] };
  if (ArrayBuffer.isView(v)) return { view: Object.prototype.toString.call(v), bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (v instanceof ArrayBuffer) return { ab: [...new Uint8Array(v)] };
  if (v instanceof Date) return { date: v.getTime() };
  if (Array.isArray(v)) return Promise.all(v.map(plain));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await plain(x);
  return out;
}

/** Every table of a world: its rows with their keys, in key order. The meta rows that name this
 * copy (its id, its build marker) are left out: import writes its own. */
async function tablesOf(db: WorldDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) {
    const keys = await t.toCollection().primaryKeys();
    const rows = await t.toArray();
    const pairs = [];
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i] as { key?: unknown };
      if (t.name === 'meta' && (row.key === 'worldId' || row.key === buildKey)) continue;
      pairs.push({ key: await plain(keys[i]), row: await plain(row) });
    }
    out[t.name] = pairs;
  }
  return out;
}

/** The world list and every database's name: what "nothing changed" compares. */
async function everything(): Promise<{ worlds: string[]; databases: string[] }> {
  return {
    worlds: (await listWorlds()).map((w) => w.id).sort(),
    databases: (await indexedDB.databases()).map((d) => d.name ?? '').sort(),
  };
}

let imports = 0;
function nextId(label: string): string {
  imports += 1;
  return `${label}-${imports}`;
}

/** A sink that keeps what happened to it (a cancelled export must abort it and never close it). */
class RecordingSink implements ByteSink {
  chunks = 0;
  closed = false;
  aborted = false;
  write(): Promise<void> {
    this.chunks += 1;
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.aborted = true;
    return Promise.resolve();
  }
}

describe('world file format 2: a round trip', () => {
  it('every table comes back row for row, pictures and the command log included', async () => {
    const { entry, bytes } = await exported();
    const r = await importWorld(new Blob([bytes as Uint8Array<ArrayBuffer>]), { id: nextId('roundtrip'), createdAtMs: 1 });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const source = openWorldDb(entry);
    const copy = openWorldDb(r.value);
    await Promise.all([source.open(), copy.open()]);
    const [a, b] = await Promise.all([tablesOf(source), tablesOf(copy)]);
    // The fixture holds what the format must carry: Blobs, the log, more than a page of a table.
    expect(a.pictures!.length).toBeGreaterThan(0);
    expect(a.commandLog!.length).toBeGreaterThan(0);
    expect(a.transfers!.length).toBeGreaterThan(pageRowsMax);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect({ table: name, rows: b[name] }).toEqual({ table: name, rows: a[name] });
    expect((await copy.meta.get('worldId'))?.value).toBe(r.value.id);
    source.close();
    copy.close();
  });

  it('the file holds every table in pages of at most pageRowsMax rows, and the trailer counts them', async () => {
    const { bytes } = await exported();
    const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
    const pages = lines.slice(1, -1).map((l) => JSON.parse(l) as { table: string; rows: unknown[] });
    expect(pages.every((p) => p.rows.length <= pageRowsMax)).toBe(true);
    expect(pages.filter((p) => p.table === 'transfers').length).toBeGreaterThan(1);
    const trailer = JSON.parse(lines.at(-1)!) as { tables: Record<string, number> };
    const counted: Record<string, number> = {};
    for (const p of pages) counted[p.table] = (counted[p.table] ?? 0) + p.rows.length;
    // The trailer names every table, an empty one with 0 rows (and no page).
    expect(Object.fromEntries(Object.entries(trailer.tables).filter(([, n]) => n > 0))).toEqual(counted);
    expect(Object.keys(trailer.tables)).toContain('ecashSpent');
  });
});

describe('cancel leaves nothing', () => {
  it('a cancelled export aborts its file and never closes it', async () => {
    const { entry } = await exported();
    const before = await everything();
    const cancel = new AbortController();
    const sink = new RecordingSink();
    const seen: StreamProgress[] = [];
    const r = await exportWorldTo(entry, sink, { signal: cancel.signal, onProgress: (p) => { seen.push(p); cancel.abort(); } });
    expect(r).toMatchObject({ ok: false, code: 'file_export_cancelled' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.rowsDone).toBeLessThan(seen[0]!.rowsTotal);
    expect(sink).toMatchObject({ aborted: true, closed: false });
    expect(await everything()).toEqual(before);
  });

  it('a cancelled import leaves no listed world and no build database', async () => {
    const { bytes } = await exported();
    const before = await everything();
    const cancel = new AbortController();
    const id = nextId('cancelled');
    let pages = 0;
    const r = await importWorld(new Blob([bytes as Uint8Array<ArrayBuffer>]), { id, createdAtMs: 1 }, {}, {
      signal: cancel.signal,
      // Cancelled after some pages are already written into the build database.
      onProgress: () => { pages += 1; if (pages === 3) cancel.abort(); },
    });
    expect(r).toMatchObject({ ok: false, code: 'file_import_cancelled' });
    expect(pages).toBe(3);
    expect(await everything()).toEqual(before);
  });

  it('an import cancelled while its world is checked names no world and keeps no database', async () => {
    const { bytes } = await exported();
    const before = await everything();
    const cancel = new AbortController();
    // The cancel comes once every page is written, while the ledger verifies: the verifier's first
    // range cancels, then (as when no worker can start) the ledger verifies in this thread.
    const verify = {
      ranges: 2,
      runRange: () => {
        cancel.abort();
        throw new VerifyWorkerUnavailable('cancelled during the check');
      },
    };
    const r = await importWorld(new Blob([bytes as Uint8Array<ArrayBuffer>]), { id: nextId('cancelled-check'), createdAtMs: 1 }, verify, { signal: cancel.signal });
    expect(cancel.signal.aborted).toBe(true);
    expect(r).toMatchObject({ ok: false, code: 'file_import_cancelled' });
    expect(await everything()).toEqual(before);
  });

  it('a cancelled journal CSV aborts its file', async () => {
    const { entry } = await exported();
    const db = openWorldDb(entry);
    const cancel = new AbortController();
    const sink = new RecordingSink();
    const r = await exportJournalCsvTo(db, sink, { signal: cancel.signal, onProgress: () => cancel.abort() });
    db.close();
    expect(r).toMatchObject({ ok: false, code: 'file_export_cancelled' });
    expect(sink).toMatchObject({ aborted: true, closed: false });
    // Stopped after the page under way: the header line and one page were written, no more.
    expect(sink.chunks).toBe(2);
  });
});

describe('a damaged file is refused with its reason, and nothing changes', () => {
  async function refused(file: Uint8Array): Promise<string> {
    const before = await everything();
    const r = await importWorld(new Blob([file as Uint8Array<ArrayBuffer>]), { id: nextId('refused'), createdAtMs: 1 });
    expect(await everything()).toEqual(before);
    return r.ok ? 'imported' : r.code;
  }

  it('cut in the middle of a page: file_truncated', async () => {
    const { bytes } = await exported();
    const text = new TextDecoder().decode(bytes);
    const transfersPage = text.indexOf('{"table":"transfers"');
    expect(transfersPage).toBeGreaterThan(0);
    // Cut halfway into that page's line (the pages before it are whole and already written).
    const cut = new TextEncoder().encode(text.slice(0, transfersPage + 5000));
    expect(await refused(cut)).toBe('file_truncated');
  });

  it('a row changed without resealing: file_checksum_mismatch', async () => {
    const { bytes } = await exported();
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"amount":"1.00"');
    expect(at).toBeGreaterThan(0);
    const edited = new TextEncoder().encode(text.slice(0, at) + '"amount":"9.00"' + text.slice(at + '"amount":"1.00"'.length));
    expect(edited.length).toBe(bytes.length);
    expect(await refused(edited)).toBe('file_checksum_mismatch');
  });

  it('a row forged and resealed (a balance of ¥1,000,000): the world check names it', async () => {
    const file = splitStream((await exported()).bytes);
    const account = rowsOfTable(file, 'accounts').find((a) => a.normal === 'credit' && a.currency === 'CNY')!;
    account.creditsPosted = '1000000.00';
    expect(await refused(resealStreamBytes(file))).toBe('world_balance_forged');
  });

  it('a row dropped from a page but still counted in the trailer: file_malformed', async () => {
    const file = splitStream((await exported()).bytes);
    rowsOfTable(file, 'transfers').pop();
    // Resealed (the digest matches), then the trailer's count put back: the counts do not match.
    const resealed = resealStreamBytes(file);
    const lines = new TextDecoder().decode(resealed).split('\n').filter((l) => l !== '');
    const trailer = JSON.parse(lines.at(-1)!) as { tables: Record<string, number> };
    trailer.tables.transfers! += 1;
    const body = lines.slice(0, -1).join('\n') + '\n';
    expect(await refused(new TextEncoder().encode(body + JSON.stringify(trailer) + '\n'))).toBe('file_malformed');
  });

  it('a page line that is not JSON (resealed): file_malformed', async () => {
    const { bytes } = await exported();
    const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
    lines[2] = lines[2]!.slice(0, -3);
    const body = new TextEncoder().encode(lines.slice(0, -1).join('\n') + '\n');
    const trailer = { ...(JSON.parse(lines.at(-1)!) as object), bytes: body.length, sha256: bytesToHex(sha256(body)) };
    expect(await refused(new TextEncoder().encode(new TextDecoder().decode(body) + JSON.stringify(trailer) + '\n'))).toBe('file_malformed');
  });
});

describe('a file of the first format', () => {
  it('one header line and a dexie-export-import body (as the first exporter wrote) still imports', async () => {
    const { entry } = await exported();
    const db = openWorldDb(entry);
    await db.open();
    // The first format's writer, as it was (git a958917^:src/app/world-file.ts).
    const data = new Uint8Array(await (await exportDB(db, { prettyJson: false, filter: (table, value) => !(table === 'meta' && (value as { key?: unknown }).key === buildKey) })).arrayBuffer());
    const header = makeHeader({ schemaVersion: db.verno, worldName: entry.name, bytes: data.length, sha256: bytesToHex(sha256(data)) });
    const source = await tablesOf(db);
    db.close();
    const file = new Blob([JSON.stringify(header) + '\n', data as Uint8Array<ArrayBuffer>]);
    const r = await importWorld(file, { id: nextId('format1'), createdAtMs: 1 });
    expect(r).toMatchObject({ ok: true, value: { name: 'Stream lesson' } });
    if (!r.ok) return;
    const copy = openWorldDb(r.value);
    await copy.open();
    expect(await tablesOf(copy)).toEqual(source);
    copy.close();
  });

  it('its digest still guards it', async () => {
    const { entry } = await exported();
    const db = openWorldDb(entry);
    await db.open();
    const data = new Uint8Array(await (await exportDB(db, { prettyJson: false })).arrayBuffer());
    const header = makeHeader({ schemaVersion: db.verno, worldName: entry.name, bytes: data.length, sha256: bytesToHex(sha256(new Uint8Array([1]))) });
    db.close();
    const before = await everything();
    const r = await importWorld(new Blob([JSON.stringify(header) + '\n', data as Uint8Array<ArrayBuffer>]), { id: nextId('format1-bad'), createdAtMs: 1 });
    expect(r).toMatchObject({ ok: false, code: 'file_checksum_mismatch' });
    expect(await everything()).toEqual(before);
  });
});

describe('journal CSV, streamed', () => {
  it('writes the header and every entry in order, in pages, and closes the file', async () => {
    const { entry } = await exported();
    const db = openWorldDb(entry);
    const sink = new BlobSink('text/csv');
    const seen: StreamProgress[] = [];
    const r = await exportJournalCsvTo(db, sink, { onProgress: (p) => seen.push(p) });
    db.close();
    expect(r.ok).toBe(true);
    const text = await sink.blob().text();
    const lines = text.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(journalCsvColumns.join(','));
    const seqs = lines.slice(1).map((l) => Number(l.split(',')[0]));
    const total = seen.at(-1)!.rowsTotal;
    expect(total).toBeGreaterThan(csvPageEntriesMax);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(r).toMatchObject({ ok: true, value: { entries: total, bytes: new TextEncoder().encode(text).length } });
    // One progress report per page, each page at most csvPageEntriesMax entries.
    expect(seen.length).toBe(Math.ceil(total / csvPageEntriesMax));
    expect(seen.map((p) => p.rowsDone)).toEqual(seen.map((_, i) => Math.min((i + 1) * csvPageEntriesMax, total)));
    expect(lines.some((l) => l.includes('rt-7,'))).toBe(true);
  });
});
