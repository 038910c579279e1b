import Dexie from 'dexie';
import Papa from 'papaparse';
import {
  applyTransfers, assert, chainEntries, createAccount, err, expiryIdOf, expiryRequestsFor, genesisHead, headAfter, idsNeeded,
  ledgerViewOf, ok, rangeEntriesMax, rangePartialsMax, scaleOf, scheduleJob, statement, trialBalance, verifierFeedEntriesMax,
  type Account, type AccountInput, type JournalEntry, type JournalHead, type JournalVerifyReport, type Result,
  type StatementBalance, type StatementFilter, type StatementRow, type TransferErrorCode, type TransferRequest, type TransferResult,
} from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { isHeadRow, journalHeadKey, ledgerTables, type TransferRow } from '../storage/ledger-tables.ts';
import {
  accountEntriesBefore, appendJournalEntries, journalBlockEntries, journalEntriesAt, journalEntryAt, overwriteJournalEntry, readJournalRange,
} from '../storage/journal-store.ts';
import type { CommandEnv, CommandMeta, Tx } from './command.ts';
import { defineCommand, execute } from './pipeline.ts';
import { clockKey } from './clock-read.ts';
import { registerJobHandler } from './scheduler.ts';
import { runRangeInWorker, VerifyWorkerUnavailable, workersAvailable } from './verify-worker/client.ts';
import { defaultHashEngine, type HashEngine } from './verify-worker/digest.ts';
import { rangeRunnerInThread as inThreadRunner, verifyInRanges, verifyInThread, type RangeRunner } from './verify-worker/parallel.ts';
import { requireTeacher, type TeacherToken } from './teacher.ts';

export type { RangeRunner } from './verify-worker/parallel.ts';

// The ledger's storage side: load what a batch needs, apply it (pure domain), chain the journal
// entries and write accounts, transfers, entries and the new head in the SAME readwrite transaction
// as the state change the money belongs to. IndexedDB serializes readwrite transactions on these
// stores, so two tabs spending one balance see each other's result and can never overdraw it.

export const expireJobKind = 'ledger.expire';

/** The head and world time (both meta rows) in one read. */
async function readHeadAndTime(db: WorldDb, now: number | 'clock'): Promise<readonly [JournalHead, number]> {
  if (now !== 'clock') return [await readHead(db), now];
  const [headRow, clockRow] = await db.meta.bulkGet([journalHeadKey, clockKey]);
  const head = headRow === undefined ? genesisHead : headRow.value;
  assert(isHeadRow(head), 'stored journal head has the head shape');
  assert(clockRow !== undefined && typeof clockRow.value === 'number', 'every world has a clock');
  return [head, clockRow.value];
}

async function readHead(db: WorldDb): Promise<JournalHead> {
  const row = await db.meta.get(journalHeadKey);
  if (row === undefined) return genesisHead;
  assert(isHeadRow(row.value), 'stored journal head has the head shape');
  return row.value;
}

/**
 * Applies requests inside the caller's transaction (which must include accounts, transfers, journal,
 * meta and jobs). Returns one result per request; the caller decides what a failure means.
 */
/** `now` is world time, or 'clock': read it from the world's clock in this transaction. */
export async function applyInTransaction(db: WorldDb, requests: readonly TransferRequest[], now: number | 'clock'): Promise<readonly TransferResult[]> {
  return (await applyAndChain(db, requests, now)).results;
}

/** What a batch did: one result per request, and the journal entries it appended (in seq order). */
export type AppliedBatch = { readonly results: readonly TransferResult[]; readonly entries: readonly JournalEntry[] };

/**
 * applyInTransaction, also giving the entries it chained: a caller indexing them need not read them
 * back. `read`: accounts the caller read (or opened) in this transaction and has not written since,
 * so they are not read again.
 */
