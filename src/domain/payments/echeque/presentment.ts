// The drawer's bank decides a presented cheque (提示付款): pay it, or return it (退票) with the
// FIRST failing reason. The checks run in this documented order; each has a name (the trace the
// bank's view shows, and the tests read) and the return reason it gives:
//
//   check                       reason on failure
//   1  cheque_well_formed        altered_or_fictitious   every field in its form, nothing else
//   2  amount_in_words           altered_or_fictitious   capitals = figures (大小写一致)
//   3  drawer_signature          altered_or_fictitious   signature over these bytes, enclosed key
//   4  certificate_chain         altered_or_fictitious   certificate leads to a trusted CA, unaltered
//   5  drawer_account            altered_or_fictitious   drawn on this bank, on an account it keeps
//   6  certificate_valid_at_date certificate_expired     (not yet valid at the date: altered_or_fictitious,
//                                                        a cheque dated before its signer was certified)
//   7  certificate_not_revoked   certificate_revoked     at the cheque's date (or no valid list)
//   8  drawer_authority          not_authorized          signer may draw, is the drawer, holds the account
//   9  endorsement_present       endorsement_missing
//   10 endorsement_regular       endorsement_irregular   by the named payee, over this cheque (endorsement.ts)
//   11 from_chequebook           not_from_chequebook     a number the bank issued to this account holder
//   12 not_presented_before      duplicate_presentment   never paid before
//   13 within_presentment_period stale_dated             presentmentPeriodDays (default 10) after the date
//   14 not_post_dated            post_dated              the date's day has come
//   15 not_stopped               payment_stopped         no stop-payment order
//   16 payment_notice            not_authorized          no valid notice signed by the drawer
//                                payment_notice_mismatch the drawer's notice names something else
//   17 funds                     insufficient_funds      available balance >= amount
//
// Decisions taken here: a number outside the drawer's books has its own reason,
// 'not_from_chequebook', instead of 'altered_or_fictitious': the cheque itself is genuine and
// signed by the account holder, and a student should see that it is the NUMBER that is wrong.
// The notice check splits as documented in notice.ts: no valid notice from the drawer means the
// bank was never authorized; a valid notice that disagrees with the cheque is a mismatch.
// Checks 1-7 judge the document, 8-10 the people, 11-17 the bank's own records and the money.

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { compare, fromStored, type StoredMoney } from '../../money/index.ts';
import {
  assertChequeAccount,
  assertChequebookRow,
  chequebooksPerAccountMax,
  findChequebook,
  isChequeStopped,
  wasChequePaid,
  type ChequeAccount,
  type ChequebookRow,
} from './chequebook.ts';
import { chequeHash, chequeIdOf, type ChequeBody } from './cheque.ts';
import { assertEchequeConfig, type ChequeReturnReason, type EchequeConfig } from './config.ts';
import { isChequePostDated, isChequeStaleDated } from './dates.ts';
import { classifyDrawerVerdict, examineDrawerSignature, type ChequeTrust } from './drawer-signature.ts';
import { chequeEndorsementIrregularity, type ChequeDepositTarget, type PresentedCheque, type SignedChequeEndorsement } from './endorsement.ts';
import { isIdentifier, isWorldTime } from './fields.ts';
import { chequePaymentNoticeProblem, type SignedChequePaymentNotice } from './notice.ts';

export const chequePresentmentCheckNames = [
  'cheque_well_formed',
  'amount_in_words',
  'drawer_signature',
  'certificate_chain',
  'drawer_account',
  'certificate_valid_at_date',
  'certificate_not_revoked',
  'drawer_authority',
  'endorsement_present',
  'endorsement_regular',
  'from_chequebook',
  'not_presented_before',
  'within_presentment_period',
  'not_post_dated',
  'not_stopped',
  'payment_notice',
  'funds',
] as const;
export type ChequePresentmentCheckName = (typeof chequePresentmentCheckNames)[number];

export type ChequePresentmentCheck = { readonly check: ChequePresentmentCheckName; readonly pass: boolean };

