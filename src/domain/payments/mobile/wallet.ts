import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { bytesToHex, hexToBytes, utf8Encode } from '../../crypto/bytes.ts';
import type { PasswordHash } from '../../crypto/seal.ts';
import { compare, fromStored, money, toStored, type Money, type StoredMoney } from '../../money/index.ts';
import { hotp, totpStep, totpStepSeconds } from './totp.ts';

// The phone wallet of mobile payment (手机支付), as the escrow agent (安付宝, the wallet's payment
// institution) keeps it: a per-wallet secret it shares with the buyer's phone, the payment PIN
// (支付密码) as a password hash, and the small-amount password-free limit (小额免密).
//
// Why the secret is world state (a row of the world's database, exported with the world): in this
// simulator the phone and the institution are two tabs of one world, and the institution must
// verify the code, so the secret has to live where both read it. A real wallet keeps it only in
// the phone's secure storage and the institution's HSM.

/** The payment code (付款码), 18 digits:
 *   digits 1-2   "28": the scheme's prefix (Alipay's codes begin 25-30, WeChat's 10-15), so a
 *                cashier's scanner knows which institution to ask;
 *   digits 3-8   the wallet number (6 digits), which wallet's secret to check against;
 *   digits 9-10  the use number mod 100: how many codes the wallet has paid with, so the phone shows
 *                a new code right after each payment, not only when the world clock moves;
 *   digits 11-18 the one-time password: TOTP (RFC 6238, HMAC-SHA1, 30 s steps, 8 digits) under a
 *                per-use key HMAC-SHA1(secret, "payment-code:<use>"), which also authenticates
 *                the use number.
 * The institution accepts the current step and one either side (about a minute of world time). */
export const paymentCodePrefix = '28';
export const paymentCodeLength = 18;
export const walletNoDigits = 6;
export const walletNoMax = 10 ** walletNoDigits - 1;
const otpDigits = 8;
/** Steps either side of now a code is still (or already) accepted. */
export const paymentCodeWindowSteps = 1;
/** How far back a code is recognised as this wallet's, but stale (a world day of 30 s steps). */
export const staleLookbackSteps = 2 * 60 * 24;
/** The last paid codes a wallet remembers, so a repeat is refused as used (a code pays once). */
export const usedCodesKept = 20;
export const pinLength = 6;
/** Wrong PINs in a row that lock the PIN... */
export const pinFailuresMax = 5;
/** ...for this long in world time. */
export const pinLockMs = 24 * 3600 * 1000;
/** The highest small-amount password-free limit a wallet may set. */
export const freeLimitMaxYuan = '2000.00';
/** A new wallet's limit: payments up to it need no PIN. */
export const freeLimitDefaultYuan = '200.00';
export const secretBytes = 20;

export type MobileWallet = {
  readonly partyId: string;
  /** 6 digits, zero-padded. */
  readonly walletNo: string;
  /** The shared secret, hex (20 bytes, RFC 4226's recommended length). */
  readonly secret: string;
  readonly pin: PasswordHash | null;
  readonly pinFailures: number;
  /** World time the PIN is locked until (null: not locked). */
  readonly pinLockedUntil: number | null;
  /** Payments up to this amount need no PIN (0.00: always ask). */
  readonly freeLimit: StoredMoney;
  /** Codes paid with so far (the next code's use number). */
  readonly uses: number;
  readonly usedCodes: readonly string[];
  readonly createdAt: number;
};

export type PaymentCodeRefusal = 'payment_code_malformed' | 'payment_code_unknown_wallet' | 'payment_code_wrong_wallet' | 'payment_code_expired' | 'payment_code_used';
export type PinRefusal = 'mobile_pin_format' | 'mobile_pin_not_set' | 'mobile_pin_wrong' | 'mobile_pin_locked';

