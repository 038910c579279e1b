// Value into and out of the Mondex world, the only two moves that touch a bank account:
// - load: the holder's deposit account at the issuing bank pays the issuer's smart-card float,
//   and the same amount appears on the chip.
// - deposit of takings: the merchant device hands its receipts (the card-signed value messages)
//   to the acquiring bank (收单行), which checks each one and credits the merchant; the issuer's
//   float pays. When the acquirer is not the card's issuer the money crosses two books: the issuer
//   owes the acquirer (`<issuer>:deposit:<acquirer>`), the acquirer credits the merchant against it
//   (`<acquirer>:at:<issuer>`), and clearing settles the banks later.
import { assert } from '../../assert.ts';
import { verifySignedDocument } from '../../identity/index.ts';
import { add, compare, fromStored, isPositive, money, toStored, zero, type Money, type StoredMoney } from '../../money/index.ts';
import { err, ok, type Result } from '../../result.ts';
import { paymentAmountOf } from '../wallet/amount.ts';
import { paymentLedgerCodes, paymentTransfer, type PaymentLedgerEffect } from '../wallet/ledger-effects.ts';
import type { MondexAuthContext } from './auth.ts';
import type { MondexDeviceReceipt, MerchantDevice, SmartCard } from './records.ts';

export type MondexLoadProblem = 'card_lost' | 'amount_invalid' | 'amount_not_positive' | 'balance_limit_exceeded';

