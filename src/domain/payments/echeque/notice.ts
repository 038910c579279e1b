// The payment notice (付款通知): besides mailing the cheque to the payee, the drawer sends its own
// bank a signed notice naming the cheque (number, amount, payee and the cheque's hash). The bank
// then pays only what the drawer told it to: a cheque altered in the payee's hands, or a copy
// made from stolen bytes with another payee, no longer matches its notice.

import { assert } from '../../assert.ts';
import { isJsonSafe } from '../../crypto/index.ts';
import { signDocument, verifySignedDocument, type Certificate, type Role, type SignedDocument } from '../../identity/index.ts';
import type { StoredMoney } from '../../money/index.ts';
import { chequeHash, type ChequePayee, type SignedCheque } from './cheque.ts';
import type { ChequeTrust } from './drawer-signature.ts';
import { hasExactKeys, isAccountNumber, isChequeAmount, isChequeNumber, isIdentifier, isName, isRecord, isWorldTime } from './fields.ts';

export const chequePaymentNoticeKind = 'settlelab/echeque-payment-notice/v1';

export type ChequePaymentNoticeBody = {
  readonly kind: typeof chequePaymentNoticeKind;
  readonly chequeNumber: string;
  readonly drawer: { readonly partyId: string; readonly bank: string; readonly account: string };
  readonly payee: ChequePayee;
  readonly amount: StoredMoney;
  /** chequeHash of the signed cheque this notice announces. */
  readonly chequeHash: string;
  readonly sentAt: number;
};

export type SignedChequePaymentNotice = SignedDocument<ChequePaymentNoticeBody>;

/** The notice body announcing `cheque` (unsigned; makeChequePaymentNotice signs it). */
export function chequePaymentNoticeBodyOf(cheque: SignedCheque, sentAt: number): ChequePaymentNoticeBody {
  assert(isWorldTime(sentAt), 'sentAt is world time');
  const body = cheque.payload;
  return {
    kind: chequePaymentNoticeKind,
    chequeNumber: body.chequeNumber,
    drawer: { partyId: body.drawer.partyId, bank: body.drawer.bank, account: body.drawer.account },
    payee: { name: body.payee.name, partyId: body.payee.partyId, bank: body.payee.bank, account: body.payee.account },
    amount: { amount: body.amount.amount, currency: body.amount.currency },
    chequeHash: chequeHash(cheque),
    sentAt,
  };
}

/** The drawer's notice for `cheque`, signed with the same certificate that signed the cheque. */
export function makeChequePaymentNotice(
  cheque: SignedCheque,
  seed: Uint8Array,
  drawerCertificate: Certificate,
  sentAt: number,
  chain?: readonly Certificate[],
): SignedChequePaymentNotice {
  assert(drawerCertificate.body.subject.partyId === cheque.payload.drawer.partyId, 'only the drawer sends the notice for its cheque');
  return signDocument(chequePaymentNoticeBodyOf(cheque, sentAt), seed, drawerCertificate, chain);
}

export function isWellFormedChequePaymentNoticeBody(value: unknown): value is ChequePaymentNoticeBody {
  if (!isRecord(value) || !isJsonSafe(value)) return false;
  if (!hasExactKeys(value, ['kind', 'chequeNumber', 'drawer', 'payee', 'amount', 'chequeHash', 'sentAt'])) return false;
  const { drawer, payee } = value;
  return (
    value.kind === chequePaymentNoticeKind &&
    isChequeNumber(value.chequeNumber) &&
    isRecord(drawer) &&
    hasExactKeys(drawer, ['partyId', 'bank', 'account']) &&
    isIdentifier(drawer.partyId) &&
    isIdentifier(drawer.bank) &&
    isAccountNumber(drawer.account) &&
    isRecord(payee) &&
    hasExactKeys(payee, ['name', 'partyId', 'bank', 'account']) &&
    isName(payee.name) &&
    isIdentifier(payee.partyId) &&
    isIdentifier(payee.bank) &&
    isAccountNumber(payee.account) &&
    isChequeAmount(value.amount) &&
    typeof value.chequeHash === 'string' &&
    /^[0-9a-f]{64}$/.test(value.chequeHash) &&
    isWorldTime(value.sentAt)
  );
}

/** The fields a notice must repeat from its cheque, in the order the bank compares them. */
export const chequePaymentNoticeFields = ['chequeNumber', 'drawer', 'amount', 'payee', 'chequeHash'] as const;
export type ChequePaymentNoticeField = (typeof chequePaymentNoticeFields)[number];

/**
 * The first field where `notice` differs from the cheque it should announce, or null when it
 * matches. Both bodies must be well formed; `hash` is chequeHash(cheque).
 */
export function chequePaymentNoticeMismatch(notice: ChequePaymentNoticeBody, cheque: SignedCheque, hash: string): ChequePaymentNoticeField | null {
  const body = cheque.payload;
  for (const field of chequePaymentNoticeFields) {
    let same: boolean;
    switch (field) {
      case 'chequeNumber':
        same = notice.chequeNumber === body.chequeNumber;
        break;
      case 'drawer':
        same = notice.drawer.partyId === body.drawer.partyId && notice.drawer.bank === body.drawer.bank && notice.drawer.account === body.drawer.account;
        break;
      case 'amount':
        same = notice.amount.amount === body.amount.amount && notice.amount.currency === body.amount.currency;
        break;
      case 'payee':
        same =
          notice.payee.partyId === body.payee.partyId &&
          notice.payee.name === body.payee.name &&
          notice.payee.bank === body.payee.bank &&
          notice.payee.account === body.payee.account;
        break;
      case 'chequeHash':
        same = notice.chequeHash === hash;
        break;
    }
    if (!same) return field;
  }
  return null;
}

export type ChequePaymentNoticeProblem = {
  readonly reason: 'not_authorized' | 'payment_notice_mismatch';
  readonly cause: string;
};

/**
 * What is wrong with the notice the drawer's bank holds for `cheque`, or null. A notice that is
 * missing, malformed, or not validly signed by the drawer authorizes nothing: 'not_authorized'.
 * A notice the drawer did sign, but for another amount, payee or cheque, is
 * 'payment_notice_mismatch' (cause: the first differing field). Its signature is judged at the
 * cheque's date, like the cheque's own.
 */
export function chequePaymentNoticeProblem(
  notice: SignedChequePaymentNotice | null,
  cheque: SignedCheque,
  hash: string,
  trust: ChequeTrust,
  drawerRoles: readonly Role[],
): ChequePaymentNoticeProblem | null {
  if (notice === null) return { reason: 'not_authorized', cause: 'payment_notice_missing' };
  if (!isRecord(notice) || !isWellFormedChequePaymentNoticeBody(notice.payload)) return { reason: 'not_authorized', cause: 'payment_notice_malformed' };
  const body = cheque.payload;
  const verdict = verifySignedDocument(notice, { roots: trust.roots, crl: trust.crl, now: body.date, role: drawerRoles });
  if (!verdict.ok) return { reason: 'not_authorized', cause: verdict.code };
  if (verdict.value.subject.partyId !== body.drawer.partyId) return { reason: 'not_authorized', cause: 'notice_not_from_drawer' };
  const field = chequePaymentNoticeMismatch(notice.payload, cheque, hash);
  return field === null ? null : { reason: 'payment_notice_mismatch', cause: field };
}
