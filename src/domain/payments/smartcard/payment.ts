// The Mondex value transfer as pure steps. Each step takes a record and a received message and
// returns the new record plus the message to send; the app stores the new record BEFORE sending
// (that ordering is what the pending logs rely on).
//
//   1. card    mondexCardHello            -> hello
//   2. device  mondexDeviceRequest        checks the card; opens a request (device pending log) -> request
//   3. card    mondexCardPay              checks the device; writes its pending log entry, takes the
//                                         value off the chip, bumps its sequence -> value
//   4. device  mondexDeviceAcceptValue    checks the card's signature, sequence (replay) and nonce;
//                                         credits its takings, keeps a receipt -> ack
//   5. card    mondexCardSettle(ack)      clears the pending log entry
//
// Value conservation: at every moment card balances + device takings + value "in flight" (card
// pending entries the device has no receipt for) is constant; only loads (value in from a bank
// account) and deposits (value out to the acquirer) change it. A message lost after step 3 leaves
// the value in flight, and recovery.ts brings it home exactly once.
import { assert } from '../../assert.ts';
import { assertBytes, bytesToHex } from '../../crypto/index.ts';
import { signDocument, type SignedDocument } from '../../identity/index.ts';
import { add, compare, isPositive, money, subtract, toStored, type Money } from '../../money/index.ts';
import { err, ok, type Result } from '../../result.ts';
import { paymentAmountOf } from '../wallet/amount.ts';
import { verifyMondexMessage, type MondexAuthContext, type MondexAuthFailure } from './auth.ts';
import type { MondexHelloPayload, MondexRequestPayload, MondexStatementPayload, MondexValuePayload } from './messages.ts';
import {
  mondexCardPendingLogMax,
  mondexCardRecentNoncesMax,
  mondexDeviceOpenRequestsMax,
  mondexDeviceReceiptsMax,
  mondexNonceLength,
  type MondexDeviceReceipt,
  type MerchantDevice,
  type SmartCard,
} from './records.ts';

function cardMoney(card: SmartCard, amount: string): Money {
  return money(amount, card.currency);
}

/** Step 1: the card presents itself (its certificate travels in the signed document). */
export function mondexCardHello(card: SmartCard, cardSeed: Uint8Array): SignedDocument<MondexHelloPayload> {
  const payload: MondexHelloPayload = { kind: 'mondex.hello', cardId: card.cardId, issuerId: card.issuerId, currency: card.currency };
  return signDocument(payload, cardSeed, card.certificate);
}

export type MondexDeviceRequestProblem = MondexAuthFailure | 'amount_invalid' | 'amount_not_positive' | 'currency_mismatch' | 'device_busy';

export type MondexDeviceRequestInput = {
  readonly amount: string;
  /** mondexNonceLength fresh random bytes. */
  readonly nonce: Uint8Array;
  readonly now: number;
};

/**
 * Step 2: the device authenticates the card (a revoked or unknown card is refused here, before any
 * value moves) and asks it for `amount`, under a fresh nonce kept in its pending log.
 */
