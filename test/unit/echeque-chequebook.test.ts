import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/domain/assert.ts';
import {
  chequeNumbersOf,
  chequebookContains,
  chequesPerBookMax,
  findChequebook,
  isChequeFromBook,
  issueChequebook,
  recordChequePaid,
  recordChequeStopped,
  wasChequePaid,
} from '../../src/domain/payments/echeque/index.ts';
import { book, drawerAccount, t0 } from './echeque-fixtures.ts';

const drawer = { partyId: 'buyer-1', bank: 'bank-a', account: drawerAccount.accountNumber };

describe('issueChequebook', () => {
  it('issues a range of eight-digit numbers on a cheque-enabled account', () => {
    expect(book).toMatchObject({ id: `bank-a:${drawerAccount.accountNumber}:10203001`, holderPartyId: 'buyer-1', count: 25, paidNumbers: [], stoppedNumbers: [] });
    const numbers = chequeNumbersOf(book);
    expect(numbers).toHaveLength(25);
    expect(numbers[0]).toBe('10203001');
    expect(numbers.at(-1)).toBe('10203025');
    const small = issueChequebook(drawerAccount, { firstNumber: '00000001', count: 3 }, [book], t0);
    expect(small.ok && chequeNumbersOf(small.value)).toEqual(['00000001', '00000002', '00000003']);
  });

  it('refuses an account not enabled for cheques, bad numbers, bad sizes and overlapping ranges', () => {
    expect(issueChequebook({ ...drawerAccount, chequeEnabled: false }, { firstNumber: '10203001', count: 25 }, [], t0)).toMatchObject({ ok: false, code: 'account_not_cheque_enabled' });
    expect(issueChequebook(drawerAccount, { firstNumber: '1020300', count: 25 }, [], t0)).toMatchObject({ ok: false, code: 'cheque_number_invalid' });
    expect(issueChequebook(drawerAccount, { firstNumber: '99999990', count: 25 }, [], t0)).toMatchObject({ ok: false, code: 'cheque_number_invalid' });
    expect(issueChequebook(drawerAccount, { firstNumber: '10203001', count: 0 }, [], t0)).toMatchObject({ ok: false, code: 'chequebook_size_invalid' });
    expect(issueChequebook(drawerAccount, { firstNumber: '10203001', count: chequesPerBookMax + 1 }, [], t0)).toMatchObject({ ok: false, code: 'chequebook_size_invalid' });
    expect(issueChequebook(drawerAccount, { firstNumber: '10203025', count: 10 }, [book], t0)).toMatchObject({ ok: false, code: 'cheque_range_overlaps', detail: { bookId: book.id } });
    expect(issueChequebook(drawerAccount, { firstNumber: '10202992', count: 10 }, [book], t0)).toMatchObject({ ok: false, code: 'cheque_range_overlaps' });
    expect(issueChequebook(drawerAccount, { firstNumber: '10203026', count: 10 }, [book], t0).ok).toBe(true);
    expect(issueChequebook(drawerAccount, { firstNumber: '10202991', count: 10 }, [book], t0).ok).toBe(true);
  });
});

describe('is this number from this drawer\'s book', () => {
  it('answers by bank, account, holder and range', () => {
    expect(chequebookContains(book, '10203001')).toBe(true);
    expect(chequebookContains(book, '10203026')).toBe(false);
    expect(chequebookContains(book, '1020300x')).toBe(false);
    expect(findChequebook([book], drawer, '10203025')).toBe(book);
    expect(isChequeFromBook([book], drawer, '10203026')).toBe(false);
    expect(isChequeFromBook([book], { ...drawer, partyId: 'buyer-9' }, '10203001')).toBe(false);
    expect(isChequeFromBook([book], { ...drawer, bank: 'bank-b' }, '10203001')).toBe(false);
    expect(isChequeFromBook([book], { ...drawer, account: 'bank-a:deposit:buyer-9' }, '10203001')).toBe(false);
  });
});

describe('presented and stopped numbers', () => {
  it('records each number once, in order', () => {
    const paid = recordChequePaid(recordChequePaid(book, '10203007'), '10203002');
    expect(paid.paidNumbers).toEqual(['10203002', '10203007']);
    expect(wasChequePaid(paid, '10203007')).toBe(true);
    expect(wasChequePaid(paid, '10203001')).toBe(false);
    expect(book.paidNumbers).toEqual([]);
    expect(() => recordChequePaid(paid, '10203007')).toThrow(AssertionError);
    expect(() => recordChequePaid(book, '10203026')).toThrow(AssertionError);
    const stopped = recordChequeStopped(paid, '10203003');
    expect(stopped.stoppedNumbers).toEqual(['10203003']);
    expect(() => recordChequeStopped(paid, '10203002')).toThrow(AssertionError);
    expect(() => recordChequePaid(stopped, '10203003')).toThrow(AssertionError);
  });
});
