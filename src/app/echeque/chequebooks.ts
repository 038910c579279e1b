import { chequeNumberText, chequesPerBookMax, err, issueChequebook, ok, type ChequebookRow, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankAccountRow } from '../../storage/banking-tables.ts';
import { customersPage, customersPageRows } from '../banking/accounts.ts';
import { echequeMetaKeys, echequeTables, type ChequeAccountRow } from '../../storage/echeque-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { chequeAccountOf, chequeNameOf } from './common.ts';

// The bank's side of chequebooks (电子支票簿): it enables a customer's deposit account for cheques
// (开立支票存款账户) and issues books of numbers on it. Numbers are unique across the bank (a
// counter in the world's meta table), so a number never names two cheques at one bank.
// Only persons (buyers, sellers) get cheque accounts here: institutions pay each other by
// transfer, and keeping them out spares the cheque code their own-book legs.

/** The first cheque number a bank gives out. */
export const firstChequeNumber = 10_000_001;
/** A new book has this many leaves unless the bank says otherwise. */
export const defaultBookSize = 25;

/** The bank (tx.meta.actor) enables the deposit account `accountId` for cheques. */
export const enableChequeAccountCommand = defineCommand({
  name: 'enableChequeAccount',
  apply: async (tx, input: { readonly accountId: string }) => {
    const meta = tx.meta;
    const account = await bankingTables(tx.db).bankAccounts.get(input.accountId);
    if (account === undefined) return err('bank_account_not_found');
    if (account.bankId !== meta.actor) return err('not_this_bank');
    const holder = await tx.db.parties.get(account.partyId);
    if (holder === undefined || holder.institution) return err('cheque_account_persons_only');
    const t = echequeTables(tx.db);
    if (await t.chequeAccounts.get(account.id)) return err('cheque_account_exists');
    const row: ChequeAccountRow = {
      id: account.id,
      bankId: account.bankId,
      partyId: account.partyId,
      accountNumber: account.cardNumber,
      holderName: await chequeNameOf(tx.db, account.partyId),
      enabledAt: tx.now,
    };
    await t.chequeAccounts.add(row);
    await tx.appendEvent({ type: 'echeque.account_enabled', actor: meta.actor, parties: [row.partyId], payload: { account: row.accountNumber } });
    tx.notify({ to: [row.partyId], kind: 'echeque.account_enabled', ref: row.id });
    return ok(row);
  },
});

/** The bank (meta.actor) enables the deposit account `accountId` for cheques. */
export async function enableChequeAccount(db: WorldDb, meta: CommandMeta, input: { readonly accountId: string }, env: CommandEnv = {}): Promise<Result<ChequeAccountRow, string>> {
  return execute(db, enableChequeAccountCommand, meta, { accountId: input.accountId }, env);
}

/** The bank (tx.meta.actor) issues a chequebook of `count` numbers on a cheque-enabled account. */
export const issueChequebookCommand = defineCommand({
  name: 'issueChequebook',
  apply: async (tx, input: { readonly accountId: string; readonly count: number }) => {
    const meta = tx.meta;
    const count = input.count;
    const t = echequeTables(tx.db);
    const accountRow = await t.chequeAccounts.get(input.accountId);
    if (accountRow === undefined) return err('account_not_cheque_enabled');
    if (accountRow.bankId !== meta.actor) return err('not_this_bank');
    if (!Number.isInteger(count) || count < 1 || count > chequesPerBookMax) return err('chequebook_size_invalid', { max: chequesPerBookMax });
    const key = echequeMetaKeys.nextNumber(meta.actor);
    const next = ((await tx.db.meta.get(key))?.value as number | undefined) ?? firstChequeNumber;
    const existing = await t.chequebooks.where('[bankId+accountNumber]').equals([accountRow.bankId, accountRow.accountNumber]).toArray();
    const issued = issueChequebook(chequeAccountOf(accountRow), { firstNumber: chequeNumberText(next), count }, existing, tx.now);
    if (!issued.ok) return issued;
    await tx.db.meta.put({ key, value: next + count });
    await t.chequebooks.add(issued.value);
    const book = issued.value;
    await tx.appendEvent({ type: 'echeque.chequebook_issued', actor: meta.actor, parties: [book.holderPartyId], payload: { book: book.id, first: book.firstNumber, count: book.count } });
    tx.notify({ to: [book.holderPartyId], kind: 'echeque.chequebook_issued', ref: book.id });
    return ok(book);
  },
});

/** The bank (meta.actor) issues a chequebook of `count` numbers on a cheque-enabled account. */
export async function issueChequebookAtBank(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly accountId: string; readonly count?: number },
  env: CommandEnv = {},
): Promise<Result<ChequebookRow, string>> {
  const count = input.count ?? defaultBookSize;
  // A count the log could not carry (NaN, Infinity) is the same refusal apply gives a bad size.
  if (!Number.isInteger(count)) return err('chequebook_size_invalid', { max: chequesPerBookMax });
  return execute(db, issueChequebookCommand, meta, { accountId: input.accountId, count }, env);
}

// ---- queries ------------------------------------------------------------------------------------

/** One page of a bank's cheque desk: its customers' accounts, and cheque accounts and books of those only. */
export type ChequeDeskAccounts = {
  readonly accounts: readonly BankAccountRow[];
  /** Whether another page of accounts follows. */
  readonly more: boolean;
  /** The page's accounts enabled for cheques, by account id. */
  readonly enabled: ReadonlyMap<string, ChequeAccountRow>;
  /** The chequebooks issued on the page's accounts. */
  readonly books: readonly ChequebookRow[];
};

/**
 * Page `page` of the accounts a bank keeps for its customers (the counter's pages, `size` each), with
 * the cheque accounts (keyed by the same account id) and chequebooks (by bank and account number) of
 * those accounts only: a bank of thousands of customers reads a page's rows, not its whole book.
 */
export async function chequeDeskPage(db: WorldDb, bankId: string, page: number, size = customersPageRows): Promise<ChequeDeskAccounts> {
  const { rows, more } = await customersPage(db, bankId, page, size);
  const t = echequeTables(db);
  const [enabled, books] = await Promise.all([
    t.chequeAccounts.bulkGet(rows.map((a) => a.id)),
    t.chequebooks.where('[bankId+accountNumber]').anyOf(rows.map((a) => [bankId, a.cardNumber])).toArray(),
  ]);
  return { accounts: rows, more, enabled: new Map(enabled.filter((e) => e !== undefined).map((e) => [e.id, e])), books };
}

export async function chequebooksOf(db: WorldDb, partyId: string): Promise<ChequebookRow[]> {
  const rows = await echequeTables(db).chequebooks.where('holderPartyId').equals(partyId).toArray();
  return rows.sort((a, b) => a.issuedAt - b.issuedAt || (a.id < b.id ? -1 : 1));
}
