// The remittance exceptions queue (待处理来账): an incoming transfer the automatic matcher could not
// place waits here until the payee either matches it to an order by hand or returns the money.
//
//   open ──match by hand──▶ matched   (the charge is captured; an overpayment's excess goes back)
//     └───return─────────▶ returned  (the whole amount goes back to the sender's account)
//
// Errors, in order: not_authorized (only the payee works its own queue), exception_not_open,
// then for a match: charge_not_awaiting_remittance (not a pending remittance charge to this payee),
// amount_short {missing} (less than the charge: return it instead, the buyer sends the right sum).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { compare, fromStored, isPositive, subtract, toStored, type StoredMoney } from '../../money/index.ts';
import type { Charge } from '../gateway/charge.ts';
import { channelLedger, channelLedgerCodes, channelNotice, type ChannelEffect } from '../gateway/effects.ts';
import { captureCharge, type GatewayContext } from '../gateway/gateway.ts';
import { remittanceChannel } from './channel.ts';

/** One credit on the payee's account statement, as the bank reports it. */
export type IncomingTransfer = {
  /** The bank's transfer id: unique; processing the same id twice does nothing. */
  readonly id: string;
  /** The payee's bank and party (whose account was credited). */
  readonly bankId: string;
  readonly payeeId: string;
  readonly fromBankId: string;
  readonly fromPartyId: string;
  readonly amount: StoredMoney;
  /** The memo (附言) the sender typed; the reference is looked for in it. */
  readonly memo: string;
  readonly at: number;
};

export const remittanceExceptionReasons = [
  'wrong_amount', // the reference names an awaiting order, the amount differs
  'missing_reference', // no order of this payee is named in the memo
  'ambiguous_reference', // the memo names two or more orders
  'duplicate', // the order named was already paid
  'charge_closed', // the order named is no longer awaiting payment (cancelled, expired)
] as const;
export type RemittanceExceptionReason = (typeof remittanceExceptionReasons)[number];

export type RemittanceExceptionStatus = 'open' | 'matched' | 'returned';

export type RemittanceExceptionRow = {
  /** The transfer's id: one queue entry per transfer. */
  readonly id: string;
  readonly transfer: IncomingTransfer;
  readonly reason: RemittanceExceptionReason;
  /** The charge the reference pointed at, when there was one (a hint for the payee). */
  readonly chargeId: string | null;
  readonly status: RemittanceExceptionStatus;
  readonly openedAt: number;
  readonly resolvedAt: number | null;
  readonly resolvedBy: string | null;
  readonly matchedChargeId: string | null;
  /** What went back to the sender: the whole amount (returned) or an overpayment's excess. */
  readonly returned: StoredMoney | null;
};

/** A transfer placed on a charge, automatically or by hand; the refund route of that charge. */
export type RemittanceMatchRow = {
  readonly transferId: string;
  readonly chargeId: string;
  readonly orderId: string;
  readonly amount: StoredMoney;
  readonly fromBankId: string;
  readonly fromPartyId: string;
  readonly matchedAt: number;
  /** 'auto', or the party who matched it by hand. */
  readonly by: string;
};

export function openRemittanceException(transfer: IncomingTransfer, reason: RemittanceExceptionReason, chargeId: string | null, now: number): RemittanceExceptionRow {
  return { id: transfer.id, transfer, reason, chargeId, status: 'open', openedAt: now, resolvedAt: null, resolvedBy: null, matchedChargeId: null, returned: null };
}

export function matchRowOf(transfer: IncomingTransfer, charge: Charge, now: number, by: string): RemittanceMatchRow {
  return { transferId: transfer.id, chargeId: charge.id, orderId: charge.orderId, amount: charge.amount, fromBankId: transfer.fromBankId, fromPartyId: transfer.fromPartyId, matchedAt: now, by };
}