/** Everything the drawer's bank reads to decide, in one transaction. */
export type ChequePresentmentInput = {
  /** Unique per presentment (the app's deposit or clearing item id); names the fee transfer. */
  readonly presentmentId: string;
  readonly presented: PresentedCheque;
  /** The bank deciding: the drawer's bank (付款行). */
  readonly payingBankId: string;
  /** The bank that presents it for its customer (收款行); the same as payingBankId for 本行. */
  readonly collectingBankId: string;
  /** Who deposited it at the collecting bank: the payee side's notices go to this party. */
  readonly depositorPartyId: string;
  /** The paying bank's record of the account the cheque names, or null when it keeps no such account. */
  readonly drawerAccount: ChequeAccount | null;
  /** The chequebooks of that account (empty when there is no account). */
  readonly books: readonly ChequebookRow[];
  /** The payment notice the drawer sent for this cheque number, or null. */
  readonly notice: SignedChequePaymentNotice | null;
  /** What the drawer's account can pay now (balance less holds), CNY. */
  readonly availableBalance: StoredMoney;
  readonly trust: ChequeTrust;
  readonly now: number;
};

export type ChequePresentmentAccepted = {
  readonly body: ChequeBody;
  readonly chequeId: string;
  readonly chequeHash: string;
  readonly book: ChequebookRow;
  readonly endorsement: SignedChequeEndorsement;
  readonly depositTo: ChequeDepositTarget;
};

export type ChequePresentmentVerdict = {
  /** Every check run, in order: all pass, or all but the last. */
  readonly trace: readonly ChequePresentmentCheck[];
  /** On failure, detail.check names the failing check and detail.cause (when set) says why. */
  readonly result: Result<ChequePresentmentAccepted, ChequeReturnReason>;
};

function assertChequePresentmentInput(input: ChequePresentmentInput): void {
  assert(isIdentifier(input.presentmentId), 'presentmentId is an identifier');
  assert(isIdentifier(input.payingBankId) && isIdentifier(input.collectingBankId), 'bank ids are identifiers');
  assert(isIdentifier(input.depositorPartyId), 'depositorPartyId is an identifier');
  assert(isWorldTime(input.now), 'now is world time');
  assert(input.availableBalance.currency === 'CNY', 'the available balance is in CNY, like every cheque');
  fromStored(input.availableBalance); // asserts the stored form
  assert(input.books.length <= chequebooksPerAccountMax, 'books bounded');
  if (input.drawerAccount !== null) {
    assertChequeAccount(input.drawerAccount);
    assert(input.drawerAccount.bankId === input.payingBankId, 'the paying bank passes its own account');
  } else {
    assert(input.books.length === 0, 'no account, no books');
  }
  for (const book of input.books) {
    assertChequebookRow(book);
    assert(book.bankId === input.payingBankId && book.accountNumber === input.drawerAccount?.accountNumber, "books are the account's");
  }
}

