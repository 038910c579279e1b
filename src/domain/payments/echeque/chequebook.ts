// E-chequebooks (电子支票簿). A bank issues a book, a range of cheque numbers, on a deposit account
// it has enabled for cheques. The book row is the BANK's record of those numbers: which were paid
// (the presented-numbers set behind the duplicate-presentment check) and which the drawer stopped.
// A cheque is identified by bank, account and number, as a paper cheque by its MICR line.
//
// "Presented" in the duplicate check means presented AND PAID: a cheque returned for a curable
// reason (no funds yet, dated ahead) may be presented again once the reason is gone, as a paper
// cheque can; what may never happen twice is paying it.

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { chequeNumberDigits, isAccountNumber, isChequeNumber, isIdentifier, isName, isWorldTime } from './fields.ts';

/** The deposit account a book draws on, as its bank keeps it. */
export type ChequeAccount = {
  readonly bankId: string;
  readonly accountNumber: string;
  readonly holderPartyId: string;
  readonly holderName: string;
  /** Only an account the bank enabled for cheques (开立支票存款账户) gets a book. */
  readonly chequeEnabled: boolean;
};

export type ChequebookRow = {
  /** `${bankId}:${accountNumber}:${firstNumber}`: unique, as the ranges of one account never overlap. */
  readonly id: string;
  readonly bankId: string;
  readonly accountNumber: string;
  readonly holderPartyId: string;
  readonly holderName: string;
  /** The first number of the range, eight digits. */
  readonly firstNumber: string;
  /** How many numbers (leaves) the book holds: firstNumber .. firstNumber + count - 1. */
  readonly count: number;
  readonly issuedAt: number;
  /** Numbers paid, ascending: each may be paid once. */
  readonly paidNumbers: readonly string[];
  /** Numbers the drawer stopped, ascending. */
  readonly stoppedNumbers: readonly string[];
};

/** A paper book has 25 or 50 leaves; no e-book needs more than this, and it bounds every scan. */
export const chequesPerBookMax = 100;
/** Books one account may hold: bounds the range-overlap scan and the presentment lookup. */
export const chequebooksPerAccountMax = 100;
const chequeNumberValueMax = 10 ** chequeNumberDigits - 1;

export type ChequebookIssueProblem =
  | 'account_not_cheque_enabled'
  | 'cheque_number_invalid'
  | 'chequebook_size_invalid'
  | 'cheque_range_overlaps'
  | 'chequebooks_exhausted';

export function chequeNumberText(value: number): string {
  assert(Number.isSafeInteger(value) && value >= 0 && value <= chequeNumberValueMax, `cheque number out of range: ${value}`);
  return value.toString().padStart(chequeNumberDigits, '0');
}

function numberValue(chequeNumber: string): number {
  assert(isChequeNumber(chequeNumber), `not a cheque number: ${chequeNumber}`);
  return Number.parseInt(chequeNumber, 10);
}

export function assertChequeAccount(account: ChequeAccount): void {
  assert(isIdentifier(account.bankId), 'account.bankId must be an identifier');
  assert(isAccountNumber(account.accountNumber), 'account.accountNumber must be an account number');
  assert(isIdentifier(account.holderPartyId), 'account.holderPartyId must be an identifier');
  assert(isName(account.holderName), 'account.holderName must be a name');
  assert(typeof account.chequeEnabled === 'boolean', 'account.chequeEnabled must be a boolean');
}

export function assertChequebookRow(book: ChequebookRow): void {
  assert(isIdentifier(book.bankId) && isAccountNumber(book.accountNumber), 'book names a bank and an account');
  assert(isChequeNumber(book.firstNumber), 'book.firstNumber is a cheque number');
  assert(Number.isInteger(book.count) && book.count >= 1 && book.count <= chequesPerBookMax, 'book.count in range');
  assert(numberValue(book.firstNumber) + book.count - 1 <= chequeNumberValueMax, 'book range fits in eight digits');
  assert(book.id === chequebookIdOf(book.bankId, book.accountNumber, book.firstNumber), 'book.id is derived');
  assert(isWorldTime(book.issuedAt), 'book.issuedAt is world time');
  for (const list of [book.paidNumbers, book.stoppedNumbers]) {
    assert(list.length <= book.count, 'at most one entry per leaf');
    for (let i = 0; i < list.length; i++) {
      assert(chequebookContains(book, list[i]!), 'a recorded number is from the book');
      if (i > 0) assert(list[i - 1]! < list[i]!, 'recorded numbers ascend, each once');
    }
  }
}

export function chequebookIdOf(bankId: string, accountNumber: string, firstNumber: string): string {
  return `${bankId}:${accountNumber}:${firstNumber}`;
}

/** The numbers of a book, in order (for the drawer's form and the bank's view). */
export function chequeNumbersOf(book: ChequebookRow): string[] {
  assert(book.count <= chequesPerBookMax, 'book size bounded');
  const first = numberValue(book.firstNumber);
  const numbers: string[] = [];
  for (let i = 0; i < book.count; i++) numbers.push(chequeNumberText(first + i));
  return numbers;
}

