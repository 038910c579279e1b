import Dexie from 'dexie';
import {
  assert,
  matchRemittanceByHand,
  ok,
  err,
  processIncomingTransfers,
  remittanceChannel,
  remittanceReferenceTokens,
  remittanceInstructionOf,
  returnRemittance,
  type Charge,
  type IncomingTransfer,
  type RemittanceChannelState,
  type RemittanceExceptionRow,
  type RemittanceInstruction,
  type RemittanceMatchRow,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankAccountRow } from '../../storage/banking-tables.ts';
import { primaryAmong } from '../banking/primary-account.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { stepOrder } from '../market/orders.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';

// Remittance (汇款) behind the gateway, offline: checkout creates a pending charge and the order
// page shows the seller's receiving account (bank + card number) and the order number as the
// reference; the order stays unpaid. The buyer transfers from their bank (online banking or the
// counter: any customer transfer). The matcher (matchRemittancesTx) reads the payee's incoming
// customer transfers not yet processed and, by reference and amount (domain match.ts), captures
// the charge and steps the order PAY, or queues the transfer as an exception (wrong amount, missing
// or ambiguous reference, duplicate, closed order). The payee works the queue by hand: place it on
// an awaiting order (an overpayment's excess goes back) or return the money. A refund goes back to
// the account the matched transfer came from. Money goes straight to the seller's account: the
// order's escrow ledger effects are skipped ('direct').
//
// When does the matcher run? Inside every remittance command below, and from the payee's and the
// payer's tabs whenever a new transfer reaches the payee (the UI calls matchRemittances), so a
// transfer made on any bank page is matched as soon as a tab of either party sees it.

export const remittanceRunMax = 10_000;

/** A seller's remittance charges read to find its usual receiving account. */
export const remittanceChargesReadMax = 10_000;

/**
 * The account a new remittance order asks the buyer to pay into. Stable: the account the seller's
 * latest remittance order named (its "usual" account), so opening a second bank account never
 * moves new orders elsewhere; for the first remittance order, the seller's primary account
 * (banking/primary-account.ts: the one opened first).
 */
async function receivingAccount(tx: Tx, partyId: string): Promise<BankAccountRow | undefined> {
  const accounts = await bankingTables(tx.db).bankAccounts.where('partyId').equals(partyId).toArray();
  const earlier = (await paymentsTables(tx.db).charges.where('payee.partyId').equals(partyId).limit(remittanceChargesReadMax).toArray()).filter((c) => c.channel === 'remittance');
  const latest = earlier.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))[0];
  const usual = latest === undefined ? undefined : accounts.find((a) => a.bankId === latest.payee.bankId);
  if (usual !== undefined) return usual;
  return primaryAmong(accounts);
}

/** The receiving account number stored with the charge (older charges: looked up by its bank). */
async function receivingNumberOf(db: WorldDb, charge: Charge): Promise<string | null> {
  const stored = charge.source.accountNumber;
  if (stored !== undefined) return stored;
  const account = await bankingTables(db).bankAccounts.get(`${charge.payee.bankId}:deposit:${charge.payee.partyId}`);
  return account?.cardNumber ?? null;
}

export const remittanceAdapter: ChannelAdapter<RemittanceChannelState> = {
  channel: remittanceChannel,
  settlement: 'direct',
  payOrderOn: 'capture',
  async prepare(tx, order) {
    const account = await receivingAccount(tx, order.sellerId);
    if (account === undefined) return err('seller_bank_account_missing', { sellerId: order.sellerId });
    // The receiving account is fixed here, with the charge: the instruction the buyer follows never
    // changes afterwards, whatever accounts the seller opens later.
    return ok({ payee: { partyId: order.sellerId, bankId: account.bankId }, source: { accountNumber: account.cardNumber } });
  },
  async load(tx, charge) {
    const match = await paymentsTables(tx.db).remittanceMatches.where('chargeId').equals(charge.id).first();
    return ok({ receivingAccountNumber: await receivingNumberOf(tx.db, charge), refundTo: match === undefined ? null : { bankId: match.fromBankId, partyId: match.fromPartyId } });
  },
};
export const remittanceChannelModule: ChannelModule = { id: 'remittance', adapter: remittanceAdapter, catalog: { name: 'payments.channel.remittance', prefixes: ['payments.remit.'] } };

/** What the order page shows the buyer of a pending remittance charge. */
export async function remittanceInstruction(db: WorldDb, charge: Charge): Promise<RemittanceInstruction> {
  return remittanceInstructionOf(charge, await receivingNumberOf(db, charge));
}

