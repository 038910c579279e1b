import {
  amountToMinor,
  assert,
  bankingCurrency,
  bytesToHex,
  denominationMinor,
  ecashMoneyOfMinor,
  ecashBankDeposit,
  ecashBankDepositView,
  ecashBankWithdrawalView,
  ecashMerchantCheckPayment,
  ecashPlanPayment,
  ecashPurseValue,
  err,
  money,
  ok,
  paymentAccountId,
  recordWalletTransaction,
  scaleOf,
  toStored,
  type EcashBankDepositView,
  type EcashBankWithdrawalView,
  type EcashCoin,
  type EcashDepositRow,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables, tillRowId, type EcashPurseRow, type EcashTillRow } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingTables, type BankAccountRow, type BankTransferRow } from '../../storage/banking-tables.ts';
import { scheduleClearing } from '../banking/clearing.ts';
import { primaryAmong } from '../banking/primary-account.ts';
import { checkClearingCover } from '../banking/transfers.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { systemRandom, type Random } from '../identity/common.ts';
import { interpretEffects, paymentEffects } from '../effects/interpret.ts';
import { openForWallet, type UnlockedWallet } from './wallet.ts';
import { withdrawDenominations } from './withdraw.ts';

// Spending, depositing and paying back coins. Paying hands the coins to the merchant's till (the
// merchant checks the bank's signatures offline; no money moves yet: a coin is a bearer claim on
// the bank). Depositing hands the till's coins to the merchant's own bank, which forwards them to
// the issuing bank; the issuer checks its spent-serials list and pays out of its e-cash liability,
// to the merchant's account at the same bank directly or at another bank through clearing (the
// night's batch settles it, like any interbank transfer). A coin the issuer has seen is refused
// with 'double_spend' naming the serial, and nothing of that deposit is credited.

/** Coins in the purse, decrypted: what only the unlocked wallet can read. */
export type PurseCoin = { readonly rowId: string; readonly coin: EcashCoin };

/** Coins a purse may hold (ecashPurseCoinsMax in the domain). */
export const pursesRowsMax = 10_000;

export async function heldCoins(db: WorldDb, wallet: UnlockedWallet): Promise<PurseCoin[]> {
  const rows = await ecashTables(db).purse.where('[ownerId+state]').equals([wallet.ownerId, 'held']).limit(pursesRowsMax).toArray();
  return Promise.all(rows.map(async (r) => ({ rowId: r.id, coin: await openForWallet<EcashCoin>(wallet, r.id, r.sealed) })));
}

/** The purse's value without unlocking (denominations are kept in clear). */
export async function purseRows(db: WorldDb, ownerId: string): Promise<EcashPurseRow[]> {
  return ecashTables(db).purse.where('ownerId').equals(ownerId).limit(pursesRowsMax).toArray();
}

export type EcashPayInput = {
  readonly merchantId: string;
  /** Shown in the recorder: the shop's name. */
  readonly payee: string;
  readonly amount: string;
  /** What was bought (an order number, an article id). */
  readonly reference: string;
  readonly note?: string;
};

async function recordPayment(tx: Tx, input: EcashPayInput, paymentId: string, channelAmount: string) {
  const recorded = recordWalletTransaction(
    {
      id: paymentId, walletId: tx.meta.actor, at: tx.now, payee: input.payee, payeeId: input.merchantId,
      amount: channelAmount, currency: 'CNY', channel: 'ecash', status: 'completed', reference: input.reference, note: input.note ?? '',
    },
    tx.now,
  );
  if (!recorded.ok) return recorded;
  await ecashTables(tx.db).walletTransactions.add(recorded.value);
  return recorded;
}

/** Hands exactly these coins (opened from the purse by the tab) to the merchant, who checks them. */
export const ecashPayCommand = defineCommand({
  name: 'ecash.pay',
  apply: (tx, input: EcashPayInput & { readonly coins: readonly PurseCoin[] }) => payCoinsInTx(tx, input),
});

/** Hands exactly these coins to the merchant (the merchant's check and the till happen in one command). */
export async function payCoins(db: WorldDb, meta: CommandMeta, input: EcashPayInput & { readonly coins: readonly PurseCoin[] }, env: CommandEnv = {}): Promise<Result<{ paymentId: string; serials: string[] }, string>> {
  const { merchantId, payee, amount, reference, note, coins } = input;
  return execute(db, ecashPayCommand, meta, { merchantId, payee, amount, reference, note, coins: coins.map((c) => ({ rowId: c.rowId, coin: c.coin })) }, env);
}