export function chequebookContains(book: ChequebookRow, chequeNumber: string): boolean {
  if (!isChequeNumber(chequeNumber)) return false;
  const first = numberValue(book.firstNumber);
  const value = numberValue(chequeNumber);
  return value >= first && value < first + book.count;
}

/** The last number of a range, as a value. */
function lastValueOf(firstNumber: string, count: number): number {
  return numberValue(firstNumber) + count - 1;
}

/**
 * A bank issues a book of `count` numbers from `firstNumber` on `account`. `existingBooks` are
 * the account's books so far: two books never share a number, or a number would name two cheques.
 */
export function issueChequebook(
  account: ChequeAccount,
  range: { readonly firstNumber: string; readonly count: number },
  existingBooks: readonly ChequebookRow[],
  issuedAt: number,
): Result<ChequebookRow, ChequebookIssueProblem> {
  assertChequeAccount(account);
  assert(isWorldTime(issuedAt), 'issuedAt must be world time');
  assert(existingBooks.length <= chequebooksPerAccountMax, 'existing books bounded');
  for (const b of existingBooks) {
    assert(b.bankId === account.bankId && b.accountNumber === account.accountNumber, 'existingBooks are this account\'s');
  }
  if (!account.chequeEnabled) return err('account_not_cheque_enabled');
  if (!isChequeNumber(range.firstNumber)) return err('cheque_number_invalid');
  if (!Number.isInteger(range.count) || range.count < 1 || range.count > chequesPerBookMax) {
    return err('chequebook_size_invalid', { max: chequesPerBookMax });
  }
  const first = numberValue(range.firstNumber);
  const last = lastValueOf(range.firstNumber, range.count);
  if (last > chequeNumberValueMax) return err('cheque_number_invalid');
  if (existingBooks.length >= chequebooksPerAccountMax) return err('chequebooks_exhausted', { max: chequebooksPerAccountMax });
  for (const b of existingBooks) {
    const bFirst = numberValue(b.firstNumber);
    const bLast = lastValueOf(b.firstNumber, b.count);
    if (first <= bLast && bFirst <= last) return err('cheque_range_overlaps', { bookId: b.id });
  }
  const book: ChequebookRow = {
    id: chequebookIdOf(account.bankId, account.accountNumber, range.firstNumber),
    bankId: account.bankId,
    accountNumber: account.accountNumber,
    holderPartyId: account.holderPartyId,
    holderName: account.holderName,
    firstNumber: range.firstNumber,
    count: range.count,
    issuedAt,
    paidNumbers: [],
    stoppedNumbers: [],
  };
  assertChequebookRow(book);
  return ok(book);
}

/** Where a drawer and a cheque number meet: the bank, account and holder the cheque claims. */
export type ChequeDrawerClaim = { readonly partyId: string; readonly bank: string; readonly account: string };

/**
 * The book of `drawer`'s account that holds `chequeNumber`, or null: the answer to "is this number
 * from this drawer's book". The book must be the claimed bank's, for the claimed account, issued to
 * the claimed party.
 */
export function findChequebook(books: readonly ChequebookRow[], drawer: ChequeDrawerClaim, chequeNumber: string): ChequebookRow | null {
  assert(books.length <= chequebooksPerAccountMax, 'books bounded');
  for (const book of books) {
    if (book.bankId !== drawer.bank || book.accountNumber !== drawer.account || book.holderPartyId !== drawer.partyId) continue;
    if (chequebookContains(book, chequeNumber)) return book;
  }
  return null;
}

export function isChequeFromBook(books: readonly ChequebookRow[], drawer: ChequeDrawerClaim, chequeNumber: string): boolean {
  return findChequebook(books, drawer, chequeNumber) !== null;
}

export function wasChequePaid(book: ChequebookRow, chequeNumber: string): boolean {
  return book.paidNumbers.includes(chequeNumber);
}

export function isChequeStopped(book: ChequebookRow, chequeNumber: string): boolean {
  return book.stoppedNumbers.includes(chequeNumber);
}

function withNumber(list: readonly string[], chequeNumber: string): string[] {
  const next = [...list, chequeNumber];
  next.sort();
  return next;
}

/** The book after paying `chequeNumber`: from then on a presentment of it is a duplicate. */
export function recordChequePaid(book: ChequebookRow, chequeNumber: string): ChequebookRow {
  assert(chequebookContains(book, chequeNumber), 'only a number from the book is paid');
  assert(!wasChequePaid(book, chequeNumber), 'a cheque is paid once');
  assert(!isChequeStopped(book, chequeNumber), 'a stopped cheque is never paid');
  const next = { ...book, paidNumbers: withNumber(book.paidNumbers, chequeNumber) };
  assertChequebookRow(next);
  return next;
}

/** The book after the drawer stopped `chequeNumber` (stop.ts checks the order first). */
export function recordChequeStopped(book: ChequebookRow, chequeNumber: string): ChequebookRow {
  assert(chequebookContains(book, chequeNumber), 'only a number from the book is stopped');
  assert(!wasChequePaid(book, chequeNumber), 'a paid cheque cannot be stopped');
  assert(!isChequeStopped(book, chequeNumber), 'a cheque is stopped once');
  const next = { ...book, stoppedNumbers: withNumber(book.stoppedNumbers, chequeNumber) };
  assertChequebookRow(next);
  return next;
}
