// Row and request types of the double-entry ledger (TigerBeetle model: accounts and transfers,
// two-phase transfers, idempotent ids, balance-limit flags) and its hash-chained journal.
//
// Every amount in a row is a string at the currency's scale ("12.30" for CNY, "1230" for JPY), so
// rows survive IndexedDB, JSON and signing unchanged. World time is a number (ms of the simulated
// clock), never the wall clock.

import type { CurrencyCode } from '../money/index.ts';

export type NormalSide = 'debit' | 'credit';

/**
 * Balance limits, checked when a transfer would add to the restricted side (single or pending).
 *
 * - `debitsMustNotExceedCredits`: debitsPosted + debitsPending may not exceed
 *   creditsPosted + creditLimit. A bank deposit account (credit-normal, kept by the bank) uses it
 *   with no creditLimit: no overdraft (借记卡). A card account kept by the card company (debit-normal:
 *   what the cardholder owes) uses it with creditLimit: spending may run ahead of repayments by at
 *   most the limit (贷记卡).
 * - `creditsMustNotExceedDebits`: the mirror image, creditsPosted + creditsPending may not exceed
 *   debitsPosted + creditLimit (e.g. an asset account that must not go below zero).
 * - `creditLimit`: a non-negative amount at the account's scale; the allowance by which the
 *   restricted side may run ahead of the other side's POSTED total (pending amounts on the other
 *   side are not cover, as in TigerBeetle). It requires exactly one of the two flags; an absent
 *   limit means zero. A refusal on an account with a creditLimit is `exceeds_credit_limit`,
 *   without one `insufficient_funds`.
 * The two flags are mutually exclusive (both at once would freeze the account).
 */
export type AccountFlags = {
  readonly debitsMustNotExceedCredits?: boolean;
  readonly creditsMustNotExceedDebits?: boolean;
  readonly creditLimit?: string;
};

/** One account row. The four balances live in the row so reading a balance is one lookup. */
export type Account = {
  readonly id: string;
  /** The party that owns the money (buyer, seller, ...). */
  readonly partyId: string;
  /** The institution party whose book keeps the account (bank, escrow agent, card company...). */
  readonly bookId: string;
  /** Kind of account, e.g. 'bank.deposit', 'escrow.wallet', 'card.receivable'. */
  readonly code: string;
  readonly name: string;
  readonly currency: CurrencyCode;
  readonly normal: NormalSide;
  readonly flags: AccountFlags;
  readonly debitsPosted: string;
  readonly creditsPosted: string;
  readonly debitsPending: string;
  readonly creditsPending: string;
  readonly createdAt: number;
};

export type AccountInput = Pick<Account, 'id' | 'partyId' | 'bookId' | 'code' | 'name' | 'currency' | 'normal'> & {
  readonly flags?: AccountFlags;
};

export type AccountErrorCode =
  | 'field_required'
  | 'field_too_long'
  | 'currency_unknown'
  | 'normal_side_invalid'
  | 'flags_are_mutually_exclusive'
  | 'credit_limit_invalid'
  | 'credit_limit_without_restriction';

export type TransferKind = 'single' | 'pending' | 'post' | 'void' | 'expire';

/** How a pending transfer ended; 'open' until exactly one post, void or expire resolves it. */
export type PendingState = 'open' | 'posted' | 'voided' | 'expired';

export type TransferRefs = Readonly<Record<string, string>>;

/**
 * One transfer row. Rows are written once, except a pending row, whose resolution fields change
 * exactly once (open -> posted | voided | expired). The journal, not this row, is the audit trail.
 */