async function applyAndChain(db: WorldDb, requests: readonly TransferRequest[], now: number | 'clock', read: readonly Account[] = []): Promise<AppliedBatch> {
  assert(Dexie.currentTransaction !== null, 'ledger writes happen inside a transaction');
  const { accounts, transfers, journal } = ledgerTables(db);
  // Everything the requests name is read at once (one round trip to IndexedDB: with a transaction
  // costing a few of them, each one saved shows in transfer.single); only accounts learned from a
  // stored pending transfer that a post/void/expire names need a second read.
  const first = idsNeeded(requests);
  const readById = new Map(read.map((a) => [a.id, a]));
  const unread = first.accountIds.filter((id) => !readById.has(id));
  const [storedTransfers, readNow, [head, nowMs]] = await Promise.all([
    transfers.bulkGet(first.transferIds), unread.length === 0 ? [] : accounts.bulkGet(unread), readHeadAndTime(db, now),
  ]);
  const firstAccounts = [...first.accountIds.flatMap((id) => readById.get(id) ?? []), ...readNow];
  const loadedTransfers = storedTransfers.filter((t): t is TransferRow => t !== undefined);
  const byId = new Map(loadedTransfers.map((t) => [t.id, t]));
  const known = new Set(first.accountIds);
  const learned = idsNeeded(requests, (id) => byId.get(id)).accountIds.filter((id) => !known.has(id));
  const loadedAccounts = learned.length === 0 ? firstAccounts : [...firstAccounts, ...(await accounts.bulkGet(learned))];
  const view = ledgerViewOf(loadedAccounts.filter((a): a is Account => a !== undefined), loadedTransfers);
  const applied = applyTransfers(view, requests, nowMs);
  assert(applied.ok, 'batches stay within transferRequestsMax');
  const write = applied.value;
  if (write.entries.length === 0) return { results: write.results, entries: [] };

  const entries = chainEntries(head, write.entries);
  const newHead = headAfter(head, entries);
  assert(newHead.seq === head.seq + entries.length, 'the head moves by the entries appended');
  const jobs = write.transfers
    .filter((t) => t.kind === 'pending' && t.state === 'open' && t.timeoutAt !== undefined && !byId.has(t.id))
    .map((t) => scheduleJob({ id: `${expireJobKind}:${t.id}`, kind: expireJobKind, dueAt: t.timeoutAt!, payload: { pendingId: t.id } }, nowMs));
  // Each transfer row keeps the seq of the entry it wrote (entriesOfTransfers finds them by it).
  const entrySeqs = new Map(entries.map((e) => [e.transferId, e.seq]));
  const transferRows: TransferRow[] = write.transfers.map((t) => {
    const entrySeq = entrySeqs.get(t.id) ?? byId.get(t.id)?.entrySeq;
    return entrySeq === undefined ? t : { ...t, entrySeq };
  });
  await Promise.all([
    accounts.bulkPut([...write.accounts]),
    transfers.bulkPut(transferRows),
    appendJournalEntries(journal, entries),
    db.meta.put({ key: journalHeadKey, value: newHead }),
    jobs.length > 0 ? db.jobs.bulkPut(jobs) : Promise.resolve(),
  ]);
  return { results: write.results, entries };
}

/** The journal entries the given transfers wrote (created now or earlier), in seq order. */
export async function entriesOfTransfers(db: WorldDb, transferIds: readonly string[]): Promise<JournalEntry[]> {
  const { transfers, journal } = ledgerTables(db);
  const rows = await transfers.bulkGet([...transferIds]);
  const seqs = rows.map((t) => t?.entrySeq).filter((s): s is number => s !== undefined);
  return seqs.length === 0 ? [] : journalEntriesAt(journal, seqs);
}

/** The first failure of a batch as a Result error, for commands that must move all or nothing. */
export function firstFailure(results: readonly TransferResult[]): Result<readonly TransferResult[], TransferErrorCode> {
  const failed = results.find((r) => r.status === 'failed');
  if (failed && failed.status === 'failed') return err(failed.code, failed.detail ? { ...failed.detail } : undefined);
  return ok(results);
}

/**
 * The failure of a linked batch as a Result error, naming the request that failed (not a partner's
 * `linked_event_failed`) with its detail, so a caller can say whose money was short.
 */
export function rootFailure(results: readonly TransferResult[]): Result<readonly TransferResult[], TransferErrorCode> {
  const failures = results.filter((r) => r.status === 'failed');
  const root = failures.find((r) => r.status === 'failed' && r.code !== 'linked_event_failed') ?? failures[0];
  if (root === undefined) return ok(results);
  assert(root.status === 'failed', 'a failure');
  return err(root.code, root.detail ? { ...root.detail } : undefined);
}

/**
 * For features inside runCommand: the requests commit together or not at all (linked), and any
 * failure becomes the command's failure (which rolls the whole command back).
 */
export async function moveMoney(tx: Tx, requests: readonly TransferRequest[]): Promise<Result<readonly TransferResult[], TransferErrorCode>> {
  const moved = await moveMoneyChained(tx, requests);
  return moved.ok ? ok(moved.value.results) : moved;
}

