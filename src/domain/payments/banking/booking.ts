import { assert } from '../../assert.ts';
import { scaleOf, type CurrencyCode } from '../../money/index.ts';
import { amountToMinor, ledgerIdLengthMax, minorToAmount, type MoveRequest, type TransferRefs } from '../../ledger/index.ts';
import { bankingAccountIds as ids } from './accounts.ts';
import type { BankPosition } from './netting.ts';

// How each banking movement is booked: which linked transfers, each inside ONE book, so every
// institution's book balances on its own. The app posts these with moveMoney (all or nothing).
//
// Cash (banknotes) is a claim on the central bank (the clearing system's book):
//   a person's cash in hand is clearing:notes:<person>; an institution's vault cash (<inst>:vault,
//   in its own book) is mirrored by clearing:notes:<inst>. Notes change hands in the clearing book.
//
// A transfer between two banks (A pays, B receives) is booked at submission:
//   A's book:  debit A:deposit:<payer>     credit A:clearing:out   (left the payer, owed to clearing)
//   B's book:  debit B:clearing:in         credit B:deposit:<payee> (payee credited at once, due from clearing)
// and recorded as a position A → B. At the end of the world day the batch nets every bank's
// positions and settles through reserves (settlementRequests below); both transit accounts of
// every bank return to what later, unsettled payments left in them.

/** A customer's side of a movement. An institution keeps its own book: `bookAccountId` is the
 * account in it that the money comes from or goes to (the other side of its <inst>:at:<bank>). */
export type CustomerLeg = {
  readonly bankId: string;
  readonly partyId: string;
  readonly bookAccountId?: string;
};

export type MovementInput = {
  /** Unique id of the movement; the ledger transfer ids are derived from it. */
  readonly id: string;
  /** Stored decimal at the currency's scale, above zero. */
  readonly amount: string;
  readonly currency: CurrencyCode;
  readonly refs?: TransferRefs;
};

/** Transfer ids derive from the movement id plus a short suffix. */
export const movementIdLengthMax = ledgerIdLengthMax - 16;

function checkMovement(m: MovementInput): void {
  assert(m.id.length > 0 && m.id.length <= movementIdLengthMax, 'movement id within bounds');
  const minor = amountToMinor(m.amount, scaleOf(m.currency));
  assert(minor !== undefined && minor > 0n, 'movement amount is a positive decimal');
}

function move(id: string, debitAccountId: string, creditAccountId: string, m: MovementInput, code: string): MoveRequest {
  return { id, kind: 'single', debitAccountId, creditAccountId, amount: m.amount, currency: m.currency, code, refs: m.refs ?? {} };
}

/** Cash paid in at the bank counter into the customer's deposit account. */
export function cashDepositRequests(m: MovementInput & { readonly customer: CustomerLeg }): MoveRequest[] {
  checkMovement(m);
  const { bankId, partyId, bookAccountId } = m.customer;
  const requests = [
    move(`${m.id}:notes`, ids.notes(partyId), ids.notes(bankId), m, 'cash.deposit'),
    move(`${m.id}:bank`, ids.vault(bankId), ids.deposit(bankId, partyId), m, 'bank.cash_deposit'),
  ];
  if (bookAccountId !== undefined) requests.push(move(`${m.id}:book`, ids.atBank(partyId, bankId), bookAccountId, m, 'bank.cash_deposit'));
  return requests;
}

/** Cash paid out at the bank counter from the customer's deposit account. */
export function cashWithdrawalRequests(m: MovementInput & { readonly customer: CustomerLeg }): MoveRequest[] {
  checkMovement(m);
  const { bankId, partyId, bookAccountId } = m.customer;
  const requests = [
    move(`${m.id}:bank`, ids.deposit(bankId, partyId), ids.vault(bankId), m, 'bank.cash_withdrawal'),
    move(`${m.id}:notes`, ids.notes(bankId), ids.notes(partyId), m, 'cash.withdrawal'),
  ];
  if (bookAccountId !== undefined) requests.push(move(`${m.id}:book`, bookAccountId, ids.atBank(partyId, bankId), m, 'bank.cash_withdrawal'));
  return requests;
}

/**
 * A transfer between two deposit accounts. Same bank: one transfer in its book. Different banks:
 * the payer's bank owes clearing, the payee's bank is owed by clearing (see the header). An
 * institution's own book moves with its deposit (its bookAccountId leg).
 */
