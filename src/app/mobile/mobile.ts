import {
  afterPinAttempt,
  billDateOf,
  checkPassword,
  checkPinFormat,
  createMobileWallet,
  bytesToHex,
  err,
  formatWalletNo,
  fromStored,
  hexToBytes,
  hashPassword,
  markCodePaid,
  merchantQrText,
  mobileChannel,
  ok,
  parseMerchantQr,
  parseMoney,
  parsePaymentCode,
  pinRequired,
  pinUsable,
  secretBytes,
  toStored,
  verifyPaymentCode,
  walletNoMax,
  withFreeLimit,
  withPin,
  type MobileWallet,
  type Money,
  type PasswordHash,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { mobileTables, type MobilePaymentKind, type MobilePaymentRow } from '../../storage/mobile-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { moveMoney } from '../ledger.ts';
import { readClock } from '../clock-read.ts';
import { ensureWallet, escrowPartyId, walletId } from '../market/accounts.ts';
import { readPasswordIterations, type Random } from '../identity/common.ts';
import { writeCounterTrade } from '../reconciliation/records.ts';

// Mobile payment (手机支付, issue #17), the channel `mobile`: the escrow agent (安付宝) is the phone
// wallet's institution. Both ways of paying at a shop counter move money the same way, from the
// buyer's escrow wallet to the merchant's, in ONE ledger transfer inside the escrow agent's book, in
// the same command as the payment row:
// - payment code (付款码): the cashier (the seller's tab) scans the buyer's code; the institution
//   checks it (window, used, wrong wallet, expired) and charges at once up to the buyer's
//   small-amount limit, or, above it, asks the buyer's phone for the PIN (the row waits, nothing
//   moves until the buyer confirms);
// - merchant's code (扫码付): the buyer's phone scans the seller's static code, types the amount and
//   confirms (with the PIN above the limit).
// The PIN is checked with PBKDF2 (WebCrypto) BEFORE the command's transaction, never inside it; a
// wrong PIN is counted by its own small command, so the count survives the refusal.
//
// Reconciliation: a counter payment has no order, so it is not a gateway charge (the platform's
// charges are per order). In the paying command the escrow agent writes its own trade of the
// payment (src/app/reconciliation/records.ts, writeCounterTrade): a row of its daily bill, numbered
// by the payment's id, naming the merchant's receipt number. The payment row is the seller's own
// record, carrying the institution, its bill date and its ledger transfer: the desk matches the
// bill's row against it and the transfer (desk.ts), never against an order.

export const mobileInstitutionId = escrowPartyId;
export const mobilePaymentsListMax = 200;
const transferCode = 'mobile.pay';

async function walletRow(db: WorldDb, partyId: string): Promise<MobileWallet | undefined> {
  return mobileTables(db).mobileWallets.get(partyId);
}

export async function mobileWalletOf(db: WorldDb, partyId: string): Promise<MobileWallet | undefined> {
  return walletRow(db, partyId);
}

/** Opens the party's phone wallet with the shared TOTP secret the tab drew (hex; the wallet row keeps it, as the institution does). */
export const mobileOpenWalletCommand = defineCommand({
  name: 'mobile.openWallet',
  apply: async (tx, input: { readonly secret: string }) => {
    const meta = tx.meta;
    const t = mobileTables(tx.db).mobileWallets;
    const existing = await t.get(meta.actor);
    if (existing !== undefined) return ok(existing);
    const count = await t.count();
    if (count >= walletNoMax) return err('mobile_wallets_full');
    const wallet = createMobileWallet({ partyId: meta.actor, walletNo: formatWalletNo(count + 1), secret: hexToBytes(input.secret), now: tx.now });
    await t.add(wallet);
    await ensureWallet(tx.db, meta.actor, tx.now);
    await tx.appendEvent({ type: 'mobile.wallet_opened', actor: meta.actor, parties: [mobileInstitutionId], payload: {} });
    return ok(wallet);
  },
});

/**
 * Opens the party's phone wallet (idempotent: a second call returns the first wallet). The shared
 * secret is random bytes drawn by the caller (the tab's WebCrypto), so the domain stays replayable.
 */
export async function openMobileWallet(db: WorldDb, meta: CommandMeta, random: Random, env: CommandEnv = {}): Promise<Result<MobileWallet, string>> {
  const secret = random(secretBytes);
  return execute(db, mobileOpenWalletCommand, meta, { secret: bytesToHex(secret) }, env);
}

async function ownWallet(tx: Tx) {
  const wallet = await walletRow(tx.db, tx.meta.actor);
  return wallet === undefined ? err('mobile_wallet_missing') : ok(wallet);
}

/** The payment PIN's hash (PBKDF2 in the tab; the PIN never enters the input). */
export const mobileSetPinCommand = defineCommand({
  name: 'mobile.setPin',
  apply: async (tx, input: { readonly hash: PasswordHash }) => {
    const wallet = await ownWallet(tx);
    if (!wallet.ok) return wallet;
    await mobileTables(tx.db).mobileWallets.put(withPin(wallet.value, input.hash));
    return ok(null);
  },
});

/** Sets (or changes) the payment PIN: six digits, stored as a password hash (PBKDF2, as logins). */
export async function setMobilePin(db: WorldDb, meta: CommandMeta, input: { readonly pin: string }, random: Random, env: CommandEnv = {}): Promise<Result<null, string>> {
  const format = checkPinFormat(input.pin);
  if (!format.ok) return format;
  const hash = await hashPassword(input.pin, random(16), await readPasswordIterations(db));
  return execute(db, mobileSetPinCommand, meta, { hash }, env);
}

function cny(text: string) {
  return parseMoney(text, 'CNY');
}

/** The small-amount limit, a stored CNY amount the wrapper parsed. */
export const mobileSetFreeLimitCommand = defineCommand({
  name: 'mobile.setFreeLimit',
  apply: async (tx, input: { readonly amount: string }) => {
    const wallet = await ownWallet(tx);
    if (!wallet.ok) return wallet;
    const next = withFreeLimit(wallet.value, fromStored({ amount: input.amount, currency: 'CNY' }));
    if (!next.ok) return next;
    await mobileTables(tx.db).mobileWallets.put(next.value);
    return ok(next.value);
  },
});

/** The small-amount password-free limit (小额免密): 0 means always ask for the PIN. */
export async function setMobileFreeLimit(db: WorldDb, meta: CommandMeta, input: { readonly amount: string }, env: CommandEnv = {}): Promise<Result<MobileWallet, string>> {
  const amount = parseMoney(input.amount, 'CNY', { allowZero: true });
  if (!amount.ok) return amount;
  return execute(db, mobileSetFreeLimitCommand, meta, { amount: toStored(amount.value).amount }, env);
}

/** The money moves: buyer's escrow wallet → merchant's escrow wallet (the ledger refuses a short wallet). */
async function settle(tx: Tx, row: MobilePaymentRow) {
  await ensureWallet(tx.db, row.payeeId, tx.now);
  const transferId = `mobile:${row.id}`;
  const moved = await moveMoney(tx, [
    { id: transferId, kind: 'single', debitAccountId: walletId(row.payerId), creditAccountId: walletId(row.payeeId), amount: row.amount.amount, currency: row.amount.currency, code: transferCode, refs: { mobilePaymentId: row.id } },
  ]);
  if (!moved.ok) return moved;
  const paid: MobilePaymentRow = { ...row, status: 'paid', paidAt: tx.now, billDate: billDateOf(tx.now), transferId };
  await mobileTables(tx.db).mobilePayments.put(paid);
  await writeCounterTrade(tx, { paymentId: row.id, institutionId: row.institutionId, channel: mobileChannel, gross: row.amount, sellerId: row.payeeId, transferId });
  await tx.appendEvent({ type: 'mobile.paid', actor: tx.meta.actor, parties: [row.payerId, row.payeeId, mobileInstitutionId], payload: { amount: row.amount.amount } });
  tx.notify({ to: [row.payerId, row.payeeId], kind: 'mobile.paid', ref: row.id });
  return ok(paid);
}

function newRow(tx: Tx, kind: MobilePaymentKind, payerId: string, payeeId: string, amount: Money): MobilePaymentRow {
  return { id: tx.meta.id, kind, payerId, payeeId, amount: toStored(amount), status: 'awaiting_pin', at: tx.now, paidAt: null, billDate: billDateOf(tx.now), institutionId: mobileInstitutionId, transferId: null };
}

/** The cashier charges a payment code (parsed by the wrapper) for a stored CNY amount. */
export const mobileChargeCodeCommand = defineCommand({
  name: 'mobile.chargeCode',
  apply: async (tx, input: { readonly walletNo: string; readonly code: string; readonly amount: string }) => {
    const meta = tx.meta;
    const t = mobileTables(tx.db);
    const amount = fromStored({ amount: input.amount, currency: 'CNY' });
    const payer = await t.mobileWallets.where('walletNo').equals(input.walletNo).first();
    if (payer === undefined) return err('payment_code_unknown_wallet');
    if (payer.partyId === meta.actor) return err('mobile_pay_self');
    const checked = verifyPaymentCode(payer, input.code, tx.now);
    if (!checked.ok) return checked;
    await t.mobileWallets.put(markCodePaid(payer, checked.value.code));
    const row = newRow(tx, 'payment_code', payer.partyId, meta.actor, amount);
    if (pinRequired(payer, amount)) {
      if (payer.pin === null) return err('mobile_pin_not_set');
      await t.mobilePayments.add(row);
      await tx.appendEvent({ type: 'mobile.pin_asked', actor: meta.actor, parties: [payer.partyId], payload: { amount: row.amount.amount } });
      tx.notify({ to: [payer.partyId, meta.actor], kind: 'mobile.pin_asked', ref: row.id });
      return ok(row);
    }
    return settle(tx, row);
  },
});

/**
 * The cashier (the merchant, meta.actor) charges a scanned or typed payment code. Up to the buyer's
 * small-amount limit the money moves now; above it the row waits for the buyer's PIN on the phone.
 * Either way the code is spent: it pays once.
 */
export async function chargePaymentCode(db: WorldDb, meta: CommandMeta, input: { readonly code: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<MobilePaymentRow, string>> {
  const amount = cny(input.amount);
  if (!amount.ok) return amount;
  const parsed = parsePaymentCode(input.code);
  if (!parsed.ok) return parsed;
  return execute(db, mobileChargeCodeCommand, meta, { walletNo: parsed.value.walletNo, code: parsed.value.code, amount: toStored(amount.value).amount }, env);
}

/** A wrong PIN typed on the phone, counted (the check itself ran in the tab). */
export const mobilePinWrongCommand = defineCommand({
  name: 'mobile.pinWrong',
  apply: async (tx) => {
    const w = await ownWallet(tx);
    if (!w.ok) return w;
    const next = afterPinAttempt(w.value, false, tx.now);
    await mobileTables(tx.db).mobileWallets.put(next);
    return ok(next);
  },
});

/**
 * Checks the buyer's PIN outside any transaction (PBKDF2 in WebCrypto). A wrong one is counted by
 * its own command (so the count stays although the payment is refused); returns the hash checked,
 * which the paying command compares with the stored one (a PIN changed meanwhile is not trusted).
 */
async function checkPin(db: WorldDb, meta: CommandMeta, pin: string, env: CommandEnv) {
  const wallet = await walletRow(db, meta.actor);
  if (wallet === undefined) return err('mobile_wallet_missing');
  const usable = pinUsable(wallet, await readClock(db));
  if (!usable.ok) return usable;
  if (await checkPassword(usable.value, pin)) return ok(usable.value.hash);
  const counted = await execute(db, mobilePinWrongCommand, { id: `${meta.id}:pin-wrong`, actor: meta.actor }, {}, env);
  if (!counted.ok) return counted;
  return counted.value.pinLockedUntil !== null ? err('mobile_pin_locked') : err('mobile_pin_wrong');
}

async function pinStillRight(tx: Tx, checkedHash: string | null) {
  const wallet = await ownWallet(tx);
  if (!wallet.ok) return wallet;
  if (checkedHash === null) return wallet;
  if (wallet.value.pin?.hash !== checkedHash) return err('mobile_pin_wrong');
  const next = afterPinAttempt(wallet.value, true, tx.now);
  await mobileTables(tx.db).mobileWallets.put(next);
  return ok(next);
}

/** The buyer confirms a waiting payment; `pinHash` is the stored hash the tab's PIN check matched. */
export const mobileConfirmCommand = defineCommand({
  name: 'mobile.confirm',
  apply: async (tx, input: { readonly paymentId: string; readonly pinHash: string }) => {
    const meta = tx.meta;
    const row = await mobileTables(tx.db).mobilePayments.get(input.paymentId);
    if (row === undefined || row.payerId !== meta.actor) return err('mobile_payment_not_found');
    if (row.status !== 'awaiting_pin') return err('mobile_payment_not_waiting');
    const wallet = await pinStillRight(tx, input.pinHash);
    if (!wallet.ok) return wallet;
    return settle(tx, row);
  },
});

/** The buyer confirms (with the PIN) a payment the cashier asked for above the small-amount limit. */
export async function confirmMobilePayment(db: WorldDb, meta: CommandMeta, input: { readonly paymentId: string; readonly pin: string }, env: CommandEnv = {}): Promise<Result<MobilePaymentRow, string>> {
  const pin = await checkPin(db, meta, input.pin, env);
  if (!pin.ok) return pin;
  return execute(db, mobileConfirmCommand, meta, { paymentId: input.paymentId, pinHash: pin.value }, env);
}

/** The buyer declines a payment the cashier asked for (nothing had moved). */
export const mobileDeclineCommand = defineCommand({
  name: 'mobile.decline',
  apply: async (tx, input: { readonly paymentId: string }) => {
    const meta = tx.meta;
    const t = mobileTables(tx.db).mobilePayments;
    const row = await t.get(input.paymentId);
    if (row === undefined || row.payerId !== meta.actor) return err('mobile_payment_not_found');
    if (row.status !== 'awaiting_pin') return err('mobile_payment_not_waiting');
    const declined: MobilePaymentRow = { ...row, status: 'declined' };
    await t.put(declined);
    tx.notify({ to: [row.payeeId], kind: 'mobile.declined', ref: row.id });
    return ok(declined);
  },
});

/** The buyer declines a payment the cashier asked for (nothing had moved). */
export async function declineMobilePayment(db: WorldDb, meta: CommandMeta, input: { readonly paymentId: string }, env: CommandEnv = {}): Promise<Result<MobilePaymentRow, string>> {
  return execute(db, mobileDeclineCommand, meta, { paymentId: input.paymentId }, env);
}

/** The buyer pays a merchant's static code (parsed by the wrapper); `pinHash`: the stored hash the tab's PIN check matched, or null (under the limit). */
export const mobilePayMerchantCommand = defineCommand({
  name: 'mobile.payMerchant',
  apply: async (tx, input: { readonly merchantNo: string; readonly amount: string; readonly pinHash: string | null }) => {
    const meta = tx.meta;
    const amount = fromStored({ amount: input.amount, currency: 'CNY' });
    const checkedHash = input.pinHash;
    const merchant = await mobileTables(tx.db).mobileWallets.where('walletNo').equals(input.merchantNo).first();
    if (merchant === undefined) return err('merchant_code_unknown');
    if (merchant.partyId === meta.actor) return err('mobile_pay_self');
    const wallet = await pinStillRight(tx, checkedHash);
    if (!wallet.ok) return wallet;
    // The limit as it is now: a limit lowered meanwhile in another tab asks for the PIN after all.
    if (checkedHash === null && pinRequired(wallet.value, amount)) return err('mobile_pin_required');
    return settle(tx, newRow(tx, 'merchant_code', meta.actor, merchant.partyId, amount));
  },
});

/**
 * The buyer (meta.actor) pays a merchant whose static code the phone scanned. `pin` is needed above
 * the buyer's small-amount limit (refused by name without it, nothing changes).
 */
export async function payMerchantCode(db: WorldDb, meta: CommandMeta, input: { readonly merchantCode: string; readonly amount: string; readonly pin: string | null }, env: CommandEnv = {}): Promise<Result<MobilePaymentRow, string>> {
  const amount = cny(input.amount);
  if (!amount.ok) return amount;
  const merchantNo = parseMerchantQr(input.merchantCode);
  if (!merchantNo.ok) return merchantNo;
  const own = await walletRow(db, meta.actor);
  if (own === undefined) return err('mobile_wallet_missing');
  let checkedHash: string | null = null;
  if (pinRequired(own, amount.value)) {
    if (input.pin === null || input.pin === '') return err('mobile_pin_required');
    const pin = await checkPin(db, meta, input.pin, env);
    if (!pin.ok) return pin;
    checkedHash = pin.value;
  }
  return execute(db, mobilePayMerchantCommand, meta, { merchantNo: merchantNo.value, amount: toStored(amount.value).amount, pinHash: checkedHash }, env);
}

// ---- queries ------------------------------------------------------------------------------------

/** The merchant's static code text (null until the merchant opened its wallet). */
export function merchantCodeOf(wallet: MobileWallet): string {
  return merchantQrText(wallet.walletNo);
}

/** A party's counter payments, paid or received, newest first (the phone's bill list, the cashier's tab). */
export async function mobilePaymentsOf(db: WorldDb, partyId: string, limit = mobilePaymentsListMax): Promise<MobilePaymentRow[]> {
  const t = mobileTables(db).mobilePayments;
  const [paid, received] = await Promise.all([t.where('payerId').equals(partyId).reverse().limit(limit).toArray(), t.where('payeeId').equals(partyId).reverse().limit(limit).toArray()]);
  return [...paid, ...received].sort((a, b) => b.at - a.at || b.id.localeCompare(a.id)).slice(0, limit);
}

/** The mobile channel's rows of the escrow agent's bill for `billDate` (paid payments only). */
export async function mobilePaymentsOfBillDate(db: WorldDb, billDate: string, limit = 100_000): Promise<MobilePaymentRow[]> {
  return (await mobileTables(db).mobilePayments.where('billDate').equals(billDate).limit(limit).toArray()).filter((r) => r.status === 'paid');
}

/** The merchant a scanned static code names (null: not a merchant's code, or no such wallet). */
export async function merchantOfCode(db: WorldDb, text: string): Promise<string | null> {
  const no = parseMerchantQr(text);
  if (!no.ok) return null;
  return (await mobileTables(db).mobileWallets.where('walletNo').equals(no.value).first())?.partyId ?? null;
}
