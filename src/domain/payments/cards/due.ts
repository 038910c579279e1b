// The due-date check (the 'card.due' job, at the end of the statement's due date, payByAt):
// - credit card: if the credits posted since the cut-off do not reach the minimum payment, a late
//   fee (违约金) of lateFeeRate × the unpaid part of the minimum is posted (rounded half-up to the
//   fen). Interest is NOT charged here: it is charged at the next cut-off (interest.ts).
// - charge card: if the whole statement is not paid, the card is SUSPENDED: every authorization is
//   refused 'card_suspended' until the holder pays what the last statement still owes (card.ts's
//   reinstateIfPaid, run by every repayment and refund). No late fee and no interest: the seed's
//   charge card has no revolving credit, so the only consequence modelled is the suspension.
// Running it twice for the same statement does nothing the second time (replayed).
//
// Errors: deadline_not_reached {dueAt} (a stale or early job).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { fromStored, isPositive, percentageOf, subtract, toStored } from '../../money/index.ts';
import { channelLedger, channelLedgerCodes, channelNotice, type ChannelEffect } from '../gateway/effects.ts';
import { assertCardRow, cardAccountRef, creditsSinceStatement, postCardEntry, type CardRow, type CardStep } from './card.ts';
import { assertCardConfig, type CardConfig } from './config.ts';

export type DueStep = CardStep & { readonly replayed: boolean; readonly lateFee: string | null; readonly suspended: boolean };

export function assessCardDue(card: CardRow, statementId: string, now: number, config: CardConfig): Result<DueStep, 'deadline_not_reached'> {
  assertCardConfig(config);
  assertCardRow(card);
  const statement = card.lastStatement;
  // The due date falls before the next cut-off, so the statement due is always the latest one.
  assert(statement !== null && statement.id === statementId, 'the due check is for the card\'s latest statement');
  if (statement.dueAssessed) return ok({ card, effects: [], replayed: true, lateFee: null, suspended: card.status === 'suspended' });
  if (now < statement.payByAt) return err('deadline_not_reached', { dueAt: statement.payByAt });

  const paid = creditsSinceStatement(card, statement.payByAt);
  const effects: ChannelEffect[] = [];
  let next: CardRow = { ...card, lastStatement: { ...statement, dueAssessed: true } };
  let lateFee: string | null = null;
  if (card.kind === 'credit') {
    const unpaidMinimum = subtract(fromStored(statement.minimumPayment), paid);
    if (isPositive(unpaidMinimum)) {
      const fee = percentageOf(unpaidMinimum, config.lateFeeRate);
      if (isPositive(fee)) {
        const transferId = `${statementId}:late-fee`;
        next = postCardEntry(next, { id: transferId, kind: 'late_fee', amount: toStored(fee), postedAt: now, ref: statementId });
        effects.push(channelLedger('transfer', transferId, cardAccountRef(card), { role: 'card_income', issuerId: card.issuerId }, toStored(fee), channelLedgerCodes.cardLateFee, { cardId: card.id, statementId }));
        lateFee = toStored(fee).amount;
      }
      effects.push(channelNotice(card.holderId, 'card_minimum_missed', { cardId: card.id, statementId, unpaidMinimum: toStored(unpaidMinimum).amount, lateFee: lateFee ?? '0' }));
    }
  } else {
    const unpaid = subtract(fromStored(statement.newBalance), paid);
    if (isPositive(unpaid)) {
      next = { ...next, status: 'suspended' };
      effects.push(
        channelNotice(card.holderId, 'card_suspended', { cardId: card.id, statementId, unpaid: toStored(unpaid).amount }),
        { kind: 'event', event: { type: 'card.suspended', actor: card.issuerId, parties: [card.holderId], payload: { cardId: card.id, statementId, unpaid: toStored(unpaid).amount } } },
      );
    }
  }
  assertCardRow(next);
  return ok({ card: next, effects, replayed: false, lateFee, suspended: next.status === 'suspended' });
}
