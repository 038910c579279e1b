// Repayment (还款) of a card from a bank deposit account: the holder's bank pays the card company.
// Ledger: deposit → card_account (a movement between the bank's book and the issuer's book; the app
// books it with the banking module's transfer, the card company's mirror leg crediting the card).
//
// Errors, in order: repayment_id_conflict (the id was used in this cycle for another amount),
// repayment_amount_invalid (not above zero), repayment_exceeds_balance {owed} (more than the card
// owes: overpaying is refused so a repayment can always be reversed by the bank), insufficient_funds
// {available} (the paying account's available balance, when the caller passes it; the ledger's no
// overdraft flag refuses it too).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { compare, fromStored, isPositive, toStored, type StoredMoney } from '../../money/index.ts';
import { channelLedger, channelLedgerCodes } from '../gateway/effects.ts';
import { assertCardRow, cardAccountRef, postCardEntry, reinstateIfPaid, type CardRow, type CardStep } from './card.ts';

export type RepaymentInput = {
  /** Unique id of the repayment; the transfer id is `<cardId>:repay:<id>`. */
  readonly id: string;
  readonly amount: StoredMoney;
  /** The deposit account paying: the holder's, or anyone's who pays for them. */
  readonly from: { readonly bankId: string; readonly partyId: string };
  /** The paying account's available balance, when known. */
  readonly available?: StoredMoney;
};

export type RepaymentError = 'repayment_id_conflict' | 'repayment_amount_invalid' | 'repayment_exceeds_balance' | 'insufficient_funds';

export type RepaymentStep = CardStep & { readonly replayed: boolean };

export function repaymentTransferId(cardId: string, repaymentId: string): string {
  return `${cardId}:repay:${repaymentId}`;
}

export function repayCard(card: CardRow, input: RepaymentInput, now: number): Result<RepaymentStep, RepaymentError> {
  assertCardRow(card);
  assert(/^[A-Za-z0-9_.:-]{1,80}$/.test(input.id), `repayment id: ${input.id}`);
  const amount = fromStored(input.amount);
  assert(amount.currency === card.currency, 'repay in the card currency');
  const transferId = repaymentTransferId(card.id, input.id);
  const earlier = card.entries.find((e) => e.id === transferId);
  if (earlier !== undefined) {
    // Same id, same amount: the same repayment, clicked twice. Only this cycle's are kept; an older
    // repeat is caught by the ledger, which refuses a reused transfer id with other content.
    if (compare(fromStored(earlier.amount), amount) !== 0) return err('repayment_id_conflict');
    return ok({ card, effects: [], replayed: true });
  }
  if (!isPositive(amount)) return err('repayment_amount_invalid');
  const owed = fromStored(card.balance);
  if (compare(amount, owed) > 0) return err('repayment_exceeds_balance', { owed: card.balance.amount });
  if (input.available !== undefined && compare(amount, fromStored(input.available)) > 0) return err('insufficient_funds', { available: input.available.amount });
  const next = reinstateIfPaid(postCardEntry(card, { id: transferId, kind: 'payment', amount: toStored(amount), postedAt: now, ref: input.id }));
  const effect = channelLedger('transfer', transferId, { role: 'deposit', bankId: input.from.bankId, partyId: input.from.partyId }, cardAccountRef(card), toStored(amount), channelLedgerCodes.cardRepayment, {
    cardId: card.id,
    repaymentId: input.id,
  });
  assertCardRow(next);
  assert(!fromStored(next.balance).amount.isNegative(), 'a repayment never overpays');
  return ok({ card: next, effects: [effect], replayed: false });
}
