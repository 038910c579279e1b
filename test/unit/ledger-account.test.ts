import { describe, expect, it } from 'vitest';
import {
  amountToMinor,
  availableOf,
  balanceOf,
  createAccount,
  limitViolation,
  balancesOf,
  minorToAmount,
  storedToMinor,
  type Account,
  type AccountInput,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2025, 0, 1);

const deposit: AccountInput = {
  id: 'acct-buyer-deposit',
  partyId: 'buyer-1',
  bookId: 'bank-icbc',
  code: 'bank.deposit',
  name: 'Buyer deposit',
  currency: 'CNY',
  normal: 'credit',
  flags: { debitsMustNotExceedCredits: true },
};

function created(input: AccountInput): Account {
  const result = createAccount(input, t0);
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

describe('amounts in minor units', () => {
  it('parses request amounts exactly, by string, at the scale', () => {
    expect(amountToMinor('12.30', 2)).toBe(1230n);
    expect(amountToMinor('12.3', 2)).toBe(1230n);
    expect(amountToMinor('12', 2)).toBe(1200n);
    expect(amountToMinor('0.07', 2)).toBe(7n);
    expect(amountToMinor('-5', 2)).toBe(-500n);
    expect(amountToMinor('007.10', 2)).toBe(710n);
    expect(amountToMinor('1230', 0)).toBe(1230n);
    expect(amountToMinor('999999999999999.99', 2)).toBe(99999999999999999n);
  });

  it('refuses what is not a plain amount at the scale', () => {
    for (const bad of ['12.345', '1e3', ' 1', '1.', '.5', '', 'abc', '1,000', '0x10', '1230.5']) {
      expect(amountToMinor(bad, bad === '1230.5' ? 0 : 2), bad).toBeUndefined();
    }
    expect(amountToMinor('1000000000000000', 2)).toBeUndefined(); // 16 integer digits
  });

  it('stored amounts must be canonical: exactly at scale, no sign, no leading zeros', () => {
    expect(storedToMinor('12.30', 2)).toBe(1230n);
    expect(storedToMinor('0.00', 2)).toBe(0n);
    expect(storedToMinor('1230', 0)).toBe(1230n);
    for (const bad of ['12.3', '012.30', '-1.00', '12.300', '12', '1e2']) expect(storedToMinor(bad, 2), bad).toBeUndefined();
  });

  it('formats minor units at the scale', () => {
    expect(minorToAmount(1230n, 2)).toBe('12.30');
    expect(minorToAmount(5n, 2)).toBe('0.05');
    expect(minorToAmount(0n, 2)).toBe('0.00');
    expect(minorToAmount(-5n, 2)).toBe('-0.05');
    expect(minorToAmount(1230n, 0)).toBe('1230');
    expect(minorToAmount(123456789012345678901234567890n, 2)).toBe('1234567890123456789012345678.90');
  });
});

describe('createAccount', () => {
  it('builds a row with zero balances at the currency scale and the world time', () => {
    const account = created(deposit);
    expect(account).toEqual({
      ...deposit,
      debitsPosted: '0.00',
      creditsPosted: '0.00',
      debitsPending: '0.00',
      creditsPending: '0.00',
      createdAt: t0,
    });
    expect(created({ ...deposit, currency: 'JPY' }).debitsPosted).toBe('0');
  });

  it('normalizes the credit limit to the stored form and keeps only true flags', () => {
    const card = created({ ...deposit, normal: 'debit', flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false, creditLimit: '5000' } });
    expect(card.flags).toEqual({ debitsMustNotExceedCredits: true, creditLimit: '5000.00' });
    expect(created({ ...deposit, flags: undefined }).flags).toEqual({});
  });

  it('names every invalid input', () => {
    const cases: [Partial<AccountInput>, string][] = [
      [{ id: '' }, 'field_required'],
      [{ partyId: '' }, 'field_required'],
      [{ bookId: '' }, 'field_required'],
      [{ code: '' }, 'field_required'],
      [{ name: '' }, 'field_required'],
      [{ id: 'x'.repeat(201) }, 'field_too_long'],
      [{ code: 'x'.repeat(65) }, 'field_too_long'],
      [{ currency: 'XYZ' as never }, 'currency_unknown'],
      [{ normal: 'sideways' as never }, 'normal_side_invalid'],
      [{ flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true } }, 'flags_are_mutually_exclusive'],
      [{ flags: { debitsMustNotExceedCredits: true, creditLimit: '-1' } }, 'credit_limit_invalid'],
      [{ flags: { debitsMustNotExceedCredits: true, creditLimit: '1.001' } }, 'credit_limit_invalid'],
      [{ flags: { creditLimit: '100' } }, 'credit_limit_without_restriction'],
    ];
    for (const [patch, code] of cases) {
      const result = createAccount({ ...deposit, ...patch }, t0);
      expect(result.ok ? 'ok' : result.code, JSON.stringify(patch)).toBe(code);
    }
    const missing = createAccount({ ...deposit, name: '' }, t0);
    expect(missing.ok ? undefined : missing.detail).toEqual({ field: 'name' });
  });
});