/** Hands the coins over inside the caller's transaction (also used by the checkout channel). */
export async function payCoinsInTx(tx: Tx, input: EcashPayInput & { readonly coins: readonly PurseCoin[] }) {
  if (input.merchantId === tx.meta.actor) return err('ecash_pay_self');
  if ((await tx.db.parties.get(input.merchantId)) === undefined) return err('merchant_not_found', { merchantId: input.merchantId });
  const price = toStored(money(input.amount, 'CNY'));
  const keys = await ecashTables(tx.db).keys.toArray();
  const checked = ecashMerchantCheckPayment(input.coins.map((c) => c.coin), price, keys);
  if (!checked.ok) return checked;
  const t = ecashTables(tx.db);
  for (const { rowId } of input.coins) {
    const row = await t.purse.get(rowId);
    if (row === undefined || row.ownerId !== tx.meta.actor || row.state !== 'held') return err('ecash_coin_not_in_wallet', { rowId });
    await t.purse.update(rowId, { state: 'spent', updatedAt: tx.now });
  }
  const paymentId = `ecp-${tx.meta.id}`;
  for (const { coin } of input.coins) {
    // The same serial in this merchant's till already: a copy of a coin it was paid before.
    if ((await t.till.get(tillRowId(input.merchantId, coin.serial))) !== undefined) return err('double_spend', { serial: coin.serial });
    const till: EcashTillRow = {
      id: tillRowId(input.merchantId, coin.serial), serial: coin.serial, merchantId: input.merchantId, bankId: coin.bankId, denomination: coin.denomination,
      r: coin.signature.r, s: coin.signature.s, paymentId, reference: input.reference, receivedAt: tx.now, status: 'held', depositId: null,
    };
    await t.till.add(till);
  }
  const recorded = await recordPayment(tx, input, paymentId, checked.value.total.amount);
  if (!recorded.ok) return recorded;
  // The merchant's event names the payment, not the payer: e-cash is anonymous to the payee.
  await tx.appendEvent({ type: 'ecash.paid', actor: tx.meta.actor, parties: [input.merchantId], payload: { paymentId, amount: checked.value.total.amount, reference: input.reference } });
  tx.notify({ to: [input.merchantId], kind: 'ecash.paid', ref: paymentId });
  return ok({ paymentId, serials: input.coins.map((c) => c.coin.serial) });
}

/**
 * Pays `amount` from the wallet: picks the coins (change.ts); when only a larger coin is left, it is
 * paid back to the bank and withdrawn again in smaller coins first (the bank gives change, the
 * merchant never does). Refused with 'ecash_balance_insufficient' when the purse is short.
 */
export async function payWithEcash(db: WorldDb, wallet: UnlockedWallet, input: EcashPayInput, env: CommandEnv = {}, random: Random = systemRandom): Promise<Result<{ paymentId: string; serials: string[] }, string>> {
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(input.amount.trim())) return err('amount_invalid');
  const amount = toStored(money(input.amount.trim(), 'CNY')).amount;
  const source = await ecashCheckoutSource(db, wallet, amount, env, random);
  if (!source.ok) return source;
  const coins = JSON.parse(source.value.coins) as PurseCoin[];
  return payCoins(db, { id: `ecash:pay:${bytesToHex(random(12))}`, actor: wallet.ownerId }, { ...input, amount, coins }, env);
}

/** Where a deposit is taken: the issuing bank checks the coins, the acquirer credits the payee. */
type BankDepositInput = {
  readonly depositId: string;
  readonly bankId: string;
  readonly acquirerId: string;
  readonly purpose: 'deposit' | 'pay_back';
  readonly payee: string;
  readonly coins: readonly EcashCoin[];
};

/**
 * The acquirer forwards the coins to the issuer, which checks them against its keys and spent
 * list (deposit.ts); then the payee is credited at the acquirer, through clearing when the two
 * banks differ (an interbank position, booked and capped as postBankTransfer books one).
 */
