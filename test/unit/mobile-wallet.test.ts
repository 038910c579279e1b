import { describe, expect, it } from 'vitest';
import {
  afterPinAttempt,
  checkPinFormat,
  createMobileWallet,
  markCodePaid,
  merchantQrText,
  money,
  parseMerchantQr,
  paymentCodeOf,
  paymentCodeRenewsAt,
  pinFailuresMax,
  pinRequired,
  pinUsable,
  verifyPaymentCode,
  withFreeLimit,
  withPin,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const secret = (fill: number) => new Uint8Array(20).fill(fill);
const walletA = createMobileWallet({ partyId: 'buyer-a', walletNo: '000001', secret: secret(1), now: t0 });
const walletB = createMobileWallet({ partyId: 'buyer-b', walletNo: '000002', secret: secret(2), now: t0 });
const pinHash = { salt: '00'.repeat(16), iterations: 1, hash: '00'.repeat(32) };

describe('payment code', () => {
  it('has 18 digits: prefix 28, the wallet number, the use number and an 8-digit TOTP', () => {
    const code = paymentCodeOf(walletA, t0);
    expect(code).toMatch(/^28000001 ?00\d{8}$/);
    expect(code).toHaveLength(18);
  });
  it('is accepted in its step and one step either side, about a minute', () => {
    const code = paymentCodeOf(walletA, t0);
    expect(verifyPaymentCode(walletA, code, t0).ok).toBe(true);
    expect(verifyPaymentCode(walletA, code, t0 + 30_000).ok).toBe(true);
    expect(verifyPaymentCode(walletA, paymentCodeOf(walletA, t0 + 30_000), t0).ok).toBe(true);
  });
  it('is refused as expired two steps later, and still expired an hour later', () => {
    const code = paymentCodeOf(walletA, t0);
    expect(verifyPaymentCode(walletA, code, t0 + 60_000)).toMatchObject({ ok: false, code: 'payment_code_expired' });
    expect(verifyPaymentCode(walletA, code, t0 + 3_600_000)).toMatchObject({ ok: false, code: 'payment_code_expired' });
  });
  it('pays once: after it paid the same code is refused as used, and the phone shows a new one', () => {
    const code = paymentCodeOf(walletA, t0);
    const paid = markCodePaid(walletA, code);
    expect(verifyPaymentCode(paid, code, t0)).toMatchObject({ ok: false, code: 'payment_code_used' });
    const next = paymentCodeOf(paid, t0);
    expect(next).not.toBe(code);
    expect(verifyPaymentCode(paid, next, t0).ok).toBe(true);
  });
  it("another wallet's code under this wallet's number is refused as the wrong wallet", () => {
    const codeB = paymentCodeOf(walletB, t0);
    const forged = codeB.slice(0, 2) + walletA.walletNo + codeB.slice(8);
    expect(verifyPaymentCode(walletA, forged, t0)).toMatchObject({ ok: false, code: 'payment_code_wrong_wallet' });
    expect(verifyPaymentCode(walletA, codeB, t0)).toMatchObject({ ok: false, code: 'payment_code_unknown_wallet' });
  });
  it('a changed digit of the password is refused, and text that is not a code is malformed', () => {
    const code = paymentCodeOf(walletA, t0);
    const altered = code.slice(0, 17) + String((Number(code[17]) + 1) % 10);
    expect(verifyPaymentCode(walletA, altered, t0)).toMatchObject({ ok: false, code: 'payment_code_wrong_wallet' });
    expect(verifyPaymentCode(walletA, '1234', t0)).toMatchObject({ ok: false, code: 'payment_code_malformed' });
    expect(verifyPaymentCode(walletA, '99' + code.slice(2), t0)).toMatchObject({ ok: false, code: 'payment_code_malformed' });
  });
  it('accepts the number typed in groups', () => {
    const code = paymentCodeOf(walletA, t0);
    expect(verifyPaymentCode(walletA, `${code.slice(0, 4)} ${code.slice(4, 8)}-${code.slice(8)}`, t0).ok).toBe(true);
  });
});

describe('PIN and the small-amount limit (小额免密)', () => {
  it('a PIN is six digits', () => {
    expect(checkPinFormat('123456').ok).toBe(true);
    expect(checkPinFormat('12345').ok).toBe(false);
    expect(checkPinFormat('12345a').ok).toBe(false);
  });
  it('payments above the limit need the PIN; at or below it they do not', () => {
    const w = withFreeLimit(walletA, money('50.00', 'CNY'));
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    expect(pinRequired(w.value, money('50.00', 'CNY'))).toBe(false);
    expect(pinRequired(w.value, money('50.01', 'CNY'))).toBe(true);
    const always = withFreeLimit(walletA, money('0', 'CNY'));
    expect(always.ok && pinRequired(always.value, money('0.01', 'CNY'))).toBe(true);
  });
  it('the limit is at most ¥2,000 and never negative', () => {
    expect(withFreeLimit(walletA, money('2000.01', 'CNY'))).toMatchObject({ ok: false, code: 'mobile_free_limit_too_high' });
    expect(withFreeLimit(walletA, money('-1', 'CNY'))).toMatchObject({ ok: false, code: 'mobile_free_limit_negative' });
  });
  it('no PIN set is refused by name; five wrong PINs in a row lock it for a world day; a right one clears the count', () => {
    expect(pinUsable(walletA, t0)).toMatchObject({ ok: false, code: 'mobile_pin_not_set' });
    let w = withPin(walletA, pinHash);
    for (let i = 0; i < pinFailuresMax - 1; i++) w = afterPinAttempt(w, false, t0);
    expect(pinUsable(w, t0).ok).toBe(true);
    expect(afterPinAttempt(w, true, t0).pinFailures).toBe(0);
    w = afterPinAttempt(w, false, t0);
    expect(pinUsable(w, t0)).toMatchObject({ ok: false, code: 'mobile_pin_locked' });
    expect(pinUsable(w, t0 + 24 * 3600 * 1000).ok).toBe(true);
  });
});

describe("merchant's static code", () => {
  it('names the merchant wallet and nothing else', () => {
    expect(parseMerchantQr(merchantQrText('000002'))).toEqual({ ok: true, value: '000002' });
    expect(parseMerchantQr('https://example.com/m/000002')).toMatchObject({ ok: false, code: 'merchant_code_malformed' });
  });
});

describe('renewal', () => {
  it('the code shown now changes at the next 30-second step of world time', () => {
    const at = t0 + 12_345;
    const renews = paymentCodeRenewsAt(at);
    expect(renews).toBe(t0 + 30_000);
    expect(paymentCodeOf(walletA, renews - 1)).toBe(paymentCodeOf(walletA, at));
    expect(paymentCodeOf(walletA, renews)).not.toBe(paymentCodeOf(walletA, at));
  });
});