describe('balances', () => {
  const withRow = (a: Account, b: Partial<Pick<Account, 'debitsPosted' | 'creditsPosted' | 'debitsPending' | 'creditsPending'>>): Account => ({ ...a, ...b });

  it('balanceOf is the posted balance in the normal side sign', () => {
    const dep = withRow(created(deposit), { creditsPosted: '100.00', debitsPosted: '30.50', debitsPending: '10.00' });
    expect(balanceOf(dep).amount.toFixed(2)).toBe('69.50');
    expect(balanceOf(dep).currency).toBe('CNY');
    const asset = withRow(created({ ...deposit, normal: 'debit', flags: {} }), { debitsPosted: '100.00', creditsPosted: '30.50' });
    expect(balanceOf(asset).amount.toFixed(2)).toBe('69.50');
  });

  it('availableOf is the room left on the restricted side', () => {
    const dep = withRow(created(deposit), { creditsPosted: '100.00', debitsPosted: '30.50', debitsPending: '10.00', creditsPending: '999.00' });
    // Pending credits are not spendable yet; pending debits are already reserved.
    expect(availableOf(dep).amount.toFixed(2)).toBe('59.50');
    const card = withRow(created({ ...deposit, normal: 'debit', flags: { debitsMustNotExceedCredits: true, creditLimit: '1000.00' } }), {
      debitsPosted: '300.00', debitsPending: '50.00', creditsPosted: '100.00',
    });
    expect(availableOf(card).amount.toFixed(2)).toBe('750.00');
    const asset = withRow(created({ ...deposit, normal: 'debit', flags: { creditsMustNotExceedDebits: true } }), {
      debitsPosted: '80.00', creditsPosted: '20.00', creditsPending: '5.00',
    });
    expect(availableOf(asset).amount.toFixed(2)).toBe('55.00');
    const open = withRow(created({ ...deposit, flags: {} }), { creditsPosted: '10.00', debitsPending: '15.00' });
    expect(availableOf(open).amount.toFixed(2)).toBe('-5.00');
  });

  it('limitViolation says which code a limit breach earns', () => {
    const dep = created(deposit);
    const b = balancesOf(dep);
    expect(limitViolation(dep, b)).toBeUndefined();
    expect(limitViolation(dep, { ...b, debitsPending: 1n })).toBe('insufficient_funds');
    const card = created({ ...deposit, normal: 'debit', flags: { debitsMustNotExceedCredits: true, creditLimit: '1.00' } });
    expect(limitViolation(card, { ...b, debitsPosted: 100n })).toBeUndefined();
    expect(limitViolation(card, { ...b, debitsPosted: 101n })).toBe('exceeds_credit_limit');
    const asset = created({ ...deposit, flags: { creditsMustNotExceedDebits: true } });
    expect(limitViolation(asset, { ...b, creditsPosted: 1n })).toBe('insufficient_funds');
    expect(limitViolation(asset, { ...b, creditsPosted: 1n, debitsPosted: 1n })).toBeUndefined();
  });
});
