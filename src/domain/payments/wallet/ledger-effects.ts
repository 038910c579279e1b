// Ledger movements asked for by the wallet's payment instruments (e-cash, Mondex smart cards,
// stored-value cards). Like src/domain/marketplace/effects.ts: a pure command returns new rows plus
// effects; the app carries out all of them in the command's transaction, in list order, or none
// (a ledger refusal, e.g. insufficient funds, aborts the whole command).
//
// Each effect is ONE transfer inside ONE institution's book (docs/money-model.md): a
// movement between two books is emitted as two effects (one per book) that the app must link.
// Accounts are named by role; paymentAccountId maps a role to the money-model account id, so the
// app, the tests and the lab all agree on which account is which.
//
// Transfer ids are derived from the command's own id (a withdrawal session, a load id), never
// random: replaying a command gives the same ids, which the ledger treats as the same request.
import { assert } from '../../assert.ts';
import type { StoredMoney } from '../../money/index.ts';
import { bankingAccountIds } from '../banking/accounts.ts';

/**
 * - bank_deposit: a party's deposit account at a bank (`<bank>:deposit:<party>`, credit-normal).
 * - ecash_outstanding: the bank's liability for e-cash coins it signed and nobody has deposited
 *   yet (`<bank>:ecash:outstanding`, credit-normal, never below zero). Its balance is the value of
 *   all valid unspent coins in the world.
 * - smartcard_float: the card issuer's liability for value on Mondex chips and merchant devices
 *   (`<issuer>:smartcard:float`, credit-normal).
 * - stored_value_float: a stored-value card issuer's liability for its cards' balances
 *   (`<issuer>:storedvalue:float`, credit-normal).
 * - stored_value_payable: what that issuer owes a merchant for card sales not yet settled
 *   (`<issuer>:storedvalue:payable:<merchant>`, credit-normal).
 * - institution_at_bank: an institution's own money at a bank, as its own book sees it
 *   (`<institution>:at:<bank>`, debit-normal; the mirror of `<bank>:deposit:<institution>`).
 * - clearing_out / clearing_in: a bank's clearing transit accounts (`<bank>:clearing:out`, sent and
 *   not yet settled; `<bank>:clearing:in`, due from clearing), the banking module's own accounts:
 *   an e-cash coin deposited at another bank than its issuer moves through them.
 */
export type PaymentAccountRef =
  | { readonly role: 'bank_deposit'; readonly bankId: string; readonly partyId: string }
  | { readonly role: 'ecash_outstanding'; readonly bankId: string }
  | { readonly role: 'smartcard_float'; readonly issuerId: string }
  | { readonly role: 'stored_value_float'; readonly issuerId: string }
  | { readonly role: 'stored_value_payable'; readonly issuerId: string; readonly merchantId: string }
  | { readonly role: 'institution_at_bank'; readonly institutionId: string; readonly bankId: string }
  | { readonly role: 'clearing_out'; readonly bankId: string }
  | { readonly role: 'clearing_in'; readonly bankId: string };

/** Movement kinds, the ledger's `code` column. */
export const paymentLedgerCodes = {
  ecashWithdraw: 'ecash.withdraw',
  ecashDeposit: 'ecash.deposit',
  ecashPayBack: 'ecash.pay_back',
  smartCardLoad: 'smartcard.load',
  smartCardDeposit: 'smartcard.deposit',
  storedValueTopUp: 'storedvalue.top_up',
  storedValueSpend: 'storedvalue.spend',
  storedValueBill: 'storedvalue.bill',
  storedValueSettle: 'storedvalue.settle',
} as const;
export type PaymentLedgerCode = (typeof paymentLedgerCodes)[keyof typeof paymentLedgerCodes];

/** One immediate transfer, debit `from`, credit `to`, inside the book of `bookId`. */
export type PaymentLedgerEffect = {
  readonly kind: 'ledger';
  readonly transferId: string;
  /** The institution whose book holds both accounts. */
  readonly bookId: string;
  readonly from: PaymentAccountRef;
  readonly to: PaymentAccountRef;
  readonly amount: StoredMoney;
  readonly code: PaymentLedgerCode;
  readonly refs: Readonly<Record<string, string>>;
};

