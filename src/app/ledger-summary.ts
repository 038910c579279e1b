import Decimal from 'decimal.js';
import { assert, balanceSheet, scaleOf, trialBalance, type Account, type BalanceSheet, type TrialBalanceRow } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { ledgerTables } from '../storage/ledger-tables.ts';

// What the auditor's page shows of the account rows (issue #18 item 5): the trial balance per
// currency and each book's balance sheet, summed from the accounts read a page at a time in one
// read transaction (a consistent snapshot), so the page never holds the whole table. The page
// asks for it when it opens and again after writes (at most one pass running, see AuditorPage),
// not as a live query over every account re-run on every write.

/** Accounts read per request. */
export const summaryAccountsPageRows = 500;
/** Pages at most (a bound on the loop; 5M accounts, far beyond any class's world). */
export const summaryAccountPagesMax = 10_000;

export type LedgerSummary = {
  readonly trial: readonly TrialBalanceRow[];
  readonly sheets: readonly BalanceSheet[];
  /** Account rows read (every account once). */
  readonly accountsRead: number;
};

type TrialSums = { dp: Decimal; cp: Decimal; dpe: Decimal; cpe: Decimal };
type GroupSums = { normal: BalanceSheet['groups'][number]['normal']; code: string; currency: string; accounts: number; posted: Decimal; pending: Decimal };

/** The trial balance and the balance sheets of every book, from pages of account rows. */
export async function ledgerSummary(db: WorldDb, pageRows = summaryAccountsPageRows): Promise<LedgerSummary> {
  assert(Number.isSafeInteger(pageRows) && pageRows >= 1, 'a page holds at least one account');
  const { accounts } = ledgerTables(db);
  return db.transaction('r', accounts, async () => {
    const trial = new Map<string, TrialSums>();
    // bookId → group key → sums; the domain's own reports run on each page, their sums are added.
    const books = new Map<string, Map<string, GroupSums>>();
    let read = 0;
    let after: string | undefined;
    for (let pageNo = 0; pageNo < summaryAccountPagesMax; pageNo++) {
      const page: Account[] = await (after === undefined ? accounts.orderBy(':id') : accounts.where(':id').above(after)).limit(pageRows).toArray();
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.id;
      for (const row of trialBalance(page)) {
        const s = trial.get(row.currency) ?? { dp: new Decimal(0), cp: new Decimal(0), dpe: new Decimal(0), cpe: new Decimal(0) };
        trial.set(row.currency, { dp: s.dp.plus(row.debitsPosted), cp: s.cp.plus(row.creditsPosted), dpe: s.dpe.plus(row.debitsPending), cpe: s.cpe.plus(row.creditsPending) });
      }
      for (const bookId of new Set(page.map((a) => a.bookId))) {
        const groups = books.get(bookId) ?? new Map<string, GroupSums>();
        books.set(bookId, groups);
        for (const g of balanceSheet(page, bookId).groups) {
          const key = JSON.stringify([g.normal, g.code, g.currency]);
          const s = groups.get(key) ?? { normal: g.normal, code: g.code, currency: g.currency, accounts: 0, posted: new Decimal(0), pending: new Decimal(0) };
          groups.set(key, { ...s, accounts: s.accounts + g.accounts, posted: s.posted.plus(g.posted), pending: s.pending.plus(g.pending) });
        }
      }
      if (page.length < pageRows) break;
    }
    const fixed = (d: Decimal, currency: string) => d.toFixed(scaleOf(currency as TrialBalanceRow['currency']));
    const trialRows: TrialBalanceRow[] = [...trial.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, s]) => ({
      currency: currency as TrialBalanceRow['currency'],
      debitsPosted: fixed(s.dp, currency),
      creditsPosted: fixed(s.cp, currency),
      postedBalanced: s.dp.eq(s.cp),
      debitsPending: fixed(s.dpe, currency),
      creditsPending: fixed(s.cpe, currency),
      pendingBalanced: s.dpe.eq(s.cpe),
    }));
    return { trial: trialRows, sheets: [...books.entries()].map(([bookId, groups]) => sheetOf(bookId, [...groups.values()], fixed)), accountsRead: read };
  });
}

/** A book's groups in the domain report's order (debit-normal first, then code, currency), with totals. */
function sheetOf(bookId: string, groups: GroupSums[], fixed: (d: Decimal, currency: string) => string): BalanceSheet {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...groups].sort((a, b) => (a.normal === b.normal ? 0 : a.normal === 'debit' ? -1 : 1) || text(a.code, b.code) || text(a.currency, b.currency));
  const totals = new Map<string, { normal: GroupSums['normal']; currency: string; posted: Decimal }>();
  for (const g of sorted) {
    const key = `${g.normal}/${g.currency}`;
    const t = totals.get(key) ?? { normal: g.normal, currency: g.currency, posted: new Decimal(0) };
    totals.set(key, { ...t, posted: t.posted.plus(g.posted) });
  }
  type Currency = BalanceSheet['groups'][number]['currency'];
  return {
    bookId,
    groups: sorted.map((g) => ({ normal: g.normal, code: g.code, currency: g.currency as Currency, accounts: g.accounts, posted: fixed(g.posted, g.currency), pending: fixed(g.pending, g.currency) })),
    totals: [...totals.values()].map((t) => ({ normal: t.normal, currency: t.currency as Currency, posted: fixed(t.posted, t.currency) })),
  };
}
