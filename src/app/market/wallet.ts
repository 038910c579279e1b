import { add, assert, availableOf, balanceOf, compare, compareJobs, err, fromStored, marketplaceJobKinds, money, ok, parseMoney, toStored, type Account, type Result, type StoredMoney } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { bankingSessionStores, bankTransferStores } from '../command-stores.ts';
import { registerJobHandler } from '../scheduler.ts';
import { postBankTransfer } from '../banking/transfers.ts';
import { checkBankingSession, sessionInTx, type BankingSessionCheck } from '../identity/banking-login.ts';
import { ensureWallet, escrowPartyId, settlingId, walletId } from './accounts.ts';
import { interpretEffects } from '../effects/interpret.ts';

// Wallets at the escrow agent (支付宝余额). A user's wallet is what pays orders and what can be
// withdrawn to a bank; a seller's released money first waits T+N world days in the settling
// account, then this job makes it withdrawable.

export type WalletView = {
  /** Withdrawable / spendable now. */
  readonly available: StoredMoney;
  /** Posted balance of the wallet (held amounts still count here until the hold is posted). */
  readonly balance: StoredMoney;
  /** Released to a seller, not yet withdrawable. */
  readonly settling: StoredMoney;
  readonly opened: boolean;
};

const zeroCny: StoredMoney = { amount: '0.00', currency: 'CNY' };

export async function walletOf(db: WorldDb, partyId: string): Promise<WalletView> {
  const [wallet, settling] = await ledgerTables(db).accounts.bulkGet([walletId(partyId), settlingId(partyId)]);
  const money = (a: Account | undefined, f: (a: Account) => ReturnType<typeof balanceOf>) => (a === undefined ? zeroCny : toStored(f(a)));
  return { available: money(wallet, availableOf), balance: money(wallet, balanceOf), settling: money(settling, balanceOf), opened: wallet !== undefined };
}

export const availableJobKind = marketplaceJobKinds.available;

registerJobHandler(availableJobKind, async (tx, job) => {
  const { orderId, sellerId, amount, currency } = job.payload;
  assert(typeof orderId === 'string' && typeof sellerId === 'string' && typeof amount === 'string' && currency === 'CNY', 'an available job names order, seller and amount');
  const moved = await interpretEffects(
    tx,
    [{ kind: 'transfers', requests: [{ id: `${orderId}:available`, kind: 'single', debitAccountId: settlingId(sellerId), creditAccountId: walletId(sellerId), amount, currency, code: 'escrow.available', refs: { orderId, sellerId } }] }],
    { orderId },
  );
  assert(moved.ok, `released money of ${orderId} becomes available`);
  await tx.appendEvent({ type: 'market.funds_available', actor: 'escrow', parties: [sellerId], payload: { orderId, amount, currency } });
  tx.notify({ to: [sellerId], kind: 'market.funds_available', ref: orderId });
});

// ---- top-up and withdrawal through the banks --------------------------------------------------

/** One top-up or withdrawal moves at most this much (a classroom wallet, not a treasury). */
export const walletMoveMaxMajorUnits = '1000000';

function parseAmount(text: string) {
  const parsed = parseMoney(text, 'CNY', { max: money(walletMoveMaxMajorUnits, 'CNY') });
  return parsed.ok ? ok(toStored(parsed.value).amount) : parsed;
}

async function requireWalletUser(db: WorldDb, partyId: string) {
  const user = await identityTables(db).users.get(partyId);
  if (user === undefined || (user.role !== 'buyer' && user.role !== 'seller')) return err('not_a_customer');
  if (user.status !== 'active') return err('account_not_activated');
  return ok(null);
}

type WalletMoveInput = { readonly bankId: string; readonly amount: string };

export const topUpWalletCommand = defineCommand({
  name: 'topUpWallet',
  stores: [...bankTransferStores, ...bankingSessionStores, 'parties'],
  apply: async (tx, input: WalletMoveInput & { readonly session: BankingSessionCheck }) => {
    const actor = tx.meta.actor;
    const user = await requireWalletUser(tx.db, actor);
    if (!user.ok) return user;
    const session = await sessionInTx(tx, input.session, input.bankId, actor);
    if (!session.ok) return session;
    await ensureWallet(tx.db, actor, tx.now);
    const moved = await postBankTransfer(tx, {
      id: `topup:${tx.meta.id}`,
      code: 'escrow.topup',
      channel: 'online',
      payer: { bankId: input.bankId, partyId: actor },
      payee: { bankId: input.bankId, partyId: escrowPartyId, bookAccountId: walletId(actor) },
      amount: input.amount,
      refs: { wallet: walletId(actor) },
    });
    if (!moved.ok) return moved;
    await tx.appendEvent({ type: 'market.wallet_topup', actor, parties: [escrowPartyId, input.bankId], payload: { amount: input.amount, bank: input.bankId } });
    return ok(await walletOf(tx.db, actor));
  },
});

