// applyTransfers: the ledger's one state transition. Pure and synchronous over a snapshot the caller
// loaded (LedgerView); it returns the rows to write instead of writing them, so the storage layer
// can put them and the chained journal entries in one IndexedDB transaction.
//
// Semantics follow TigerBeetle's create_transfers: requests apply one by one, each seeing the
// balances left by the ones before it (a batch cannot overdraw); a failed request fails alone,
// except inside a linked chain, which commits all or nothing. Results come back per request.

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { scaleOf } from '../money/index.ts';
import { amountToMinor, minorToAmount, storedToMinor } from './amount.ts';
import { balanceFields, balancesOf, creditLimitMinor, limitViolation, withBalances, type AccountBalances } from './account.ts';
import { entryEffect } from './journal.ts';
import { checkMoveFields, checkResolveFields, isLedgerId, transferRequestsMax, sameFields } from './request.ts';
import type {
  Account,
  JournalEntryDraft,
  LedgerErrorCode,
  LedgerView,
  LedgerWrite,
  MoveRequest,
  ResolveRequest,
  Transfer,
  TransferErrorCode,
  TransferRequest,
  TransferResult,
} from './types.ts';

/** An account as this batch sees it: the loaded row, its balances then and now. */
type Working = {
  readonly account: Account;
  readonly limitMinor: bigint;
  readonly original: AccountBalances;
  readonly balances: AccountBalances;
};

type Undo =
  | { readonly kind: 'account'; readonly id: string; readonly prev: Working }
  | { readonly kind: 'transfer'; readonly id: string; readonly prev: Transfer | undefined };

/** The batch's overlay over the view, with an undo log while a linked chain is open. */
class BatchState {
  readonly accounts = new Map<string, Working>();
  readonly transfers = new Map<string, Transfer>();
  readonly drafts: JournalEntryDraft[] = [];
  private undo: Undo[] | undefined;
  private draftsMark = 0;

  constructor(private readonly view: LedgerView) {}

  account(id: string): Working | undefined {
    const cached = this.accounts.get(id);
    if (cached !== undefined) return cached;
    const account = this.view.account(id);
    if (account === undefined) return undefined;
    assert(account.id === id, `view returned account ${account.id} for ${id}`);
    const balances = balancesOf(account);
    const limitMinor = creditLimitMinor(account);
    assert(limitViolation(account, balances, limitMinor) === undefined, `stored account ${id} is within its limits`);
    // Caching an unchanged row needs no undo: rolling back leaves it equal to the stored one.
    const working: Working = { account, limitMinor, original: balances, balances };
    this.accounts.set(id, working);
    return working;
  }

  transfer(id: string): Transfer | undefined {
    const written = this.transfers.get(id);
    if (written !== undefined) return written;
    const stored = this.view.transfer(id);
    assert(stored === undefined || stored.id === id, `view returned transfer ${stored?.id} for ${id}`);
    return stored;
  }

  setBalances(working: Working, balances: AccountBalances): void {
    assert(limitViolation(working.account, balances, working.limitMinor) === undefined, 'written balances are within limits');
    this.undo?.push({ kind: 'account', id: working.account.id, prev: working });
    this.accounts.set(working.account.id, { ...working, balances });
  }

  setTransfer(transfer: Transfer): void {
    this.undo?.push({ kind: 'transfer', id: transfer.id, prev: this.transfers.get(transfer.id) });
    this.transfers.set(transfer.id, transfer);
  }

  beginChain(): void {
    assert(this.undo === undefined, 'chains do not nest');
    this.undo = [];
    this.draftsMark = this.drafts.length;
  }

  commitChain(): void {
    assert(this.undo !== undefined, 'a chain is open');
    this.undo = undefined;
  }

  rollbackChain(): void {
    assert(this.undo !== undefined, 'a chain is open');
    for (let i = this.undo.length - 1; i >= 0; i -= 1) {
      const step = this.undo[i] as Undo;
      if (step.kind === 'account') this.accounts.set(step.id, step.prev);
      else if (step.prev === undefined) this.transfers.delete(step.id);
      else this.transfers.set(step.id, step.prev);
    }
    this.drafts.length = this.draftsMark;
    this.undo = undefined;
  }
}

