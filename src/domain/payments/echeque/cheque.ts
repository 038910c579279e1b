// The e-cheque (电子支票) itself: a signed data message. The drawer fills in the payee (name,
// account), the amount in figures with the Chinese capitals written out from it, the date, a
// number from its chequebook and a memo, and signs the canonical bytes with its certificate's key
// (FSTC eCheck's "check block" signed by the payer). The capitals are part of the signed body,
// and the bank checks they say the same as the figures: a cheque whose two amounts differ is
// treated as altered, as a paper one is (PBOC: 大小写不一致的票据无效).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { canonicalBytes, isJsonSafe, sha256Hex } from '../../crypto/index.ts';
import { signDocument, type Certificate, type SignedDocument } from '../../identity/index.ts';
import { compare, fromStored, moneyInputMax, toChineseCapital, type StoredMoney } from '../../money/index.ts';
import { chequebookContains, isChequeStopped, wasChequePaid, type ChequebookRow } from './chequebook.ts';
import {
  hasExactKeys,
  isAccountNumber,
  isChequeAmount,
  isChequeNumber,
  isIdentifier,
  isMemo,
  isName,
  isRecord,
  isWorldTime,
  memoLengthMax,
  orderIdLengthMax,
} from './fields.ts';

/** The payload kind: a signature over a cheque can never be taken for any other document's. */
export const chequeKind = 'settlelab/echeque/v1';
const chequeHashContext = 'settlelab/echeque-hash/v1';

export type ChequeDrawer = {
  readonly partyId: string;
  /** As certified: the name on the drawer's certificate. */
  readonly name: string;
  /** Party id of the drawer's bank (the paying bank, 付款行). */
  readonly bank: string;
  readonly account: string;
};

export type ChequePayee = {
  readonly name: string;
  readonly partyId: string;
  readonly bank: string;
  readonly account: string;
};

export type ChequeBody = {
  readonly kind: typeof chequeKind;
  readonly chequeNumber: string;
  readonly drawer: ChequeDrawer;
  readonly payee: ChequePayee;
  /** Stored money, CNY at scale: "1004.05". */
  readonly amount: StoredMoney;
  /** toChineseCapital(amount): 人民币壹仟零肆元零伍分. */
  readonly amountInWords: string;
  /** The cheque's date (出票日期), world time. */
  readonly date: number;
  readonly memo: string;
  /** The order it pays (the gateway's e-cheque channel), or null for a cheque standing alone. A
   * JSON null rather than an absent key, so every signed body has the same fields. */
  readonly orderId: string | null;
};

export type SignedCheque = SignedDocument<ChequeBody>;

/** What the drawer types on the form; the rest comes from its book and certificate. */
export type ChequeDraft = {
  readonly chequeNumber: string;
  readonly payee: ChequePayee;
  readonly amount: StoredMoney;
  readonly date: number;
  readonly memo: string;
  readonly orderId: string | null;
};

export type ChequeWriteProblem =
  | 'cheque_number_invalid'
  | 'not_from_chequebook'
  | 'cheque_already_paid'
  | 'cheque_stopped'
  | 'payee_invalid'
  | 'currency_not_supported'
  | 'amount_invalid'
  | 'amount_too_large'
  | 'memo_invalid'
  | 'order_id_invalid';

const bodyKeys = ['kind', 'chequeNumber', 'drawer', 'payee', 'amount', 'amountInWords', 'date', 'memo', 'orderId'] as const;
const partyKeys = ['partyId', 'name', 'bank', 'account'] as const;

function isChequeParty(value: unknown): value is ChequeDrawer {
  return (
    isRecord(value) &&
    hasExactKeys(value, partyKeys) &&
    isIdentifier(value.partyId) &&
    isName(value.name) &&
    isIdentifier(value.bank) &&
    isAccountNumber(value.account)
  );
}

function isOrderId(value: unknown): boolean {
  return value === null || (typeof value === 'string' && isIdentifier(value, orderIdLengthMax));
}

/**
 * Shape only: every field is present, of its type and form, and nothing else is there. A body
 * that fails this was not made by writeCheque (or was changed since): the bank treats it as
 * altered without reading further.
 */
export function isWellFormedChequeBody(value: unknown): value is ChequeBody {
  if (!isRecord(value) || !hasExactKeys(value, bodyKeys) || !isJsonSafe(value)) return false;
  return (
    value.kind === chequeKind &&
    isChequeNumber(value.chequeNumber) &&
    isChequeParty(value.drawer) &&
    isChequeParty(value.payee) &&
    isChequeAmount(value.amount) &&
    typeof value.amountInWords === 'string' &&
    isWorldTime(value.date) &&
    isMemo(value.memo) &&
    isOrderId(value.orderId)
  );
}

