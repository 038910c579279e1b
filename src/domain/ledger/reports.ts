// Pure reports over account rows and journal entries. The storage layer pages large inputs: every
// function here works on one chunk, and statement() hands back its closing balance to open the next.

import { assert } from '../assert.ts';
import { scaleOf, type CurrencyCode } from '../money/index.ts';
import { minorToAmount, storedToMinor } from './amount.ts';
import { balancesOf } from './account.ts';
import { entryEffect } from './journal.ts';
import type { Account, JournalEntry, NormalSide, TransferRefs, TransferKind } from './types.ts';

/** One report reads at most this many rows per call (a page, not a world). */
export const ledgerReportRowsMax = 1_000_000;

export type TrialBalanceRow = {
  readonly currency: CurrencyCode;
  readonly debitsPosted: string;
  readonly creditsPosted: string;
  readonly postedBalanced: boolean;
  readonly debitsPending: string;
  readonly creditsPending: string;
  readonly pendingBalanced: boolean;
};

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Per currency: the totals of all accounts' debits and credits, posted and pending apart. In a
 * double-entry ledger both pairs are equal; `balanced` says whether they are. Rows by currency.
 */
export function trialBalance(accounts: Iterable<Account>): TrialBalanceRow[] {
  const sums = new Map<CurrencyCode, { dp: bigint; cp: bigint; dpe: bigint; cpe: bigint }>();
  let count = 0;
  for (const account of accounts) {
    count += 1;
    assert(count <= ledgerReportRowsMax, `at most ${ledgerReportRowsMax} accounts per report`);
    const b = balancesOf(account);
    const sum = sums.get(account.currency) ?? { dp: 0n, cp: 0n, dpe: 0n, cpe: 0n };
    sum.dp += b.debitsPosted;
    sum.cp += b.creditsPosted;
    sum.dpe += b.debitsPending;
    sum.cpe += b.creditsPending;
    sums.set(account.currency, sum);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([currency, s]) => {
      const scale = scaleOf(currency);
      return {
        currency,
        debitsPosted: minorToAmount(s.dp, scale),
        creditsPosted: minorToAmount(s.cp, scale),
        postedBalanced: s.dp === s.cp,
        debitsPending: minorToAmount(s.dpe, scale),
        creditsPending: minorToAmount(s.cpe, scale),
        pendingBalanced: s.dpe === s.cpe,
      };
    });
}

export type BalanceSheetGroup = {
  readonly normal: NormalSide;
  readonly code: string;
  readonly currency: CurrencyCode;
  readonly accounts: number;
  /** Posted balances in the normal side's sign, summed. */
  readonly posted: string;
  /** Pending amounts in the normal side's sign, summed (holds for and against the group). */
  readonly pending: string;
};

export type BalanceSheetTotal = { readonly normal: NormalSide; readonly currency: CurrencyCode; readonly posted: string };

export type BalanceSheet = {
  readonly bookId: string;
  readonly groups: readonly BalanceSheetGroup[];
  /** Per normal side and currency. A book's sides need not match: transfers cross books. */
  readonly totals: readonly BalanceSheetTotal[];
};

/**
 * The accounts one institution keeps (bookId), grouped by normal side (debit-normal first: what
 * the book's owner is owed, then credit-normal: what it owes), then account code and currency.
 */