export function formatWalletNo(n: number): string {
  assert(Number.isSafeInteger(n) && n >= 1 && n <= walletNoMax, `wallet number 1..${walletNoMax}`);
  return String(n).padStart(walletNoDigits, '0');
}

export function createMobileWallet(input: { readonly partyId: string; readonly walletNo: string; readonly secret: Uint8Array; readonly now: number }): MobileWallet {
  assert(input.secret.length === secretBytes, `a wallet secret is ${secretBytes} random bytes`);
  assert(/^\d{6}$/.test(input.walletNo), 'a wallet number is 6 digits');
  return {
    partyId: input.partyId,
    walletNo: input.walletNo,
    secret: bytesToHex(input.secret),
    pin: null,
    pinFailures: 0,
    pinLockedUntil: null,
    freeLimit: { amount: freeLimitDefaultYuan, currency: 'CNY' },
    uses: 0,
    usedCodes: [],
    createdAt: input.now,
  };
}

function useKey(wallet: MobileWallet, use: number): Uint8Array {
  return hmac(sha1, hexToBytes(wallet.secret), utf8Encode(`payment-code:${use}`));
}

function useDigits(use: number): string {
  return String(use % 100).padStart(2, '0');
}

/** The code the phone shows at world time `now` (until it pays or the step passes). */
export function paymentCodeOf(wallet: MobileWallet, now: number): string {
  const code = paymentCodePrefix + wallet.walletNo + useDigits(wallet.uses) + hotp(useKey(wallet, wallet.uses), totpStep(now), otpDigits);
  assert(code.length === paymentCodeLength, 'a payment code has 18 digits');
  return code;
}

/** How long the code shown now stays the same at most (to the next step), in world ms. */
export function paymentCodeRenewsAt(now: number): number {
  return (totpStep(now) + 1) * totpStepSeconds * 1000;
}

