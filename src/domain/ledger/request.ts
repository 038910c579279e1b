// Transfer requests: field validation, the idempotency comparison, the ids a batch needs loaded,
// and builders for the requests other code sends (reversals, expiries).

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { isCurrencyCode, scaleOf } from '../money/index.ts';
import { amountToMinor, storedToMinor } from './amount.ts';
import { ledgerCodeLengthMax, ledgerIdLengthMax } from './account.ts';
import type { MoveRequest, TransferRefs, ReleaseRequest, ResolveRequest, Transfer, TransferErrorCode, TransferRequest } from './types.ts';

/** One batch holds at most this many requests (TigerBeetle's batch size). */
export const transferRequestsMax = 8190;
/** refs are a few named references (order, cheque, authorization), not a document. */
export const transferRefsMax = 16;
export const transferRefKeyLengthMax = 64;
export const transferRefValueLengthMax = 256;
const expiryIdPrefix = 'expire:';

/** single/pending (moves between two named accounts) vs post/void/expire (resolve a pending). */
export function isMoveRequest(request: TransferRequest): request is MoveRequest {
  return request.kind === 'single' || request.kind === 'pending';
}

export function isLedgerId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= ledgerIdLengthMax;
}

function isValidCode(code: unknown): code is string {
  return typeof code === 'string' && code.length > 0 && code.length <= ledgerCodeLengthMax;
}

function isValidRefs(refs: unknown): refs is TransferRefs {
  if (typeof refs !== 'object' || refs === null || Array.isArray(refs)) return false;
  const keys = Object.keys(refs);
  if (keys.length > transferRefsMax) return false;
  for (const key of keys) {
    const value = (refs as Record<string, unknown>)[key];
    // "__proto__" is refused: plain-object code downstream (UI, exports) would lose or misread it.
    if (key.length === 0 || key.length > transferRefKeyLengthMax || key === '__proto__') return false;
    if (typeof value !== 'string' || value.length > transferRefValueLengthMax) return false;
  }
  return true;
}

export function refsEqual(a: TransferRefs, b: TransferRefs): boolean {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && a[key] === b[key]);
}

/** A validated single/pending request: amount in minor units, refs defaulted. */
export type CheckedMoveRequest = { readonly amountMinor: bigint; readonly refs: TransferRefs };

/** Checks a single/pending request's own fields (no lookups). */
export function checkMoveFields(request: MoveRequest, now: number): Result<CheckedMoveRequest, TransferErrorCode> {
  if (!isCurrencyCode(request.currency)) return err('currency_unknown', { currency: String(request.currency) });
  const amountMinor = amountToMinor(request.amount, scaleOf(request.currency));
  if (amountMinor === undefined) return err('amount_invalid');
  if (amountMinor <= 0n) return err('amount_not_positive');
  if (!isLedgerId(request.debitAccountId)) return err('account_not_found', { accountId: String(request.debitAccountId) });
  if (!isLedgerId(request.creditAccountId)) return err('account_not_found', { accountId: String(request.creditAccountId) });
  if (request.debitAccountId === request.creditAccountId) return err('same_account');
  // A pending id leaves room for its expiry id (expiryIdOf), which must be a valid id too.
  if (request.kind === 'pending' && request.id.length > ledgerIdLengthMax - expiryIdPrefix.length) return err('id_invalid');
  if (!isValidCode(request.code)) return err('code_invalid');
  const refs = request.refs ?? {};
  if (!isValidRefs(refs)) return err('refs_invalid');
  if (request.timeoutAt !== undefined) {
    if (request.kind !== 'pending') return err('timeout_reserved_for_pending');
    if (!Number.isSafeInteger(request.timeoutAt) || request.timeoutAt <= now) return err('timeout_invalid');
  }
  return ok({ amountMinor, refs });
}

/** Checks the optional fields of a post/void/expire request (no lookups). */
export function checkResolveFields(request: ResolveRequest): Result<null, TransferErrorCode> {
  if (request.kind !== 'post') assert((request as { amount?: unknown }).amount === undefined, 'void/expire carry no amount');
  if (!isLedgerId(request.pendingId)) return err('pending_not_found');
  if (request.code !== undefined && !isValidCode(request.code)) return err('code_invalid');
  if (request.refs !== undefined && !isValidRefs(request.refs)) return err('refs_invalid');
  return ok(null);
}