async function bankDeposit(tx: Tx, input: BankDepositInput) {
  const t = ecashTables(tx.db);
  const account = paymentAccountId({ role: 'bank_deposit', bankId: input.acquirerId, partyId: input.payee });
  if ((await ledgerTables(tx.db).accounts.get(account)) === undefined) return err('ecash_no_bank_account', { bankId: input.acquirerId, partyId: input.payee });
  const seen = await t.spent.bulkGet(input.coins.map((c) => c.serial));
  const spent = new Set(seen.filter((r): r is EcashDepositRow => r !== undefined).map((r) => r.serial));
  const deposited = ecashBankDeposit({ ...input, now: tx.now }, await t.keys.where('bankId').equals(input.bankId).toArray(), spent);
  if (!deposited.ok) return deposited;
  const interbank = deposited.value.interbank;
  if (interbank !== null) {
    const minor = amountToMinor(interbank.amount, scaleOf(bankingCurrency));
    assert(minor !== undefined, 'a deposit total is a stored amount');
    const covered = await checkClearingCover(tx, interbank.payerBankId, minor);
    if (!covered.ok) return covered;
  }
  const moved = await interpretEffects(tx, paymentEffects(deposited.value.effects));
  if (!moved.ok) return moved;
  await t.spent.bulkAdd(deposited.value.rows);
  if (interbank !== null) {
    const position: BankTransferRow = {
      id: `ecash:${input.purpose}:${input.depositId}`,
      at: tx.now,
      amount: interbank.amount,
      currency: bankingCurrency,
      code: deposited.value.effects[0]!.code,
      memo: '',
      channel: 'service',
      payerBankId: interbank.payerBankId,
      // The issuer pays out of its e-cash liability: the coins were its debt to the bearer.
      payerPartyId: input.bankId,
      payerAccountId: paymentAccountId({ role: 'ecash_outstanding', bankId: input.bankId }),
      payeeBankId: interbank.payeeBankId,
      payeePartyId: input.payee,
      payeeAccountId: account,
      clearing: 'open',
      batchId: null,
      settledAt: null,
    };
    await bankingTables(tx.db).bankTransfers.add(position);
    await scheduleClearing(tx, tx.now);
  }
  return ok(deposited.value.rows);
}

/** The bank a party uses unless it picks another: its primary account's (banking/primary-account.ts). */
export function usualBank(accounts: readonly Pick<BankAccountRow, 'bankId' | 'openedAt' | 'id'>[]): string | null {
  return primaryAmong(accounts)?.bankId ?? null;
}

/** The merchant deposits coins from its till at its bank (see depositTill). */
export const ecashDepositCommand = defineCommand({
  name: 'ecash.deposit',
  apply: async (tx, input: { readonly serials?: readonly string[]; readonly bankId?: string }) => {
    const meta = tx.meta;
    const t = ecashTables(tx.db);
    const rows = input.serials === undefined
      ? await t.till.where('[merchantId+status]').equals([meta.actor, 'held']).toArray()
      : (await t.till.bulkGet(input.serials.map((serial) => tillRowId(meta.actor, serial)))).filter((r): r is EcashTillRow => r !== undefined && r.merchantId === meta.actor);
    if (rows.length === 0) return err('ecash_nothing_to_deposit');
    const acquirerId = input.bankId ?? usualBank(await bankingTables(tx.db).bankAccounts.where('partyId').equals(meta.actor).toArray());
    if (acquirerId === null) return err('ecash_deposit_account_missing');
    const byBank = new Map<string, EcashTillRow[]>();
    for (const r of rows) byBank.set(r.bankId, [...(byBank.get(r.bankId) ?? []), r]);
    let totalMinor = 0n;
    for (const [bankId, bankRows] of byBank) {
      const depositId = `ecd-${meta.id}-${bankId}`;
      const coins = bankRows.map((r): EcashCoin => ({ bankId: r.bankId, denomination: r.denomination, serial: r.serial, signature: { r: r.r, s: r.s } }));
      const done = await bankDeposit(tx, { depositId, bankId, acquirerId, purpose: 'deposit', payee: meta.actor, coins });
      if (!done.ok) return done;
      for (const r of bankRows) await t.till.put({ ...r, status: 'deposited', depositId });
      const minor = bankRows.reduce((sum, r) => sum + denominationMinor(r.denomination), 0n);
      totalMinor += minor;
      await tx.appendEvent({
        type: 'ecash.deposited', actor: meta.actor, parties: [...new Set([acquirerId, bankId])],
        payload: { depositId, coins: bankRows.length, amount: ecashMoneyOfMinor(minor).amount, issuer: bankId, acquirer: acquirerId },
      });
    }
    return ok({ amount: ecashMoneyOfMinor(totalMinor).amount, coins: rows.length, bankId: acquirerId });
  },
});

/**
 * The merchant deposits coins from its till (default: every held coin) at its own bank: `bankId`
 * if given (it must hold an account there), else its usual bank. That bank forwards the coins to
 * each issuing bank, one deposit per issuer. Passing serials already deposited is the lab's
 * replay: the issuer refuses 'double_spend' and nothing of the command is kept.
 */
export async function depositTill(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly serials?: readonly string[]; readonly bankId?: string } = {},
  env: CommandEnv = {},
): Promise<Result<{ amount: string; coins: number; bankId: string }, string>> {
  return execute(db, ecashDepositCommand, meta, { serials: input.serials === undefined ? undefined : [...input.serials], bankId: input.bankId }, env);
}

