// The messages of the Mondex-style value transfer. Each is a SignedDocument (identity/documents.ts):
// a payload with a `kind`, the sender's Ed25519 signature over its canonical JSON, and the sender's
// certificate, so the receiver checks signature AND certificate with the one verifier.
//
//   card   -> device  hello    {cardId, issuerId, currency}                     (card identifies itself)
//   device -> card    request  {deviceId, merchantId, cardId, amount, currency, nonce, at}
//   card   -> device  value    {cardId, issuerId, deviceId, sequence, amount, currency, nonce}
//   device -> card    ack      {deviceId, cardId, sequence, nonce}              (value arrived)
//   device -> card    abort    {deviceId, cardId, sequence, nonce}              (recovery: it never will)
//
// The value message is the money: it binds the amount to the card's sequence number (replay) and
// to the device's fresh nonce (it answers this request and no other).
import { isHex } from '../../crypto/index.ts';
import { isCurrencyCode, type CurrencyCode } from '../../money/index.ts';
import { paymentAmountOf } from '../wallet/amount.ts';
import { mondexNonceLength } from './records.ts';

export type MondexHelloPayload = {
  readonly kind: 'mondex.hello';
  readonly cardId: string;
  readonly issuerId: string;
  readonly currency: CurrencyCode;
};

export type MondexRequestPayload = {
  readonly kind: 'mondex.request';
  readonly deviceId: string;
  readonly merchantId: string;
  readonly cardId: string;
  readonly amount: string;
  readonly currency: CurrencyCode;
  /** hex, 32 fresh random bytes from the device */
  readonly nonce: string;
  readonly at: number;
};

export type MondexValuePayload = {
  readonly kind: 'mondex.value';
  readonly cardId: string;
  readonly issuerId: string;
  readonly deviceId: string;
  readonly sequence: number;
  readonly amount: string;
  readonly currency: CurrencyCode;
  readonly nonce: string;
};

export type MondexStatementPayload = {
  readonly kind: 'mondex.ack' | 'mondex.abort';
  readonly deviceId: string;
  readonly cardId: string;
  readonly sequence: number;
  readonly nonce: string;
};

export type MondexPayload = MondexHelloPayload | MondexRequestPayload | MondexValuePayload | MondexStatementPayload;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128;
const isSequence = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isNonce = (v: unknown): v is string => isHex(v, mondexNonceLength) && v === v.toLowerCase();
/** A plain decimal within the currency's scale: a signed "1.001" must be refused, not trip an assertion. */
const isAmount = (v: unknown, currency: unknown): v is string =>
  isCurrencyCode(String(currency)) && paymentAmountOf(v, currency as CurrencyCode) !== null;

/** Shape check of a received payload of the expected kind (values are judged by the protocol). */
export function isMondexPayload(value: unknown, kind: MondexPayload['kind']): boolean {
  if (!isObject(value) || value.kind !== kind) return false;
  switch (kind) {
    case 'mondex.hello':
      return isText(value.cardId) && isText(value.issuerId) && isCurrencyCode(String(value.currency));
    case 'mondex.request':
      return (
        isText(value.deviceId) &&
        isText(value.merchantId) &&
        isText(value.cardId) &&
        isAmount(value.amount, value.currency) &&
        isNonce(value.nonce) &&
        Number.isSafeInteger(value.at)
      );
    case 'mondex.value':
      return (
        isText(value.cardId) &&
        isText(value.issuerId) &&
        isText(value.deviceId) &&
        isSequence(value.sequence) &&
        isAmount(value.amount, value.currency) &&
        isNonce(value.nonce)
      );
    case 'mondex.ack':
    case 'mondex.abort':
      return isText(value.deviceId) && isText(value.cardId) && isSequence(value.sequence) && isNonce(value.nonce);
  }
}