export type Transfer = {
  /** Idempotency key chosen by the caller: replaying the same request is harmless. */
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** single/pending: the amount moved or reserved; post: the amount posted; void/expire: the
   * pending amount released. */
  readonly amount: string;
  readonly currency: CurrencyCode;
  /** Kind of movement, e.g. 'escrow.hold', 'card.authorization'. */
  readonly code: string;
  readonly refs: TransferRefs;
  readonly at: number;
  readonly linked: boolean;
  /** post/void/expire: the pending transfer resolved. */
  readonly pendingId?: string;
  /** pending only: from this world time on the hold may be expired and can no longer be posted. */
  readonly timeoutAt?: number;
  /** pending only. */
  readonly state?: PendingState;
  /** pending only, once resolved: the amount posted ('0.00' for void/expire). */
  readonly postedAmount?: string;
  /** pending only, once resolved: the id of the post/void/expire transfer. */
  readonly resolvedById?: string;
  /** pending only, once resolved. */
  readonly resolvedAt?: number;
};

type RequestBase = {
  readonly id: string;
  /** TigerBeetle style: this request and the next commit together or not at all. */
  readonly linked?: boolean;
};

/** A single (immediately posted) or pending (reserving) transfer between two accounts. */
export type MoveRequest = RequestBase & {
  readonly kind: 'single' | 'pending';
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** A decimal string with at most the currency's scale of decimals ("12.3" is "12.30"). */
  readonly amount: string;
  readonly currency: CurrencyCode;
  readonly code: string;
  /** Defaults to {}. */
  readonly refs?: TransferRefs;
  /** pending only: absolute world time, later than now. Absent: the hold never expires. */
  readonly timeoutAt?: number;
};

/** Posts a pending transfer, fully or partly. Accounts and currency come from the pending transfer. */
export type PostRequest = RequestBase & {
  readonly kind: 'post';
  readonly pendingId: string;
  /** The amount to post, at most the pending amount (the rest is released). Absent: all of it. */
  readonly amount?: string;
  /** Defaults to the pending transfer's code. */
  readonly code?: string;
  /** Defaults to the pending transfer's refs. */
  readonly refs?: TransferRefs;
};

/** Releases a pending transfer without posting: void (any time before its timeout) or expire (at
 * or after it; the storage layer's scheduler sends these, see expiryRequestsFor). */
export type ReleaseRequest = RequestBase & {
  readonly kind: 'void' | 'expire';
  readonly pendingId: string;
  /** Defaults to the pending transfer's code. */
  readonly code?: string;
  /** Defaults to the pending transfer's refs. */
  readonly refs?: TransferRefs;
};

export type ResolveRequest = PostRequest | ReleaseRequest;

export type TransferRequest = MoveRequest | ResolveRequest;

/**
 * Why a request was refused (message key `error.<code>`):
 * - id_invalid: the id is empty or longer than ledgerIdLengthMax.
 * - exists_with_different_fields: the id is taken by a transfer that differs in a field this
 *   request carries (an idempotent replay must repeat the request exactly).
 * - amount_invalid: not a plain decimal, more decimals than the currency has, or above the limit.
 * - amount_not_positive: zero or negative.
 * - currency_unknown: not a currency the simulation knows.
 * - code_invalid / refs_invalid: empty or too long, too many refs, non-string values.
 * - same_account: debit and credit account are the same.
 * - timeout_reserved_for_pending: timeoutAt on a transfer that is not pending.
 * - timeout_invalid: timeoutAt is not an integer later than now.
 * - account_not_found: the debit or credit account does not exist (detail.accountId).
 * - currency_mismatch: the transfer's currency differs from an account's, or the two accounts'
 *   currencies differ.
 * - insufficient_funds: a balance-limit flag without creditLimit would be violated.
 * - exceeds_credit_limit: an account with a creditLimit would go past it.
 * - pending_not_found: pendingId names no transfer.
 * - not_a_pending_transfer: pendingId names a transfer that is not a pending one.
 * - pending_already_posted / pending_already_voided / pending_already_expired: the pending transfer
 *   was already resolved; each pending resolves at most once.
 * - pending_expired: a post or void at or after the pending's timeoutAt (only expire may resolve it).
 * - pending_not_expired: an expire before timeoutAt, or of a pending without a timeout.
 * - post_exceeds_pending: a post for more than the pending amount.
 * - linked_event_failed: another request of the same linked chain failed, so none committed.
 * - linked_event_chain_open: the batch ended with linked=true, so the chain has no end.
 */
