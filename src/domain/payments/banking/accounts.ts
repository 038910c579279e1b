import type { CurrencyCode } from '../../money/index.ts';
import type { AccountInput } from '../../ledger/index.ts';

// The banking accounts and the book each lives in (see docs/money-model.md). Three kinds of
// book meet here:
// - a bank's book: customers' deposits (its liabilities), its vault cash, its reserve at the
//   central bank and the two clearing transit accounts (assets and liabilities);
// - the clearing system's book, which also plays the central bank: banknotes are its liability
//   (whoever holds them has a claim on it), and so are the banks' reserve accounts;
// - an institution's own book (escrow, platform, ...): its money at a bank is its asset, the
//   mirror of the deposit the bank keeps for it.
// Persons (buyers, sellers) keep no book: their deposits live in the banks' books and their
// banknotes in the clearing system's book.

/** The clearing system's party id (its book is the central bank's). */
export const clearingPartyId = 'clearing';
export const bankingCurrency: CurrencyCode = 'CNY';

export const bankingAccountIds = {
  /** A customer's deposit account at a bank (bank's book, credit-normal, no overdraft). */
  deposit: (bankId: string, partyId: string) => `${bankId}:deposit:${partyId}`,
  /** An institution's money at a bank (its own book, debit-normal): mirror of its deposit. */
  atBank: (partyId: string, bankId: string) => `${partyId}:at:${bankId}`,
  /** Cash an institution holds (its own book, seeded with its capital). */
  vault: (partyId: string) => `${partyId}:vault`,
  /** The bank's reserve at the central bank (bank's book, asset): mirror of clearing:reserve:<bank>. */
  reserve: (bankId: string) => `${bankId}:reserve`,
  /** Sent to other banks through clearing, not yet settled (bank's book, liability). */
  clearingOut: (bankId: string) => `${bankId}:clearing:out`,
  /** Received from other banks through clearing, not yet settled (bank's book, asset). */
  clearingIn: (bankId: string) => `${bankId}:clearing:in`,
  /** A bank's reserve account at the central bank (clearing's book, credit-normal, no overdraft). */
  centralReserve: (bankId: string) => `clearing:reserve:${bankId}`,
  /** Banknotes held by a party: a person's cash in hand, or an institution's vault (clearing's book). */
  notes: (partyId: string) => `clearing:notes:${partyId}`,
  /** The central bank's counter-entry of every note in circulation (clearing's book, debit-normal). */
  notesIssued: 'clearing:issued',
  /** Where a batch's nets meet in the clearing book; zero after every batch. */
  settlement: 'clearing:settlement',
} as const;

const ids = bankingAccountIds;
const noOverdraft = { debitsMustNotExceedCredits: true } as const;
const notBelowZero = { creditsMustNotExceedDebits: true } as const;

export function depositAccountInput(bankId: string, partyId: string, currency = bankingCurrency): AccountInput {
  return { id: ids.deposit(bankId, partyId), partyId, bookId: bankId, code: 'bank.deposit', name: 'Deposit account', currency, normal: 'credit', flags: noOverdraft };
}

export function atBankAccountInput(partyId: string, bankId: string, currency = bankingCurrency): AccountInput {
  return { id: ids.atBank(partyId, bankId), partyId, bookId: partyId, code: 'institution.at_bank', name: `Deposit at ${bankId}`, currency, normal: 'debit', flags: notBelowZero };
}

export function notesAccountInput(partyId: string, currency = bankingCurrency): AccountInput {
  return { id: ids.notes(partyId), partyId, bookId: clearingPartyId, code: 'clearing.notes', name: 'Banknotes held', currency, normal: 'credit', flags: noOverdraft };
}

/** The accounts every bank needs for clearing: three in its own book, one at the central bank. */
export function bankClearingAccountInputs(bankId: string, currency = bankingCurrency): AccountInput[] {
  return [
    { id: ids.reserve(bankId), partyId: bankId, bookId: bankId, code: 'bank.reserve', name: 'Reserve at the central bank', currency, normal: 'debit', flags: notBelowZero },
    { id: ids.clearingOut(bankId), partyId: bankId, bookId: bankId, code: 'bank.clearing_out', name: 'Clearing in transit (sent, not yet settled)', currency, normal: 'credit', flags: noOverdraft },
    { id: ids.clearingIn(bankId), partyId: bankId, bookId: bankId, code: 'bank.clearing_in', name: 'Due from clearing (received, not yet settled)', currency, normal: 'debit', flags: notBelowZero },
    { id: ids.centralReserve(bankId), partyId: bankId, bookId: clearingPartyId, code: 'clearing.reserve', name: `Reserve account of ${bankId}`, currency, normal: 'credit', flags: noOverdraft },
  ];
}

/** The central bank's own accounts in the clearing book. */
export function centralBankAccountInputs(currency = bankingCurrency): AccountInput[] {
  return [
    { id: ids.notesIssued, partyId: clearingPartyId, bookId: clearingPartyId, code: 'clearing.notes_issued', name: 'Notes issued (counter-entry of notes in circulation)', currency, normal: 'debit', flags: notBelowZero },
    { id: ids.settlement, partyId: clearingPartyId, bookId: clearingPartyId, code: 'clearing.settlement', name: 'Settlement of net positions (zero after each batch)', currency, normal: 'debit' },
  ];
}
