import {
  assert,
  bankingAccountIds as ids,
  channelAccountBook,
  channelAccountId,
  err,
  ok,
  unreachable,
  type ChannelAccountRef,
  type ChannelLedgerEffect,
  type MoveRequest,
  type Result,
  type TransferRequest,
} from '../../domain/index.ts';
import { bankingTables, type BankTransferRow } from '../../storage/banking-tables.ts';
import type { Tx } from '../command.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { primaryAmong } from '../banking/primary-account.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';

// How the effect interpreter (interpret.ts) books a payment channel's ledger effects
// (src/domain/payments/gateway/effects.ts) inside the caller's transaction. Every ledger effect
// names two accounts by ROLE; a movement inside one book is one transfer, a movement between two
// books is booked as linked legs through the institutions' mirror accounts (docs/money-model.md), so every book balances on its own:
//
//   from side: an account in a BANK's book leaves from that bank; an account in another
//     institution's book (card company, logistics) leaves through the institution's deposit at its
//     bank K: `from` → `<inst>:at:K` (its book), and the money leaves `K:deposit:<inst>`.
//   to side: the mirror image (`L:deposit:<inst>`, then `<inst>:at:L` → `to`).
//   between the two bank accounts: same bank, one transfer; two banks, through clearing
//     (`K:clearing:out`, `L:clearing:in`) with a bankTransfers position row the day's clearing
//     batch settles (as postBankTransfer does).
// Holds, posts and voids are always inside one book (a credit line), so only 'transfer' crosses.

type Side = { readonly bankId: string; readonly accountId: string; readonly legs: MoveRequest[]; readonly partyId: string };

const banks = new Set(['bank-a', 'bank-b']);

async function isBank(tx: Tx, partyId: string): Promise<boolean> {
  if (banks.has(partyId)) return true;
  const party = await tx.db.parties.get(partyId);
  return party?.kind === 'bank';
}

/**
 * The bank where an institution keeps its money: `near` (the other side's bank) when it banks
 * there too, so no clearing is needed; else its primary account (banking/primary-account.ts, the
 * one rule every channel follows: the account opened first, not the lowest id).
 */
async function bankOf(tx: Tx, partyId: string, near: string | null) {
  const accounts = await bankingTables(tx.db).bankAccounts.where('partyId').equals(partyId).toArray();
  const primary = primaryAmong(accounts);
  if (primary === undefined) return err('payee_account_not_found', { partyId });
  const same = accounts.find((a) => a.bankId === near);
  return ok((same ?? primary).bankId);
}

function move(effect: ChannelLedgerEffect, suffix: string, debitAccountId: string, creditAccountId: string): MoveRequest {
  return { id: `${effect.transferId}${suffix}`, kind: 'single', debitAccountId, creditAccountId, amount: effect.amount.amount, currency: effect.amount.currency, code: effect.code, refs: { ...effect.refs } };
}

function ownerOf(ref: ChannelAccountRef): string {
  switch (ref.role) {
    case 'deposit':
      return ref.partyId;
    case 'card_account':
    case 'card_settlement':
    case 'card_income':
      return ref.issuerId;
    case 'merchant_unsettled':
      return ref.merchantId;
    case 'acquiring_income':
      return ref.bankId;
    case 'cash':
      return ref.partyId;
    case 'cod_payable':
    case 'cod_fee_income':
      return ref.logisticsId;
  }
}

async function side(tx: Tx, effect: ChannelLedgerEffect, ref: ChannelAccountRef, which: 'from' | 'to', near: string | null): Promise<Result<Side, 'payee_account_not_found'>> {
  const book = channelAccountBook(ref);
  const accountId = channelAccountId(ref);
  if (await isBank(tx, book)) return ok({ bankId: book, accountId, legs: [], partyId: ownerOf(ref) });
  const bank = await bankOf(tx, book, near);
  if (!bank.ok) return bank;
  const at = ids.atBank(book, bank.value);
  const leg = which === 'from' ? move(effect, ':from-book', accountId, at) : move(effect, ':to-book', at, accountId);
  return ok({ bankId: bank.value, accountId: ids.deposit(bank.value, book), legs: [leg], partyId: book });
}

/** The linked ledger requests of one 'transfer' effect between two books, plus its clearing row. */
async function crossBookRequests(tx: Tx, effect: ChannelLedgerEffect) {
  assert(effect.op === 'transfer', 'only immediate transfers cross books');
  assert(effect.from.role !== 'cash' && effect.to.role !== 'cash', 'banknotes are booked by the cash-on-delivery module');
  const fromBook = channelAccountBook(effect.from);
  const toBook = channelAccountBook(effect.to);
  const from = await side(tx, effect, effect.from, 'from', (await isBank(tx, toBook)) ? toBook : null);
  if (!from.ok) return from;
  const to = await side(tx, effect, effect.to, 'to', from.value.bankId);
  if (!to.ok) return to;
  const requests: MoveRequest[] = [...from.value.legs];
  let position: BankTransferRow | null = null;
  if (from.value.bankId === to.value.bankId) {
    requests.push(move(effect, ':bank', from.value.accountId, to.value.accountId));
  } else {
    requests.push(move(effect, ':payer-bank', from.value.accountId, ids.clearingOut(from.value.bankId)));
    requests.push(move(effect, ':payee-bank', ids.clearingIn(to.value.bankId), to.value.accountId));
    position = {
      id: effect.transferId,
      at: tx.now,
      amount: effect.amount.amount,
      currency: effect.amount.currency,
      code: effect.code,
      memo: effect.refs.orderId ?? '',
      channel: 'service',
      payerBankId: from.value.bankId,
      payerPartyId: from.value.partyId,
      payerAccountId: from.value.accountId,
      payeeBankId: to.value.bankId,
      payeePartyId: to.value.partyId,
      payeeAccountId: to.value.accountId,
      clearing: 'open',
      batchId: null,
      settledAt: null,
    };
  }
  requests.push(...to.value.legs);
  assert(fromBook !== toBook, 'a cross-book movement');
  return ok({ requests, position });
}