/** Digits only: spaces and dashes a cashier types between groups are dropped. */
export function normalizePaymentCode(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/** The wallet number a code names (the institution then loads that wallet). */
export function parsePaymentCode(text: string): Result<{ readonly code: string; readonly walletNo: string }, 'payment_code_malformed'> {
  const code = normalizePaymentCode(text);
  if (!/^\d{18}$/.test(code) || !code.startsWith(paymentCodePrefix)) return err('payment_code_malformed');
  return ok({ code, walletNo: code.slice(2, 2 + walletNoDigits) });
}

/**
 * The institution's check of a code against the wallet its number names, at world time `now`:
 * - used: it is one of the codes the wallet already paid with (a code pays once);
 * - wrong wallet: its one-time password was not made with this wallet's secret and current use
 *   (another wallet's code with this number put in front, or a mistyped or altered digit);
 * - expired: it is this wallet's, but from a step before the window (a screenshot kept too long).
 */
export function verifyPaymentCode(wallet: MobileWallet, text: string, now: number): Result<{ readonly code: string; readonly step: number }, PaymentCodeRefusal> {
  const parsed = parsePaymentCode(text);
  if (!parsed.ok) return parsed;
  const { code } = parsed.value;
  if (parsed.value.walletNo !== wallet.walletNo) return err('payment_code_unknown_wallet');
  if (wallet.usedCodes.includes(code)) return err('payment_code_used');
  if (code.slice(8, 10) !== useDigits(wallet.uses)) return err('payment_code_wrong_wallet');
  const key = useKey(wallet, wallet.uses);
  const otp = code.slice(10);
  const step = totpStep(now);
  for (let d = -paymentCodeWindowSteps; d <= paymentCodeWindowSteps; d++) {
    if (step + d >= 0 && hotp(key, step + d, otpDigits) === otp) return ok({ code, step: step + d });
  }
  for (let back = paymentCodeWindowSteps + 1; back <= staleLookbackSteps && step - back >= 0; back++) {
    if (hotp(key, step - back, otpDigits) === otp) return err('payment_code_expired');
  }
  return err('payment_code_wrong_wallet');
}

/** The wallet after a code paid: the code is remembered as used and the phone's next code changes. */
export function markCodePaid(wallet: MobileWallet, code: string): MobileWallet {
  return { ...wallet, uses: wallet.uses + 1, usedCodes: [code, ...wallet.usedCodes].slice(0, usedCodesKept) };
}

// ---- the PIN and the small-amount limit --------------------------------------------------------

/** A payment PIN is exactly six digits (as on Alipay and WeChat Pay). */
export function checkPinFormat(pin: string): Result<string, 'mobile_pin_format'> {
  return new RegExp(`^\\d{${pinLength}}$`).test(pin) ? ok(pin) : err('mobile_pin_format');
}

export function withPin(wallet: MobileWallet, pin: PasswordHash): MobileWallet {
  return { ...wallet, pin, pinFailures: 0, pinLockedUntil: null };
}

/** Whether a payment of `amount` needs the PIN: above the wallet's small-amount limit. */
export function pinRequired(wallet: MobileWallet, amount: Money): boolean {
  return compare(amount, fromStored(wallet.freeLimit)) > 0;
}

/** Whether the PIN may be tried now (no PIN, or locked after too many wrong ones: refused by name). */
export function pinUsable(wallet: MobileWallet, now: number): Result<PasswordHash, 'mobile_pin_not_set' | 'mobile_pin_locked'> {
  if (wallet.pin === null) return err('mobile_pin_not_set');
  if (wallet.pinLockedUntil !== null && now < wallet.pinLockedUntil) return err('mobile_pin_locked', { until: wallet.pinLockedUntil });
  return ok(wallet.pin);
}

/** The wallet after one PIN attempt: a right PIN clears the count; the fifth wrong one in a row locks it. */
export function afterPinAttempt(wallet: MobileWallet, right: boolean, now: number): MobileWallet {
  if (right) return { ...wallet, pinFailures: 0, pinLockedUntil: null };
  const failures = wallet.pinFailures + 1;
  return failures >= pinFailuresMax ? { ...wallet, pinFailures: 0, pinLockedUntil: now + pinLockMs } : { ...wallet, pinFailures: failures };
}

/** The small-amount password-free limit: 0 (always ask) up to freeLimitMaxYuan. */
export function withFreeLimit(wallet: MobileWallet, limit: Money): Result<MobileWallet, 'mobile_free_limit_too_high' | 'mobile_free_limit_negative'> {
  if (limit.amount.isNegative()) return err('mobile_free_limit_negative');
  if (compare(limit, money(freeLimitMaxYuan, limit.currency)) > 0) return err('mobile_free_limit_too_high', { max: freeLimitMaxYuan });
  return ok({ ...wallet, freeLimit: toStored(limit) });
}

// ---- the merchant's static QR code (扫码付) ------------------------------------------------------

const merchantQrPrefix = 'https://pay.settlelab.invalid/m/';

/** The text of a seller's static code: names the merchant's wallet, never an amount. */
export function merchantQrText(walletNo: string): string {
  return merchantQrPrefix + walletNo;
}

export function parseMerchantQr(text: string): Result<string, 'merchant_code_malformed'> {
  const t = text.trim();
  if (!t.startsWith(merchantQrPrefix)) return err('merchant_code_malformed');
  const no = t.slice(merchantQrPrefix.length);
  return /^\d{6}$/.test(no) ? ok(no) : err('merchant_code_malformed');
}

/** The payment channel of counter payments, as the escrow agent's bill names it. */
export const mobileChannel = 'mobile';

/**
 * The merchant's own number for a counter payment (its cashier's receipt number, 商户订单号 on the
 * escrow agent's bill): a counter payment has no platform order, so the merchant's number is made
 * from the payment's id, which the cashier and the wallet both know.
 */
export function counterReceiptNo(paymentId: string): string {
  return `POS-${paymentId}`;
}