/** The wallet owner pays coins (opened from the purse by the tab) back into its account at the issuer. */
export const ecashPayBackCommand = defineCommand({
  name: 'ecash.payBack',
  apply: async (tx, input: { readonly coins: readonly PurseCoin[] }) => {
    const meta = tx.meta;
    if (input.coins.length === 0) return err('ecash_nothing_to_deposit');
    const t = ecashTables(tx.db);
    const byBank = new Map<string, PurseCoin[]>();
    for (const c of input.coins) {
      const row = await t.purse.get(c.rowId);
      if (row === undefined || row.ownerId !== meta.actor || row.state !== 'held') return err('ecash_coin_not_in_wallet', { rowId: c.rowId });
      byBank.set(c.coin.bankId, [...(byBank.get(c.coin.bankId) ?? []), c]);
    }
    for (const [bankId, coins] of byBank) {
      const done = await bankDeposit(tx, { depositId: `ecb-${meta.id}-${bankId}`, bankId, acquirerId: bankId, purpose: 'pay_back', payee: meta.actor, coins: coins.map((c) => c.coin) });
      if (!done.ok) return done;
      for (const c of coins) await t.purse.update(c.rowId, { state: 'paid_back', updatedAt: tx.now });
      await tx.appendEvent({ type: 'ecash.paid_back', actor: meta.actor, parties: [bankId], payload: { coins: coins.length } });
    }
    return ok({ coins: input.coins.length });
  },
});

/** The wallet owner pays unspent coins back into its own account at the issuing bank. */
export async function payBackCoins(db: WorldDb, meta: CommandMeta, input: { readonly coins: readonly PurseCoin[] }, env: CommandEnv = {}): Promise<Result<{ coins: number }, string>> {
  return execute(db, ecashPayBackCommand, meta, { coins: input.coins.map((c) => ({ rowId: c.rowId, coin: c.coin })) }, env);
}

export async function tillOf(db: WorldDb, merchantId: string): Promise<EcashTillRow[]> {
  return ecashTables(db).till.where('merchantId').equals(merchantId).limit(pursesRowsMax).toArray();
}

/** The lab view: what a bank stored at withdrawals and at deposits, side by side (SCHEME.md). */
export async function bankViews(db: WorldDb, bankId: string): Promise<{ withdrawals: EcashBankWithdrawalView[]; deposits: EcashBankDepositView[] }> {
  const t = ecashTables(db);
  const sessions = await t.sessions.where('bankId').equals(bankId).limit(pursesRowsMax).toArray();
  const spent = await t.spent.where('bankId').equals(bankId).limit(pursesRowsMax).toArray();
  return {
    withdrawals: sessions.filter((s) => s.status === 'signed').map(ecashBankWithdrawalView).sort((a, b) => a.at - b.at),
    deposits: spent.map(ecashBankDepositView).sort((a, b) => a.at - b.at),
  };
}

/**
 * The coins for paying `amount` at checkout (the gateway's ecash source): plans from the unlocked
 * purse, exchanging a larger coin at the bank first when needed, and returns them as source.coins.
 */
export async function ecashCheckoutSource(db: WorldDb, wallet: UnlockedWallet, amount: string, env: CommandEnv = {}, random: Random = systemRandom): Promise<Result<{ coins: string }, string>> {
  const price = toStored(money(amount, 'CNY'));
  let purse = await heldCoins(db, wallet);
  let plan = ecashPlanPayment(purse.map((p) => p.coin), price);
  if (!plan.ok) return plan;
  if (plan.value.kind === 'withdraw') return err('ecash_balance_insufficient', { purse: ecashPurseValue(purse.map((p) => p.coin)).amount, amount: price.amount });
  if (plan.value.kind === 'split') {
    const exchange = plan.value.exchange;
    const row = purse.find((p) => p.coin.serial === exchange.serial);
    assert(row !== undefined, 'exchanged coin is in the purse');
    const back = await payBackCoins(db, { id: `ecash:exchange:${row.rowId}`, actor: wallet.ownerId }, { coins: [row] }, env);
    if (!back.ok) return back;
    const again = await withdrawDenominations(db, wallet, exchange.bankId, [...plan.value.withdrawForPayment, ...plan.value.withdrawForWallet], env, random);
    if (!again.ok) return again;
    purse = await heldCoins(db, wallet);
    plan = ecashPlanPayment(purse.map((p) => p.coin), price);
    assert(plan.ok && plan.value.kind === 'exact', 'after exchanging, the purse pays exactly');
  }
  const paying = new Set(plan.value.pay.map((c) => c.serial));
  return ok({ coins: JSON.stringify(purse.filter((p) => paying.has(p.coin.serial))) });
}
