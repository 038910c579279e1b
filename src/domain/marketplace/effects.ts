// What the marketplace's pure functions ask the app layer to do. A function returns new rows plus a
// list of effects; the app carries out all of them in the same transaction as the row writes, in
// list order, or none (a ledger refusal aborts the command). Effects are plain data, so a test can
// read them and a replay can compare them.
//
// Every id in an effect (transfer ids, job ids) is derived from the order id and the step, never
// random: replaying a command produces the same ids, and the ledger and scheduler treat a repeated
// id as the same request (idempotency).

import type { StoredMoney } from '../money/index.ts';
import type { EventDraft } from '../world/events.ts';
import type { JobDraft } from '../world/scheduler.ts';
import type { ReviewRow } from './review.ts';

/**
 * A ledger account named by the role it plays in an escrow trade; the app maps each role to a real
 * ledger account (the ledger module is not imported here on purpose: the domain of trading should
 * not depend on how accounts are keyed).
 *
 * - buyer_wallet {partyId}: the buyer's balance with the escrow agent (支付宝余额), what pays for the
 *   order. Other payment channels (card, online banking) fund this balance first; the channel is in
 *   the effect's refs.
 * - escrow_holding: the escrow agent's holding account for customers' money in transit (担保资金):
 *   paid but not yet released.
 * - seller_wallet {partyId}: the seller's balance with the escrow agent. Released money lands here
 *   and becomes withdrawable T+N days later (the 'escrow.available' job).
 * - platform_commission: the platform operator's commission income (佣金收入).
 */
export type AccountRef =
  | { readonly role: 'buyer_wallet'; readonly partyId: string }
  | { readonly role: 'escrow_holding' }
  | { readonly role: 'seller_wallet'; readonly partyId: string }
  | { readonly role: 'platform_commission' };

/** Movement kinds as the ledger's `code` column. */
export const ledgerCodes = {
  hold: 'escrow.hold', // buyer pays: a pending transfer buyer_wallet → escrow_holding
  release: 'escrow.release', // the hold is posted (all of it, or the part not refunded)
  refund: 'escrow.refund', // the hold is voided: everything back to the buyer
  payout: 'escrow.payout', // escrow_holding → seller_wallet: released money less commission
  commission: 'platform.commission', // escrow_holding → platform_commission
} as const;
export type LedgerCode = (typeof ledgerCodes)[keyof typeof ledgerCodes];

/**
 * One ledger movement (TigerBeetle's two-phase model, as src/domain/ledger implements it):
 * - hold: a PENDING transfer from → to of `amount`. Nothing is posted; the buyer can no longer
 *   spend it.
 * - post: resolves the pending transfer `pendingId` by posting `amount` (at most the held amount)
 *   between the same accounts; whatever is not posted goes back to the debit side (the buyer)
 *   in the same step. That is how a partial refund needs no extra transfer.
 * - void: resolves `pendingId` by releasing all of it to the buyer; `amount` is the held amount.
 * - transfer: an immediate (single-phase) transfer from → to.
 * `from`/`to` on post and void repeat the pending transfer's accounts for readers; the ledger takes
 * them from the pending row. Amounts are always above zero: a zero movement is not emitted.
 */
export type LedgerEffect = {
  readonly kind: 'ledger';
  readonly op: 'hold' | 'post' | 'void' | 'transfer';
  readonly transferId: string;
  readonly pendingId?: string;
  readonly from: AccountRef;
  readonly to: AccountRef;
  readonly amount: StoredMoney;
  readonly code: LedgerCode;
  readonly refs: Readonly<Record<string, string>>;
};

export type ScheduleJobEffect = { readonly kind: 'job.schedule'; readonly job: JobDraft };
export type CancelJobEffect = { readonly kind: 'job.cancel'; readonly jobId: string };
export type EventEffect = { readonly kind: 'event'; readonly event: EventDraft };
/** A message to one party's inbox; `key` is an i18n message key, `params` what it quotes. */
export type NoticeEffect = {
  readonly kind: 'notice';
  readonly to: string;
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
};
/**
 * Stock to take (reserve, at order time) or give back (release, when an order closes before
 * shipping). The app applies them with reserveStock/releaseStock on the rows it reads in the same
 * transaction, so a concurrent order cannot take the same units.
 */
export type StockEffect = {
  readonly kind: 'stock';
  readonly op: 'reserve' | 'release';
  readonly productId: string;
  readonly quantity: number;
};

export type MarketplaceEffect = LedgerEffect | ScheduleJobEffect | CancelJobEffect | EventEffect | NoticeEffect | StockEffect | ReviewEffect;

/** A review row to store (review.ts defines the row). */
export type ReviewEffect = { readonly kind: 'review'; readonly review: ReviewRow };

/** Job kinds the marketplace schedules; the app routes each to the transition it triggers. */
export const marketplaceJobKinds = {
  payTimeout: 'marketplace.pay_timeout', // → PAY_TIMEOUT
  autoConfirm: 'marketplace.auto_confirm', // → AUTO_CONFIRM
  sellerResponseTimeout: 'marketplace.seller_response_timeout', // → SELLER_RESPONSE_TIMEOUT
  available: 'escrow.available', // the seller's released money becomes withdrawable
} as const;

export function ledgerEffectsOf(effects: readonly MarketplaceEffect[]): LedgerEffect[] {
  return effects.filter((e): e is LedgerEffect => e.kind === 'ledger');
}