export function transferRequests(m: MovementInput & { readonly payer: CustomerLeg; readonly payee: CustomerLeg; readonly code: string }): MoveRequest[] {
  checkMovement(m);
  const { payer, payee } = m;
  assert(!(payer.bankId === payee.bankId && payer.partyId === payee.partyId), 'a transfer has two different accounts');
  const requests: MoveRequest[] = [];
  if (payer.bankId === payee.bankId) {
    requests.push(move(`${m.id}:bank`, ids.deposit(payer.bankId, payer.partyId), ids.deposit(payee.bankId, payee.partyId), m, m.code));
  } else {
    requests.push(move(`${m.id}:payer-bank`, ids.deposit(payer.bankId, payer.partyId), ids.clearingOut(payer.bankId), m, m.code));
    requests.push(move(`${m.id}:payee-bank`, ids.clearingIn(payee.bankId), ids.deposit(payee.bankId, payee.partyId), m, m.code));
  }
  if (payer.bookAccountId !== undefined) requests.push(move(`${m.id}:payer-book`, payer.bookAccountId, ids.atBank(payer.partyId, payer.bankId), m, m.code));
  if (payee.bookAccountId !== undefined) requests.push(move(`${m.id}:payee-book`, ids.atBank(payee.partyId, payee.bankId), payee.bookAccountId, m, m.code));
  return requests;
}

/** The central bank issues notes to a party (the lab's "give cash", and the seeded vaults). */
export function issueNotesRequests(m: MovementInput & { readonly partyId: string; readonly code?: string }): MoveRequest[] {
  checkMovement(m);
  return [move(m.id, ids.notesIssued, ids.notes(m.partyId), m, m.code ?? 'clearing.notes_issued')];
}

/** A bank pays vault notes into its reserve account at the central bank. */
export function reserveDepositRequests(m: MovementInput & { readonly bankId: string }): MoveRequest[] {
  checkMovement(m);
  return [
    move(`${m.id}:central`, ids.notes(m.bankId), ids.centralReserve(m.bankId), m, 'clearing.reserve_deposit'),
    move(`${m.id}:bank`, ids.reserve(m.bankId), ids.vault(m.bankId), m, 'clearing.reserve_deposit'),
  ];
}

/**
 * Settles one batch's net positions. In the clearing book, net payers' reserves go down and net
 * receivers' go up, through clearing:settlement (which ends at zero because the nets sum to zero).
 * In each bank's book, what it sent and received offsets (clearing:out against clearing:in) and
 * only the net moves its reserve, exactly as its reserve account at the central bank moved.
 */
export function settlementRequests(batchId: string, positions: readonly BankPosition[], currency: CurrencyCode): MoveRequest[] {
  assert(batchId.length > 0 && batchId.length <= movementIdLengthMax, 'batch id within bounds');
  const scale = scaleOf(currency);
  const refs = { batch: batchId };
  const m = (amount: bigint): MovementInput => ({ id: batchId, amount: minorToAmount(amount, scale), currency, refs });
  const minorOf = (text: string): bigint => {
    const v = amountToMinor(text, scale);
    assert(v !== undefined, 'position amounts are decimals');
    return v;
  };
  const central: MoveRequest[] = [];
  const banks: MoveRequest[] = [];
  let netSum = 0n;
  for (const p of positions) {
    const grossIn = minorOf(p.grossIn);
    const grossOut = minorOf(p.grossOut);
    const net = minorOf(p.net);
    assert(grossIn >= 0n && grossOut >= 0n && net === grossIn - grossOut, 'a position nets its gross figures');
    netSum += net;
    const offset = grossIn < grossOut ? grossIn : grossOut;
    const tag = `${batchId}:${p.bankId}`;
    if (net < 0n) central.push(move(`${tag}:central`, ids.centralReserve(p.bankId), ids.settlement, m(-net), 'clearing.settlement'));
    if (net > 0n) central.push(move(`${tag}:central`, ids.settlement, ids.centralReserve(p.bankId), m(net), 'clearing.settlement'));
    if (offset > 0n) banks.push(move(`${tag}:offset`, ids.clearingOut(p.bankId), ids.clearingIn(p.bankId), m(offset), 'clearing.offset'));
    if (net < 0n) banks.push(move(`${tag}:reserve`, ids.clearingOut(p.bankId), ids.reserve(p.bankId), m(-net), 'clearing.settlement'));
    if (net > 0n) banks.push(move(`${tag}:reserve`, ids.reserve(p.bankId), ids.clearingIn(p.bankId), m(net), 'clearing.settlement'));
  }
  assert(netSum === 0n, 'the nets of a batch sum to zero');
  return [...central, ...banks];
}