/**
 * Top-up (充值) through online banking: the user, logged in to the bank with the U盾 (an open
 * online-banking session in this tab, checked here and carried in the input), pays from the deposit
 * account at `bankId` to the escrow agent's account at the same bank, and the escrow agent credits
 * the wallet. Linked transfers in both books: `B:deposit:<user>` → `B:deposit:escrow` and
 * `escrow:at:B` → `escrow:wallet:<user>`.
 */
export async function topUpWallet(db: WorldDb, meta: CommandMeta, input: WalletMoveInput, env: CommandEnv = {}): Promise<Result<WalletView, string>> {
  const amount = parseAmount(input.amount);
  if (!amount.ok) return amount;
  const session = await checkBankingSession(db, env, input.bankId, meta.actor);
  return execute(db, topUpWalletCommand, meta, { bankId: input.bankId, amount: amount.value, session }, env);
}

/** A seller has at most this many released orders still settling (T+N) read to date a withdrawal. */
const settlingJobsReadMax = 10_000;

/**
 * Why a withdrawal above the withdrawable money is refused, in words the user can act on: when
 * money still settling (T+N) covers it, the world time it becomes withdrawable (the due time of the
 * release that makes the wallet reach the amount: `withdrawal_settling`, `at`); otherwise how much
 * can be withdrawn at most (`withdrawal_exceeds_available`).
 */
async function shortWithdrawal(db: WorldDb, partyId: string, amount: string) {
  const wallet = await walletOf(db, partyId);
  const jobs = await db.jobs.where('kind').equals(availableJobKind).filter((j) => j.status === 'pending' && j.payload.sellerId === partyId).limit(settlingJobsReadMax).toArray();
  const wanted = fromStored({ amount, currency: 'CNY' });
  let reach = fromStored(wallet.available);
  for (const job of jobs.sort(compareJobs)) {
    const released = job.payload.amount;
    assert(typeof released === 'string', 'an available job names its amount');
    reach = add(reach, fromStored({ amount: released, currency: 'CNY' }));
    if (compare(reach, wanted) >= 0) return err('withdrawal_settling', { at: job.dueAt, available: wallet.available.amount, settling: wallet.settling.amount });
  }
  return err('withdrawal_exceeds_available', { available: wallet.available.amount });
}

/**
 * Withdrawal (提现) of withdrawable wallet money to the user's own deposit account at `bankId`:
 * `escrow:wallet:<user>` → `escrow:at:B` and `B:deposit:escrow` → `B:deposit:<user>`. Money still
 * settling (T+N) cannot be withdrawn: the wallet's no-overdraft rule refuses it, and the refusal says
 * when it can be (shortWithdrawal).
 */
export const withdrawFromWalletCommand = defineCommand({
  name: 'withdrawFromWallet',
  stores: [...bankTransferStores, 'users', 'parties'],
  apply: async (tx, input: WalletMoveInput) => {
    const actor = tx.meta.actor;
    const user = await requireWalletUser(tx.db, actor);
    if (!user.ok) return user;
    await ensureWallet(tx.db, actor, tx.now);
    const moved = await postBankTransfer(tx, {
      id: `withdraw:${tx.meta.id}`,
      code: 'escrow.withdrawal',
      channel: 'service',
      payer: { bankId: input.bankId, partyId: escrowPartyId, bookAccountId: walletId(actor) },
      payee: { bankId: input.bankId, partyId: actor },
      amount: input.amount,
      refs: { wallet: walletId(actor) },
    });
    if (!moved.ok) return moved.code === 'insufficient_funds' && moved.detail?.accountId === walletId(actor) ? shortWithdrawal(tx.db, actor, input.amount) : moved;
    await tx.appendEvent({ type: 'market.wallet_withdrawal', actor, parties: [escrowPartyId, input.bankId], payload: { amount: input.amount, bank: input.bankId } });
    return ok(await walletOf(tx.db, actor));
  },
});

export async function withdrawFromWallet(db: WorldDb, meta: CommandMeta, input: WalletMoveInput, env: CommandEnv = {}): Promise<Result<WalletView, string>> {
  const amount = parseAmount(input.amount);
  if (!amount.ok) return amount;
  return execute(db, withdrawFromWalletCommand, meta, { bankId: input.bankId, amount: amount.value }, env);
}