function failed(id: string, code: TransferErrorCode, detail?: Readonly<Record<string, string | number>>): TransferResult {
  return detail === undefined ? { id, status: 'failed', code } : { id, status: 'failed', code, detail };
}

function draftOf(transfer: Transfer, releasedAmount: string | undefined): JournalEntryDraft {
  return {
    transferId: transfer.id,
    kind: transfer.kind,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: transfer.amount,
    ...(releasedAmount !== undefined ? { releasedAmount } : {}),
    currency: transfer.currency,
    code: transfer.code,
    refs: { ...transfer.refs },
    at: transfer.at,
    ...(transfer.pendingId !== undefined ? { pendingId: transfer.pendingId } : {}),
  };
}

function moved(b: AccountBalances, side: 'debit' | 'credit', posted: bigint, pending: bigint): AccountBalances {
  return side === 'debit'
    ? { ...b, debitsPosted: b.debitsPosted + posted, debitsPending: b.debitsPending + pending }
    : { ...b, creditsPosted: b.creditsPosted + posted, creditsPending: b.creditsPending + pending };
}

function applyMove(state: BatchState, request: MoveRequest, now: number): TransferResult {
  const checked = checkMoveFields(request, now);
  if (!checked.ok) return failed(request.id, checked.code, checked.detail);
  const debit = state.account(request.debitAccountId);
  if (debit === undefined) return failed(request.id, 'account_not_found', { accountId: request.debitAccountId });
  const credit = state.account(request.creditAccountId);
  if (credit === undefined) return failed(request.id, 'account_not_found', { accountId: request.creditAccountId });
  if (debit.account.currency !== request.currency || credit.account.currency !== request.currency) {
    return failed(request.id, 'currency_mismatch', { debit: debit.account.currency, credit: credit.account.currency, transfer: request.currency });
  }

  const amountMinor = checked.value.amountMinor;
  const posted = request.kind === 'single' ? amountMinor : 0n;
  const pending = request.kind === 'pending' ? amountMinor : 0n;
  const debitAfter = moved(debit.balances, 'debit', posted, pending);
  const creditAfter = moved(credit.balances, 'credit', posted, pending);
  const debitRefusal = limitViolation(debit.account, debitAfter, debit.limitMinor);
  if (debitRefusal !== undefined) return failed(request.id, debitRefusal, { accountId: debit.account.id });
  const creditRefusal = limitViolation(credit.account, creditAfter, credit.limitMinor);
  if (creditRefusal !== undefined) return failed(request.id, creditRefusal, { accountId: credit.account.id });

  const transfer: Transfer = {
    id: request.id,
    kind: request.kind,
    debitAccountId: request.debitAccountId,
    creditAccountId: request.creditAccountId,
    amount: minorToAmount(amountMinor, scaleOf(request.currency)),
    currency: request.currency,
    code: request.code,
    refs: { ...checked.value.refs },
    at: now,
    linked: request.linked ?? false,
    ...(request.kind === 'pending' ? { state: 'open' as const } : {}),
    ...(request.timeoutAt !== undefined ? { timeoutAt: request.timeoutAt } : {}),
  };
  state.setBalances(debit, debitAfter);
  state.setBalances(credit, creditAfter);
  state.setTransfer(transfer);
  state.drafts.push(draftOf(transfer, undefined));
  return { id: request.id, status: 'created', transfer };
}

const resolvedState = { post: 'posted', void: 'voided', expire: 'expired' } as const;
const alreadyResolved = {
  posted: 'pending_already_posted',
  voided: 'pending_already_voided',
  expired: 'pending_already_expired',
} as const;