/**
 * moveMoney, also giving the journal entries the batch appended; `read` as for applyAndChain;
 * `failure` picks the error a refused batch reports (firstFailure, or rootFailure).
 */
export async function moveMoneyChained(
  tx: Tx,
  requests: readonly TransferRequest[],
  read: readonly Account[] = [],
  failure: (results: readonly TransferResult[]) => Result<readonly TransferResult[], TransferErrorCode> = firstFailure,
): Promise<Result<AppliedBatch, TransferErrorCode>> {
  const linked = requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 }));
  const applied = await applyAndChain(tx.db, linked, tx.now, read);
  const failed = failure(applied.results);
  return failed.ok ? ok(applied) : failed;
}

/** The stores a batch writes: jobs only when a request may schedule a hold's expiry (a request
 * with a timeout), as every store in a transaction's scope costs it a little. */
function ledgerScope(db: WorldDb, requests: readonly TransferRequest[]) {
  const t = ledgerTables(db);
  const scope = [t.accounts, t.transfers, t.journal, db.meta];
  return requests.some((r) => 'timeoutAt' in r && r.timeoutAt !== undefined) ? [...scope, db.jobs] : scope;
}

/**
 * A batch in its own transaction, each request independent (TigerBeetle style); world time is read
 * in the same transaction. The transfer ids are the idempotency keys.
 */
export async function submitTransfers(db: WorldDb, requests: readonly TransferRequest[]): Promise<readonly TransferResult[]> {
  return db.transaction('rw', ledgerScope(db, requests), async () => applyInTransaction(db, requests, 'clock'));
}

// A hold's timeout: the leader expires it through the scheduler, exactly once.
registerJobHandler(expireJobKind, async (tx, job) => {
  const pendingId = String(job.payload.pendingId);
  const pending = await ledgerTables(tx.db).transfers.get(pendingId);
  assert(pending !== undefined, 'an expiry job names a stored pending transfer');
  const requests = expiryRequestsFor([pending], tx.now);
  if (requests.length === 0) return; // already posted or voided before its timeout
  const [result] = await applyInTransaction(tx.db, requests, tx.now);
  assert(result !== undefined && result.status !== 'failed', `expiry of ${pendingId} applies`);
  await tx.appendEvent({
    type: 'ledger.expired',
    actor: 'system',
    payload: { transferId: expiryIdOf(pendingId), pendingId, amount: pending.amount, currency: pending.currency },
  });
});

// ---- accounts ---------------------------------------------------------------------------------

export async function openAccountInTransaction(db: WorldDb, input: AccountInput, now: number) {
  const account = createAccount(input, now);
  if (!account.ok) return account;
  const { accounts } = ledgerTables(db);
  if (await accounts.get(input.id)) return err('account_exists', { accountId: input.id });
  await accounts.add(account.value);
  return account;
}

function openAccountCommandNamed(name: string) {
  return defineCommand({
    name,
    apply: async (tx, input: { readonly account: AccountInput }) => {
      const opened = await openAccountInTransaction(tx.db, input.account, tx.now);
      if (!opened.ok) return opened;
      await tx.appendEvent({ type: 'ledger.account.opened', actor: tx.meta.actor, parties: [input.account.partyId, input.account.bookId], payload: { accountId: input.account.id, code: input.account.code } });
      return opened;
    },
  });
}
/** Opens an account (the account's fields in the input). */
export const openAccountCommand = openAccountCommandNamed('openAccount');
/** Lab: the teacher opens an account (the teacher's sign-in checked by the wrapper). */
export const labOpenAccountCommand = openAccountCommandNamed('labOpenAccount');

/** Opens an account for any party in any institution's book, as `meta.actor` (who must be signed in). */
export async function openAccount(db: WorldDb, meta: CommandMeta, input: AccountInput, env: CommandEnv = {}): Promise<Result<Account, string>> {
  return execute(db, openAccountCommand, meta, { account: input }, env);
}

/**
 * Lab tool: the teacher opens any account in any book, on whichever party's page (its own command
 * name, so the party gate lets the teacher's token stand in for the party's sign-in).
 */
export async function labOpenAccount(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: AccountInput, env: CommandEnv = {}): Promise<Result<Account, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  return execute(db, labOpenAccountCommand, meta, { account: input, teacher: true }, env);
}

