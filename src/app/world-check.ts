import { err, institutionSeeds, ok, trialBalance, type Account, type Result } from '../domain/index.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { isHeadRow, journalHeadKey } from '../storage/ledger-tables.ts';
import type { WorldDb } from '../storage/schema.ts';
import { brokenReference, misfitField, worldTables, type WorldArea } from '../storage/world-shape.ts';
import { clockKey } from './clock-read.ts';
import { verifyLedger, type VerifyOptions } from './ledger.ts';

// Does a world hold together? Run on an imported world (in its own database, before the registry
// names it) so a file edited by hand is refused with the reason instead of showing forged money or
// crashing later: every row's shape and references (world-shape.ts), a clock, every institution,
// parties named in both languages, the ledger's verify (the hash chain and every account's
// balances recomputed from the journal) and a trial balance of zero.

export type WorldCheckError =
  | 'world_clock_invalid'
  | 'world_party_name_missing'
  | 'world_institution_missing'
  | 'world_row_invalid' // detail.area (a WorldArea), detail.field (for tests, not shown)
  | 'world_reference_broken' // detail.area, detail.field
  | 'world_ledger_broken' // detail.seq: the first entry that does not verify
  | 'world_ledger_unreadable'
  | 'world_balance_forged' // detail.account: the account's name
  | 'world_books_unbalanced';

/** Tables whose ids other tables name: read first. */
const firstTables = ['parties', 'accounts'] as const;

/** Sequential ranges verify in this thread; a caller in the browser may pass workers. */
export async function checkWorld(db: WorldDb, verify: VerifyOptions = {}): Promise<Result<null, WorldCheckError>> {
  const [clock, head] = await db.meta.bulkGet([clockKey, journalHeadKey]);
  if (clock === undefined || !Number.isSafeInteger(clock.value) || (clock.value as number) < 0) return err('world_clock_invalid');
  if (head !== undefined && (!isHeadRow(head.value) || !/^[0-9a-f]{64}$/.test(head.value.hash) || !Number.isSafeInteger(head.value.seq))) return err('world_ledger_unreadable');

  const tables = worldTables();
  const parties = new Set<string>();
  const accountIds = new Set<string>();
  const accounts: Account[] = [];
  let problem: Result<null, WorldCheckError> | undefined;
  const order = [...firstTables, ...[...tables.keys()].filter((t) => !(firstTables as readonly string[]).includes(t))];
  for (const table of order) {
    const area: WorldArea = tables.get(table) ?? 'world';
    if (!db.tables.some((t) => t.name === table)) return err('world_row_invalid', { area, field: table });
    await db.table(table).each((row: unknown) => {
      if (problem !== undefined) return;
      const misfit = misfitField(table, row);
      if (misfit !== undefined) {
        problem = table === 'parties' && misfit === 'name' ? err('world_party_name_missing') : err('world_row_invalid', { area, field: `${table}.${misfit}` });
        return;
      }
      const broken = brokenReference(table, row, parties, accountIds);
      if (broken !== undefined) {
        problem = err('world_reference_broken', { area, field: `${table}.${broken}` });
        return;
      }
      if (table === 'parties') parties.add((row as { id: string }).id);
      if (table === 'accounts') {
        accountIds.add((row as Account).id);
        accounts.push(row as Account);
      }
    });
    if (problem !== undefined) return problem;
  }
  if (institutionSeeds.some((p) => !parties.has(p.id))) return err('world_institution_missing');

  try {
    const report = await verifyLedger(db, undefined, verify);
    if (report.firstBrokenSeq !== undefined) return err('world_ledger_broken', { seq: report.firstBrokenSeq });
    const mismatch = report.balanceMismatches[0];
    if (mismatch !== undefined) {
      const account = accounts.find((a) => a.id === mismatch.accountId);
      return err('world_balance_forged', { account: account?.name ?? mismatch.accountId });
    }
    if (!report.ok) return err('world_ledger_unreadable');
    if (trialBalance(accounts).some((row) => !row.postedBalanced || !row.pendingBalanced)) return err('world_books_unbalanced');
  } catch (e) {
    // The disk, not the file: the caller names it (a full disk, a closed database).
    if (storageFaultOf(e) !== undefined) throw e;
    // A row the shape checks let through that the ledger still cannot read (a currency it does not
    // know, an amount at the wrong scale): the file is refused, not the app crashed.
    return err('world_ledger_unreadable');
  }
  return ok(null);
}
