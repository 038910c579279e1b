import Dexie from 'dexie';
import {
  amountToMinor,
  assert,
  bankingAccountIds as ids,
  bankingCurrency,
  err,
  movementIdLengthMax,
  ok,
  parseCardNumber,
  scaleOf,
  storedToMinor,
  transferRequests,
  type CustomerLeg,
  type Result,
  type TransferErrorCode,
  type TransferRefs,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingTables, type BankTransferRow } from '../../storage/banking-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { checkBankingSession, sessionInTx, type BankingSessionCheck } from '../identity/banking-login.ts';
import { balanceText, moveLinked, shortOf } from './common.ts';
import { amountOf } from './cash.ts';
import { scheduleClearing } from './clearing.ts';
import { accountByCard } from './accounts.ts';

// Transfers between deposit accounts (转账). Same bank: one transfer in its book. Different banks:
// booked in both banks at once through their clearing transit accounts and left open for the
// day's clearing batch (clearing.ts). postBankTransfer is the one entry point; online banking,
// and other features (wallet top-ups, withdrawals, remittances) call it inside their commands.

/** A payer's reference (附言): a line, not a letter. */
export const memoLengthMax = 140;

export type BankTransferInput = {
  /** Unique id of the transfer (e.g. the command id); the ledger transfer ids derive from it. */
  readonly id: string;
  /** Who pays: a deposit account <bankId>:deposit:<partyId> that must exist. An institution (a
   * party with its own book) must name bookAccountId: the account in its book the money leaves. */
  readonly payer: CustomerLeg;
  /** Who is paid; an institution names the account in its book the money arrives in. */
  readonly payee: CustomerLeg;
  /** Stored CNY decimal ("12.30"), above zero. */
  readonly amount: string;
  /** The ledger code, e.g. 'bank.transfer', 'escrow.topup'. Default 'bank.transfer'. */
  readonly code?: string;
  readonly memo?: string;
  /** Extra references on every ledger transfer (order id...). `memo` and `transfer` are added. */
  readonly refs?: TransferRefs;
  readonly channel?: BankTransferRow['channel'];
};

async function leg(tx: Tx, side: 'payer' | 'payee', l: CustomerLeg) {
  const account = await bankingTables(tx.db).bankAccounts.get(ids.deposit(l.bankId, l.partyId));
  if (account === undefined) return err(side === 'payer' ? 'payer_account_not_found' : 'payee_account_not_found', { accountId: ids.deposit(l.bankId, l.partyId) });
  const party = await tx.db.parties.get(l.partyId);
  assert(party !== undefined, 'an account holder is a party');
  if (party.institution && l.bookAccountId === undefined) return err('book_account_required', { partyId: l.partyId });
  if (!party.institution && l.bookAccountId !== undefined) return err('book_account_unexpected', { partyId: l.partyId });
  return ok(account.id);
}

/**
 * Net debit cap: the paying bank's reserve must cover everything it has sent and not yet settled,
 * less what it is due to receive, plus this payment of `minor` (fen). Then every batch settles
 * (reserves never overdraw). Every movement that leaves a bank through clearing asks this first.
 */
export async function checkClearingCover(tx: Tx, bankId: string, minor: bigint): Promise<Result<null, 'clearing_reserve_insufficient'>> {
  const scale = scaleOf(bankingCurrency);
  const [reserve, dueIn, owedOut] = await Promise.all([balanceText(tx.db, ids.reserve(bankId)), balanceText(tx.db, ids.clearingIn(bankId)), balanceText(tx.db, ids.clearingOut(bankId))]);
  const cover = (storedToMinor(reserve, scale) ?? 0n) + (storedToMinor(dueIn, scale) ?? 0n) - (storedToMinor(owedOut, scale) ?? 0n);
  return cover < minor ? err('clearing_reserve_insufficient', { bankId }) : ok(null);
}

/** The codes postBankTransfer can return (its own, its legs', the clearing cover's, the ledger's). */
export type BankTransferCode =
  | 'amount_invalid' | 'amount_not_positive' | 'memo_too_long' | 'same_account' | 'payer_account_not_found' | 'payee_account_not_found'
  | 'book_account_required' | 'book_account_unexpected' | 'clearing_reserve_insufficient' | 'cash_insufficient' | 'vault_cash_insufficient'
  | TransferErrorCode;

/**
 * Moves money between two deposit accounts inside the caller's runCommand transaction (all or
 * nothing with everything else the command does). Refusals: payer/payee_account_not_found,
 * same_account, book_account_required, insufficient_funds (the payer's deposit; no overdraft),
 * clearing_reserve_insufficient (interbank: the payer's bank could not settle it), memo_too_long,
 * and the ledger's codes. Records a bankTransfers row; an interbank one schedules its batch.
 */