/** Loads `amount` from the holder's account at the issuer onto the chip. */
export function mondexLoadCard(
  card: SmartCard,
  input: { readonly loadId: string; readonly amount: string; readonly now: number },
): Result<{ card: SmartCard; effects: PaymentLedgerEffect[] }, MondexLoadProblem> {
  assert(input.loadId.length > 0, 'loadId required');
  assert(Number.isSafeInteger(input.now) && input.now >= 0, 'now must be world time in ms');
  if (card.status !== 'active') return err('card_lost');
  const amount = paymentAmountOf(input.amount, card.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  const balance = add(money(card.balance, card.currency), amount);
  if (compare(balance, money(card.balanceMax, card.currency)) > 0) return err('balance_limit_exceeded', { max: card.balanceMax });
  const effects = [
    paymentTransfer(
      `smartcard:load:${input.loadId}`,
      { role: 'bank_deposit', bankId: card.issuerId, partyId: card.holderId },
      { role: 'smartcard_float', issuerId: card.issuerId },
      toStored(amount),
      paymentLedgerCodes.smartCardLoad,
      { cardId: card.cardId, loadId: input.loadId },
    ),
  ];
  return ok({ card: { ...card, balance: toStored(balance).amount }, effects });
}

/** The acquirer's row per deposited payment; (cardId, sequence) is unique across all deposits. */
export type MondexDepositRow = {
  readonly depositId: string;
  readonly deviceId: string;
  readonly merchantId: string;
  readonly acquirerId: string;
  readonly issuerId: string;
  readonly cardId: string;
  readonly sequence: number;
  readonly amount: string;
  readonly paidAt: number;
  readonly depositedAt: number;
};

/** The key the acquirer keeps per deposited payment, to refuse the same value message twice. */
export function mondexPaymentKey(cardId: string, sequence: number): string {
  return `${cardId}#${sequence}`;
}

export type MondexTakingsProblem = 'nothing_to_deposit' | 'duplicate_payment' | 'invalid_receipt' | 'takings_mismatch';

/**
 * Deposits every undeposited receipt. The acquirer re-checks each value message (card signature and
 * certificate as at the time of payment: a card revoked later does not undo earlier payments) and
 * refuses a payment it has already credited ('duplicate_payment'), so a device cannot inflate its
 * takings or deposit one payment twice.
 */
export function mondexDepositTakings(
  device: MerchantDevice,
  input: { readonly depositId: string; readonly now: number },
  context: Omit<MondexAuthContext, 'now'>,
  deposited: { has(key: string): boolean },
): Result<{ device: MerchantDevice; rows: MondexDepositRow[]; total: StoredMoney; effects: PaymentLedgerEffect[] }, MondexTakingsProblem> {
  assert(input.depositId.length > 0, 'depositId required');
  assert(Number.isSafeInteger(input.now) && input.now >= 0, 'now must be world time in ms');
  const due = device.receipts.filter((r) => r.depositId === null);
  if (due.length === 0) return err('nothing_to_deposit');
  const byIssuer = new Map<string, Money>();
  const rows: MondexDepositRow[] = [];
  const keys = new Set<string>();
  for (const receipt of due) {
    const problem = receiptProblem(receipt, device, context);
    if (problem !== null) return err(problem, { cardId: receipt.cardId, sequence: receipt.sequence });
    const key = mondexPaymentKey(receipt.cardId, receipt.sequence);
    if (deposited.has(key) || keys.has(key)) return err('duplicate_payment', { cardId: receipt.cardId, sequence: receipt.sequence });
    keys.add(key);
    const amount = money(receipt.amount, device.currency);
    byIssuer.set(receipt.issuerId, add(byIssuer.get(receipt.issuerId) ?? zero(device.currency), amount));
    rows.push({
      depositId: input.depositId,
      deviceId: device.deviceId,
      merchantId: device.merchantId,
      acquirerId: device.acquirerId,
      issuerId: receipt.issuerId,
      cardId: receipt.cardId,
      sequence: receipt.sequence,
      amount: receipt.amount,
      paidAt: receipt.at,
      depositedAt: input.now,
    });
  }
  let total = zero(device.currency);
  for (const amount of byIssuer.values()) total = add(total, amount);
  // The device's takings are exactly its undeposited receipts; anything else is a corrupt record.
  if (!total.amount.equals(fromStored({ amount: device.balance, currency: device.currency }).amount)) {
    return err('takings_mismatch', { balance: device.balance, receipts: toStored(total).amount });
  }

  const effects: PaymentLedgerEffect[] = [];
  const issuers = [...byIssuer.keys()].sort();
  for (const issuerId of issuers) {
    const amount = toStored(byIssuer.get(issuerId)!);
    const refs = { depositId: input.depositId, deviceId: device.deviceId, issuerId };
    const base = `smartcard:deposit:${input.depositId}:${issuerId}`;
    if (issuerId === device.acquirerId) {
      effects.push(
        paymentTransfer(base, { role: 'smartcard_float', issuerId }, { role: 'bank_deposit', bankId: issuerId, partyId: device.merchantId }, amount, paymentLedgerCodes.smartCardDeposit, refs),
      );
    } else {
      effects.push(
        paymentTransfer(`${base}:issuer`, { role: 'smartcard_float', issuerId }, { role: 'bank_deposit', bankId: issuerId, partyId: device.acquirerId }, amount, paymentLedgerCodes.smartCardDeposit, refs),
        paymentTransfer(
          `${base}:acquirer`,
          { role: 'institution_at_bank', institutionId: device.acquirerId, bankId: issuerId },
          { role: 'bank_deposit', bankId: device.acquirerId, partyId: device.merchantId },
          amount,
          paymentLedgerCodes.smartCardDeposit,
          refs,
        ),
      );
    }
  }
  const receipts = device.receipts.map((r) => (r.depositId === null ? { ...r, value: null, depositId: input.depositId } : r));
  const next: MerchantDevice = { ...device, balance: toStored(zero(device.currency)).amount, receipts };
  return ok({ device: next, rows, total: toStored(total), effects });
}

function receiptProblem(receipt: MondexDeviceReceipt, device: MerchantDevice, context: Omit<MondexAuthContext, 'now'>): 'invalid_receipt' | null {
  const value = receipt.value;
  if (value === null) return 'invalid_receipt';
  const verified = verifySignedDocument(value, { roots: context.roots, crl: context.crl, now: receipt.at, role: 'device' });
  if (!verified.ok || verified.value.subject.partyId !== receipt.cardId) return 'invalid_receipt';
  const p = value.payload;
  const matches =
    p.kind === 'mondex.value' &&
    p.cardId === receipt.cardId &&
    p.issuerId === receipt.issuerId &&
    p.deviceId === device.deviceId &&
    p.sequence === receipt.sequence &&
    p.nonce === receipt.nonce &&
    p.amount === receipt.amount &&
    p.currency === device.currency;
  return matches ? null : 'invalid_receipt';
}