function applyResolve(state: BatchState, request: ResolveRequest, now: number): TransferResult {
  const checked = checkResolveFields(request);
  if (!checked.ok) return failed(request.id, checked.code);
  const pending = state.transfer(request.pendingId);
  if (pending === undefined) return failed(request.id, 'pending_not_found');
  if (pending.kind !== 'pending') return failed(request.id, 'not_a_pending_transfer');
  assert(pending.state !== undefined, `pending ${pending.id} has a state`);
  if (pending.state !== 'open') return failed(request.id, alreadyResolved[pending.state]);
  const timedOut = pending.timeoutAt !== undefined && now >= pending.timeoutAt;
  if (request.kind === 'expire' && !timedOut) return failed(request.id, 'pending_not_expired');
  if (request.kind !== 'expire' && timedOut) return failed(request.id, 'pending_expired');

  const scale = scaleOf(pending.currency);
  const pendingMinor = storedToMinor(pending.amount, scale);
  assert(pendingMinor !== undefined && pendingMinor > 0n, `pending ${pending.id} has a positive stored amount`);
  let postedMinor = 0n;
  if (request.kind === 'post') {
    const requested = request.amount === undefined ? pendingMinor : amountToMinor(request.amount, scale);
    if (requested === undefined) return failed(request.id, 'amount_invalid');
    if (requested <= 0n) return failed(request.id, 'amount_not_positive');
    if (requested > pendingMinor) return failed(request.id, 'post_exceeds_pending', { pendingAmount: pending.amount });
    postedMinor = requested;
  }
  const debit = state.account(pending.debitAccountId);
  if (debit === undefined) return failed(request.id, 'account_not_found', { accountId: pending.debitAccountId });
  const credit = state.account(pending.creditAccountId);
  if (credit === undefined) return failed(request.id, 'account_not_found', { accountId: pending.creditAccountId });
  assert(debit.account.currency === pending.currency && credit.account.currency === pending.currency, 'pending currency matches its accounts');
  assert(debit.balances.debitsPending >= pendingMinor && credit.balances.creditsPending >= pendingMinor, 'the hold is still reserved');
  // A resolution never needs funds: it releases the hold and posts at most what the hold reserved,
  // so setBalances' limit assertion holds without a check here.
  const debitAfter = moved(debit.balances, 'debit', postedMinor, -pendingMinor);
  const creditAfter = moved(credit.balances, 'credit', postedMinor, -pendingMinor);

  const transfer: Transfer = {
    id: request.id,
    kind: request.kind,
    debitAccountId: pending.debitAccountId,
    creditAccountId: pending.creditAccountId,
    amount: request.kind === 'post' ? minorToAmount(postedMinor, scale) : pending.amount,
    currency: pending.currency,
    code: request.code ?? pending.code,
    refs: { ...(request.refs ?? pending.refs) },
    at: now,
    linked: request.linked ?? false,
    pendingId: pending.id,
  };
  const resolved: Transfer = {
    ...pending,
    state: resolvedState[request.kind],
    postedAmount: minorToAmount(postedMinor, scale),
    resolvedById: request.id,
    resolvedAt: now,
  };
  state.setBalances(debit, debitAfter);
  state.setBalances(credit, creditAfter);
  state.setTransfer(transfer);
  state.setTransfer(resolved);
  state.drafts.push(draftOf(transfer, pending.amount));
  return { id: request.id, status: 'created', transfer };
}