export type TransferErrorCode =
  | 'id_invalid'
  | 'exists_with_different_fields'
  | 'amount_invalid'
  | 'amount_not_positive'
  | 'currency_unknown'
  | 'code_invalid'
  | 'refs_invalid'
  | 'same_account'
  | 'timeout_reserved_for_pending'
  | 'timeout_invalid'
  | 'account_not_found'
  | 'currency_mismatch'
  | 'insufficient_funds'
  | 'exceeds_credit_limit'
  | 'pending_not_found'
  | 'not_a_pending_transfer'
  | 'pending_already_posted'
  | 'pending_already_voided'
  | 'pending_already_expired'
  | 'pending_expired'
  | 'pending_not_expired'
  | 'post_exceeds_pending'
  | 'linked_event_failed'
  | 'linked_event_chain_open';

/** Whole-batch failure: nothing was applied. */
export type LedgerErrorCode = 'batch_too_large';

export type TransferResult =
  | { readonly id: string; readonly status: 'created'; readonly transfer: Transfer }
  | { readonly id: string; readonly status: 'exists'; readonly transfer: Transfer }
  | {
      readonly id: string;
      readonly status: 'failed';
      readonly code: TransferErrorCode;
      readonly detail?: Readonly<Record<string, string | number>>;
    };

/**
 * Synchronous lookups over a snapshot the caller loaded (see idsNeeded). `undefined` means the row
 * does not exist; the view is only asked for ids idsNeeded listed.
 */
export type LedgerView = {
  account(id: string): Account | undefined;
  transfer(id: string): Transfer | undefined;
};

/**
 * What one applied transfer does to balances, self-contained so balances can be recomputed from
 * the journal alone (both accounts, amounts in the currency's stored form):
 * - single:  debitsPosted(debit) += amount, creditsPosted(credit) += amount.
 * - pending: debitsPending(debit) += amount, creditsPending(credit) += amount.
 * - post:    debitsPending/creditsPending -= releasedAmount (the whole pending amount), then
 *            debitsPosted/creditsPosted += amount (the posted part, 0 < amount <= releasedAmount).
 * - void, expire: debitsPending/creditsPending -= releasedAmount; amount equals releasedAmount and
 *            posts nothing (it is kept so every entry reads "how much this was about").
 */
export type JournalEntryDraft = {
  readonly transferId: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: string;
  /** post, void and expire only: the pending amount released. */
  readonly releasedAmount?: string;
  readonly currency: CurrencyCode;
  readonly code: string;
  readonly refs: TransferRefs;
  readonly at: number;
  /** post, void and expire only. */
  readonly pendingId?: string;
};

/** An appended journal entry: never updated, never deleted (a correction is a reversing transfer). */
export type JournalEntry = JournalEntryDraft & {
  /** 1, 2, 3... one chain per world. */
  readonly seq: number;
  /** The previous entry's hash; 64 zeros for seq 1. */
  readonly prevHash: string;
  /** Hex SHA-256 of the canonical JSON (RFC 8785) of every other field, prevHash included. */
  readonly hash: string;
};

/** The chain's last entry, stored apart from the entries (world meta) so truncation shows. */
export type JournalHead = { readonly seq: number; readonly hash: string };

/** What the caller writes in one transaction after applyTransfers. */
export type LedgerWrite = {
  /** Accounts whose balances changed, final state, each once. */
  readonly accounts: readonly Account[];
  /** New transfers and resolved pending transfers, final state, each once. */
  readonly transfers: readonly Transfer[];
  /** One draft per created transfer, in order; chain them with chainEntries(head, entries). */
  readonly entries: readonly JournalEntryDraft[];
  /** One result per request, in request order. */
  readonly results: readonly TransferResult[];
};
