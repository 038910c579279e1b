// An in-memory ledger: the reference for what the storage layer does around applyTransfers (load
// the ids idsNeeded lists, apply, chain the entries, write everything and the new head at once).
// Used by tests and by simulations that need no persistence.

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { createAccount } from './account.ts';
import { chainEntries, genesisHead, headAfter } from './journal.ts';
import { idsNeeded } from './request.ts';
import { applyTransfers } from './transfer.ts';
import type {
  Account,
  AccountErrorCode,
  AccountInput,
  JournalEntry,
  JournalHead,
  LedgerErrorCode,
  LedgerView,
  LedgerWrite,
  Transfer,
  TransferRequest,
} from './types.ts';

/** A LedgerView over rows the caller loaded (e.g. the results of two bulkGet calls). */
export function ledgerViewOf(accounts: Iterable<Account>, transfers: Iterable<Transfer>): LedgerView {
  const accountsById = new Map<string, Account>();
  for (const a of accounts) accountsById.set(a.id, a);
  const transfersById = new Map<string, Transfer>();
  for (const t of transfers) transfersById.set(t.id, t);
  return {
    account: (id) => accountsById.get(id),
    transfer: (id) => transfersById.get(id),
  };
}

export class MemoryLedger {
  readonly accounts = new Map<string, Account>();
  readonly transfers = new Map<string, Transfer>();
  readonly entries: JournalEntry[] = [];
  head: JournalHead = genesisHead;

  addAccount(input: AccountInput, now: number): Result<Account, AccountErrorCode | 'account_exists'> {
    if (this.accounts.has(input.id)) return err('account_exists');
    const created = createAccount(input, now);
    if (created.ok) this.accounts.set(created.value.id, created.value);
    return created;
  }

  /**
   * Applies a batch the way the storage layer must: the view answers only for the ids idsNeeded
   * lists (asking for any other id is a bug in idsNeeded, so it asserts), then every row of the
   * write and the chained entries are stored together.
   */
  apply(requests: readonly TransferRequest[], now: number): Result<LedgerWrite & { entriesAppended: JournalEntry[] }, LedgerErrorCode> {
    if (requests.length === 0) return ok({ accounts: [], transfers: [], entries: [], results: [], entriesAppended: [] });
    const first = idsNeeded(requests);
    const transferIds = new Set(first.transferIds);
    const loadedTransfers = first.transferIds.map((id) => this.transfers.get(id)).filter((t): t is Transfer => t !== undefined);
    const transferView = ledgerViewOf([], loadedTransfers);
    const accountIds = new Set(idsNeeded(requests, (id) => transferView.transfer(id)).accountIds);
    const view: LedgerView = {
      account: (id) => {
        assert(accountIds.has(id), `idsNeeded did not list account ${id}`);
        return this.accounts.get(id);
      },
      transfer: (id) => {
        assert(transferIds.has(id), `idsNeeded did not list transfer ${id}`);
        return transferView.transfer(id);
      },
    };
    const applied = applyTransfers(view, requests, now);
    if (!applied.ok) return applied;
    const entriesAppended = chainEntries(this.head, applied.value.entries);
    for (const account of applied.value.accounts) this.accounts.set(account.id, account);
    for (const transfer of applied.value.transfers) this.transfers.set(transfer.id, transfer);
    this.entries.push(...entriesAppended);
    this.head = headAfter(this.head, entriesAppended);
    return ok({ ...applied.value, entriesAppended });
  }
}
