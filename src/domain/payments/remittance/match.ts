// Automatic matching of incoming transfers to remittance charges (对账: each payment record to its
// transaction), by reference and amount.
//
// The reference is looked for in the memo as a whole TOKEN: the memo is NFKC-normalized (full-width
// "Ｏ－１２３" reads "O-123"), upper-cased and split at every character that cannot be in an order
// number ([A-Z0-9_-]), so "订单O-123付款" names O-123 and "O-1234" does not name O-123. Only
// remittance charges to the account that was credited (same payee, same bank) count.
//
// Decision, in order:
//   no order named                            → exception missing_reference
//   two or more orders named                  → exception ambiguous_reference
//   the order has a pending charge:
//     same amount                             → matched: the charge is captured
//     other amount (short or over)            → exception wrong_amount
//   the order's charge was already paid       → exception duplicate
//   otherwise (its charges failed: cancelled) → exception charge_closed
// Transfers are processed in time order, so of two transfers for one order the first matches and
// the second is a duplicate. A transfer id already processed is skipped (idempotency).

import { assert } from '../../assert.ts';
import { compare, fromStored } from '../../money/index.ts';
import type { Charge } from '../gateway/charge.ts';
import { channelNotice, type ChannelEffect } from '../gateway/effects.ts';
import { captureCharge, type GatewayContext } from '../gateway/gateway.ts';
import { remittanceChannel } from './channel.ts';
import { matchRowOf, openRemittanceException, type IncomingTransfer, type RemittanceExceptionReason, type RemittanceExceptionRow, type RemittanceMatchRow } from './exceptions.ts';

export type RemittanceDecision =
  | { readonly kind: 'matched'; readonly chargeId: string }
  | { readonly kind: 'exception'; readonly reason: RemittanceExceptionReason; readonly chargeId: string | null };

/** A memo longer than this is cut: a reference is a short order number, not a letter. */
export const remittanceMemoLengthMax = 140;
/** Transfers processed in one run (a day's statement of one payee, with room to spare). */
export const remittanceTransfersMax = 10_000;

export function normalizeReference(text: string): string {
  return text.normalize('NFKC').toUpperCase();
}

export function remittanceReferenceTokens(memo: string): ReadonlySet<string> {
  const text = normalizeReference(memo.slice(0, remittanceMemoLengthMax));
  return new Set(text.split(/[^A-Z0-9_-]+/).filter((t) => t.length > 0));
}

function isPaid(charge: Charge): boolean {
  return charge.status === 'succeeded' || charge.status === 'partially_refunded' || charge.status === 'refunded';
}

/** Where one transfer goes, given the payee's remittance charges (rule at the top). */
export function decideRemittance(transfer: IncomingTransfer, charges: readonly Charge[]): RemittanceDecision {
  const tokens = remittanceReferenceTokens(transfer.memo);
  const named = charges.filter((c) => c.channel === 'remittance' && c.payee.partyId === transfer.payeeId && c.payee.bankId === transfer.bankId && tokens.has(normalizeReference(c.orderId)));
  const orders = new Set(named.map((c) => c.orderId));
  if (orders.size === 0) return { kind: 'exception', reason: 'missing_reference', chargeId: null };
  if (orders.size > 1) return { kind: 'exception', reason: 'ambiguous_reference', chargeId: null };
  const awaiting = named.filter((c) => c.status === 'pending');
  // Checkout creates a new charge for an order only after the previous one failed.
  assert(awaiting.length <= 1, 'an order has at most one pending charge');
  const open = awaiting[0];
  if (open !== undefined) {
    assert(open.amount.currency === transfer.amount.currency, 'one currency');
    if (compare(fromStored(open.amount), fromStored(transfer.amount)) === 0) return { kind: 'matched', chargeId: open.id };
    return { kind: 'exception', reason: 'wrong_amount', chargeId: open.id };
  }
  const paid = named.find(isPaid);
  if (paid !== undefined) return { kind: 'exception', reason: 'duplicate', chargeId: paid.id };
  const last = named[named.length - 1];
  return { kind: 'exception', reason: 'charge_closed', chargeId: last?.id ?? null };
}

export type RemittanceRun = {
  /** Charges captured by this run (new rows to store). */
  readonly charges: readonly Charge[];
  readonly matches: readonly RemittanceMatchRow[];
  readonly exceptions: readonly RemittanceExceptionRow[];
  readonly effects: readonly ChannelEffect[];
};

/**
 * Matches a payee's new incoming transfers against its remittance charges. `processedIds`: transfer
 * ids already matched or queued (skipped). Captures each matched charge through the gateway.
 */
export function processIncomingTransfers(transfers: readonly IncomingTransfer[], charges: readonly Charge[], processedIds: ReadonlySet<string>, ctx: GatewayContext): RemittanceRun {
  assert(transfers.length <= remittanceTransfersMax, 'transfers per run bounded');
  const current = new Map(charges.map((c) => [c.id, c]));
  assert(current.size === charges.length, 'charge ids are unique');
  const ordered = [...transfers].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seen = new Set<string>();
  const changed = new Map<string, Charge>();
  const matches: RemittanceMatchRow[] = [];
  const exceptions: RemittanceExceptionRow[] = [];
  const effects: ChannelEffect[] = [];
  for (const transfer of ordered) {
    if (processedIds.has(transfer.id) || seen.has(transfer.id)) continue;
    seen.add(transfer.id);
    const decision = decideRemittance(transfer, [...current.values()]);
    if (decision.kind === 'matched') {
      const charge = current.get(decision.chargeId);
      assert(charge !== undefined, 'the matched charge is known');
      const step = captureCharge(charge, charge.amount, remittanceChannel, { receivingAccountNumber: null, refundTo: null }, ctx);
      assert(step.ok, 'a pending remittance charge captures its own amount');
      current.set(charge.id, step.value.charge);
      changed.set(charge.id, step.value.charge);
      matches.push(matchRowOf(transfer, charge, ctx.now, 'auto'));
      effects.push(...step.value.effects);
    } else {
      exceptions.push(openRemittanceException(transfer, decision.reason, decision.chargeId, ctx.now));
      effects.push(channelNotice(transfer.payeeId, 'remittance_exception', { transferId: transfer.id, reason: decision.reason, amount: transfer.amount.amount, payerId: transfer.fromPartyId, bankId: transfer.fromBankId, at: transfer.at }));
    }
  }
  return { charges: [...changed.values()], matches, exceptions, effects };
}
