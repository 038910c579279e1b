import { assert, entryHashMatches, err, genesisHash, ok, trialBalance, type JournalVerifyReport, type Result, type TrialBalanceRow } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { isHeadRow, journalHeadKey, ledgerTables } from '../storage/ledger-tables.ts';
import { journalEntryAt } from '../storage/journal-store.ts';
import type { CommandEnv, CommandMeta } from './command.ts';
import { defineCommand, execute } from './pipeline.ts';

// The auditor's two checks as recorded events (issue #14, the auditor lab): drawing the trial
// balance and verifying the journal's hash chain. Reading alone leaves no trace, so a lab check
// could not tell the work was done; each is a named command in the pipeline, logged and replayable,
// and its result is the event ('ledger.trial_balance'; 'ledger.verified', or 'ledger.verify_broken'
// naming the first broken entry, or 'ledger.verify_failed' when only stored balances disagree).
//
// The trial balance is computed inside the command's transaction (pure domain over the account
// rows). Verifying hashes the whole journal in workers or WebCrypto, which must not run inside a
// transaction (pipeline rule 3): the tab verifies first, and the command records the verdict after
// checking, synchronously and cheaply, that the journal still shows it (the entry the verdict names
// still hashes right, or still fails), so a stale or made-up verdict is refused by name.

export const trialBalanceEventType = 'ledger.trial_balance';
export const verifiedEventType = 'ledger.verified';
export const verifyBrokenEventType = 'ledger.verify_broken';
export const verifyFailedEventType = 'ledger.verify_failed';

export type TrialBalanceDrawn = { readonly headSeq: number; readonly rows: readonly TrialBalanceRow[]; readonly balanced: boolean };

async function headSeqOf(db: WorldDb): Promise<{ seq: number; hash: string }> {
  const row = await db.meta.get(journalHeadKey);
  if (row === undefined) return { seq: 0, hash: genesisHash };
  assert(isHeadRow(row.value), 'stored journal head has the head shape');
  return row.value;
}

/** The auditor draws the trial balance: every account's totals, per currency, as of now. */
export const drawTrialBalanceCommand = defineCommand({
  name: 'drawTrialBalance',
  stores: ['accounts'],
  apply: async (tx, _input: Record<string, never>) => {
    const rows = trialBalance(await ledgerTables(tx.db).accounts.toArray());
    const head = await headSeqOf(tx.db);
    const balanced = rows.every((r) => r.postedBalanced && r.pendingBalanced);
    await tx.appendEvent({ type: trialBalanceEventType, actor: tx.meta.actor, payload: { headSeq: head.seq, balanced, rows: rows.map((r) => ({ ...r })) } });
    return ok({ headSeq: head.seq, rows, balanced });
  },
});

export async function drawTrialBalance(db: WorldDb, meta: CommandMeta, env: CommandEnv = {}): Promise<Result<TrialBalanceDrawn, string>> {
  return execute(db, drawTrialBalanceCommand, meta, {}, env);
}

/** A verify's verdict as the command records it (plain JSON). */
export type VerifyVerdict = {
  readonly ok: boolean;
  readonly entriesChecked: number;
  /** The first broken entry's seq, or null (a chain that verifies, or balances alone disagreeing). */
  readonly brokenSeq: number | null;
  readonly reason: string | null;
  readonly balanceMismatches: number;
};

export type VerifyRecorded = VerifyVerdict & { readonly headSeq: number; readonly headHash: string | null };

export function verdictOf(report: JournalVerifyReport): VerifyVerdict {
  return {
    ok: report.ok,
    entriesChecked: report.entriesChecked,
    brokenSeq: report.firstBrokenSeq ?? null,
    reason: report.firstBrokenReason ?? null,
    balanceMismatches: report.balanceMismatchCount,
  };
}

/** The auditor's verify recorded: "verified up to entry N, head hash H" or "broken at entry K". */
export const recordLedgerVerifyCommand = defineCommand({
  name: 'recordLedgerVerify',
  stores: ['journalBlocks'],
  apply: async (tx, input: VerifyVerdict) => {
    const { journal } = ledgerTables(tx.db);
    const head = await headSeqOf(tx.db);
    const stale = () => err('ledger_verify_stale');
    let recorded: VerifyRecorded;
    if (input.ok) {
      // Verified up to entry N: N is a stored entry that still hashes right (the empty journal: 0).
      const n = input.entriesChecked;
      if (!Number.isSafeInteger(n) || n < 0 || n > head.seq) return stale();
      const entry = n === 0 ? undefined : await journalEntryAt(journal, n);
      if (n > 0 && (entry === undefined || !entryHashMatches(entry))) return stale();
      recorded = { ...input, brokenSeq: null, reason: null, headSeq: n, headHash: entry?.hash ?? genesisHash };
    } else {
      const k = input.brokenSeq;
      if (k !== null) {
        if (!Number.isSafeInteger(k) || k < 1 || k > head.seq) return stale();
        const entry = await journalEntryAt(journal, k);
        if (entry === undefined) return stale();
        // The entry's own break is seen from it and its predecessor: it must still show.
        if (input.reason === 'hash_mismatch' && entryHashMatches(entry)) return stale();
        if (input.reason === 'prev_hash_mismatch') {
          const before = k === 1 ? genesisHash : (await journalEntryAt(journal, k - 1))?.hash;
          if (before === entry.prevHash) return stale();
        }
      }
      recorded = { ...input, headSeq: head.seq, headHash: null };
    }
    // The feed words each outcome by its own type; null fields are left out of the payload.
    const type = recorded.ok ? verifiedEventType : recorded.brokenSeq !== null ? verifyBrokenEventType : verifyFailedEventType;
    const { brokenSeq, reason, headHash, ...always } = recorded;
    await tx.appendEvent({
      type,
      actor: tx.meta.actor,
      payload: { ...always, ...(brokenSeq === null ? {} : { brokenSeq }), ...(reason === null ? {} : { brokenReason: reason }), ...(headHash === null ? {} : { headHash }) },
    });
    return ok(recorded);
  },
});

/** Records a verify the tab ran (verifyLedger) in the world's event log. */
export async function recordLedgerVerify(db: WorldDb, meta: CommandMeta, report: JournalVerifyReport, env: CommandEnv = {}): Promise<Result<VerifyRecorded, string>> {
  return execute(db, recordLedgerVerifyCommand, meta, verdictOf(report), env);
}
