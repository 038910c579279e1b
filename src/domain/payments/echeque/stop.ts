// Stop payment (止付): the drawer orders its bank not to pay a cheque it wrote (lost in the mail,
// goods never came). The order is signed like the cheque, so nobody else can stop the drawer's
// cheques. The bank accepts it only while the cheque is unpaid: once presented and paid, the
// money has moved and a stop order can no longer undo it ('already_presented').

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { isJsonSafe } from '../../crypto/index.ts';
import { signDocument, verifySignedDocument, type Certificate, type SignedDocument } from '../../identity/index.ts';
import {
  assertChequeAccount,
  assertChequebookRow,
  chequebooksPerAccountMax,
  findChequebook,
  isChequeStopped,
  recordChequeStopped,
  wasChequePaid,
  type ChequeAccount,
  type ChequebookRow,
} from './chequebook.ts';
import type { EchequeConfig } from './config.ts';
import type { ChequeTrust } from './drawer-signature.ts';
import { chequeEventTypes, chequeNoticeKeys, type ChequeEffect } from './effects.ts';
import { hasExactKeys, isAccountNumber, isChequeNumber, isIdentifier, isMemo, isRecord, isWorldTime, memoLengthMax } from './fields.ts';

export const chequeStopOrderKind = 'settlelab/echeque-stop-order/v1';

export type ChequeStopOrderBody = {
  readonly kind: typeof chequeStopOrderKind;
  readonly chequeNumber: string;
  readonly drawer: { readonly partyId: string; readonly bank: string; readonly account: string };
  /** The drawer's reason in its own words (lost, disputed...). */
  readonly reason: string;
  readonly requestedAt: number;
};

export type SignedChequeStopOrder = SignedDocument<ChequeStopOrderBody>;

export type ChequeStopOrderProblem = 'stop_order_malformed' | 'not_authorized' | 'not_from_chequebook' | 'already_presented' | 'already_stopped';

export function isWellFormedChequeStopOrderBody(value: unknown): value is ChequeStopOrderBody {
  if (!isRecord(value) || !isJsonSafe(value) || !hasExactKeys(value, ['kind', 'chequeNumber', 'drawer', 'reason', 'requestedAt'])) return false;
  const { drawer } = value;
  return (
    value.kind === chequeStopOrderKind &&
    isChequeNumber(value.chequeNumber) &&
    isRecord(drawer) &&
    hasExactKeys(drawer, ['partyId', 'bank', 'account']) &&
    isIdentifier(drawer.partyId) &&
    isIdentifier(drawer.bank) &&
    isAccountNumber(drawer.account) &&
    isMemo(value.reason) &&
    isWorldTime(value.requestedAt)
  );
}

/** The drawer's signed stop order for `chequeNumber` of `book`. */
export function makeChequeStopOrder(
  book: ChequebookRow,
  chequeNumber: string,
  reason: string,
  seed: Uint8Array,
  drawerCertificate: Certificate,
  requestedAt: number,
  chain?: readonly Certificate[],
): Result<SignedChequeStopOrder, 'stop_reason_invalid' | 'cheque_number_invalid'> {
  assert(drawerCertificate.body.subject.partyId === book.holderPartyId, 'the drawer stops cheques of its own book');
  assert(isWorldTime(requestedAt), 'requestedAt is world time');
  if (!isChequeNumber(chequeNumber)) return err('cheque_number_invalid');
  if (!isMemo(reason)) return err('stop_reason_invalid', { max: memoLengthMax });
  const body: ChequeStopOrderBody = {
    kind: chequeStopOrderKind,
    chequeNumber,
    drawer: { partyId: book.holderPartyId, bank: book.bankId, account: book.accountNumber },
    reason,
    requestedAt,
  };
  return ok(signDocument(body, seed, drawerCertificate, chain));
}

export type ChequeStopAccepted = { readonly book: ChequebookRow; readonly effects: readonly ChequeEffect[] };

/**
 * The drawer's bank accepts a stop order (checked at `now`, when it takes effect) and records the
 * stop in the book, in order: the order's shape; its signature, by a party that may draw and
 * holds `account` ('not_authorized'); a number from that holder's books; not yet paid; not
 * already stopped.
 */
export function acceptChequeStopOrder(
  order: SignedChequeStopOrder,
  account: ChequeAccount,
  books: readonly ChequebookRow[],
  trust: ChequeTrust,
  now: number,
  config: Pick<EchequeConfig, 'drawerRoles'>,
): Result<ChequeStopAccepted, ChequeStopOrderProblem> {
  assertChequeAccount(account);
  assert(isWorldTime(now), 'now is world time');
  assert(books.length <= chequebooksPerAccountMax, 'books bounded');
  for (const b of books) {
    assertChequebookRow(b);
    assert(b.bankId === account.bankId && b.accountNumber === account.accountNumber, "books are the account's");
  }
  if (!isRecord(order) || !isWellFormedChequeStopOrderBody(order.payload)) return err('stop_order_malformed');
  const body = order.payload;
  if (body.drawer.bank !== account.bankId || body.drawer.account !== account.accountNumber || body.requestedAt > now) {
    return err('stop_order_malformed');
  }
  const verdict = verifySignedDocument(order, { roots: trust.roots, crl: trust.crl, now, role: config.drawerRoles });
  if (!verdict.ok) return err('not_authorized', { cause: verdict.code });
  const signer = verdict.value.subject.partyId;
  if (signer !== body.drawer.partyId || signer !== account.holderPartyId) return err('not_authorized', { cause: 'not_account_holder' });
  const book = findChequebook(books, body.drawer, body.chequeNumber);
  if (book === null) return err('not_from_chequebook');
  if (wasChequePaid(book, body.chequeNumber)) return err('already_presented');
  if (isChequeStopped(book, body.chequeNumber)) return err('already_stopped');
  const effects: ChequeEffect[] = [
    { kind: 'notice', to: account.holderPartyId, key: chequeNoticeKeys.stopped, params: { chequeNumber: body.chequeNumber } },
    {
      kind: 'event',
      event: { type: chequeEventTypes.stopped, actor: account.bankId, parties: [account.holderPartyId, account.bankId], payload: { chequeNumber: body.chequeNumber, account: account.accountNumber } },
    },
  ];
  return ok({ book: recordChequeStopped(book, body.chequeNumber), effects });
}
