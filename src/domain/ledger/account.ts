// Accounts: creation with validation, balances read in the normal side's sign, and the balance-limit
// rule shared by applyTransfers and the tests.

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { isCurrencyCode, money, scaleOf, type Money } from '../money/index.ts';
import { amountToMinor, minorToAmount, storedToMinor } from './amount.ts';
import type { Account, AccountErrorCode, AccountInput } from './types.ts';

/** Ids (accounts and transfers) are caller-chosen keys; longer than this is a bug or an attack. */
export const ledgerIdLengthMax = 200;
/** Account and transfer codes ('escrow.hold'): short machine words. */
export const ledgerCodeLengthMax = 64;
export const accountNameLengthMax = 200;

/** The four balances of one account in minor units. */
export type AccountBalances = {
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
};

export const balanceFields = ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'] as const;
export type BalanceField = (typeof balanceFields)[number];

function requiredText(value: unknown, field: string, lengthMax: number): Result<string, AccountErrorCode> {
  if (typeof value !== 'string' || value.length === 0) return err('field_required', { field });
  if (value.length > lengthMax) return err('field_too_long', { field, lengthMax });
  return ok(value);
}

/**
 * Builds a new account row with zero balances. The caller checks that the id is free (an existing
 * row with the same id is the storage layer's `exists` case).
 */
export function createAccount(input: AccountInput, now: number): Result<Account, AccountErrorCode> {
  assert(Number.isSafeInteger(now) && now >= 0, 'world time is a non-negative integer');
  const texts: [keyof AccountInput, number][] = [
    ['id', ledgerIdLengthMax],
    ['partyId', ledgerIdLengthMax],
    ['bookId', ledgerIdLengthMax],
    ['code', ledgerCodeLengthMax],
    ['name', accountNameLengthMax],
  ];
  for (const [field, lengthMax] of texts) {
    const checked = requiredText(input[field], field, lengthMax);
    if (!checked.ok) return checked;
  }
  if (!isCurrencyCode(input.currency)) return err('currency_unknown', { currency: String(input.currency) });
  if (input.normal !== 'debit' && input.normal !== 'credit') return err('normal_side_invalid');

  const flagsIn = input.flags ?? {};
  const debitsRestricted = flagsIn.debitsMustNotExceedCredits === true;
  const creditsRestricted = flagsIn.creditsMustNotExceedDebits === true;
  if (debitsRestricted && creditsRestricted) return err('flags_are_mutually_exclusive');
  let creditLimit: string | undefined;
  if (flagsIn.creditLimit !== undefined) {
    const scale = scaleOf(input.currency);
    const minor = amountToMinor(flagsIn.creditLimit, scale);
    if (minor === undefined || minor < 0n) return err('credit_limit_invalid');
    if (!debitsRestricted && !creditsRestricted) return err('credit_limit_without_restriction');
    creditLimit = minorToAmount(minor, scale);
  }
  // Only true flags are kept, so two accounts built from equivalent inputs are equal rows.
  const flags = {
    ...(debitsRestricted ? { debitsMustNotExceedCredits: true } : {}),
    ...(creditsRestricted ? { creditsMustNotExceedDebits: true } : {}),
    ...(creditLimit !== undefined ? { creditLimit } : {}),
  };
  const zeroAmount = minorToAmount(0n, scaleOf(input.currency));
  const account: Account = {
    id: input.id,
    partyId: input.partyId,
    bookId: input.bookId,
    code: input.code,
    name: input.name,
    currency: input.currency,
    normal: input.normal,
    flags,
    debitsPosted: zeroAmount,
    creditsPosted: zeroAmount,
    debitsPending: zeroAmount,
    creditsPending: zeroAmount,
    createdAt: now,
  };
  assert(limitViolation(account, balancesOf(account)) === undefined, 'a new account is within its limits');
  return ok(account);
}