export async function postBankTransfer(tx: Tx, input: BankTransferInput): Promise<Result<BankTransferRow, BankTransferCode>> {
  assert(input.id.length > 0 && input.id.length <= movementIdLengthMax, 'transfer id within bounds');
  const minor = amountToMinor(input.amount, scaleOf(bankingCurrency));
  if (minor === undefined) return err('amount_invalid');
  if (minor <= 0n) return err('amount_not_positive');
  const memo = (input.memo ?? '').trim();
  if (memo.length > memoLengthMax) return err('memo_too_long', { max: memoLengthMax });
  const payerAccount = await leg(tx, 'payer', input.payer);
  if (!payerAccount.ok) return payerAccount;
  const payeeAccount = await leg(tx, 'payee', input.payee);
  if (!payeeAccount.ok) return payeeAccount;
  if (payerAccount.value === payeeAccount.value) return err('same_account');
  const interbank = input.payer.bankId !== input.payee.bankId;
  if (interbank) {
    const covered = await checkClearingCover(tx, input.payer.bankId, minor);
    if (!covered.ok) return covered;
  }
  const refs: Record<string, string> = { ...(input.refs ?? {}), transfer: input.id };
  if (memo) refs.memo = memo;
  const code = input.code ?? 'bank.transfer';
  const moved = await moveLinked(tx, transferRequests({ id: input.id, payer: input.payer, payee: input.payee, amount: input.amount, currency: bankingCurrency, code, refs }));
  if (!moved.ok) {
    const short = shortOf(moved);
    return err(short.code, short.detail);
  }
  const row: BankTransferRow = {
    id: input.id,
    at: tx.now,
    amount: input.amount,
    currency: bankingCurrency,
    code,
    memo,
    channel: input.channel ?? 'service',
    payerBankId: input.payer.bankId,
    payerPartyId: input.payer.partyId,
    payerAccountId: payerAccount.value,
    payeeBankId: input.payee.bankId,
    payeePartyId: input.payee.partyId,
    payeeAccountId: payeeAccount.value,
    clearing: interbank ? 'open' : 'none',
    batchId: null,
    settledAt: null,
  };
  await bankingTables(tx.db).bankTransfers.add(row);
  if (interbank) await scheduleClearing(tx, tx.now);
  await tx.appendEvent({
    type: interbank ? 'bank.transfer_interbank' : 'bank.transfer',
    actor: input.payer.partyId,
    parties: [input.payee.partyId, input.payer.bankId, input.payee.bankId],
    payload: { payer: input.payer.partyId, payee: input.payee.partyId, amount: input.amount, payerBank: input.payer.bankId, payeeBank: input.payee.bankId },
  });
  tx.notify({ to: [input.payee.partyId], kind: 'bank.transfer_received', ref: row.id });
  return ok(row);
}

export type OnlineTransferInput = {
  readonly bankId: string;
  /** As typed: spaces allowed; must pass the Luhn check. */
  readonly payeeCard: string;
  /** As typed ("1,000.50", "¥12"). */
  readonly amount: string;
  readonly memo?: string;
};

/** The prepared transfer: the card number and amount as parsed, the tab's session check. */
export type OnlineTransferCommandInput = {
  readonly bankId: string;
  /** Digits only, Luhn-checked. */
  readonly payeeCard: string;
  /** Stored CNY decimal. */
  readonly amount: string;
  readonly memo: string;
  readonly session: BankingSessionCheck;
};

export const onlineBankingTransferCommand = defineCommand({
  name: 'onlineBankingTransfer',
  apply: async (tx, input: OnlineTransferCommandInput) => {
    const payer = tx.meta.actor;
    const session = await sessionInTx(tx, input.session, input.bankId, payer);
    if (!session.ok) return session;
    const payee = await accountByCard(tx.db, input.payeeCard);
    if (payee === undefined) return err('payee_card_unknown');
    const payeeParty = await tx.db.parties.get(payee.partyId);
    if (payeeParty?.institution) return err('payee_is_institution');
    return postBankTransfer(tx, {
      id: tx.meta.id,
      payer: { bankId: input.bankId, partyId: payer },
      payee: { bankId: payee.bankId, partyId: payee.partyId },
      amount: input.amount,
      memo: input.memo,
      channel: 'online',
      refs: { session: session.value.id },
    });
  },
});

/**
 * Online banking (网上银行): the payer (meta.actor), inside a valid online-banking session with
 * its bank (U盾 certificate login, identity/banking-login.ts), pays the account of a card number.
 * Payments to institutions go through their own services (they need to know what for).
 */
export async function onlineBankingTransfer(db: WorldDb, meta: CommandMeta, input: OnlineTransferInput, env: CommandEnv = {}): Promise<Result<BankTransferRow, string>> {
  const card = parseCardNumber(input.payeeCard);
  if (!card.ok) return card;
  const amount = amountOf(input.amount);
  if (!amount.ok) return amount;
  // The session lives in this tab's key ring: checked here, what it proved goes in the input.
  const session = await checkBankingSession(db, env, input.bankId, meta.actor);
  return execute(db, onlineBankingTransferCommand, meta, { bankId: input.bankId, payeeCard: card.value, amount: amount.value, memo: input.memo ?? '', session }, env);
}

// ---- queries ----------------------------------------------------------------------------------

/**
 * A party's newest transfers, sent and received, newest first: at most `limit` of each side read
 * through the [party+at] indexes (schema v15), never all of the party's transfers.
 */
export async function transfersOf(db: WorldDb, partyId: string, limit = 100): Promise<BankTransferRow[]> {
  const t = bankingTables(db).bankTransfers;
  const newest = (index: string) => t.where(index).between([partyId, Dexie.minKey], [partyId, Dexie.maxKey]).reverse().limit(limit).toArray();
  const [sent, received] = await Promise.all([newest('[payerPartyId+at]'), newest('[payeePartyId+at]')]);
  const byId = new Map([...sent, ...received].map((r) => [r.id, r]));
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, limit);
}

/** The party's deposit balance at a bank, as a stored decimal (for forms and tests). */
export async function depositBalance(db: WorldDb, bankId: string, partyId: string): Promise<string> {
  const account = await ledgerTables(db).accounts.get(ids.deposit(bankId, partyId));
  return account === undefined ? '0.00' : balanceText(db, account.id);
}