async function incomingOf(db: WorldDb, payeeId: string): Promise<IncomingTransfer[]> {
  const rows = await bankingTables(db).bankTransfers.where('payeePartyId').equals(payeeId).limit(remittanceRunMax).toArray();
  // Customer transfers only (online banking, the counter): services (wallet withdrawals, acquiring,
  // refunds) are not remittances.
  return rows
    .filter((r) => r.code === 'bank.transfer' && r.channel !== 'service')
    .map((r) => ({ id: r.id, bankId: r.payeeBankId, payeeId: r.payeePartyId, fromBankId: r.payerBankId, fromPartyId: r.payerPartyId, amount: { amount: r.amount, currency: r.currency }, memo: r.memo, at: r.at }));
}

async function payOrderOf(tx: Tx, charge: Charge) {
  const order = await marketTables(tx.db).orders.get(charge.orderId);
  assert(order !== undefined, 'a charge has its order');
  if (order.state !== 'WAIT_BUYER_PAY') return ok(null);
  const paid = await stepOrder(tx, order.id, { type: 'PAY' }, { role: 'buyer', partyId: order.buyerId });
  return paid.ok ? ok(null) : paid;
}

/** Matches the payee's new incoming transfers, inside the caller's transaction. */
/** The ids of those transfers the matcher already matched or queued. */
async function processedOf(db: WorldDb, transfers: readonly IncomingTransfer[]): Promise<Set<string>> {
  const t = paymentsTables(db);
  return new Set<string>([
    ...(await t.remittanceMatches.bulkGet(transfers.map((x) => x.id))).filter((m) => m !== undefined).map((m) => m.transferId),
    ...(await t.remittanceExceptions.bulkGet(transfers.map((x) => x.id))).filter((e) => e !== undefined).map((e) => e.id),
  ]);
}

/**
 * The payee's remittance charges for the orders the transfers' memos name: read by order id, so a
 * run reads the charges it may match, not every charge the payee ever had. A superset of what the
 * matcher (domain match.ts) looks at: it keeps a charge whose normalized order id is one of the
 * memo's tokens. Tokens are upper-cased [A-Z0-9_-] runs and order ids are ASCII (checkout's
 * T-numbers), where NFKC changes nothing, so "normalized equal" is "equal ignoring case".
 */
async function chargesNamedBy(db: WorldDb, payeeId: string, transfers: readonly IncomingTransfer[]): Promise<Charge[]> {
  const tokens = new Set(transfers.flatMap((x) => [...remittanceReferenceTokens(x.memo)]));
  if (tokens.size === 0) return [];
  const named = await paymentsTables(db).charges.where('orderId').anyOfIgnoreCase([...tokens]).toArray();
  return named.filter((c) => c.channel === 'remittance' && c.payee.partyId === payeeId);
}

export async function matchRemittancesTx(tx: Tx, payeeId: string) {
  const t = paymentsTables(tx.db);
  const transfers = await incomingOf(tx.db, payeeId);
  if (transfers.length === 0) return ok({ matched: 0, exceptions: 0 });
  const processed = await processedOf(tx.db, transfers);
  if (transfers.every((x) => processed.has(x.id))) return ok({ matched: 0, exceptions: 0 });
  const charges = await chargesNamedBy(tx.db, payeeId, transfers.filter((x) => !processed.has(x.id)));
  const run = processIncomingTransfers(transfers, charges, processed, { now: tx.now, actorId: 'system' });
  const applied = await interpretEffects(tx, channelEffects(run.effects));
  if (!applied.ok) return applied;
  await t.charges.bulkPut([...run.charges]);
  await t.remittanceMatches.bulkPut([...run.matches]);
  await t.remittanceExceptions.bulkPut([...run.exceptions]);
  for (const charge of run.charges) {
    const paid = await payOrderOf(tx, charge);
    if (!paid.ok) return paid;
  }
  return ok({ matched: run.matches.length, exceptions: run.exceptions.length });
}

/** The matcher as a command of its own (a tab that saw a new transfer reach the payee runs it). */
export const matchRemittancesCommand = defineCommand({
  name: 'matchRemittances',
  apply: (tx, input: { readonly payeeId: string }) => matchRemittancesTx(tx, input.payeeId),
});

export async function matchRemittances(db: WorldDb, meta: CommandMeta, input: { readonly payeeId: string }, env: CommandEnv = {}) {
  // Pages run the matcher whenever they see the payee's transfers change: with nothing new to
  // match it would change nothing, so it is not run (nor logged). A transfer that arrives after
  // this read is matched by the next run, which its arrival triggers.
  const transfers = await incomingOf(db, input.payeeId);
  const processed = await processedOf(db, transfers);
  if (transfers.every((x) => processed.has(x.id))) return ok({ matched: 0, exceptions: 0 });
  return execute(db, matchRemittancesCommand, meta, { payeeId: input.payeeId }, env);
}

