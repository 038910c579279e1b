import { describe, expect, it } from 'vitest';
import { paymentCodeOf } from '../../src/domain/index.ts';
import {
  chargePaymentCode, confirmMobilePayment, declineMobilePayment, merchantCodeOf, mobilePaymentsOf, mobilePaymentsOfBillDate, mobileWalletOf, openMobileWallet, payMerchantCode, setMobileFreeLimit, setMobilePin,
} from '../../src/app/mobile/mobile.ts';
import { readClock } from '../../src/app/clock.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { systemRandom } from '../../src/app/identity/common.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { expectLedgerSound, fundWallet, unwrap } from '../helpers/market.ts';
import { freshWorld, meta } from '../helpers/world.ts';

const buyer = 'u-lilei';
const seller = 'u-shop';

async function world() {
  const { db } = await freshWorld();
  unwrap(await openMobileWallet(db, meta(buyer), systemRandom));
  unwrap(await openMobileWallet(db, meta(seller), systemRandom));
  await fundWallet(db, buyer, '500.00');
  return db;
}

describe('mobile payment (app)', () => {
  it('the cashier charges a payment code once: money from the buyer to the merchant in one transfer; the same code again is refused', async () => {
    const db = await world();
    const wallet = (await mobileWalletOf(db, buyer))!;
    const code = paymentCodeOf(wallet, await readClock(db));
    const paid = unwrap(await chargePaymentCode(db, meta(seller), { code, amount: '12.50' }));
    expect(paid).toMatchObject({ status: 'paid', payerId: buyer, payeeId: seller, amount: { amount: '12.50' }, transferId: `mobile:${paid.id}` });
    expect((await walletOf(db, buyer)).available.amount).toBe('487.50');
    expect((await walletOf(db, seller)).available.amount).toBe('12.50');
    expect(await chargePaymentCode(db, meta(seller), { code, amount: '12.50' })).toMatchObject({ ok: false, code: 'payment_code_used' });
    expect((await walletOf(db, buyer)).available.amount).toBe('487.50');
    expect((await mobilePaymentsOfBillDate(db, paid.billDate)).map((r) => r.id)).toEqual([paid.id]);
    expect((await mobilePaymentsOf(db, seller)).map((r) => r.id)).toEqual([paid.id]);
    await expectLedgerSound(db);
  });

  it('a stale code is refused by name and changes nothing', async () => {
    const db = await world();
    const code = paymentCodeOf((await mobileWalletOf(db, buyer))!, await readClock(db));
    unwrap(await advanceClock(db, meta('platform'), { kind: 'hours', hours: 1 }));
    expect(await chargePaymentCode(db, meta(seller), { code, amount: '1' })).toMatchObject({ ok: false, code: 'payment_code_expired' });
    expect((await walletOf(db, buyer)).available.amount).toBe('500.00');
    expect(await mobilePaymentsOf(db, buyer)).toEqual([]);
  });

  it('above the small-amount limit the phone asks for the PIN: a wrong PIN is refused, the right one pays; a declined one moves nothing', async () => {
    const db = await world();
    unwrap(await setMobileFreeLimit(db, meta(buyer), { amount: '20' }));
    const now = await readClock(db);
    expect(await chargePaymentCode(db, meta(seller), { code: paymentCodeOf((await mobileWalletOf(db, buyer))!, now), amount: '50' })).toMatchObject({ ok: false, code: 'mobile_pin_not_set' });
    unwrap(await setMobilePin(db, meta(buyer), { pin: '135790' }, systemRandom));
    const asked = unwrap(await chargePaymentCode(db, meta(seller), { code: paymentCodeOf((await mobileWalletOf(db, buyer))!, now), amount: '50' }));
    expect(asked.status).toBe('awaiting_pin');
    expect((await walletOf(db, buyer)).available.amount).toBe('500.00');
    expect(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '000000' })).toMatchObject({ ok: false, code: 'mobile_pin_wrong' });
    expect((await mobileWalletOf(db, buyer))!.pinFailures).toBe(1);
    expect(unwrap(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '135790' })).status).toBe('paid');
    expect((await mobileWalletOf(db, buyer))!.pinFailures).toBe(0);
    expect((await walletOf(db, seller)).available.amount).toBe('50.00');

    const again = unwrap(await chargePaymentCode(db, meta(seller), { code: paymentCodeOf((await mobileWalletOf(db, buyer))!, now), amount: '30' }));
    expect(unwrap(await declineMobilePayment(db, meta(buyer), { paymentId: again.id })).status).toBe('declined');
    expect((await walletOf(db, buyer)).available.amount).toBe('450.00');
    await expectLedgerSound(db);
  });

  it("the buyer pays the merchant's static code: no PIN up to the limit, the PIN above it, a short wallet refused", async () => {
    const db = await world();
    unwrap(await setMobilePin(db, meta(buyer), { pin: '135790' }, systemRandom));
    const merchantCode = merchantCodeOf((await mobileWalletOf(db, seller))!);
    unwrap(await payMerchantCode(db, meta(buyer), { merchantCode, amount: '8.80', pin: null }));
    expect(await payMerchantCode(db, meta(buyer), { merchantCode, amount: '300', pin: null })).toMatchObject({ ok: false, code: 'mobile_pin_required' });
    unwrap(await payMerchantCode(db, meta(buyer), { merchantCode, amount: '300', pin: '135790' }));
    expect(await payMerchantCode(db, meta(buyer), { merchantCode, amount: '1000', pin: '135790' })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect((await walletOf(db, buyer)).available.amount).toBe('191.20');
    expect((await walletOf(db, seller)).available.amount).toBe('308.80');
    expect(await payMerchantCode(db, meta(buyer), { merchantCode: 'https://example.com', amount: '1', pin: null })).toMatchObject({ ok: false, code: 'merchant_code_malformed' });
    await expectLedgerSound(db);
  });
});