export function balanceSheet(accounts: Iterable<Account>, bookId: string): BalanceSheet {
  const groups = new Map<string, { normal: NormalSide; code: string; currency: CurrencyCode; accounts: number; posted: bigint; pending: bigint }>();
  let count = 0;
  for (const account of accounts) {
    count += 1;
    assert(count <= ledgerReportRowsMax, `at most ${ledgerReportRowsMax} accounts per report`);
    if (account.bookId !== bookId) continue;
    const b = balancesOf(account);
    const sign = account.normal === 'debit' ? 1n : -1n;
    const key = JSON.stringify([account.normal, account.code, account.currency]);
    const group = groups.get(key) ?? { normal: account.normal, code: account.code, currency: account.currency, accounts: 0, posted: 0n, pending: 0n };
    group.accounts += 1;
    group.posted += sign * (b.debitsPosted - b.creditsPosted);
    group.pending += sign * (b.debitsPending - b.creditsPending);
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort((a, b) =>
    (a.normal === b.normal ? 0 : a.normal === 'debit' ? -1 : 1) || compareText(a.code, b.code) || compareText(a.currency, b.currency));
  const totals = new Map<string, { normal: NormalSide; currency: CurrencyCode; posted: bigint }>();
  for (const g of sorted) {
    const key = `${g.normal}/${g.currency}`;
    const total = totals.get(key) ?? { normal: g.normal, currency: g.currency, posted: 0n };
    total.posted += g.posted;
    totals.set(key, total);
  }
  return {
    bookId,
    groups: sorted.map((g) => ({
      normal: g.normal,
      code: g.code,
      currency: g.currency,
      accounts: g.accounts,
      posted: minorToAmount(g.posted, scaleOf(g.currency)),
      pending: minorToAmount(g.pending, scaleOf(g.currency)),
    })),
    totals: [...totals.values()].map((t) => ({ normal: t.normal, currency: t.currency, posted: minorToAmount(t.posted, scaleOf(t.currency)) })),
  };
}

export type StatementAccount = Pick<Account, 'id' | 'normal' | 'currency'>;

/** AccountBalances at a point of the journal, in the normal side's sign. */
export type StatementBalance = { readonly posted: string; readonly pending: string };

export type StatementFilter = {
  /** World time, inclusive. */
  readonly fromAt?: number;
  /** World time, exclusive. */
  readonly toAt?: number;
  /** Only entries with one of these codes. */
  readonly codes?: readonly string[];
};

export type StatementRow = {
  readonly seq: number;
  readonly at: number;
  readonly transferId: string;
  readonly kind: TransferKind;
  readonly code: string;
  readonly refs: TransferRefs;
  /** Which side of this entry the account is on. */
  readonly side: NormalSide;
  readonly counterpartyAccountId: string;
  /** Change of the posted balance, in the normal side's sign (negative: money out). */
  readonly postedChange: string;
  /** Change of the pending amount, in the normal side's sign (a hold against a deposit account is
   * negative; its release positive). */
  readonly pendingChange: string;
  /** Running posted balance after this entry. */
  readonly balance: string;
  /** Running pending amount after this entry. */
  readonly pending: string;
};

/**
 * The account's rows in one chunk of entries (in seq order), with running balances. Every entry of
 * the account moves the running balance; only those matching `filter` become rows, so a filtered
 * statement still shows true balances. Returns the closing balance to open the next chunk.
 */
export function statement(
  entries: readonly JournalEntry[],
  account: StatementAccount,
  opening: StatementBalance,
  filter: StatementFilter = {},
): { rows: StatementRow[]; closing: StatementBalance } {
  assert(entries.length <= ledgerReportRowsMax, `at most ${ledgerReportRowsMax} entries per statement chunk`);
  const scale = scaleOf(account.currency);
  const parseSigned = (amount: string): bigint => {
    const negative = amount.startsWith('-');
    const minor = storedToMinor(negative ? amount.slice(1) : amount, scale);
    assert(minor !== undefined, `opening balance is an amount at scale: ${amount}`);
    return negative ? -minor : minor;
  };
  let posted = parseSigned(opening.posted);
  let pending = parseSigned(opening.pending);
  const codes = filter.codes === undefined ? undefined : new Set(filter.codes);
  const rows: StatementRow[] = [];
  for (const entry of entries) {
    const isDebit = entry.debitAccountId === account.id;
    if (!isDebit && entry.creditAccountId !== account.id) continue;
    assert(entry.currency === account.currency, `entry ${entry.seq} is in the account's currency`);
    const effect = entryEffect(entry.kind, entry.amount, entry.releasedAmount, scale);
    assert(effect !== undefined, `entry ${entry.seq} follows the journal rule`);
    const side: NormalSide = isDebit ? 'debit' : 'credit';
    const sign = side === account.normal ? 1n : -1n;
    posted += sign * effect.posted;
    pending += sign * effect.pending;
    if (filter.fromAt !== undefined && entry.at < filter.fromAt) continue;
    if (filter.toAt !== undefined && entry.at >= filter.toAt) continue;
    if (codes !== undefined && !codes.has(entry.code)) continue;
    rows.push({
      seq: entry.seq,
      at: entry.at,
      transferId: entry.transferId,
      kind: entry.kind,
      code: entry.code,
      refs: entry.refs,
      side,
      counterpartyAccountId: isDebit ? entry.creditAccountId : entry.debitAccountId,
      postedChange: minorToAmount(sign * effect.posted, scale),
      pendingChange: minorToAmount(sign * effect.pending, scale),
      balance: minorToAmount(posted, scale),
      pending: minorToAmount(pending, scale),
    });
  }
  return { rows, closing: { posted: minorToAmount(posted, scale), pending: minorToAmount(pending, scale) } };
}