/** The payee places a queued transfer on one of its awaiting remittance orders. */
export const matchRemittanceByHandCommand = defineCommand({
  name: 'matchRemittanceByHand',
  apply: async (tx, input: { readonly exceptionId: string; readonly chargeId: string }) => {
    const t = paymentsTables(tx.db);
    const row = await t.remittanceExceptions.get(input.exceptionId);
    if (row === undefined) return err('remittance_exception_not_found');
    const charge = await t.charges.get(input.chargeId);
    if (charge === undefined) return err('charge_not_found');
    const step = matchRemittanceByHand(row, charge, { now: tx.now, actorId: tx.meta.actor });
    if (!step.ok) return step;
    const applied = await interpretEffects(tx, channelEffects(step.value.effects), { orderId: charge.orderId });
    if (!applied.ok) return applied;
    await t.charges.put(step.value.charge);
    await t.remittanceMatches.put(step.value.match);
    await t.remittanceExceptions.put(step.value.exception);
    const paid = await payOrderOf(tx, step.value.charge);
    if (!paid.ok) return paid;
    return ok(step.value.exception);
  },
});

export async function matchExceptionByHand(db: WorldDb, meta: CommandMeta, input: { readonly exceptionId: string; readonly chargeId: string }, env: CommandEnv = {}): Promise<Result<RemittanceExceptionRow, string>> {
  return execute(db, matchRemittanceByHandCommand, meta, { exceptionId: input.exceptionId, chargeId: input.chargeId }, env);
}

/** The payee sends a queued transfer back to the account it came from. */
export const returnRemittanceCommand = defineCommand({
  name: 'returnRemittance',
  apply: async (tx, input: { readonly exceptionId: string }) => {
    const t = paymentsTables(tx.db);
    const row = await t.remittanceExceptions.get(input.exceptionId);
    if (row === undefined) return err('remittance_exception_not_found');
    const step = returnRemittance(row, { now: tx.now, actorId: tx.meta.actor });
    if (!step.ok) return step;
    const applied = await interpretEffects(tx, channelEffects(step.value.effects));
    if (!applied.ok) return applied;
    await t.remittanceExceptions.put(step.value.exception);
    return ok(step.value.exception);
  },
});

export async function returnException(db: WorldDb, meta: CommandMeta, input: { readonly exceptionId: string }, env: CommandEnv = {}): Promise<Result<RemittanceExceptionRow, string>> {
  return execute(db, returnRemittanceCommand, meta, { exceptionId: input.exceptionId }, env);
}

/** Exceptions the payee's queue lists, newest first (issue #18: read through [transfer.payeeId+openedAt]). */
export const remittanceExceptionsShownMax = 200;

export async function remittanceExceptionsOf(db: WorldDb, payeeId: string, max = remittanceExceptionsShownMax): Promise<RemittanceExceptionRow[]> {
  return paymentsTables(db).remittanceExceptions.where('[transfer.payeeId+openedAt]').between([payeeId, Dexie.minKey], [payeeId, Dexie.maxKey]).reverse().limit(max).toArray();
}

/** The payee's remittance charges still waiting for money (candidates for a hand match), of its newest charges. */
export async function awaitingRemittances(db: WorldDb, payeeId: string): Promise<Charge[]> {
  return (await paymentsTables(db).charges.where('payee.partyId').equals(payeeId).limit(remittanceChargesReadMax).toArray()).filter((c) => c.channel === 'remittance' && c.status === 'pending');
}

/** A matched transfer as the payee's remittance page shows it: which transfer paid which order, by which reference. */
export type RemittanceMatchView = RemittanceMatchRow & {
  /** The order number the matcher read in the memo (the charge's reference). */
  readonly reference: string;
  /** What the sender typed, as the bank reported it. */
  readonly memo: string;
  readonly transferAt: number;
};

/** Matches shown on the remittance page, newest first. */
export const remittanceMatchesShownMax = 200;

/** The payee's matched transfers, newest first (reconciliation: each payment record to its order). */
export async function remittanceMatchesOf(db: WorldDb, payeeId: string): Promise<RemittanceMatchView[]> {
  const charges = (await paymentsTables(db).charges.where('payee.partyId').equals(payeeId).limit(remittanceChargesReadMax).toArray()).filter((c) => c.channel === 'remittance');
  const matches = (await paymentsTables(db).remittanceMatches.where('chargeId').anyOf(charges.map((c) => c.id)).toArray()).sort((a, b) => b.matchedAt - a.matchedAt).slice(0, remittanceMatchesShownMax);
  const transfers = await bankingTables(db).bankTransfers.bulkGet(matches.map((m) => m.transferId));
  return matches.map((m, i) => ({ ...m, reference: m.orderId, memo: transfers[i]?.memo ?? '', transferAt: transfers[i]?.at ?? m.matchedAt }));
}
