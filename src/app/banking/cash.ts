import {
  bankingAccountIds as ids,
  bankingCurrency,
  cashDepositRequests,
  cashWithdrawalRequests,
  err,
  issueNotesRequests,
  ok,
  parseMoney,
  toStored,
  type CustomerLeg,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { balanceText, ensureNotesAccount, isPerson, moveLinked, shortOf } from './common.ts';
import { requireTeacher, type TeacherToken } from '../teacher.ts';

// Cash (现金). Banknotes are the central bank's liability, so they live in the clearing system's
// book: clearing:notes:<person> is a person's cash in hand, clearing:notes:<institution> mirrors
// that institution's vault. At the counter notes change hands in the clearing book while the bank
// books the deposit against its vault, linked, so each book balances on its own.

export type CashResult = { readonly accountId: string; readonly amount: string; readonly balance: string; readonly cash: string };

/** Amount text typed by a person, as a stored CNY decimal above zero. */
export function amountOf(text: string): Result<string, string> {
  const parsed = parseMoney(text, bankingCurrency);
  if (!parsed.ok) return parsed;
  return ok(toStored(parsed.value).amount);
}

/**
 * Lab: the central bank hands a person banknotes (the cash they arrive with). The wrapper checked
 * the teacher's sign-in (tab state): `teacher: true` records that it did.
 */
export const giveCashCommand = defineCommand({
  name: 'giveCash',
  apply: async (tx, input: { readonly partyId: string; readonly amount: string; readonly teacher: true }) => {
    const party = await tx.db.parties.get(input.partyId);
    if (party === undefined || !isPerson(party)) return err('cash_person_only');
    await ensureNotesAccount(tx.db, party.id, tx.now);
    const moved = await moveLinked(tx, issueNotesRequests({ id: tx.meta.id, partyId: party.id, amount: input.amount, currency: bankingCurrency, code: 'lab.cash_given' }));
    if (!moved.ok) return moved;
    await tx.appendEvent({ type: 'lab.cash_given', actor: tx.meta.actor, parties: [party.id], payload: { customer: party.id, amount: input.amount } });
    tx.notify({ to: [party.id], kind: 'lab.cash_given' });
    return ok({ cash: await balanceText(tx.db, ids.notes(party.id)) });
  },
});

/** Lab: the central bank hands a person banknotes (the cash they arrive with). */
export async function giveCash(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: { readonly partyId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<{ readonly cash: string }, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const amount = amountOf(input.amount);
  if (!amount.ok) return amount;
  return execute(db, giveCashCommand, meta, { partyId: input.partyId, amount: amount.value, teacher: true }, env);
}

async function counterAccount(tx: Tx, accountId: string) {
  const account = await bankingTables(tx.db).bankAccounts.get(accountId);
  if (account === undefined) return err('bank_account_not_found');
  // Only the bank keeping the account serves it at its counter.
  if (account.bankId !== tx.meta.actor) return err('not_this_bank');
  const party = await tx.db.parties.get(account.partyId);
  if (party === undefined) return err('bank_account_not_found');
  // An institution's cash is its vault; its own book moves with its deposit.
  const customer: CustomerLeg = isPerson(party) ? { bankId: account.bankId, partyId: party.id } : { bankId: account.bankId, partyId: party.id, bookAccountId: ids.vault(party.id) };
  return ok({ account, customer });
}

type CounterInput = { readonly accountId: string; readonly amount: string };

function counterCashCommand(kind: 'deposit' | 'withdrawal') {
  return defineCommand({
    name: kind === 'deposit' ? 'counterDeposit' : 'counterWithdrawal',
    apply: async (tx, input: CounterInput) => {
      const found = await counterAccount(tx, input.accountId);
      if (!found.ok) return found;
      const { account, customer } = found.value;
      const movement = { id: tx.meta.id, customer, amount: input.amount, currency: bankingCurrency, refs: { counter: account.bankId } };
      const moved = await moveLinked(tx, kind === 'deposit' ? cashDepositRequests(movement) : cashWithdrawalRequests(movement));
      if (!moved.ok) {
        const short = shortOf(moved);
        return err(short.code, short.detail);
      }
      await tx.appendEvent({ type: `bank.cash_${kind}`, actor: account.bankId, parties: [account.partyId], payload: { customer: account.partyId, amount: input.amount, card: account.cardNumber } });
      tx.notify({ to: [account.partyId], kind: `bank.cash_${kind}`, ref: account.id });
      return ok({ accountId: account.id, amount: input.amount, balance: await balanceText(tx.db, account.id), cash: await balanceText(tx.db, ids.notes(account.partyId)) });
    },
  });
}

/** The counter's two commands (the amount is the stored decimal the wrapper parsed). */
export const counterDepositCommand = counterCashCommand('deposit');
export const counterWithdrawalCommand = counterCashCommand('withdrawal');

async function counterCash(
  kind: 'deposit' | 'withdrawal',
  db: WorldDb,
  meta: CommandMeta,
  input: CounterInput,
  env: CommandEnv,
) {
  const amount = amountOf(input.amount);
  if (!amount.ok) return amount;
  return execute(db, kind === 'deposit' ? counterDepositCommand : counterWithdrawalCommand, meta, { accountId: input.accountId, amount: amount.value }, env);
}

/** At the bank's counter (meta.actor = the bank): the customer pays banknotes into the account. */
export function counterDeposit(db: WorldDb, meta: CommandMeta, input: { readonly accountId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<CashResult, string>> {
  return counterCash('deposit', db, meta, input, env);
}

/** At the bank's counter: the customer takes banknotes out; never overdraws (insufficient_funds). */
export function counterWithdrawal(db: WorldDb, meta: CommandMeta, input: { readonly accountId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<CashResult, string>> {
  return counterCash('withdrawal', db, meta, input, env);
}