/** Lab: money moved between two accounts (the teacher's sign-in checked by the wrapper; the command id is the transfer id). */
export const labTransferCommand = defineCommand({
  name: 'labTransfer',
  apply: async (
    tx,
    input: { readonly debitAccountId: string; readonly creditAccountId: string; readonly amount: string; readonly currency: Account['currency']; readonly code: string; readonly memo?: string; readonly teacher: true },
  ) => {
    const refs: Record<string, string> = input.memo ? { memo: input.memo } : {};
    const moved = await moveMoney(tx, [{ id: tx.meta.id, kind: 'single', debitAccountId: input.debitAccountId, creditAccountId: input.creditAccountId, amount: input.amount, currency: input.currency, code: input.code, refs }]);
    if (!moved.ok) return moved;
    const { accounts } = ledgerTables(tx.db);
    const [debit, credit] = await accounts.bulkGet([input.debitAccountId, input.creditAccountId]);
    await tx.appendEvent({
      type: 'ledger.transfer',
      actor: tx.meta.actor,
      parties: [debit!.partyId, credit!.partyId],
      payload: { transferId: tx.meta.id, amount: input.amount, currency: input.currency, from: input.debitAccountId, to: input.creditAccountId, code: input.code },
    });
    return ok(moved.value[0]!);
  },
});

/** Lab tool: move money between two accounts (the command id is the transfer id). */
export async function labTransfer(
  db: WorldDb,
  teacher: TeacherToken | null,
  meta: CommandMeta,
  input: { debitAccountId: string; creditAccountId: string; amount: string; currency: Account['currency']; code: string; memo?: string },
  env: CommandEnv = {},
): Promise<Result<TransferResult, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const { debitAccountId, creditAccountId, amount, currency, code, memo } = input;
  return execute(db, labTransferCommand, meta, { debitAccountId, creditAccountId, amount, currency, code, memo, teacher: true }, env);
}

// ---- reports ----------------------------------------------------------------------------------

export async function accountsOf(db: WorldDb, partyId: string): Promise<Account[]> {
  return ledgerTables(db).accounts.where('partyId').equals(partyId).toArray();
}

export async function allAccounts(db: WorldDb): Promise<Account[]> {
  return ledgerTables(db).accounts.toArray();
}

export async function trialBalanceNow(db: WorldDb) {
  return trialBalance(await allAccounts(db));
}

/** Journal entries by seq, newest page last: page 1 is seq 1..pageSize. */
export async function journalPage(db: WorldDb, page: number, pageSize = 50): Promise<{ entries: JournalEntry[]; total: number }> {
  assert(page >= 1 && pageSize >= 1 && pageSize <= 1000, 'page within bounds');
  const head = await readHead(db);
  const from = (page - 1) * pageSize + 1;
  const entries = await readJournalRange(ledgerTables(db).journal, from, Math.max(from, Math.min(from + pageSize, head.seq + 1)));
  return { entries, total: head.seq };
}

/** Where the next (older) statement page starts: entries with seq below `beforeSeq`, whose
 * running balance after the newest of them is `closing`. */
export type StatementCursor = { readonly beforeSeq: number; readonly closing: StatementBalance };

export type StatementPage = { rows: StatementRow[]; next: StatementCursor | null; opening: StatementBalance };

/**
 * One page of an account's statement, newest entries first, with running balances, read through
 * the journal rows' account index: at most `pageSize` + 1 rows are loaded, however long the
 * account's history (a 100,000-entry statement pages without loading it).
 */
export async function statementPage(
  db: WorldDb,
  accountId: string,
  cursor: StatementCursor | null,
  pageSize = 50,
  filter: StatementFilter = {},
): Promise<Result<StatementPage, string>> {
  assert(pageSize >= 1 && pageSize <= 1000, 'page size within bounds');
  const { accounts, journal } = ledgerTables(db);
  return db.transaction('r', [accounts, journal, db.meta], async () => {
    const account = await accounts.get(accountId);
    if (!account) return err('account_not_found', { accountId });
    const before = cursor?.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const sign = (debit: string, credit: string) => (account.normal === 'debit' ? subtractText(debit, credit) : subtractText(credit, debit));
    const closing: StatementBalance = cursor?.closing ?? {
      posted: sign(account.debitsPosted, account.creditsPosted),
      pending: sign(account.debitsPending, account.creditsPending),
    };
    const page = (await accountEntriesBefore(journal, accountId, before, pageSize)).reverse();
    // Opening = closing minus what this page's entries changed (computed by the domain's own rule).
    const zero = (0).toFixed(scaleOf(account.currency));
    const change = statement(page, account, { posted: zero, pending: zero }).closing;
    const opening = { posted: subtractText(closing.posted, change.posted), pending: subtractText(closing.pending, change.pending) };
    const rows = statement(page, account, opening, filter).rows.reverse();
    const oldest = page[0];
    const more = oldest !== undefined && page.length === pageSize;
    return ok({ rows, opening, next: more ? { beforeSeq: oldest.seq, closing: opening } : null });
  });
}

