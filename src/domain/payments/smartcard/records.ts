// Mondex-style smart cards (智能卡) and merchant devices: each is its own record, standing for the
// chip's memory. Value lives ON the record (the card's balance, the device's takings), not in a
// bank account: the issuer's ledger only knows the total it owes (`<issuer>:smartcard:float`).
//
// The private keys are not in the records: `keyRef` names the sealed key in the party's key store,
// and every signing step takes the 32-byte seed as a parameter (the app unseals it first).
//
// Amounts are decimal strings at the currency's scale ("12.30"), like every other row.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { isCurrencyCode, money, toStored, type CurrencyCode } from '../../money/index.ts';
import type { Certificate, SignedDocument } from '../../identity/index.ts';
import type { MondexValuePayload } from './messages.ts';

/** Card ids start with this, device ids with deviceIdPrefix: a card can never pass for a device. */
export const smartCardIdPrefix = 'card:';
export const merchantDeviceIdPrefix = 'pos:';
/** Unacknowledged payments a chip remembers; a full log refuses new payments until recovery. */
export const mondexCardPendingLogMax = 16;
/** Request nonces a chip remembers after the ack, to refuse a replayed request outright. */
export const mondexCardRecentNoncesMax = 16;
/** Payment requests a device keeps open at once. */
export const mondexDeviceOpenRequestsMax = 64;
/** Payments a device remembers (for replay checks and to answer recovery after deposit). */
export const mondexDeviceReceiptsMax = 100_000;
export const mondexNonceLength = 32;

export type SmartCardStatus = 'active' | 'lost';

/** A payment the card has signed and debited but whose ack it has not seen (the pending log). */
export type MondexCardPendingEntry = {
  readonly deviceId: string;
  readonly sequence: number;
  readonly nonce: string;
  readonly amount: string;
  readonly at: number;
};

export type SmartCard = {
  readonly cardId: string;
  /** The issuing bank: loads debit the holder's account there, its float owes the value. */
  readonly issuerId: string;
  readonly holderId: string;
  readonly currency: CurrencyCode;
  readonly balance: string;
  /** Most value the chip may hold (Mondex cards had a purse limit). */
  readonly balanceMax: string;
  /** The sequence number of the last payment the card signed (0: none yet). Never reused. */
  readonly sequence: number;
  readonly keyRef: string;
  readonly certificate: Certificate;
  readonly status: SmartCardStatus;
  readonly pendingLog: readonly MondexCardPendingEntry[];
  /** Nonces of recently completed payments (newest last, at most mondexCardRecentNoncesMax). */
  readonly recentNonces: readonly string[];
};

/** A payment request the device sent and for which no value arrived yet. */
export type MondexDeviceOpenRequest = {
  readonly nonce: string;
  readonly cardId: string;
  readonly amount: string;
  readonly at: number;
};

/** A payment the device accepted: the card-signed value message is the evidence for the acquirer. */
export type MondexDeviceReceipt = {
  readonly cardId: string;
  readonly issuerId: string;
  readonly sequence: number;
  readonly nonce: string;
  readonly amount: string;
  readonly at: number;
  /** The signed value message until deposited; null after (the acquirer keeps it). */
  readonly value: SignedDocument<MondexValuePayload> | null;
  readonly depositId: string | null;
};

export type MerchantDevice = {
  readonly deviceId: string;
  readonly merchantId: string;
  /** The merchant's acquiring bank (收单行): takings are deposited there. */
  readonly acquirerId: string;
  readonly currency: CurrencyCode;
  /** Takings not yet deposited. */
  readonly balance: string;
  readonly keyRef: string;
  readonly certificate: Certificate;
  /** Open payment requests (the device's pending log). */
  readonly pendingLog: readonly MondexDeviceOpenRequest[];
  readonly receipts: readonly MondexDeviceReceipt[];
  /** Highest accepted payment sequence per card: a value message at or below it is a replay. */
  readonly lastSequenceByCard: Readonly<Record<string, number>>;
};

export type SmartCardInput = {
  readonly cardId: string;
  readonly issuerId: string;
  readonly holderId: string;
  readonly currency: CurrencyCode;
  readonly balanceMax: string;
  readonly keyRef: string;
  readonly certificate: Certificate;
};

function assertCertificateOf(certificate: Certificate, partyId: string): void {
  assert(certificate.body.subject.role === 'device', 'cards and devices carry device certificates');
  assert(certificate.body.subject.partyId === partyId, `certificate names ${certificate.body.subject.partyId}, not ${partyId}`);
}

/** A new, empty card (value comes only from loads). */
export function createSmartCard(input: SmartCardInput): SmartCard {
  assert(input.cardId.startsWith(smartCardIdPrefix) && input.cardId.length > smartCardIdPrefix.length, 'card id must start with card:');
  assert(input.issuerId.length > 0 && input.holderId.length > 0 && input.keyRef.length > 0, 'issuer, holder and keyRef required');
  assert(isCurrencyCode(input.currency), 'known currency');
  assertCertificateOf(input.certificate, input.cardId);
  return {
    cardId: input.cardId,
    issuerId: input.issuerId,
    holderId: input.holderId,
    currency: input.currency,
    balance: toStored(money('0', input.currency)).amount,
    balanceMax: toStored(money(input.balanceMax, input.currency)).amount,
    sequence: 0,
    keyRef: input.keyRef,
    certificate: input.certificate,
    status: 'active',
    pendingLog: [],
    recentNonces: [],
  };
}

export type MerchantDeviceInput = {
  readonly deviceId: string;
  readonly merchantId: string;
  readonly acquirerId: string;
  readonly currency: CurrencyCode;
  readonly keyRef: string;
  readonly certificate: Certificate;
};

export function createMerchantDevice(input: MerchantDeviceInput): MerchantDevice {
  assert(
    input.deviceId.startsWith(merchantDeviceIdPrefix) && input.deviceId.length > merchantDeviceIdPrefix.length,
    'device id must start with pos:',
  );
  assert(input.merchantId.length > 0 && input.acquirerId.length > 0 && input.keyRef.length > 0, 'merchant, acquirer and keyRef required');
  assert(isCurrencyCode(input.currency), 'known currency');
  assertCertificateOf(input.certificate, input.deviceId);
  return {
    deviceId: input.deviceId,
    merchantId: input.merchantId,
    acquirerId: input.acquirerId,
    currency: input.currency,
    balance: toStored(money('0', input.currency)).amount,
    keyRef: input.keyRef,
    certificate: input.certificate,
    pendingLog: [],
    receipts: [],
    lastSequenceByCard: {},
  };
}

/**
 * The holder reports the card lost. Its value is LOST with it: value lives only on the chip, and
 * the issuer cannot refund it, because it cannot know what the card paid offline since it was
 * last seen (refunding would pay twice whenever the finder spent it). The issuer also revokes the
 * card's certificate, so devices refuse it from then on ('certificate_revoked').
 */
export function reportSmartCardLost(card: SmartCard): Result<SmartCard, 'card_lost'> {
  if (card.status === 'lost') return err('card_lost');
  return ok({ ...card, status: 'lost' });
}