/** The four stored balances in minor units; a malformed stored balance is a bug (assertion). */
export function balancesOf(account: Account): AccountBalances {
  const scale = scaleOf(account.currency);
  const parse = (field: BalanceField): bigint => {
    const minor = storedToMinor(account[field], scale);
    assert(minor !== undefined, `account ${account.id} ${field} is not a stored amount: ${account[field]}`);
    return minor;
  };
  return {
    debitsPosted: parse('debitsPosted'),
    creditsPosted: parse('creditsPosted'),
    debitsPending: parse('debitsPending'),
    creditsPending: parse('creditsPending'),
  };
}

/** The account row with new balances (everything else unchanged). */
export function withBalances(account: Account, balances: AccountBalances): Account {
  const scale = scaleOf(account.currency);
  for (const field of balanceFields) assert(balances[field] >= 0n, `account ${account.id} ${field} would go negative`);
  return {
    ...account,
    debitsPosted: minorToAmount(balances.debitsPosted, scale),
    creditsPosted: minorToAmount(balances.creditsPosted, scale),
    debitsPending: minorToAmount(balances.debitsPending, scale),
    creditsPending: minorToAmount(balances.creditsPending, scale),
  };
}

/** The credit limit in minor units (0 when absent). */
export function creditLimitMinor(account: Account): bigint {
  if (account.flags.creditLimit === undefined) return 0n;
  const minor = storedToMinor(account.flags.creditLimit, scaleOf(account.currency));
  assert(minor !== undefined, `account ${account.id} creditLimit is not a stored amount`);
  return minor;
}

/**
 * The limit rule (see AccountFlags): which error these balances would earn on this account, or
 * undefined when they are within its limits.
 */
export function limitViolation(
  account: Account,
  b: AccountBalances,
  limitMinor: bigint = creditLimitMinor(account),
): 'insufficient_funds' | 'exceeds_credit_limit' | undefined {
  const code = account.flags.creditLimit === undefined ? 'insufficient_funds' : 'exceeds_credit_limit';
  if (account.flags.debitsMustNotExceedCredits === true) {
    if (b.debitsPosted + b.debitsPending > b.creditsPosted + limitMinor) return code;
  }
  if (account.flags.creditsMustNotExceedDebits === true) {
    if (b.creditsPosted + b.creditsPending > b.debitsPosted + limitMinor) return code;
  }
  return undefined;
}

function asMoney(minor: bigint, account: Account): Money {
  return money(minorToAmount(minor, scaleOf(account.currency)), account.currency);
}

/** Posted balance in the normal side's sign: debits - credits for a debit-normal account. */
export function balanceOf(account: Account): Money {
  const b = balancesOf(account);
  const debitMinusCredit = b.debitsPosted - b.creditsPosted;
  return asMoney(account.normal === 'debit' ? debitMinusCredit : -debitMinusCredit, account);
}

/**
 * Room left on the restricted side: how much more may be debited (debitsMustNotExceedCredits) or
 * credited (creditsMustNotExceedDebits) before applyTransfers refuses, i.e. the other side's posted
 * total plus creditLimit, minus the restricted side's posted AND pending totals. For a deposit
 * account that is the spendable balance; for a card account, the credit still available.
 * An account without a restriction has no such room; for it this is the posted balance in the
 * normal side's sign minus the pending amounts that would reduce it (holds against it).
 */
export function availableOf(account: Account): Money {
  const b = balancesOf(account);
  const limit = creditLimitMinor(account);
  if (account.flags.debitsMustNotExceedCredits === true) {
    return asMoney(b.creditsPosted + limit - b.debitsPosted - b.debitsPending, account);
  }
  if (account.flags.creditsMustNotExceedDebits === true) {
    return asMoney(b.debitsPosted + limit - b.creditsPosted - b.creditsPending, account);
  }
  return account.normal === 'debit'
    ? asMoney(b.debitsPosted - b.creditsPosted - b.creditsPending, account)
    : asMoney(b.creditsPosted - b.debitsPosted - b.debitsPending, account);
}
