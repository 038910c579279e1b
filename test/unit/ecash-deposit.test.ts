import { describe, expect, it } from 'vitest';
import { concatBytes, sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  ecashBankCommitNonce,
  ecashBankDeposit,
  ecashBankKeysFromSeed,
  ecashBankSignBlinded,
  ecashBlindChallenge,
  ecashDecompose,
  ecashMerchantCheckPayment,
  ecashPlanPayment,
  ecashPublicKeyOf,
  ecashPurseValue,
  ecashRemoveCoins,
  ecashStartWithdrawal,
  ecashUnblind,
  ecashWithdrawalRandomLength,
  findEcashKey,
  type EcashCoin,
  type EcashDenomination,
} from '../../src/domain/payments/index.ts';

function bytesOf(label: string, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(sha256(utf8Encode(`${label}#${i}`)));
  return concatBytes(...blocks).slice(0, length);
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

const bankId = 'bank:boc';
const keys = ecashBankKeysFromSeed(bankId, bytesOf('boc seed', 32));
const publicKeys = keys.map(ecashPublicKeyOf);
const t0 = Date.UTC(2026, 0, 5, 1);
let sessionCounter = 0;

function withdraw(denomination: EcashDenomination): EcashCoin {
  const key = findEcashKey(keys, bankId, denomination)!;
  const label = `coin ${sessionCounter++}`;
  const wallet = ecashStartWithdrawal(bankId, denomination, bytesOf(`w ${label}`, ecashWithdrawalRandomLength));
  const opened = unwrap(ecashBankCommitNonce([], { sessionId: label, account: 'buyer:zhang', key, nonceRandom: bytesOf(`k ${label}`, 64), now: t0 }));
  const blinded = unwrap(ecashBlindChallenge(wallet, opened.commitment, ecashPublicKeyOf(key)));
  const signed = unwrap(ecashBankSignBlinded(opened.session, blinded.request, key, t0 + 1));
  return unwrap(ecashUnblind(blinded.withdrawal, signed.response, ecashPublicKeyOf(key)));
}

describe('merchant check and bank deposit', () => {
  const article = withdraw('0.10');
  const one = withdraw('1.00');
  const five = withdraw('5.00');

  it('the merchant accepts valid coins adding up to exactly the price', () => {
    expect(ecashMerchantCheckPayment([article], { amount: '0.10', currency: 'CNY' }, publicKeys)).toMatchObject({
      ok: true,
      value: { total: { amount: '0.10', currency: 'CNY' } },
    });
    expect(ecashMerchantCheckPayment([article, one], { amount: '1.00', currency: 'CNY' }, publicKeys)).toMatchObject({
      ok: false,
      code: 'amount_mismatch',
      detail: { expected: '1.00', paid: '1.10' },
    });
    expect(ecashMerchantCheckPayment([], { amount: '1.00', currency: 'CNY' }, publicKeys)).toMatchObject({ code: 'no_coins' });
    expect(ecashMerchantCheckPayment([article, article], { amount: '0.20', currency: 'CNY' }, publicKeys)).toMatchObject({
      code: 'double_spend',
      detail: { serial: article.serial },
    });
  });

  it('deposits, credits the merchant from the e-cash liability, and records one row per coin', () => {
    const result = unwrap(
      ecashBankDeposit({ depositId: 'd1', bankId, purpose: 'deposit', payee: 'seller:news', coins: [article, one], now: t0 + 99 }, publicKeys, new Set()),
    );
    expect(result.total).toEqual({ amount: '1.10', currency: 'CNY' });
    expect(result.rows.map((r) => r.serial)).toEqual([article.serial, one.serial]);
    expect(result.rows[0]).toMatchObject({ payee: 'seller:news', r: article.signature.r, s: article.signature.s, at: t0 + 99 });
    expect(result.effects).toEqual([
      {
        kind: 'ledger',
        transferId: 'ecash:deposit:d1',
        bookId: bankId,
        from: { role: 'ecash_outstanding', bankId },
        to: { role: 'bank_deposit', bankId, partyId: 'seller:news' },
        amount: { amount: '1.10', currency: 'CNY' },
        code: 'ecash.deposit',
        refs: { depositId: 'd1', coins: '2' },
      },
    ]);
  });

  it('refuses the second deposit of a coin with double_spend naming the coin serial, and credits nothing', () => {
    const first = unwrap(ecashBankDeposit({ depositId: 'd2', bankId, purpose: 'deposit', payee: 'seller:a', coins: [five], now: t0 }, publicKeys, new Set()));
    const spent = new Set(first.rows.map((r) => r.serial));
    const second = ecashBankDeposit({ depositId: 'd3', bankId, purpose: 'deposit', payee: 'seller:b', coins: [one, five], now: t0 + 1 }, publicKeys, spent);
    expect(second).toEqual({ ok: false, code: 'double_spend', detail: { serial: five.serial } });
  });

  it('refuses a paid-back coin if it is then deposited (pay-back spends it too)', () => {
    const coin = withdraw('10.00');
    const back = unwrap(ecashBankDeposit({ depositId: 'pb1', bankId, purpose: 'pay_back', payee: 'buyer:zhang', coins: [coin], now: t0 }, publicKeys, new Set()));
    expect(back.effects[0]).toMatchObject({ code: 'ecash.pay_back', transferId: 'ecash:pay_back:pb1', to: { role: 'bank_deposit', partyId: 'buyer:zhang' } });
    const spent = new Set(back.rows.map((r) => r.serial));
    expect(ecashBankDeposit({ depositId: 'd4', bankId, purpose: 'deposit', payee: 'seller:a', coins: [coin], now: t0 + 1 }, publicKeys, spent)).toMatchObject({
      code: 'double_spend',
      detail: { serial: coin.serial },
    });
  });

  it('refuses a forged coin, a coin of another bank, and the same coin twice in one deposit', () => {
    const forged = { ...one, denomination: '100.00' as const };
    expect(ecashBankDeposit({ depositId: 'x', bankId, purpose: 'deposit', payee: 'seller:a', coins: [forged], now: t0 }, publicKeys, new Set())).toMatchObject({
      code: 'bad_coin_signature',
    });
    const otherKeys = ecashBankKeysFromSeed('bank:abc', bytesOf('abc', 32)).map(ecashPublicKeyOf);
    expect(
      ecashBankDeposit({ depositId: 'x', bankId: 'bank:abc', purpose: 'deposit', payee: 'seller:a', coins: [one], now: t0 }, [...publicKeys, ...otherKeys], new Set()),
    ).toMatchObject({ code: 'wrong_bank' });
    expect(ecashBankDeposit({ depositId: 'x', bankId, purpose: 'deposit', payee: 'seller:a', coins: [one, one], now: t0 }, publicKeys, new Set())).toMatchObject({
      code: 'double_spend',
      detail: { serial: one.serial },
    });
  });
});

describe('change rules', () => {
  const purse = [withdraw('1.00'), withdraw('0.50'), withdraw('0.10'), withdraw('0.10'), withdraw('5.00')];

  it('decomposes amounts into the fewest coins', () => {
    expect(ecashDecompose(0n)).toEqual([]);
    expect(ecashDecompose(1880n)).toEqual(['10.00', '5.00', '1.00', '1.00', '1.00', '0.50', '0.10', '0.10', '0.10']);
    expect(() => ecashDecompose(15n)).toThrow();
  });

  it('pays exactly from the purse when a subset matches', () => {
    const plan = unwrap(ecashPlanPayment(purse, { amount: '1.20', currency: 'CNY' }));
    expect(plan.kind).toBe('exact');
    expect(plan.pay.map((c) => c.denomination).sort()).toEqual(['0.10', '0.10', '1.00']);
    expect(ecashPurseValue(plan.pay)).toEqual({ amount: '1.20', currency: 'CNY' });
  });

  it('a ¥0.10 article takes one ¥0.10 coin', () => {
    const plan = unwrap(ecashPlanPayment(purse, { amount: '0.10', currency: 'CNY' }));
    expect(plan).toMatchObject({ kind: 'exact' });
    expect(plan.pay.map((c) => c.denomination)).toEqual(['0.10']);
  });

  it('splits one coin at the bank when the purse covers the price but no subset matches', () => {
    // ¥0.30: the purse has only two ¥0.10 coins below it. Exchange the ¥0.50.
    const plan = unwrap(ecashPlanPayment(purse, { amount: '0.30', currency: 'CNY' }));
    expect(plan.kind).toBe('split');
    if (plan.kind !== 'split') return;
    expect(plan.exchange.denomination).toBe('0.50');
    expect(plan.pay.map((c) => c.denomination)).toEqual(['0.10', '0.10']);
    expect(plan.withdrawForPayment).toEqual(['0.10']);
    expect(plan.withdrawForWallet).toEqual(['0.10', '0.10', '0.10', '0.10']);
  });

  it('asks for a withdrawal of the shortfall when the purse is too small', () => {
    const plan = unwrap(ecashPlanPayment(purse, { amount: '20.00', currency: 'CNY' }));
    expect(plan.kind).toBe('withdraw');
    if (plan.kind !== 'withdraw') return;
    expect(plan.pay).toHaveLength(purse.length);
    // 20.00 - 6.70 = 13.30
    expect(plan.withdraw).toEqual(['10.00', '1.00', '1.00', '1.00', '0.10', '0.10', '0.10']);
  });

  it('refuses amounts e-cash cannot pay', () => {
    expect(ecashPlanPayment(purse, { amount: '0.05', currency: 'CNY' })).toMatchObject({ code: 'amount_not_payable_in_coins' });
    expect(ecashPlanPayment(purse, { amount: '0.00', currency: 'CNY' })).toMatchObject({ code: 'amount_not_positive' });
    expect(ecashPlanPayment(purse, { amount: '1.00', currency: 'USD' })).toMatchObject({ code: 'currency_mismatch' });
  });

  it('removes paid coins from the purse', () => {
    const left = ecashRemoveCoins(purse, [purse[0]!.serial, purse[2]!.serial]);
    expect(left).toEqual([purse[1], purse[3], purse[4]]);
    expect(() => ecashRemoveCoins(purse, ['00'])).toThrow();
  });
});
