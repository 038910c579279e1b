import {
  assert,
  bankingAccountIds as ids,
  err,
  fromStored,
  isNegative,
  isZero,
  negate,
  ok,
  subtract,
  toStored,
  type Difference,
  type MoveRequest,
  type StoredMoney,
} from '../../domain/index.ts';
import { bankingTables, type BankTransferRow } from '../../storage/banking-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import type { Tx } from '../command.ts';
import { scheduleClearing } from '../banking/clearing.ts';
import { inPrimaryOrder } from '../banking/primary-account.ts';
import { moveMoney, openAccountInTransaction } from '../ledger.ts';

// The fee adjustment (手续费调整) a reconciliation clerk books for a fee mismatch. The channels take
// their fees in their own batches, so a trade's money moved at the fee the platform expected; the
// bill says the channel charged another. The difference moves between the reconciling party's
// money at its bank and the channel institution's "fee adjustments" account in the institution's
// own book: the channel charged more, the party pays it; less, the channel pays it back. Every
// transfer stays inside one book (docs/money-model.md): the party's deposit moves at its bank, a
// party that keeps a book (the platform) books the mirror `<party>:at:<bank>` against its own
// fee adjustments account, a non-bank institution (escrow agent, logistics) receives at its bank
// and books its mirror, and two banks meet through clearing with a position row the night's
// netting batch settles (as src/app/effects/interpret.ts does for channel effects).

export const feeAdjustmentCode = 'recon.fee_adjustment';

/** The account each book keeps its fee adjustments in (opened on the first adjustment). */
export function feeAdjustmentAccountId(bookId: string): string {
  assert(bookId.length > 0, 'a book');
  return `${bookId}:recon:fee_adjustments`;
}

async function isBank(tx: Tx, partyId: string): Promise<boolean> {
  return (await tx.db.parties.get(partyId))?.kind === 'bank';
}

/**
 * The banks where `partyId` holds a deposit, its primary account's first (banking/primary-account.ts,
 * the one rule every channel follows: opened first, ties by lower id), then in the order opened.
 */
async function banksOf(tx: Tx, partyId: string): Promise<string[]> {
  const accounts = await bankingTables(tx.db).bankAccounts.where('partyId').equals(partyId).toArray();
  return [...new Set(inPrimaryOrder(accounts).map((a) => a.bankId))];
}

async function ensureAccount(tx: Tx, bookId: string, currency: StoredMoney['currency'], payer: boolean): Promise<string> {
  const id = feeAdjustmentAccountId(bookId);
  if ((await ledgerTables(tx.db).accounts.get(id)) !== undefined) return id;
  // The channel's side is income (credit-normal), the payer's an expense (debit-normal); either may
  // turn the other way when a channel pays a fee back, so neither carries an overdraft flag.
  const opened = await openAccountInTransaction(
    tx.db,
    payer
      ? { id, partyId: bookId, bookId, code: 'recon.fee_adjustments', name: 'Channel fee adjustments (渠道手续费调整)', currency, normal: 'debit', flags: {} }
      : { id, partyId: bookId, bookId, code: 'recon.fee_adjustments', name: 'Fee adjustments with merchants (商户手续费调整)', currency, normal: 'credit', flags: {} },
    tx.now,
  );
  assert(opened.ok, `open ${id}`);
  return id;
}

/** What the channel charged beyond the expected fee (negative: it charged less). */
export function feeDifferenceOf(d: Difference): StoredMoney {
  assert(d.kind === 'fee_mismatch' && d.billAmount !== null && d.otherAmount !== null, 'a fee mismatch names both fees');
  return toStored(subtract(fromStored(d.billAmount), fromStored(d.otherAmount)));
}

/**
 * Books the fee difference of `d` between `payerId` (the reconciling party: the platform, or a
 * seller on its own desk) and the channel institution. Returns the ledger transfers, in order.
 */
export async function bookFeeAdjustment(tx: Tx, d: Difference, payerId: string) {
  const difference = feeDifferenceOf(d);
  const amount = fromStored(difference);
  assert(!isZero(amount), 'a fee mismatch differs');
  const institutionId = d.institutionId;
  const payerBanks = await banksOf(tx, payerId);
  if (payerBanks.length === 0) return err('payee_account_not_found', { partyId: payerId });
  const channelIsBank = await isBank(tx, institutionId);
  const channelBanks = channelIsBank ? [institutionId] : await banksOf(tx, institutionId);
  if (channelBanks.length === 0) return err('payee_account_not_found', { partyId: institutionId });
  // One bank for both when they share one (no clearing; the payer's primary first), else each its primary.
  const shared = payerBanks.find((b) => channelBanks.includes(b));
  const payerBank = shared ?? payerBanks[0]!;
  const channelBank = shared ?? channelBanks[0]!;
  const currency = difference.currency;
  // One adjustment per payer and difference: a second one would find its transfer ids taken.
  const base = `recon-fee:${payerId}:${d.id}`;
  const refs: Record<string, string> = { differenceId: d.id };
  if (d.orderId !== null) refs.orderId = d.orderId;
  const plain = toStored(isNegative(amount) ? negate(amount) : amount).amount;
  // Legs written as "the party pays the channel"; a channel paying back runs each the other way.
  const legs: { suffix: string; from: string; to: string }[] = [];
  const payerMirror = ids.atBank(payerId, payerBank);
  if ((await ledgerTables(tx.db).accounts.get(payerMirror)) !== undefined) legs.push({ suffix: ':payer-book', from: await ensureAccount(tx, payerId, currency, true), to: payerMirror });
  const channelSide = channelIsBank ? await ensureAccount(tx, institutionId, currency, false) : ids.deposit(channelBank, institutionId);
  let position: BankTransferRow | null = null;
  if (payerBank === channelBank) {
    legs.push({ suffix: ':bank', from: ids.deposit(payerBank, payerId), to: channelSide });
  } else {
    legs.push({ suffix: ':payer-bank', from: ids.deposit(payerBank, payerId), to: ids.clearingOut(payerBank) }, { suffix: ':channel-bank', from: ids.clearingIn(channelBank), to: channelSide });
    const back = isNegative(amount);
    const payer = { bankId: payerBank, partyId: payerId, accountId: ids.deposit(payerBank, payerId) };
    const payee = { bankId: channelBank, partyId: institutionId, accountId: channelSide };
    const [p, q] = back ? [payee, payer] : [payer, payee];
    position = { id: base, at: tx.now, amount: plain, currency, code: feeAdjustmentCode, memo: d.orderId ?? '', channel: 'service', payerBankId: p.bankId, payerPartyId: p.partyId, payerAccountId: p.accountId, payeeBankId: q.bankId, payeePartyId: q.partyId, payeeAccountId: q.accountId, clearing: 'open', batchId: null, settledAt: null };
  }
  if (!channelIsBank) legs.push({ suffix: ':channel-book', from: ids.atBank(institutionId, channelBank), to: await ensureAccount(tx, institutionId, currency, false) });
  const ordered = isNegative(amount) ? [...legs].reverse().map((l) => ({ ...l, from: l.to, to: l.from })) : legs;
  const requests: MoveRequest[] = ordered.map((l) => ({ id: `${base}${l.suffix}`, kind: 'single', debitAccountId: l.from, creditAccountId: l.to, amount: plain, currency, code: feeAdjustmentCode, refs: { ...refs } }));
  const moved = await moveMoney(tx, requests);
  if (!moved.ok) return moved;
  if (position !== null) {
    await bankingTables(tx.db).bankTransfers.add(position);
    await scheduleClearing(tx, tx.now);
  }
  return ok(requests.map((r) => r.id));
}