export function mondexDeviceRequest(
  device: MerchantDevice,
  hello: SignedDocument,
  input: MondexDeviceRequestInput,
  context: MondexAuthContext,
  deviceSeed: Uint8Array,
): Result<{ device: MerchantDevice; request: SignedDocument<MondexRequestPayload> }, MondexDeviceRequestProblem> {
  assertBytes(input.nonce, mondexNonceLength, 'nonce');
  assert(Number.isSafeInteger(input.now) && input.now >= 0, 'now must be world time in ms');
  const card = verifyMondexMessage<MondexHelloPayload>(hello, 'mondex.hello', 'card', context);
  if (!card.ok) return card;
  if (card.value.currency !== device.currency) return err('currency_mismatch');
  const amount = paymentAmountOf(input.amount, device.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  if (device.pendingLog.length >= mondexDeviceOpenRequestsMax) return err('device_busy');
  const nonce = bytesToHex(input.nonce);
  // 32 random bytes never repeat in practice; a repeat means the caller reused its randomness.
  assert(!device.pendingLog.some((r) => r.nonce === nonce) && !device.receipts.some((r) => r.nonce === nonce), 'nonce reused');
  const payload: MondexRequestPayload = {
    kind: 'mondex.request',
    deviceId: device.deviceId,
    merchantId: device.merchantId,
    cardId: card.value.cardId,
    amount: toStored(amount).amount,
    currency: device.currency,
    nonce,
    at: input.now,
  };
  const next: MerchantDevice = {
    ...device,
    pendingLog: [...device.pendingLog, { nonce, cardId: payload.cardId, amount: payload.amount, at: input.now }],
  };
  return ok({ device: next, request: signDocument(payload, deviceSeed, device.certificate) });
}

export type MondexCardPayProblem =
  | MondexAuthFailure
  | 'card_lost'
  | 'wrong_card'
  | 'replay'
  | 'currency_mismatch'
  | 'amount_not_positive'
  | 'insufficient_balance'
  | 'pending_log_full';

/**
 * Step 3: the card authenticates the device, then in ONE record update writes its pending log
 * entry, takes the amount off its balance and bumps its sequence, and only then signs the value
 * message. A request nonce the card has already paid (still pending or recently completed) is a
 * replay and is refused.
 */
export function mondexCardPay(
  card: SmartCard,
  request: SignedDocument,
  context: MondexAuthContext,
  cardSeed: Uint8Array,
): Result<{ card: SmartCard; value: SignedDocument<MondexValuePayload> }, MondexCardPayProblem> {
  if (card.status !== 'active') return err('card_lost');
  const verified = verifyMondexMessage<MondexRequestPayload>(request, 'mondex.request', 'device', context);
  if (!verified.ok) return verified;
  const req = verified.value;
  if (req.cardId !== card.cardId) return err('wrong_card');
  if (card.pendingLog.some((e) => e.nonce === req.nonce) || card.recentNonces.includes(req.nonce)) {
    return err('replay', { nonce: req.nonce });
  }
  if (req.currency !== card.currency) return err('currency_mismatch');
  const amount = cardMoney(card, req.amount);
  if (!isPositive(amount)) return err('amount_not_positive');
  const balance = cardMoney(card, card.balance);
  if (compare(balance, amount) < 0) return err('insufficient_balance', { balance: card.balance, amount: req.amount });
  if (card.pendingLog.length >= mondexCardPendingLogMax) return err('pending_log_full');

  const sequence = card.sequence + 1;
  const stored = toStored(amount).amount;
  const next: SmartCard = {
    ...card,
    balance: toStored(subtract(balance, amount)).amount,
    sequence,
    pendingLog: [...card.pendingLog, { deviceId: req.deviceId, sequence, nonce: req.nonce, amount: stored, at: context.now }],
  };
  const payload: MondexValuePayload = {
    kind: 'mondex.value',
    cardId: card.cardId,
    issuerId: card.issuerId,
    deviceId: req.deviceId,
    sequence,
    amount: stored,
    currency: card.currency,
    nonce: req.nonce,
  };
  return ok({ card: next, value: signDocument(payload, cardSeed, card.certificate) });
}

export type MondexDeviceAcceptProblem = MondexAuthFailure | 'wrong_device' | 'replay' | 'unknown_request' | 'amount_mismatch' | 'device_log_full';

/**
 * Step 4: the device authenticates the card's value message, refuses a sequence number it has
 * already accepted from this card ('replay') and a nonce it has no open request for, credits the
 * amount to its takings, keeps a receipt, and acknowledges.
 */
export function mondexDeviceAcceptValue(
  device: MerchantDevice,
  value: SignedDocument,
  context: MondexAuthContext,
  deviceSeed: Uint8Array,
): Result<{ device: MerchantDevice; ack: SignedDocument<MondexStatementPayload> }, MondexDeviceAcceptProblem> {
  const verified = verifyMondexMessage<MondexValuePayload>(value, 'mondex.value', 'card', context);
  if (!verified.ok) return verified;
  const v = verified.value;
  if (v.deviceId !== device.deviceId) return err('wrong_device');
  const last = device.lastSequenceByCard[v.cardId] ?? 0;
  if (v.sequence <= last) return err('replay', { cardId: v.cardId, sequence: v.sequence });
  const open = device.pendingLog.find((r) => r.nonce === v.nonce);
  if (open === undefined || open.cardId !== v.cardId) return err('unknown_request', { nonce: v.nonce });
  if (v.currency !== device.currency || v.amount !== open.amount) return err('amount_mismatch', { expected: open.amount, got: v.amount });
  if (device.receipts.length >= mondexDeviceReceiptsMax) return err('device_log_full');

  const receipt: MondexDeviceReceipt = {
    cardId: v.cardId,
    issuerId: v.issuerId,
    sequence: v.sequence,
    nonce: v.nonce,
    amount: v.amount,
    at: context.now,
    value: value as SignedDocument<MondexValuePayload>,
    depositId: null,
  };
  const next: MerchantDevice = {
    ...device,
    balance: toStored(add(money(device.balance, device.currency), money(v.amount, device.currency))).amount,
    pendingLog: device.pendingLog.filter((r) => r.nonce !== v.nonce),
    receipts: [...device.receipts, receipt],
    lastSequenceByCard: { ...device.lastSequenceByCard, [v.cardId]: v.sequence },
  };
  return ok({ device: next, ack: mondexStatement('mondex.ack', device, v.cardId, v.sequence, v.nonce, deviceSeed) });
}

export function mondexStatement(
  kind: MondexStatementPayload['kind'],
  device: MerchantDevice,
  cardId: string,
  sequence: number,
  nonce: string,
  deviceSeed: Uint8Array,
): SignedDocument<MondexStatementPayload> {
  const payload: MondexStatementPayload = { kind, deviceId: device.deviceId, cardId, sequence, nonce };
  return signDocument(payload, deviceSeed, device.certificate);
}

export type MondexCardSettleProblem = MondexAuthFailure | 'no_pending_entry';

/**
 * Step 5 (and the end of recovery): the card applies a device-signed statement about one of its
 * pending entries. 'mondex.ack': the device has the value; the entry is cleared. 'mondex.abort':
 * the device never accepted it and never will (it closed the request); the amount goes back on the
 * chip. Either way the entry leaves the log exactly once, so a repeated statement changes nothing
 * ('no_pending_entry').
 */
export function mondexCardSettle(
  card: SmartCard,
  statement: SignedDocument,
  context: MondexAuthContext,
): Result<{ card: SmartCard; outcome: 'cleared' | 'refunded' }, MondexCardSettleProblem> {
  const kind = isStatementKind(statement);
  if (kind === null) return err('malformed_message');
  const verified = verifyMondexMessage<MondexStatementPayload>(statement, kind, 'device', context);
  if (!verified.ok) return verified;
  const s = verified.value;
  const entry = card.pendingLog.find((e) => e.deviceId === s.deviceId && e.sequence === s.sequence && e.nonce === s.nonce);
  if (s.cardId !== card.cardId || entry === undefined) return err('no_pending_entry', { sequence: s.sequence });
  const pendingLog = card.pendingLog.filter((e) => e !== entry);
  if (s.kind === 'mondex.ack') {
    const recentNonces = [...card.recentNonces, entry.nonce].slice(-mondexCardRecentNoncesMax);
    return ok({ card: { ...card, pendingLog, recentNonces }, outcome: 'cleared' });
  }
  const balance = add(cardMoney(card, card.balance), cardMoney(card, entry.amount));
  // Remember the aborted nonce too: the same request replayed must not be paid again.
  const recentNonces = [...card.recentNonces, entry.nonce].slice(-mondexCardRecentNoncesMax);
  return ok({ card: { ...card, balance: toStored(balance).amount, pendingLog, recentNonces }, outcome: 'refunded' });
}

function isStatementKind(doc: SignedDocument): MondexStatementPayload['kind'] | null {
  if (doc === null || typeof doc !== 'object' || doc.payload === null || typeof doc.payload !== 'object') return null;
  const kind = (doc.payload as { kind?: unknown }).kind;
  return kind === 'mondex.ack' || kind === 'mondex.abort' ? kind : null;
}
