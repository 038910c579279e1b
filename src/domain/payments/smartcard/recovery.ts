// Recovery after an interrupted transfer, from the pending logs of both sides. What can be lost:
//   - the request (device -> card): the device has an open request, the card nothing. No value
//     moved; the device closes the request when it goes stale.
//   - the value message (card -> device), or the card was pulled out right after signing: the card
//     has a pending entry (value off the chip), the device has an open request and no receipt.
//   - the ack (device -> card): the card has a pending entry, the device has the receipt and the value.
// The card cannot tell the last two apart, so it asks the device about each pending entry. The
// device answers with a SIGNED statement and, before answering "abort", closes the request, so the
// value message can never be accepted afterwards (a late copy meets 'unknown_request'):
//   - receipt present           -> 'mondex.ack'   (card clears the entry: the value is at the device)
//   - no receipt                -> 'mondex.abort' (card puts the amount back: it never arrived)
// Each pending entry is resolved exactly once, one way or the other, so value is neither created
// nor destroyed. The query itself needs no signature: all it can make a device do is close one of
// its open requests (which ends that payment attempt) or repeat a statement.
import { assert } from '../../assert.ts';
import type { SignedDocument } from '../../identity/index.ts';
import { err, ok, type Result } from '../../result.ts';
import type { MondexAuthContext } from './auth.ts';
import type { MondexStatementPayload } from './messages.ts';
import { mondexCardSettle, mondexStatement, type MondexCardSettleProblem } from './payment.ts';
import { mondexCardPendingLogMax, type MondexCardPendingEntry, type MerchantDevice, type SmartCard } from './records.ts';

/** Card -> device: "what happened to my payment `sequence` under your nonce?" */
export type MondexRecoveryQuery = {
  readonly cardId: string;
  readonly deviceId: string;
  readonly sequence: number;
  readonly nonce: string;
};

export function mondexRecoveryQuery(card: SmartCard, entry: MondexCardPendingEntry): MondexRecoveryQuery {
  assert(card.pendingLog.includes(entry), 'query about an entry of this card');
  return { cardId: card.cardId, deviceId: entry.deviceId, sequence: entry.sequence, nonce: entry.nonce };
}

/**
 * The device's answer. With a receipt for (card, sequence, nonce): the ack again. Otherwise: closes
 * any open request under that nonce for that card, then signs an abort.
 */
export function mondexDeviceResolve(
  device: MerchantDevice,
  query: MondexRecoveryQuery,
  deviceSeed: Uint8Array,
): Result<{ device: MerchantDevice; statement: SignedDocument<MondexStatementPayload> }, 'wrong_device' | 'wrong_card'> {
  if (query.deviceId !== device.deviceId) return err('wrong_device');
  const receipt = device.receipts.find((r) => r.nonce === query.nonce);
  if (receipt !== undefined) {
    // The nonce was paid, but by another card or under another sequence: not this card's entry.
    if (receipt.cardId !== query.cardId || receipt.sequence !== query.sequence) {
      if (receipt.cardId !== query.cardId) return err('wrong_card');
      return ok({ device, statement: mondexStatement('mondex.abort', device, query.cardId, query.sequence, query.nonce, deviceSeed) });
    }
    return ok({ device, statement: mondexStatement('mondex.ack', device, query.cardId, query.sequence, query.nonce, deviceSeed) });
  }
  const open = device.pendingLog.find((r) => r.nonce === query.nonce);
  if (open !== undefined && open.cardId !== query.cardId) return err('wrong_card');
  const next: MerchantDevice = open === undefined ? device : { ...device, pendingLog: device.pendingLog.filter((r) => r !== open) };
  return ok({ device: next, statement: mondexStatement('mondex.abort', next, query.cardId, query.sequence, query.nonce, deviceSeed) });
}

/** Closes open requests older than `timeoutMs` at `now`: no value moved for them (see above). */
export function mondexDeviceCloseStaleRequests(device: MerchantDevice, now: number, timeoutMs: number): MerchantDevice {
  assert(Number.isSafeInteger(timeoutMs) && timeoutMs > 0, 'timeoutMs must be positive');
  const pendingLog = device.pendingLog.filter((r) => now - r.at < timeoutMs);
  return pendingLog.length === device.pendingLog.length ? device : { ...device, pendingLog };
}

export type MondexRecoveryOutcome = {
  readonly sequence: number;
  readonly outcome: 'cleared' | 'refunded';
};

/**
 * The whole recovery between one card and one device, run when they meet again (or by the issuer
 * with both logs): every pending entry of the card addressed to this device is queried, answered
 * and settled. Entries for other devices stay pending until the card meets those.
 */
export function mondexRecover(
  card: SmartCard,
  device: MerchantDevice,
  context: MondexAuthContext,
  deviceSeed: Uint8Array,
): Result<{ card: SmartCard; device: MerchantDevice; outcomes: MondexRecoveryOutcome[] }, MondexCardSettleProblem | 'wrong_card'> {
  const entries = card.pendingLog.filter((e) => e.deviceId === device.deviceId);
  assert(entries.length <= mondexCardPendingLogMax, 'pending log within its bound');
  let currentCard = card;
  let currentDevice = device;
  const outcomes: MondexRecoveryOutcome[] = [];
  for (const entry of entries) {
    const answered = mondexDeviceResolve(currentDevice, mondexRecoveryQuery(currentCard, entry), deviceSeed);
    if (!answered.ok) {
      // The device addressed is this one, so only a foreign receipt can refuse: a corrupted log.
      return answered.code === 'wrong_device' ? err('wrong_card') : err(answered.code);
    }
    currentDevice = answered.value.device;
    const settled = mondexCardSettle(currentCard, answered.value.statement, context);
    if (!settled.ok) return settled;
    currentCard = settled.value.card;
    outcomes.push({ sequence: entry.sequence, outcome: settled.value.outcome });
  }
  return ok({ card: currentCard, device: currentDevice, outcomes });
}
