import { nextDate, paymentCodeOf, worldDateOf } from '../../src/domain/index.ts';
import type { MobilePaymentRow } from '../../src/storage/mobile-tables.ts';
import { chargePaymentCode, mobileWalletOf, openMobileWallet } from '../../src/app/mobile/mobile.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { systemRandom } from '../../src/app/identity/common.ts';
import { approvedSeller, fundWallet, unwrap } from './market.ts';
import { freshWorld, meta } from './world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// A shop counter (手机支付): a seller whose cashier charges a buyer's payment code, both with mobile
// wallets, the buyer's holding ¥500.00. Payments at chosen world times of `day1` (tomorrow).

export const counterBuyer = 'u-lilei';

export async function moveClockTo(db: WorldDb, at: number): Promise<void> {
  unwrap(await advanceClock(db, meta('platform'), { kind: 'to', at }));
}

export async function counterWorld() {
  const { db, teacher } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  unwrap(await openMobileWallet(db, meta(counterBuyer), systemRandom));
  unwrap(await openMobileWallet(db, meta(seller), systemRandom));
  await fundWallet(db, counterBuyer, '500.00');
  const day1 = nextDate(worldDateOf(await readClock(db)));
  /** The cashier charges the buyer's current payment code at world time `at`. */
  const pay = async (at: number, amount: string): Promise<MobilePaymentRow> => {
    await moveClockTo(db, at);
    const code = paymentCodeOf((await mobileWalletOf(db, counterBuyer))!, await readClock(db));
    return unwrap(await chargePaymentCode(db, meta(seller), { code, amount }));
  };
  return { db, teacher, seller, day1, pay };
}
