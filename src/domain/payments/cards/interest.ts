// Credit-card interest: SettleLab's convention, modelled on the Chinese banks' "full-amount"
// rule (全额计息) as textbooks teach it.
//
// Each statement is judged on its own. A statement S is PAID IN FULL when the credits (repayments
// and refunds) posted from its cut-off up to the end of its due date add up to at least its new
// balance. Then none of S's items bear interest: the interest-free period (免息还款期) holds.
// Otherwise S loses it, and at the NEXT cut-off interest is charged on S, day by day:
//
//   interest(S) = dailyRate × Σ_days balance_S(day)          (rounded once, half-up to the fen)
//
// where the days run from the posting day of S's first item up to the day before the next cut-off,
// and balance_S(day) is what was still owed of S's items at the end of that day:
//   - during S's own cycle: S's purchases and fees posted so far, less the credits posted so far
//     beyond what the previous statement still needed (credits pay the oldest balance first);
//   - from S's cut-off on: S's whole new balance (which includes the previous balance carried over
//     and the interest and fees charged at S's cut-off), less the credits posted since the cut-off.
// So every item bears interest from its own posting date, on the full amount until it is repaid,
// and on the rest after a partial repayment, up to the next cut-off. The previous statement's
// carried balance bears interest in S's cycle through the previous statement's own computation,
// never twice. Interest and late fees charged at a cut-off are items of the new statement, so they
// bear interest too if that one is not paid in full (复利, as the banks do).
//
// The textbook case: ¥1,000 posted on 5/1, statement 5/20 (cut-off), ¥100 repaid on 6/1, nothing
// else, next cut-off 6/20: 0.05% × (1,000 × 31 days [5/1..5/31] + 900 × 19 days [6/1..6/19])
// = 0.05% × 48,100 = ¥24.05.
//
// Charge cards have no revolving credit: this function is never used for them.

import { assert } from '../../assert.ts';
import { fromMinorUnits, fromStored, percentageOf, toMinorUnits, toStored, type CurrencyCode, type StoredMoney } from '../../money/index.ts';
import { dayMs, startOfWorldDay } from '../../world/clock.ts';
import { postingDay, worldDateLabel } from './billing.ts';
import { isDebitEntry, type CardEntry } from './card.ts';
import type { CardStatementRow } from './statement.ts';

/** Consecutive days on which the same balance bore interest. */
export type InterestRun = { readonly fromDate: string; readonly days: number; readonly balance: StoredMoney };

/** How a statement's interest was computed, shown on the statement so a student can check it. */
export type InterestBasis = {
  /** The statement whose balance bore the interest (the previous one). */
  readonly onStatementId: string;
  readonly dailyRate: string;
  /** Only the days with a balance above zero. */
  readonly runs: readonly InterestRun[];
  /** Σ balance × days (积数), at the currency scale. */
  readonly balanceDays: StoredMoney;
  readonly interest: StoredMoney;
};

/** Two cycles of at most 31 days each: the longest window one computation covers. */
export const interestDaysMax = 62;

function minorOf(m: StoredMoney): bigint {
  return toMinorUnits(fromStored(m));
}

function creditsUpTo(entries: readonly CardEntry[], lastDay: number, before: number = Number.MAX_SAFE_INTEGER): bigint {
  let sum = 0n;
  for (const e of entries) if (!isDebitEntry(e.kind) && postingDay(e.postedAt) <= lastDay && e.postedAt < before) sum += minorOf(e.amount);
  return sum;
}

function debitsUpTo(entries: readonly CardEntry[], lastDay: number, before: number): bigint {
  let sum = 0n;
  for (const e of entries) if (isDebitEntry(e.kind) && postingDay(e.postedAt) <= lastDay && e.postedAt < before) sum += minorOf(e.amount);
  return sum;
}

/** Credits posted after `statement`'s cut-off and before the end of its due date. */
export function paidTowardsStatement(statement: Pick<CardStatementRow, 'payByAt' | 'currency'>, entriesSinceCutOff: readonly CardEntry[]): StoredMoney {
  let sum = 0n;
  for (const e of entriesSinceCutOff) if (!isDebitEntry(e.kind) && e.postedAt < statement.payByAt) sum += minorOf(e.amount);
  return toStored(fromMinorUnits(sum, statement.currency));
}

export function isPaidInFull(statement: Pick<CardStatementRow, 'payByAt' | 'currency' | 'newBalance'>, entriesSinceCutOff: readonly CardEntry[]): boolean {
  return minorOf(paidTowardsStatement(statement, entriesSinceCutOff)) >= minorOf(statement.newBalance);
}

/**
 * The interest charged at the cut-off `closingAt` on the previous statement `previous`, given the
 * entries posted since `previous`'s cut-off; null when `previous` owes nothing or was paid in full
 * by its due date (rule at the top).
 */
export function interestOnStatement(previous: CardStatementRow, entriesSinceCutOff: readonly CardEntry[], closingAt: number, dailyRate: string): InterestBasis | null {
  const currency: CurrencyCode = previous.currency;
  assert(closingAt > previous.payByAt, 'interest is charged after the due date has passed');
  assert(entriesSinceCutOff.every((e) => e.postedAt >= previous.closingAt && e.postedAt < closingAt), 'entries of the cycle after the statement');
  const owed = minorOf(previous.newBalance);
  if (owed <= 0n || isPaidInFull(previous, entriesSinceCutOff)) return null;

  const carried = minorOf(previous.previousBalance);
  const firstDay = postingDay(previous.cycleStartAt);
  const cutDay = postingDay(previous.closingAt);
  const endDay = postingDay(closingAt);
  assert(firstDay <= cutDay && cutDay < endDay && endDay - firstDay <= interestDaysMax, 'the window is at most two cycles');

  const daily: bigint[] = [];
  for (let day = firstDay; day < cutDay; day++) {
    // Credits pay the balance carried in from the statement before first; only what is left over
    // reduces this statement's own new items.
    const credits = creditsUpTo(previous.entries, day);
    const beyondCarried = credits > carried ? credits - carried : 0n;
    const own = debitsUpTo(previous.entries, day, previous.closingAt) - beyondCarried;
    daily.push(own > 0n ? own : 0n);
  }
  for (let day = cutDay; day < endDay; day++) {
    const left = owed - creditsUpTo(entriesSinceCutOff, day);
    daily.push(left > 0n ? left : 0n);
  }

  // Runs of equal balance, for the statement's "1,000.00 × 31 days" lines. Beijing has no daylight
  // saving, so a midnight plus whole days is the midnight of the later date.
  const firstMidnight = startOfWorldDay(previous.cycleStartAt);
  const runs: InterestRun[] = [];
  let sum = 0n;
  let i = 0;
  while (i < daily.length) {
    const balance = daily[i] ?? 0n;
    let j = i + 1;
    while (j < daily.length && daily[j] === balance) j++;
    if (balance > 0n) runs.push({ fromDate: worldDateLabel(firstMidnight + i * dayMs), days: j - i, balance: toStored(fromMinorUnits(balance, currency)) });
    sum += balance * BigInt(j - i);
    i = j;
  }
  const balanceDays = fromMinorUnits(sum, currency);
  const interest = percentageOf(balanceDays, dailyRate);
  return { onStatementId: previous.id, dailyRate, runs, balanceDays: toStored(balanceDays), interest: toStored(interest) };
}