/** Runs the checks in order and stops at the first failure (table at the top). */
export function checkChequePresentment(input: ChequePresentmentInput, config: EchequeConfig): ChequePresentmentVerdict {
  assertChequePresentmentInput(input);
  assertEchequeConfig(config);
  const trace: ChequePresentmentCheck[] = [];
  const pass = (check: ChequePresentmentCheckName): void => {
    trace.push({ check, pass: true });
  };
  const fail = (check: ChequePresentmentCheckName, reason: ChequeReturnReason, cause?: string, more: Record<string, string | number> = {}): ChequePresentmentVerdict => {
    trace.push({ check, pass: false });
    const detail: Record<string, string | number> = cause === undefined ? { check, ...more } : { check, cause, ...more };
    return { trace, result: err(reason, detail) };
  };

  const { cheque, endorsement } = input.presented;
  const facts = examineDrawerSignature(cheque, input.trust);
  if (!facts.bodyWellFormed) return fail('cheque_well_formed', 'altered_or_fictitious', 'cheque_malformed');
  pass('cheque_well_formed');
  const body = cheque.payload;
  if (facts.wordsMatch !== true) return fail('amount_in_words', 'altered_or_fictitious', 'amount_words_mismatch');
  pass('amount_in_words');
  assert(facts.verdict !== null, 'a well-formed body is judged by the verifier');
  const verdict = facts.verdict;
  const verdictClass = classifyDrawerVerdict(verdict);
  if (!facts.signatureValid || verdictClass === 'bad_signature') return fail('drawer_signature', 'altered_or_fictitious', 'bad_signature');
  pass('drawer_signature');
  if (verdictClass === 'fictitious') return fail('certificate_chain', 'altered_or_fictitious', verdict.ok ? undefined : verdict.code);
  pass('certificate_chain');
  const account = input.drawerAccount;
  if (body.drawer.bank !== input.payingBankId) return fail('drawer_account', 'altered_or_fictitious', 'not_drawn_on_this_bank');
  if (account === null || account.accountNumber !== body.drawer.account) return fail('drawer_account', 'altered_or_fictitious', 'no_such_account');
  pass('drawer_account');
  if (verdictClass === 'not_yet_valid') return fail('certificate_valid_at_date', 'altered_or_fictitious', 'certificate_not_yet_valid');
  if (verdictClass === 'expired') return fail('certificate_valid_at_date', 'certificate_expired', 'certificate_expired');
  pass('certificate_valid_at_date');
  if (verdictClass === 'revoked') return fail('certificate_not_revoked', 'certificate_revoked', verdict.ok ? undefined : verdict.code);
  pass('certificate_not_revoked');

  // The verifier ran with every role allowed, so past revocation only success is left.
  assert(verdict.ok, 'the verifier has no other objection');
  const signer = verdict.value.subject;
  if (!config.drawerRoles.includes(signer.role)) return fail('drawer_authority', 'not_authorized', 'role_may_not_draw', { role: signer.role });
  if (signer.partyId !== body.drawer.partyId) return fail('drawer_authority', 'not_authorized', 'signer_not_drawer');
  if (account.holderPartyId !== body.drawer.partyId) return fail('drawer_authority', 'not_authorized', 'drawer_not_account_holder');
  if (!account.chequeEnabled) return fail('drawer_authority', 'not_authorized', 'account_not_cheque_enabled');
  pass('drawer_authority');

  if (endorsement === null) return fail('endorsement_present', 'endorsement_missing');
  pass('endorsement_present');
  const hash = chequeHash(cheque);
  const irregularity = chequeEndorsementIrregularity(endorsement, cheque, hash, input.trust, input.collectingBankId, input.now);
  if (irregularity !== null) return fail('endorsement_regular', 'endorsement_irregular', irregularity);
  pass('endorsement_regular');

  const book = findChequebook(input.books, body.drawer, body.chequeNumber);
  if (book === null) return fail('from_chequebook', 'not_from_chequebook');
  pass('from_chequebook');
  if (wasChequePaid(book, body.chequeNumber)) return fail('not_presented_before', 'duplicate_presentment');
  pass('not_presented_before');
  if (isChequeStaleDated(body.date, input.now, config.presentmentPeriodDays)) return fail('within_presentment_period', 'stale_dated');
  pass('within_presentment_period');
  if (isChequePostDated(body.date, input.now)) return fail('not_post_dated', 'post_dated');
  pass('not_post_dated');
  if (isChequeStopped(book, body.chequeNumber)) return fail('not_stopped', 'payment_stopped');
  pass('not_stopped');
  const noticeProblem = chequePaymentNoticeProblem(input.notice, cheque, hash, input.trust, config.drawerRoles);
  if (noticeProblem !== null) return fail('payment_notice', noticeProblem.reason, noticeProblem.cause);
  pass('payment_notice');
  const amount = fromStored(body.amount);
  if (compare(fromStored(input.availableBalance), amount) < 0) {
    return fail('funds', 'insufficient_funds', undefined, { amount: body.amount.amount, available: input.availableBalance.amount });
  }
  pass('funds');

  assert(trace.length === chequePresentmentCheckNames.length && trace.every((t, i) => t.pass && t.check === chequePresentmentCheckNames[i]), 'a paid cheque passed every check, in order');
  const e = endorsement.payload;
  return {
    trace,
    result: ok({ body, chequeId: chequeIdOf(body), chequeHash: hash, book, endorsement, depositTo: { bank: e.depositTo.bank, account: e.depositTo.account } }),
  };
}
