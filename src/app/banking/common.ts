import {
  assert,
  availableOf,
  balanceOf,
  bankingAccountIds,
  cardProfileOf,
  err,
  makeCardNumber,
  notesAccountInput,
  ok,
  toStored,
  type Account,
  type Party,
  type Result,
  type TransferErrorCode,
  type TransferRequest,
  type TransferResult,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingMetaKeys } from '../../storage/banking-tables.ts';
import { applyInTransaction, openAccountInTransaction } from '../ledger.ts';
import type { Tx } from '../command.ts';

// Pieces shared by the banking commands: who may be a customer, card numbering, and posting a
// linked set of transfers while reporting the transfer that actually failed.

/** Parties that keep deposit accounts at banks: everyone but the banks and the central bank. */
export function isBankCustomer(party: Pick<Party, 'kind'>): boolean {
  return party.kind !== 'bank' && party.kind !== 'clearing';
}

/** Buyers and sellers: they hold banknotes in hand; institutions hold theirs in a vault. */
export function isPerson(party: Pick<Party, 'institution'>): boolean {
  return !party.institution;
}

export async function bankParty(db: WorldDb, bankId: string): Promise<Result<Party, 'bank_not_found'>> {
  const bank = await db.parties.get(bankId);
  return bank?.kind === 'bank' ? ok(bank) : err('bank_not_found', { bankId });
}

/** The next card number of a bank (its serial counter lives in the world's meta table). */
export async function issueCardNumber(db: WorldDb, bankId: string): Promise<string> {
  const profile = cardProfileOf(bankId);
  assert(profile !== undefined, `bank ${bankId} has a card profile`);
  const key = bankingMetaKeys.cardSerial(bankId);
  const last = (await db.meta.get(key))?.value ?? 0;
  assert(Number.isSafeInteger(last) && (last as number) >= 0, 'stored card serial');
  const serial = (last as number) + 1;
  await db.meta.put({ key, value: serial });
  return makeCardNumber(profile, serial);
}

/** Opens the party's banknote account (cash in hand) if it has none yet. */
export async function ensureNotesAccount(db: WorldDb, partyId: string, now: number): Promise<void> {
  const { accounts } = ledgerTables(db);
  if (await accounts.get(bankingAccountIds.notes(partyId))) return;
  const opened = await openAccountInTransaction(db, notesAccountInput(partyId), now);
  assert(opened.ok, `notes account of ${partyId} opens`);
}

/** The account's balance as a stored decimal ("12.30"), or "0.00" when it does not exist. */
export async function balanceText(db: WorldDb, accountId: string): Promise<string> {
  const account = await ledgerTables(db).accounts.get(accountId);
  return account === undefined ? '0.00' : toStored(balanceOf(account)).amount;
}

export function availableText(account: Account): string {
  return toStored(availableOf(account)).amount;
}

/**
 * Posts `requests` as one linked set inside the command's transaction. On failure the error names
 * the transfer that failed (not a partner's `linked_event_failed`), with its account, so callers
 * can say whose money was short.
 */
export async function moveLinked(tx: Tx, requests: readonly TransferRequest[]): Promise<Result<readonly TransferResult[], TransferErrorCode>> {
  assert(requests.length > 0, 'something to move');
  const linked = requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 }));
  const results = await applyInTransaction(tx.db, linked, tx.now);
  const failures = results.filter((r) => r.status === 'failed');
  if (failures.length === 0) return ok(results);
  const root = failures.find((r) => r.status === 'failed' && r.code !== 'linked_event_failed') ?? failures[0]!;
  assert(root.status === 'failed', 'a failure');
  return err(root.code, root.detail ? { ...root.detail } : undefined);
}

/** Maps a ledger refusal to a banking one where the short account tells more than "insufficient". */
export function shortOf<C extends string>(failure: { code: C; detail?: Readonly<Record<string, string | number>> }): { code: C | 'insufficient_funds' | 'cash_insufficient' | 'vault_cash_insufficient'; detail?: Record<string, string | number> } {
  if (failure.code !== 'insufficient_funds') return { code: failure.code, ...(failure.detail ? { detail: { ...failure.detail } } : {}) };
  const accountId = String(failure.detail?.accountId ?? '');
  if (accountId.startsWith('clearing:notes:')) return { code: 'cash_insufficient', detail: { accountId } };
  if (accountId.endsWith(':vault')) return { code: 'vault_cash_insufficient', detail: { accountId } };
  return { code: 'insufficient_funds', detail: { accountId } };
}