/** The codes of an account's newest entries (the statement's filter choices). */
export const recentCodesEntriesMax = 200;
/** Journal rows read for them at most: a busy account's 200 entries sit in two or three rows; a rare
 * account's few are spread one a row, and its filter offers the codes of its newest rows' entries
 * rather than reading 200 rows of 128 entries for a list of choices (issue #18 item 5). */
export const recentCodesRowsMax = 16;
export async function recentCodesOf(db: WorldDb, accountId: string): Promise<string[]> {
  const entries = await accountEntriesBefore(ledgerTables(db).journal, accountId, Number.MAX_SAFE_INTEGER, recentCodesEntriesMax, recentCodesRowsMax);
  return [...new Set(entries.map((e) => e.code))].sort();
}

/** a - b on stored amount strings (possibly negative), exact, via the domain's Decimal. */
function subtractText(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b));
  const minor = (s: string) => {
    const negative = s.startsWith('-');
    const [i, f = ''] = (negative ? s.slice(1) : s).split('.');
    const v = BigInt(i! + f.padEnd(scale, '0'));
    return negative ? -v : v;
  };
  const d = minor(a) - minor(b);
  const negative = d < 0n;
  const digits = (negative ? -d : d).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

function decimals(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

// ---- verify -----------------------------------------------------------------------------------

/** Entries read per chunk (CSV export): large enough to keep the reads few, small enough to report
 * progress. Whole journal blocks, so no block is read twice. */
export const verifyChunkEntries = journalBlockEntries * 40;
/** Entries per read when verifying: smaller than verifyChunkEntries so a range's first chunk
 * arrives (and its hashing starts) sooner and reads, hashing and checks overlap more. */
export const verifyReadEntries = journalBlockEntries * 20;
/** Each parallel range holds at least this many entries; a shorter journal verifies in this thread
 * (starting a worker and opening the database there costs about as much as hashing this many). */
export const verifyRangeEntriesMin = 4000;
/** At most this many ranges (workers) at once, whatever the core count. */
export const verifyWorkersMax = 4;

export type VerifyOptions = {
  /** How many ranges to verify at once (see defaultRanges); 1 verifies in this thread. */
  readonly ranges?: number;
  /** Where a range runs; default a Worker. Node has none: tests run ranges in this thread. */
  readonly runRange?: RangeRunner;
  /** Who computes the SHA-256 of every entry; default verifyEngineFor(ranges). */
  readonly engine?: HashEngine;
  /** Entries per IndexedDB read; default verifyReadEntries. */
  readonly chunkEntries?: number;
};

/** One range per core (a single core verifies in this thread: workers would only add their cost),
 * at most verifyWorkersMax, and none shorter than verifyRangeEntriesMin. */
function defaultRanges(entries: number): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(verifyWorkersMax, cores, Math.floor(entries / verifyRangeEntriesMin)));
}

/** How ranges are hashed: in workers, each worker hashes its own entries with noble, so the hashing
 * runs on every core at once. In one thread, WebCrypto, whose digests run natively on the browser's
 * crypto thread while this one reads and checks. (In workers WebCrypto measured no faster: all
 * workers' digests queue on that one crypto thread; bench/, 2 cores.) */
export function verifyEngineFor(ranges: number): HashEngine {
  return ranges > 1 && workersAvailable() ? 'noble' : defaultHashEngine();
}

/** What verifyLedger does by default for a journal of `entries`: how many ranges, hashed how. */
export function verifyPlan(entries: number): { readonly ranges: number; readonly engine: HashEngine } {
  const ranges = Math.min(defaultRanges(entries), Math.max(1, entries));
  return { ranges, engine: verifyEngineFor(ranges) };
}

/**
 * Recomputes the chain and every account's balances from the entries. The head and the accounts
 * are read together in one transaction (a consistent snapshot); entries up to that head never
 * change, so they can be read chunk by chunk, by other connections too, while other tabs keep
 * writing (gathering the last block's segments moves entries between rows, never changes one; a
 * read of one block is one request, so it sees the block before or after, whole). A long journal
 * is cut into seq ranges of whole blocks verified in parallel in Web Workers, each reading its own
 * range from IndexedDB (canonical JSON and SHA-256 of every entry are the cost), then merged: the
 * report is exactly the sequential verifier's (test/property/ledger-verify-merge).
 * Without Worker, or when a worker cannot start, it verifies in this thread.
 */