/** Whether `charge` is waiting for a remittance to the transfer's payee account. */
export function isAwaitingRemittance(charge: Charge, transfer: IncomingTransfer): boolean {
  return charge.channel === 'remittance' && charge.status === 'pending' && charge.payee.partyId === transfer.payeeId && charge.payee.bankId === transfer.bankId;
}

function returnEffect(transfer: IncomingTransfer, amount: StoredMoney, suffix: string): ChannelEffect {
  return channelLedger(
    'transfer',
    `${transfer.id}:${suffix}`,
    { role: 'deposit', bankId: transfer.bankId, partyId: transfer.payeeId },
    { role: 'deposit', bankId: transfer.fromBankId, partyId: transfer.fromPartyId },
    amount,
    channelLedgerCodes.remittanceReturn,
    { transferId: transfer.id },
  );
}

export type HandMatchStep = {
  readonly exception: RemittanceExceptionRow;
  readonly charge: Charge;
  readonly match: RemittanceMatchRow;
  readonly effects: readonly ChannelEffect[];
};

export type HandMatchError = 'not_authorized' | 'exception_not_open' | 'charge_not_awaiting_remittance' | 'amount_short';

/** The payee places a queued transfer on one of its awaiting orders. */
export function matchRemittanceByHand(row: RemittanceExceptionRow, charge: Charge, ctx: GatewayContext): Result<HandMatchStep, HandMatchError> {
  const transfer = row.transfer;
  if (ctx.actorId !== transfer.payeeId) return err('not_authorized');
  if (row.status !== 'open') return err('exception_not_open', { status: row.status });
  if (!isAwaitingRemittance(charge, transfer)) return err('charge_not_awaiting_remittance');
  const received = fromStored(transfer.amount);
  const due = fromStored(charge.amount);
  assert(received.currency === due.currency, 'one currency');
  if (compare(received, due) < 0) return err('amount_short', { missing: toStored(subtract(due, received)).amount });
  const captured = captureCharge(charge, charge.amount, remittanceChannel, { receivingAccountNumber: null, refundTo: null }, ctx);
  assert(captured.ok, 'a pending remittance charge captures its own amount');
  const effects: ChannelEffect[] = [...captured.value.effects];
  const excess = subtract(received, due);
  let returned: StoredMoney | null = null;
  if (isPositive(excess)) {
    returned = toStored(excess);
    effects.push(returnEffect(transfer, returned, 'excess'), channelNotice(transfer.fromPartyId, 'remittance_excess_returned', { orderId: charge.orderId, amount: returned.amount }));
  }
  const exception: RemittanceExceptionRow = { ...row, status: 'matched', resolvedAt: ctx.now, resolvedBy: ctx.actorId, matchedChargeId: charge.id, returned };
  return ok({ exception, charge: captured.value.charge, match: matchRowOf(transfer, charge, ctx.now, ctx.actorId), effects });
}

export type ReturnStep = { readonly exception: RemittanceExceptionRow; readonly effects: readonly ChannelEffect[] };

/** The payee sends a queued transfer back, whole, to the account it came from. */
export function returnRemittance(row: RemittanceExceptionRow, ctx: GatewayContext): Result<ReturnStep, 'not_authorized' | 'exception_not_open'> {
  const transfer = row.transfer;
  if (ctx.actorId !== transfer.payeeId) return err('not_authorized');
  if (row.status !== 'open') return err('exception_not_open', { status: row.status });
  const exception: RemittanceExceptionRow = { ...row, status: 'returned', resolvedAt: ctx.now, resolvedBy: ctx.actorId, returned: transfer.amount };
  const effects: ChannelEffect[] = [
    returnEffect(transfer, transfer.amount, 'return'),
    channelNotice(transfer.fromPartyId, 'remittance_returned', { transferId: transfer.id, amount: transfer.amount.amount, reason: row.reason, bankId: transfer.fromBankId, at: transfer.at }),
  ];
  return ok({ exception, effects });
}