function sameAmount(requested: string, stored: string, currency: Transfer['currency']): boolean {
  const scale = scaleOf(currency);
  const a = amountToMinor(requested, scale);
  return a !== undefined && a === storedToMinor(stored, scale);
}

/**
 * The idempotency rule: does this request repeat the transfer that already has its id? Every field
 * the request carries is compared (kind and linked always; optional fields only when present, an
 * absent optional field meaning "whatever the first request said"). Amounts compare by value.
 */
export function sameFields(request: TransferRequest, existing: Transfer): boolean {
  assert(request.id === existing.id, 'compared by id');
  if (request.kind !== existing.kind || (request.linked ?? false) !== existing.linked) return false;
  if (request.refs !== undefined && !(isValidRefs(request.refs) && refsEqual(request.refs, existing.refs))) return false;
  if (request.code !== undefined && request.code !== existing.code) return false;
  if (isMoveRequest(request)) {
    return request.debitAccountId === existing.debitAccountId &&
      request.creditAccountId === existing.creditAccountId &&
      request.currency === existing.currency &&
      sameAmount(request.amount, existing.amount, existing.currency) &&
      (request.timeoutAt === undefined || request.timeoutAt === existing.timeoutAt);
  }
  if (request.pendingId !== existing.pendingId) return false;
  return request.kind !== 'post' || request.amount === undefined || sameAmount(request.amount, existing.amount, existing.currency);
}

/**
 * The ids a batch reads, for the storage layer to load before calling applyTransfers. Call it once
 * without `transfer` for the transfer ids (the requests' own ids, for idempotency, and the pending
 * ids they resolve); then again with a lookup over the loaded transfers for the account ids, since
 * a post/void/expire moves the accounts of its pending transfer (found in the batch itself when the
 * pending is created earlier in the same batch).
 */
export function idsNeeded(
  requests: readonly TransferRequest[],
  transfer?: (id: string) => Transfer | undefined,
): { transferIds: string[]; accountIds: string[] } {
  // No length assertion: a batch over transferRequestsMax is applyTransfers' named error
  // (batch_too_large), which the caller must get, so listing its ids must not throw first.
  const transferIds = new Set<string>();
  const accountIds = new Set<string>();
  const pendingInBatch = new Map<string, MoveRequest>();
  for (const request of requests) {
    transferIds.add(request.id);
    if (isMoveRequest(request)) {
      accountIds.add(request.debitAccountId);
      accountIds.add(request.creditAccountId);
      if (request.kind === 'pending' && !pendingInBatch.has(request.id)) pendingInBatch.set(request.id, request);
    } else {
      transferIds.add(request.pendingId);
    }
  }
  if (transfer !== undefined) {
    for (const request of requests) {
      if (isMoveRequest(request)) continue;
      // Both sources, since the stored row (if any) wins in applyTransfers and a same-id request in
      // the batch is then an idempotent replay: listing both keeps the view complete either way.
      const stored = transfer(request.pendingId);
      if (stored !== undefined) {
        accountIds.add(stored.debitAccountId);
        accountIds.add(stored.creditAccountId);
      }
      const inBatch = pendingInBatch.get(request.pendingId);
      if (inBatch !== undefined) {
        accountIds.add(inBatch.debitAccountId);
        accountIds.add(inBatch.creditAccountId);
      }
    }
  }
  return { transferIds: [...transferIds], accountIds: [...accountIds] };
}

/** The id an expiry of `pendingId` gets: deterministic, so two schedulers expiring the same hold
 * produce one transfer and one `exists`. */
export function expiryIdOf(pendingId: string): string {
  return expiryIdPrefix + pendingId;
}

/**
 * Expire requests for the open pending transfers among `pendings` whose timeout has come (at most
 * transferRequestsMax, oldest timeout first). The storage layer's scheduler loads candidates by its
 * timeoutAt index and applies these with applyTransfers at world time `now`.
 */
export function expiryRequestsFor(pendings: readonly Transfer[], now: number): ReleaseRequest[] {
  assert(Number.isSafeInteger(now) && now >= 0, 'world time is a non-negative integer');
  return pendings
    .filter((p) => p.kind === 'pending' && p.state === 'open' && p.timeoutAt !== undefined && p.timeoutAt <= now)
    .sort((a, b) => (a.timeoutAt ?? 0) - (b.timeoutAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, transferRequestsMax)
    .map((p) => ({ id: expiryIdOf(p.id), kind: 'expire' as const, pendingId: p.id }));
}
