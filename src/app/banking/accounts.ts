import { bankingAccountIds as ids, depositAccountInput, err, ok, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankAccountRow, type BankApplicationRow } from '../../storage/banking-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireActiveAccount } from '../identity/common.ts';
import { bankParty, ensureNotesAccount, isBankCustomer, isPerson, issueCardNumber } from './common.ts';
import { openInstitutionAccount } from './seed.ts';

// Opening a bank account (开户): the customer applies, the bank's counter sees the application at
// once (live query) and approves it, opening the deposit account and issuing its debit card, or
// rejects it with a reason the customer reads. One deposit account per customer and bank.

/** A refusal is read by the customer: a sentence, not an essay. */
export const rejectionReasonMax = 200;

/** The customer (actor) applies at a bank; the application's id is the command id. */
export const applyForBankAccountCommand = defineCommand({
  name: 'applyForBankAccount',
  apply: async (tx, input: { readonly bankId: string }) => {
    const bank = await bankParty(tx.db, input.bankId);
    if (!bank.ok) return bank;
    const applicant = await tx.db.parties.get(tx.meta.actor);
    if (applicant === undefined || !isBankCustomer(applicant)) return err('bank_customer_invalid');
    if (isPerson(applicant)) {
      const active = await requireActiveAccount(tx.db, applicant.id);
      if (!active.ok) return active;
    }
    const t = bankingTables(tx.db);
    if (await t.bankAccounts.get(ids.deposit(input.bankId, applicant.id))) return err('bank_account_exists');
    const mine = await t.bankApplications.where('partyId').equals(applicant.id).toArray();
    if (mine.some((a) => a.bankId === input.bankId && a.status === 'pending')) return err('bank_application_pending');
    const row: BankApplicationRow = { id: tx.meta.id, bankId: input.bankId, partyId: applicant.id, status: 'pending', appliedAt: tx.now, decidedAt: null, reason: null, accountId: null, cardNumber: null };
    await t.bankApplications.add(row);
    await tx.appendEvent({ type: 'bank.account_applied', actor: applicant.id, parties: [input.bankId], payload: { bank: input.bankId, customer: applicant.id } });
    tx.notify({ to: [input.bankId], kind: 'bank.account_applied', ref: row.id });
    return ok(row);
  },
});

export async function applyForBankAccount(db: WorldDb, meta: CommandMeta, input: { readonly bankId: string }, env: CommandEnv = {}): Promise<Result<BankApplicationRow, string>> {
  return execute(db, applyForBankAccountCommand, meta, { bankId: input.bankId }, env);
}

async function pendingApplication(db: WorldDb, bankId: string, applicationId: string) {
  const row = await bankingTables(db).bankApplications.get(applicationId);
  if (row === undefined) return err('bank_application_not_found');
  if (row.bankId !== bankId) return err('not_this_bank');
  if (row.status !== 'pending') return err('bank_application_decided', { status: row.status });
  return ok(row);
}

/** The bank (the actor) approves: deposit account, card number (its counter), and for a person a cash account. */
export const approveBankApplicationCommand = defineCommand({
  name: 'approveBankApplication',
  apply: async (tx, input: { readonly applicationId: string }) => {
    const application = await pendingApplication(tx.db, tx.meta.actor, input.applicationId);
    if (!application.ok) return application;
    const { bankId, partyId } = application.value;
    const customer = await tx.db.parties.get(partyId);
    if (customer === undefined) return err('bank_customer_invalid');
    const t = bankingTables(tx.db);
    let account: BankAccountRow;
    if (isPerson(customer)) {
      const opened = await openAccountInTransaction(tx.db, depositAccountInput(bankId, partyId), tx.now);
      if (!opened.ok) return opened;
      // Cash withdrawn at the counter lands in the person's hand: open that account now.
      await ensureNotesAccount(tx.db, partyId, tx.now);
      account = { id: opened.value.id, bankId, partyId, cardNumber: await issueCardNumber(tx.db, bankId), openedAt: tx.now, applicationId: application.value.id };
      await t.bankAccounts.add(account);
    } else {
      if (await t.bankAccounts.get(ids.deposit(bankId, partyId))) return err('bank_account_exists');
      await openInstitutionAccount(tx.db, partyId, bankId, tx.now, application.value.id);
      await ensureNotesAccount(tx.db, partyId, tx.now);
      account = (await t.bankAccounts.get(ids.deposit(bankId, partyId)))!;
    }
    await t.bankApplications.put({ ...application.value, status: 'approved', decidedAt: tx.now, accountId: account.id, cardNumber: account.cardNumber });
    await tx.appendEvent({ type: 'bank.account_opened', actor: bankId, parties: [partyId], payload: { bank: bankId, customer: partyId, card: account.cardNumber } });
    tx.notify({ to: [partyId], kind: 'bank.account_opened', ref: account.id });
    return ok(account);
  },
});