function applyOne(state: BatchState, request: TransferRequest, now: number): TransferResult {
  if (!isLedgerId(request.id)) return failed(String(request.id), 'id_invalid');
  const existing = state.transfer(request.id);
  if (existing !== undefined) {
    return sameFields(request, existing)
      ? { id: request.id, status: 'exists', transfer: existing }
      : failed(request.id, 'exists_with_different_fields');
  }
  switch (request.kind) {
    case 'single':
    case 'pending':
      return applyMove(state, request, now);
    case 'post':
    case 'void':
    case 'expire':
      return applyResolve(state, request, now);
    default: {
      const unknown: never = request;
      assert(false, `unknown transfer kind: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Applies a batch of transfer requests at world time `now` over `view` (which must answer for every
 * id idsNeeded lists). Returns the rows to write and one result per request; the only whole-batch
 * failure is a batch longer than transferRequestsMax.
 */
export function applyTransfers(
  view: LedgerView,
  requests: readonly TransferRequest[],
  now: number,
): Result<LedgerWrite, LedgerErrorCode> {
  assert(Number.isSafeInteger(now) && now >= 0, 'world time is a non-negative integer');
  if (requests.length > transferRequestsMax) return err('batch_too_large', { requestsMax: transferRequestsMax });
  const state = new BatchState(view);
  const results: TransferResult[] = [];
  let i = 0;
  while (i < requests.length) {
    // A chain is requests[i..end]: every one but the last has linked=true.
    let end = i;
    while (end < requests.length && requests[end]?.linked === true) end += 1;
    if (end === i) {
      results.push(applyOne(state, requests[i] as TransferRequest, now));
      i += 1;
      continue;
    }
    if (end === requests.length) {
      for (let k = i; k < requests.length; k += 1) {
        const id = String(requests[k]?.id);
        results.push(failed(id, k === requests.length - 1 ? 'linked_event_chain_open' : 'linked_event_failed'));
      }
      break;
    }
    state.beginChain();
    const chain: TransferResult[] = [];
    for (let k = i; k <= end; k += 1) {
      const result = applyOne(state, requests[k] as TransferRequest, now);
      chain.push(result);
      if (result.status === 'failed') break;
    }
    const failure = chain.find((r) => r.status === 'failed');
    if (failure === undefined) {
      state.commitChain();
      results.push(...chain);
    } else {
      state.rollbackChain();
      for (let k = i; k <= end; k += 1) {
        results.push(k === i + chain.length - 1 ? failure : failed(String(requests[k]?.id), 'linked_event_failed'));
      }
    }
    i = end + 1;
  }
  assert(results.length === requests.length, 'one result per request');

  const accounts: Account[] = [];
  for (const working of state.accounts.values()) {
    if (balanceFields.some((f) => working.balances[f] !== working.original[f])) {
      accounts.push(withBalances(working.account, working.balances));
    }
  }
  const write: LedgerWrite = { accounts, transfers: [...state.transfers.values()], entries: [...state.drafts], results };
  assertWriteBalanced(state, write);
  return ok(write);
}

/**
 * The write's closing assertions: one entry per created transfer; recomputing every account's
 * change from the entries alone (the journal's rule) gives exactly the change in its row; and per
 * currency the debits added equal the credits added, posted and pending.
 */
function assertWriteBalanced(state: BatchState, write: LedgerWrite): void {
  const created = write.results.filter((r) => r.status === 'created').length;
  assert(write.entries.length === created, 'one journal entry per created transfer');
  const deltas = new Map<string, { debitsPosted: bigint; creditsPosted: bigint; debitsPending: bigint; creditsPending: bigint }>();
  const deltaOf = (id: string) => {
    let d = deltas.get(id);
    if (d === undefined) {
      d = { debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };
      deltas.set(id, d);
    }
    return d;
  };
  for (const entry of write.entries) {
    const effect = entryEffect(entry.kind, entry.amount, entry.releasedAmount, scaleOf(entry.currency));
    assert(effect !== undefined, `entry ${entry.transferId} follows the journal rule`);
    const debit = deltaOf(entry.debitAccountId);
    const credit = deltaOf(entry.creditAccountId);
    debit.debitsPosted += effect.posted;
    debit.debitsPending += effect.pending;
    credit.creditsPosted += effect.posted;
    credit.creditsPending += effect.pending;
  }
  const sums = new Map<string, { posted: bigint; pending: bigint }>();
  for (const [id, delta] of deltas) {
    const working = state.accounts.get(id);
    assert(working !== undefined, `entry account ${id} was loaded`);
    for (const field of balanceFields) {
      assert(working.balances[field] - working.original[field] === delta[field], `account ${id} ${field} moved as its entries say`);
    }
    const sum = sums.get(working.account.currency) ?? { posted: 0n, pending: 0n };
    sum.posted += delta.debitsPosted - delta.creditsPosted;
    sum.pending += delta.debitsPending - delta.creditsPending;
    sums.set(working.account.currency, sum);
  }
  for (const [currency, sum] of sums) assert(sum.posted === 0n && sum.pending === 0n, `${currency} debits equal credits`);
  for (const working of state.accounts.values()) {
    if (!deltas.has(working.account.id)) {
      assert(balanceFields.every((f) => working.balances[f] === working.original[f]), 'no entry, no change');
    }
  }
}