export async function verifyLedger(db: WorldDb, onProgress?: (checked: number, total: number) => void, options: VerifyOptions = {}): Promise<JournalVerifyReport> {
  const { accounts, journal } = ledgerTables(db);
  const [head, snapshot] = await db.transaction('r', [accounts, db.meta], async () => [await readHead(db), await accounts.toArray()] as const);
  const ranges = Math.min(options.ranges ?? defaultRanges(head.seq), Math.max(1, head.seq));
  assert(Number.isSafeInteger(ranges) && ranges >= 1 && ranges <= rangePartialsMax, 'ranges within bounds');
  const read = { engine: options.engine ?? verifyEngineFor(ranges), chunkEntries: options.chunkEntries ?? verifyReadEntries };
  assert(Number.isSafeInteger(read.chunkEntries) && read.chunkEntries >= 1 && read.chunkEntries <= verifierFeedEntriesMax, 'chunk size within bounds');
  const runRange: RangeRunner | undefined = options.runRange ?? (workersAvailable() ? (job, io, stop) => runRangeInWorker(db.name, job, io, stop) : undefined);
  if (ranges === 1 || runRange === undefined || Math.ceil(head.seq / ranges) > rangeEntriesMax) return verifyInThread(journal, head, snapshot, read, onProgress);
  try {
    return await verifyInRanges(head, snapshot, ranges, read, runRange, onProgress);
  } catch (e) {
    if (!(e instanceof VerifyWorkerUnavailable)) throw e;
    return verifyInThread(journal, head, snapshot, read, onProgress);
  }
}

/** Runs ranges in this thread, over `db`'s own connection (tests; the worker runs the same code). */
export function rangeRunnerInThread(db: WorldDb): RangeRunner {
  return inThreadRunner(ledgerTables(db).journal);
}

// ---- lab: tampering ---------------------------------------------------------------------------

export const tamperableFields = ['amount', 'at', 'code', 'debitAccountId', 'creditAccountId', 'currency', 'kind', 'prevHash', 'hash', 'transferId'] as const;
export type TamperableField = (typeof tamperableFields)[number];

/** Lab: one stored journal entry overwritten (the teacher's sign-in checked by the wrapper). */
export const labTamperEntryCommand = defineCommand({
  name: 'labTamperEntry',
  apply: async (tx, input: { readonly seq: number; readonly field: TamperableField; readonly value: string; readonly teacher: true }) => {
    const { journal } = ledgerTables(tx.db);
    const entry = await journalEntryAt(journal, input.seq);
    if (!entry) return err('entry_not_found', { seq: input.seq });
    const value = input.field === 'at' ? Number(input.value) : input.value;
    if (input.field === 'at' && !Number.isSafeInteger(value)) return err('tamper_value_invalid');
    if (String(entry[input.field]) === String(value)) return err('tamper_value_unchanged');
    const overwritten = await overwriteJournalEntry(journal, input.seq, { ...entry, [input.field]: value });
    assert(overwritten, 'the entry just read is stored');
    await tx.appendEvent({ type: 'lab.tampered', actor: tx.meta.actor, payload: { seq: input.seq, field: input.field } });
    return ok(null);
  },
});

/**
 * A tampering exercise: overwrite one field of one stored entry directly, bypassing the ledger, as
 * an attacker with access to the database could. Verify then points at this entry.
 */
export async function labTamperEntry(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { seq: number; field: TamperableField; value: string }, env: CommandEnv = {}): Promise<Result<null, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  return execute(db, labTamperEntryCommand, meta, { seq: input.seq, field: input.field, value: input.value, teacher: true }, env);
}

// ---- CSV --------------------------------------------------------------------------------------

/** Statement rows as CSV (papaparse quotes and escapes; a formula-looking cell is prefixed). */
export function statementCsv(rows: readonly StatementRow[]): string {
  return Papa.unparse(
    rows.map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), transferId: r.transferId, kind: r.kind, code: r.code, side: r.side, counterparty: r.counterpartyAccountId, postedChange: r.postedChange, pendingChange: r.pendingChange, balance: r.balance, pending: r.pending, refs: JSON.stringify(r.refs) })),
    { escapeFormulae: true },
  );
}

// The whole journal as CSV is streamed: journal-csv.ts (written in the export worker, export-jobs.ts).