/** True when the capitals on the cheque are exactly the capitals of its figures. */
export function amountWordsMatch(body: ChequeBody): boolean {
  assert(isChequeAmount(body.amount), 'a well-formed body has a cheque amount');
  return body.amountInWords === toChineseCapital(fromStored(body.amount));
}

/**
 * SHA-256 (hex) of the signed cheque: body and drawer signature. The endorsement and the payment
 * notice sign over it, so each names exactly one signed instrument; the certificate is left out
 * because it says who signed, not what was signed.
 */
export function chequeHash(cheque: SignedCheque): string {
  assert(isJsonSafe(cheque.payload) && typeof cheque.signature === 'string', 'hash a cheque that is plain JSON');
  return sha256Hex(canonicalBytes({ context: chequeHashContext, payload: cheque.payload, signature: cheque.signature }));
}

/** The cheque's identity at its bank: bank, account and number (a cheque's MICR line). */
export function chequeIdOf(body: Pick<ChequeBody, 'drawer' | 'chequeNumber'>): string {
  return `echeque:${body.drawer.bank}:${body.drawer.account}:${body.chequeNumber}`;
}

/** The body the drawer signs, from its draft, book and certificate; checks what a person typed. */
export function chequeBodyOf(draft: ChequeDraft, book: ChequebookRow, drawerCertificate: Certificate): Result<ChequeBody, ChequeWriteProblem> {
  assert(isWorldTime(draft.date), 'the cheque date is world time');
  const subject = drawerCertificate.body.subject;
  // The drawer's own tab signs on its own book: any other pairing is a wiring bug.
  assert(subject.partyId === book.holderPartyId, 'the drawer writes on its own chequebook');
  if (!isChequeNumber(draft.chequeNumber)) return err('cheque_number_invalid');
  if (!chequebookContains(book, draft.chequeNumber)) return err('not_from_chequebook');
  if (wasChequePaid(book, draft.chequeNumber)) return err('cheque_already_paid');
  if (isChequeStopped(book, draft.chequeNumber)) return err('cheque_stopped');
  const { payee } = draft;
  for (const field of partyKeys) {
    const value = payee[field];
    const valid = field === 'name' ? isName(value) : field === 'account' ? isAccountNumber(value) : isIdentifier(value);
    if (!valid) return err('payee_invalid', { field });
  }
  if (draft.amount.currency !== 'CNY') return err('currency_not_supported', { currency: String(draft.amount.currency) });
  // The stored form exactly ("12.30", not "12.3"): the signed bytes are this string.
  if (typeof draft.amount.amount !== 'string' || !/^(0|[1-9]\d{0,15})\.\d{2}$/.test(draft.amount.amount)) return err('amount_invalid');
  const max = moneyInputMax('CNY');
  if (compare(fromStored(draft.amount), max) > 0) return err('amount_too_large', { max: max.amount.toFixed(2) });
  if (!isChequeAmount(draft.amount)) return err('amount_invalid'); // zero: a cheque pays something
  if (!isMemo(draft.memo)) return err('memo_invalid', { max: memoLengthMax });
  if (!isOrderId(draft.orderId)) return err('order_id_invalid');
  const body: ChequeBody = {
    kind: chequeKind,
    chequeNumber: draft.chequeNumber,
    drawer: { partyId: subject.partyId, name: subject.name, bank: book.bankId, account: book.accountNumber },
    payee: { name: payee.name, partyId: payee.partyId, bank: payee.bank, account: payee.account },
    amount: { amount: draft.amount.amount, currency: 'CNY' },
    amountInWords: toChineseCapital(fromStored(draft.amount)),
    date: draft.date,
    memo: draft.memo,
    orderId: draft.orderId,
  };
  assert(isWellFormedChequeBody(body) && amountWordsMatch(body), 'writeCheque builds a well-formed body');
  return ok(body);
}

/** Signs a body as is (synchronous ed25519). Tests and lab tools use it to sign odd bodies. */
export function signCheque(body: ChequeBody, seed: Uint8Array, drawerCertificate: Certificate, chain?: readonly Certificate[]): SignedCheque {
  return signDocument(body, seed, drawerCertificate, chain);
}

/** Writes and signs a cheque (写支票并签名). */
export function writeCheque(
  draft: ChequeDraft,
  book: ChequebookRow,
  seed: Uint8Array,
  drawerCertificate: Certificate,
  chain?: readonly Certificate[],
): Result<SignedCheque, ChequeWriteProblem> {
  const body = chequeBodyOf(draft, book, drawerCertificate);
  if (!body.ok) return body;
  return ok(signCheque(body.value, seed, drawerCertificate, chain));
}
