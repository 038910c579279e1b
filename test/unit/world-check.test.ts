import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { exportWorld, importWorld } from '../../src/app/world-file.ts';
import { getWorld, listWorlds } from '../../src/app/worlds.ts';
import { allAccounts, labTamperEntry, submitTransfers } from '../../src/app/ledger.ts';
import { fieldFits, misfitField, tableShapes, worldTables } from '../../src/storage/world-shape.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { resealStream, splitStream, type FileTable, type StreamFile } from '../helpers/world-stream-file.ts';

// The import validator: every table's rows checked for shape (fast-check makes valid rows from each
// table's shape and corrupts one field), and whole world files edited on purpose, with a recomputed
// SHA-256, refused with the reason and nothing left behind.

const validOf: Record<string, fc.Arbitrary<unknown>> = {
  id: fc.string({ minLength: 1, maxLength: 12 }),
  text: fc.string({ maxLength: 12 }),
  int: fc.integer({ min: 0, max: 2 ** 40 }),
  num: fc.double({ noNaN: true, noDefaultInfinity: true }),
  bool: fc.boolean(),
  obj: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
  arr: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  amount: fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 99 })).map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`),
  name2: fc.record({ en: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== ''), zh: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== '') }),
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
  key: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 0 })),
  bytes: fc.uint8Array({ maxLength: 8 }),
};

/** Values that no field of `type` accepts (null and undefined only where the type says so). In a
 * file (`json`), NaN would be written as null, so it is left out there. */
function wrongFor(type: string, json = false): fc.Arbitrary<unknown> {
  const candidates: unknown[] = [undefined, null, '', 'x', -1, 1.5, true, {}, [], { en: 'only' }, '1e9', new Uint8Array(1), ...(json ? [] : [Number.NaN])];
  return fc.constantFrom(...candidates.filter((v) => !fieldFits(type, v)));
}

function setPath(row: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = row;
  for (const p of parts.slice(0, -1)) {
    o[p] = typeof o[p] === 'object' && o[p] !== null ? { ...(o[p] as object) } : {};
    o = o[p] as Record<string, unknown>;
  }
  if (value === undefined) delete o[parts[parts.length - 1]!];
  else o[parts[parts.length - 1]!] = value;
}

function rowOf(table: string): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(tableShapes[table]!.fields);
  return fc.tuple(...fields.map(([, type]) => validOf[type.replace(/\?$/, '').replace(/\|null$/, '')]!)).map((values) => {
    const row: Record<string, unknown> = {};
    fields.forEach(([path], i) => setPath(row, path, values[i]));
    return row;
  });
}

describe('the shape of every table', () => {
  it('every table of the schema has its own shape', () => {
    const missing = [...worldTables().keys()].filter((t) => tableShapes[t] === undefined);
    expect(missing).toEqual([]);
  });

  it.each([...worldTables().keys()].filter((t) => tableShapes[t] !== undefined))('%s: valid rows pass, a corrupted field is named', (table) => {
    const fields = Object.entries(tableShapes[table]!.fields);
    fc.assert(
      fc.property(rowOf(table), fc.nat(), fc.nat(), (row, pick, wrongPick) => {
        expect(misfitField(table, row)).toBeUndefined();
        const [path, type] = fields[pick % fields.length]!;
        const bad = fc.sample(wrongFor(type), { numRuns: 1, seed: wrongPick })[0];
        const corrupted = structuredClone(row);
        setPath(corrupted, path, bad);
        expect(misfitField(table, corrupted)).toBe(path);
        expect(misfitField(table, null)).toBe('(row)');
      }),
      { numRuns: 40 },
    );
  });
});

// ---- whole files ----------------------------------------------------------------------------------

// A streamed world file's tables, as the forgers below edit them (test/helpers/world-stream-file.ts).
type DexieExport = { data: { data: FileTable[] }; file: StreamFile };

function splitFile(bytes: Uint8Array): { header: Record<string, unknown>; body: DexieExport } {
  const file = splitStream(bytes);
  return { header: file.header, body: { data: { data: file.tables }, file } };
}

/** The file re-encoded with a recomputed length and SHA-256, as a forger would. */
function resealed(header: Record<string, unknown>, body: DexieExport): Blob {
  return resealStream({ ...body.file, header, tables: body.data.data });
}

function rowsOf(body: DexieExport, table: string): Record<string, unknown>[] {
  return body.data.data.find((t) => t.tableName === table)!.rows;
}

let imports = 0;
async function refusedAndNothingLeft(file: Blob): Promise<string> {
  imports += 1;
  const id = `imp-${Date.now().toString(36)}-${imports}`;
  const before = (await listWorlds()).map((w) => w.id);
  const r = await importWorld(file, { id, createdAtMs: 1 });
  expect(r.ok).toBe(false);
  expect((await listWorlds()).map((w) => w.id)).toEqual(before);
  const names = (await indexedDB.databases()).map((d) => d.name);
  expect(names.some((n) => n?.includes(id))).toBe(false);
  return r.ok ? '' : r.code;
}

/** A world with money moved (journal entries, balances that are not zero), exported. */
async function exportedWorld(): Promise<Uint8Array> {
  const { id, db } = await freshWorld('Forgery lesson');
  const accounts = (await allAccounts(db)).filter((a) => Object.keys(a.flags).length === 0 && a.currency === 'CNY');
  const [a, b] = accounts;
  const results = await submitTransfers(db, [{ id: 't-1', kind: 'single', debitAccountId: a!.id, creditAccountId: b!.id, amount: '300.00', currency: 'CNY', code: 'lab.move' }]);
  expect(results[0]!.status).toBe('created');
  db.close();
  return new Uint8Array(await (await exportWorld((await getWorld(id))!)).arrayBuffer());
}

describe('importing a world file edited on purpose (recomputed SHA-256)', () => {
  it('the untouched file imports', async () => {
    const bytes = await exportedWorld();
    const r = await importWorld(new Blob([bytes as Uint8Array<ArrayBuffer>]), { id: `ok-${Date.now().toString(36)}`, createdAtMs: 1 });
    expect(r).toMatchObject({ ok: true });
  });

  it('a forged ¥1,000,000 balance is refused, naming the account', async () => {
    const { header, body } = splitFile(await exportedWorld());
    const account = rowsOf(body, 'accounts').find((a) => a.normal === 'credit')!;
    account.creditsPosted = '1000000.00';
    expect(await refusedAndNothingLeft(resealed(header, body))).toBe('world_balance_forged');
  });

  it('a broken clock is refused', async () => {
    const { header, body } = splitFile(await exportedWorld());
    rowsOf(body, 'meta').find((m) => m.key === 'clock')!.value = 'yesterday';
    expect(await refusedAndNothingLeft(resealed(header, body))).toBe('world_clock_invalid');
  });

  it('an event row without its key (IndexedDB would give it a fresh one) is refused', async () => {
    const { header, body } = splitFile(await exportedWorld());
    delete rowsOf(body, 'events')[0]!.seq;
    expect(await refusedAndNothingLeft(resealed(header, body))).toBe('file_malformed');
  });

  it('a party with a null name is refused', async () => {
    const { header, body } = splitFile(await exportedWorld());
    rowsOf(body, 'parties')[0]!.name = null;
    expect(await refusedAndNothingLeft(resealed(header, body))).toBe('world_party_name_missing');
  });

  it('an account of a party that is not in the world is refused', async () => {
    const { header, body } = splitFile(await exportedWorld());
    rowsOf(body, 'accounts')[0]!.partyId = 'u-nobody';
    expect(await refusedAndNothingLeft(resealed(header, body))).toBe('world_reference_broken');
  });

  it('a journal entry overwritten in the world before export is refused, naming the entry', async () => {
    const { id, db, teacher } = await freshWorld('Tampered');
    const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
    await submitTransfers(db, [{ id: 't-1', kind: 'single', debitAccountId: a!.id, creditAccountId: b!.id, amount: '5.00', currency: 'CNY', code: 'lab.move' }]);
    expect(await labTamperEntry(db, teacher, meta(), { seq: 1, field: 'amount', value: '5000.00' })).toMatchObject({ ok: true });
    db.close();
    const blob = await exportWorld((await getWorld(id))!);
    const code = await refusedAndNothingLeft(blob);
    expect(code).toBe('world_ledger_broken');
  });

  it('any one field of any row made wrong is refused and leaves nothing behind (fast-check)', async () => {
    const bytes = await exportedWorld();
    const { body } = splitFile(bytes);
    const candidates = body.data.data.flatMap((t) => (tableShapes[t.tableName] && t.rows.length > 0 ? [t.tableName] : []));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...candidates), fc.nat(), fc.nat(), fc.nat(), async (table, rowPick, fieldPick, wrongPick) => {
        const { header, body: copy } = splitFile(bytes);
        const rows = rowsOf(copy, table);
        const fields = Object.entries(tableShapes[table]!.fields).filter(([path]) => !(table === 'meta' && path === 'key'));
        fc.pre(fields.length > 0);
        const [path, type] = fields[fieldPick % fields.length]!;
        const bad = fc.sample(wrongFor(type, true), { numRuns: 1, seed: wrongPick })[0];
        // A row's key may not be undefined in IndexedDB: the import itself fails (file_malformed).
        const row = rows[rowPick % rows.length]!;
        setPath(row, path, bad);
        // The export's type annotations (typeson: an array, a typed array) would turn the value
        // back into that type on import: a forger removes the annotation with the value.
        const types = row.$types as Record<string, unknown> | undefined;
        if (types !== undefined) {
          delete types[path];
          if (Object.keys(types).length === 0) delete row.$types;
        }
        const code = await refusedAndNothingLeft(resealed(header, copy));
        expect(code).toMatch(/^(world_|file_malformed$)/);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('a database without its registry entry', () => {
  it('is not counted as a world', async () => {
    const stray = new Dexie('settlelab-world-stray-check');
    stray.version(1).stores({ meta: 'key' });
    await stray.open();
    stray.close();
    expect((await listWorlds()).some((w) => w.dbName === 'settlelab-world-stray-check')).toBe(false);
    await Dexie.delete('settlelab-world-stray-check');
  });
});