/** The bank (meta.actor) approves: deposit account, card number, and for a person a cash account. */
export async function approveBankApplication(db: WorldDb, meta: CommandMeta, input: { readonly applicationId: string }, env: CommandEnv = {}): Promise<Result<BankAccountRow, string>> {
  return execute(db, approveBankApplicationCommand, meta, { applicationId: input.applicationId }, env);
}

/** The bank (the actor) rejects with a reason the customer reads (trimmed by the wrapper). */
export const rejectBankApplicationCommand = defineCommand({
  name: 'rejectBankApplication',
  apply: async (tx, input: { readonly applicationId: string; readonly reason: string }) => {
    const reason = input.reason;
    if (reason.length === 0) return err('reason_required');
    if (reason.length > rejectionReasonMax) return err('reason_too_long', { max: rejectionReasonMax });
    const application = await pendingApplication(tx.db, tx.meta.actor, input.applicationId);
    if (!application.ok) return application;
    const row: BankApplicationRow = { ...application.value, status: 'rejected', decidedAt: tx.now, reason };
    await bankingTables(tx.db).bankApplications.put(row);
    await tx.appendEvent({ type: 'bank.account_rejected', actor: row.bankId, parties: [row.partyId], payload: { bank: row.bankId, customer: row.partyId, reason } });
    tx.notify({ to: [row.partyId], kind: 'bank.account_rejected', ref: row.id });
    return ok(row);
  },
});

export async function rejectBankApplication(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly applicationId: string; readonly reason: string },
  env: CommandEnv = {},
): Promise<Result<BankApplicationRow, string>> {
  return execute(db, rejectBankApplicationCommand, meta, { applicationId: input.applicationId, reason: input.reason.trim() }, env);
}

// ---- queries (read-only; the UI wraps them in live queries) -------------------------------------

/** A bank's applications with a status, oldest first (the counter's queue). */
export async function applicationsAtBank(db: WorldDb, bankId: string, status: BankApplicationRow['status']): Promise<BankApplicationRow[]> {
  const rows = await bankingTables(db).bankApplications.where('[bankId+status]').equals([bankId, status]).toArray();
  return rows.sort((a, b) => a.appliedAt - b.appliedAt || (a.id < b.id ? -1 : 1));
}

/** A customer's applications, newest first. */
export async function applicationsOf(db: WorldDb, partyId: string): Promise<BankApplicationRow[]> {
  const rows = await bankingTables(db).bankApplications.where('partyId').equals(partyId).toArray();
  return rows.sort((a, b) => b.appliedAt - a.appliedAt);
}

/** A customer's bank accounts (one per bank at most). */
export async function bankAccountsOf(db: WorldDb, partyId: string): Promise<BankAccountRow[]> {
  return bankingTables(db).bankAccounts.where('partyId').equals(partyId).toArray();
}

/** Customers' accounts the counter lists per page (a bank has one per customer: thousands in a big world). */
export const customersPageRows = 50;

/** A page of the accounts a bank keeps for its customers, by id, and whether another follows. */
export async function customersPage(db: WorldDb, bankId: string, page: number, size = customersPageRows): Promise<{ rows: BankAccountRow[]; more: boolean }> {
  const rows = await bankingTables(db).bankAccounts.where('bankId').equals(bankId).offset(page * size).limit(size + 1).toArray();
  return { rows: rows.slice(0, size), more: rows.length > size };
}

/**
 * At most `max` of a bank's customer accounts for the counter's picker, through the indexes: the
 * chosen one first, then (empty search) the first by id, or the accounts of the parties whose names
 * matched and those whose card number starts with the digits typed.
 */
export async function searchCustomers(db: WorldDb, bankId: string, s: { readonly q: string; readonly partyIds: readonly string[]; readonly chosen: string }, max: number): Promise<BankAccountRow[]> {
  const t = bankingTables(db).bankAccounts;
  const found = new Map<string, BankAccountRow>();
  const add = (rows: readonly (BankAccountRow | undefined)[]) => {
    for (const r of rows) if (r !== undefined && r.bankId === bankId && found.size < max) found.set(r.id, r);
  };
  if (s.chosen !== '') add([await t.get(s.chosen)]);
  if (s.q === '') add(await t.where('bankId').equals(bankId).limit(max).toArray());
  else {
    if (s.partyIds.length > 0) add(await t.where('partyId').anyOf([...s.partyIds]).filter((r) => r.bankId === bankId).limit(max).toArray());
    const digits = s.q.replace(/\D/g, '');
    if (digits !== '') add(await t.where('cardNumber').startsWith(digits).filter((r) => r.bankId === bankId).limit(max).toArray());
  }
  return [...found.values()];
}

export async function accountByCard(db: WorldDb, cardNumber: string): Promise<BankAccountRow | undefined> {
  return bankingTables(db).bankAccounts.where('cardNumber').equals(cardNumber).first();
}

