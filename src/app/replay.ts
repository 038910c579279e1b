import { sha256 } from '@noble/hashes/sha2.js';
import { assert, bytesToHex, err, hexToBytes, ok, utf8Encode, type Result } from '../domain/index.ts';
import type { CommandLogRow, WorldDb } from '../storage/schema.ts';
import { journalHeadKey } from '../storage/ledger-tables.ts';
import { canonicalJson, execute, genesisCommandName, resultDigest, type CommandInput } from './pipeline.ts';
import { commandByName } from './commands.ts';
import { seedWorld, type GenesisInput } from './worlds.ts';
import { buildKey } from './world-build.ts';
// Seeders and job kinds register themselves when their modules load: replay needs them all.
import './features.ts';

// Replay (issue #19 item 3): a world rebuilt in a fresh database from its command log alone. The
// genesis row seeds it (the seeders draw their random bytes from the recorded tape), then every
// later row's command runs again by name, with its meta and input, in log order; each result's
// digest must equal the logged one. worldDigest then compares two worlds whole.

export type ReplayError =
  /** The log does not start with a genesis row (a world made before schema v16, or a cut log). */
  | 'replay_no_genesis'
  /** Seeding from the genesis did not consume exactly its tape. */
  | 'replay_genesis_diverged'
  /** A row names a command the registry does not know (detail: seq, name). */
  | 'replay_unknown_command'
  /** A row's command gave another result, or threw (detail: seq, name, commandId). */
  | 'replay_diverged';

export type ReplayReport = { readonly commands: number };

/**
 * Rebuilds the world of `logRows` (the whole log, in seq order) in `freshDb`, a world database
 * nothing has written yet. The first divergence is a named result: which row, which command.
 */
export async function replay(logRows: readonly CommandLogRow[], freshDb: WorldDb): Promise<Result<ReplayReport, ReplayError>> {
  const genesisRow = logRows[0];
  if (genesisRow === undefined || genesisRow.name !== genesisCommandName) return err('replay_no_genesis');
  await freshDb.open();
  assert((await freshDb.parties.count()) === 0 && (await freshDb.commandLog.count()) === 0, 'replay into a fresh database');
  const genesis = genesisRow.input as GenesisInput;
  const tape = hexToBytes(genesis.tape);
  let read = 0;
  let overrun = false;
  const fromTape = (bytes: number): Uint8Array => {
    if (read + bytes > tape.length) overrun = true;
    const out = new Uint8Array(bytes);
    out.set(tape.subarray(read, Math.min(read + bytes, tape.length)));
    read += bytes;
    return out;
  };
  await seedWorld(freshDb, genesis.worldId, genesis.name, genesis.teacher, { random: fromTape, passwordIterations: genesis.iterations });
  if (overrun || read !== tape.length) return err('replay_genesis_diverged', { drawn: read, recorded: tape.length });

  let previousSeq = genesisRow.seq ?? 1;
  for (const [i, row] of logRows.entries()) {
    if (i === 0) continue;
    assert(row.seq === undefined || row.seq > previousSeq, 'log rows in seq order');
    previousSeq = row.seq ?? previousSeq + 1;
    const where = { seq: row.seq ?? i + 1, name: row.name, commandId: row.commandId };
    const command = commandByName(row.name);
    if (command === undefined) return err('replay_unknown_command', where);
    let digest: string;
    try {
      const r = await execute(freshDb, command, { id: row.commandId, actor: row.actor }, row.input as CommandInput);
      digest = resultDigest(r);
    } catch (e) {
      return err('replay_diverged', { ...where, thrown: e instanceof Error ? e.message : String(e) });
    }
    if (digest !== row.resultDigest) return err('replay_diverged', where);
    const relogged = await freshDb.commandLog.where('commandId').equals(row.commandId).first();
    if (relogged === undefined || relogged.at !== row.at) return err('replay_diverged', { ...where, at: row.at });
  }
  return ok({ commands: logRows.length - 1 });
}

/** Tables left out of worldDigest, and why. */
export const digestExcludedTables: Readonly<Record<string, string>> = {
  // Each device's record of the command ids it ran, refusals included (a refusal is never logged):
  // an idempotency cache, not world state. The accepted ones are the log's rows, which are digested.
  commands: 'idempotency record of this device, including refused commands',
  // Online-banking sessions belong to a tab's memory (v12 emptied the table; nothing writes it).
  bankSessions: 'tab-local (emptied at v12)',
};

/** Meta rows that name the copy, not the world: an imported or replayed world gets its own. */
const digestExcludedMeta: ReadonlySet<string> = new Set(['worldId', 'name', buildKey]);

/** Rows read per page while digesting: bounds memory on a large world. */
const digestPageRows = 2_000;
/** A table of more pages than this is a programmer error (a paging loop that does not advance). */
const digestPagesMax = 10_000_000;

export type WorldDigest = {
  /** sha256 (hex) over every digested table's digest, by table name. */
  readonly digest: string;
  /** The ledger journal's head hash (also inside the meta table's digest). */
  readonly journalHead: string | null;
  /** Each table's own digest: where two worlds differ. */
  readonly tables: Readonly<Record<string, string>>;
};

/**
 * A canonical digest of a world: every table (but `digestExcludedTables`) in primary-key order,
 * each row as canonical JSON (pictures' Blobs by their bytes), hashed table by table.
 */
export async function worldDigest(db: WorldDb): Promise<WorldDigest> {
  const tables: Record<string, string> = {};
  for (const table of [...db.tables].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (table.name in digestExcludedTables) continue;
    const hash = sha256.create();
    let last: unknown;
    let pages = 0;
    for (;;) {
      assert(pages++ < digestPagesMax, 'digest paging advances');
      const from = last;
      const range = () => (from === undefined ? table.orderBy(':id') : table.where(':id').above(from)).limit(digestPageRows);
      // One read transaction per page: its rows and their keys agree.
      const [page, keys] = await db.transaction('r', table, () => Promise.all([range().toArray(), range().primaryKeys()]));
      if (page.length === 0) break;
      assert(keys.length === page.length, 'a page and its keys');
      for (const [i, row] of page.entries()) {
        if (table.name === 'meta' && digestExcludedMeta.has((row as { key: string }).key)) continue;
        hash.update(utf8Encode(canonicalJson({ key: keys[i], row: await withBlobBytes(row) }) + '\n'));
      }
      last = keys[keys.length - 1];
      if (page.length < digestPageRows) break;
    }
    tables[table.name] = bytesToHex(hash.digest());
  }
  const head = await db.meta.get(journalHeadKey);
  return { digest: bytesToHex(sha256(utf8Encode(canonicalJson(tables)))), journalHead: head === undefined ? null : canonicalJson(head.value), tables };
}

/** A row with its top-level Blobs (pictures) replaced by their bytes, read outside any transaction. */
async function withBlobBytes(row: unknown): Promise<unknown> {
  if (typeof Blob === 'undefined' || typeof row !== 'object' || row === null) return row;
  const entries = Object.entries(row);
  if (!entries.some(([, v]) => v instanceof Blob)) return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = v instanceof Blob ? { type: v.type, bytes: new Uint8Array(await v.arrayBuffer()) } : v;
  return out;
}