/** The book (institution) an account lives in. */
export function paymentAccountBook(ref: PaymentAccountRef): string {
  switch (ref.role) {
    case 'bank_deposit':
    case 'ecash_outstanding':
    case 'clearing_out':
    case 'clearing_in':
      return ref.bankId;
    case 'smartcard_float':
    case 'stored_value_float':
    case 'stored_value_payable':
      return ref.issuerId;
    case 'institution_at_bank':
      return ref.institutionId;
  }
}

/** The money-model account id of a role (see the list above). */
export function paymentAccountId(ref: PaymentAccountRef): string {
  switch (ref.role) {
    case 'bank_deposit':
      return `${ref.bankId}:deposit:${ref.partyId}`;
    case 'ecash_outstanding':
      return `${ref.bankId}:ecash:outstanding`;
    case 'smartcard_float':
      return `${ref.issuerId}:smartcard:float`;
    case 'stored_value_float':
      return `${ref.issuerId}:storedvalue:float`;
    case 'stored_value_payable':
      return `${ref.issuerId}:storedvalue:payable:${ref.merchantId}`;
    case 'institution_at_bank':
      return `${ref.institutionId}:at:${ref.bankId}`;
    case 'clearing_out':
      return bankingAccountIds.clearingOut(ref.bankId);
    case 'clearing_in':
      return bankingAccountIds.clearingIn(ref.bankId);
  }
}

/** Builds a transfer effect; asserts both accounts are in one book and the amount is above zero. */
export function paymentTransfer(
  transferId: string,
  from: PaymentAccountRef,
  to: PaymentAccountRef,
  amount: StoredMoney,
  code: PaymentLedgerCode,
  refs: Readonly<Record<string, string>> = {},
): PaymentLedgerEffect {
  assert(transferId.length > 0, 'transferId required');
  const bookId = paymentAccountBook(from);
  // A transfer across two books would leave each book unbalanced: the caller must emit two legs.
  assert(bookId === paymentAccountBook(to), `one transfer stays in one book: ${bookId} vs ${paymentAccountBook(to)}`);
  assert(paymentAccountId(from) !== paymentAccountId(to), 'from and to must differ');
  assert(/^\d+(\.\d+)?$/.test(amount.amount) && !/^0+(\.0+)?$/.test(amount.amount), `amount must be above zero: ${amount.amount}`);
  return { kind: 'ledger', transferId, bookId, from, to, amount, code, refs };
}

/**
 * Money from `payer`'s account at `bankId` to `institutionId`'s own account `to` (which lives in
 * the institution's book): two legs, bank book then institution book. Used when a stored-value
 * issuer (not a bank) takes a top-up.
 */
export function bankToInstitution(
  transferIdBase: string,
  bankId: string,
  payerId: string,
  institutionId: string,
  to: PaymentAccountRef,
  amount: StoredMoney,
  code: PaymentLedgerCode,
  refs: Readonly<Record<string, string>> = {},
): PaymentLedgerEffect[] {
  assert(paymentAccountBook(to) === institutionId, 'the credited account must be in the institution book');
  return [
    paymentTransfer(
      `${transferIdBase}:bank`,
      { role: 'bank_deposit', bankId, partyId: payerId },
      { role: 'bank_deposit', bankId, partyId: institutionId },
      amount,
      code,
      refs,
    ),
    paymentTransfer(`${transferIdBase}:book`, { role: 'institution_at_bank', institutionId, bankId }, to, amount, code, refs),
  ];
}

/** The mirror of bankToInstitution: from the institution's account `from` to `payeeId` at `bankId`. */
export function institutionToBank(
  transferIdBase: string,
  institutionId: string,
  from: PaymentAccountRef,
  bankId: string,
  payeeId: string,
  amount: StoredMoney,
  code: PaymentLedgerCode,
  refs: Readonly<Record<string, string>> = {},
): PaymentLedgerEffect[] {
  assert(paymentAccountBook(from) === institutionId, 'the debited account must be in the institution book');
  return [
    paymentTransfer(`${transferIdBase}:book`, from, { role: 'institution_at_bank', institutionId, bankId }, amount, code, refs),
    paymentTransfer(
      `${transferIdBase}:bank`,
      { role: 'bank_deposit', bankId, partyId: institutionId },
      { role: 'bank_deposit', bankId, partyId: payeeId },
      amount,
      code,
      refs,
    ),
  ];
}