/** The ledger requests of `effects`, in order; cross-book ones expanded into linked legs. */
export async function ledgerRequestsOfChannel(tx: Tx, effects: readonly ChannelLedgerEffect[]) {
  const requests: TransferRequest[] = [];
  const positions: BankTransferRow[] = [];
  for (const effect of effects) {
    const debit = channelAccountId(effect.from);
    const credit = channelAccountId(effect.to);
    switch (effect.op) {
      case 'hold':
        requests.push({ id: effect.transferId, kind: 'pending', debitAccountId: debit, creditAccountId: credit, amount: effect.amount.amount, currency: effect.amount.currency, code: effect.code, refs: { ...effect.refs } });
        break;
      case 'post':
        requests.push({ id: effect.transferId, kind: 'post', pendingId: effect.pendingId!, amount: effect.amount.amount, code: effect.code, refs: { ...effect.refs } });
        break;
      case 'void':
        requests.push({ id: effect.transferId, kind: 'void', pendingId: effect.pendingId!, code: effect.code, refs: { ...effect.refs } });
        break;
      case 'transfer': {
        if (effect.from.role === 'cash' && effect.to.role === 'cod_payable') {
          // Banknotes change hands at the door (clearing's book), and the courier's company owes
          // them to the seller (its book): the notes go into its vault.
          const logisticsId = effect.to.logisticsId;
          requests.push(move(effect, ':notes', debit, ids.notes(logisticsId)), move(effect, ':book', ids.vault(logisticsId), credit));
          break;
        }
        if (channelAccountBook(effect.from) === channelAccountBook(effect.to)) {
          requests.push(move(effect, '', debit, credit));
          break;
        }
        const crossed = await crossBookRequests(tx, effect);
        if (!crossed.ok) return crossed;
        requests.push(...crossed.value.requests);
        if (crossed.value.position !== null) positions.push(crossed.value.position);
        break;
      }
      default:
        return unreachable(effect.op, 'ledger op');
    }
  }
  return ok({ requests, positions });
}

/**
 * The acquirers' accounts are opened when a merchant's first card sale arrives: the merchant's
 * unsettled sales (credit-normal, NO overdraft flag: a refund after the day's batch may take it
 * below zero, meaning the merchant owes the acquirer until the next batch) and the acquirer's
 * merchant-discount income.
 */
export async function ensureChannelAccounts(tx: Tx, effects: readonly ChannelLedgerEffect[]): Promise<void> {
  const accounts = ledgerTables(tx.db).accounts;
  for (const effect of effects) {
    for (const ref of [effect.from, effect.to]) {
      const id = channelAccountId(ref);
      if ((ref.role === 'cod_payable' || ref.role === 'cod_fee_income') && (await accounts.get(id)) === undefined) {
        const payable = ref.role === 'cod_payable';
        const opened = await openAccountInTransaction(
          tx.db,
          {
            id,
            partyId: payable ? ref.sellerId : ref.logisticsId,
            bookId: ref.logisticsId,
            code: payable ? 'cod.payable' : 'cod.fee_income',
            name: payable ? 'Cash collected on delivery, owed to the seller (代收货款)' : 'Cash-on-delivery fee income (代收手续费收入)',
            currency: effect.amount.currency,
            normal: 'credit',
            flags: payable ? { debitsMustNotExceedCredits: true } : {},
          },
          tx.now,
        );
        assert(opened.ok, `open ${id}`);
        continue;
      }
      if (ref.role !== 'merchant_unsettled' && ref.role !== 'acquiring_income') continue;
      if ((await accounts.get(id)) !== undefined) continue;
      const unsettled = ref.role === 'merchant_unsettled';
      const opened = await openAccountInTransaction(
        tx.db,
        {
          id,
          partyId: unsettled ? ref.merchantId : ref.bankId,
          bookId: ref.bankId,
          code: unsettled ? 'acquiring.unsettled' : 'acquiring.income',
          name: unsettled ? 'Card sales not yet settled (待结算收单款)' : 'Merchant discount income (收单手续费收入)',
          currency: effect.amount.currency,
          normal: 'credit',
          flags: {},
        },
        tx.now,
      );
      assert(opened.ok, `open ${id}`);
    }
  }
}
