// Change rules: how a wallet pays a price with the coins it holds.
//
// E-cash payments are EXACT: the merchant never gives change. Change coins from a merchant would
// be coins the merchant withdrew (the merchant's bank could link them to the merchant's account and
// the payer would have to trust them unseen), and a refund path in coins needs the merchant to hold
// a float. Change comes from the bank instead, which signs blindly, so the payer stays anonymous.
// The planner answers with one of:
//   - exact:    coins from the purse that add up to the price; hand them over.
//   - split:    the purse holds enough but no subset matches. Pay back ONE coin (`exchange`) to the
//               customer's own account, withdraw `withdrawForPayment` (adds up to what the other
//               chosen coins leave open) and `withdrawForWallet` (the rest of the exchanged
//               coin's value), then pay `pay` + the new coins for the payment. Account net: zero.
//   - withdraw: the purse holds too little. Withdraw `withdraw` (adds up to price - purse value,
//               fewest coins), then pay every coin in the purse plus the new ones.
// A price that is not a multiple of ¥0.10 cannot be paid in coins at all.
//
// Why greedy is exact here: the denominations form a chain where each divides the next. Taking
// coins largest first, a coin is skipped only when it is larger than what is left; if an exact
// subset exists greedy finds one, because any multiset of smaller coins worth at least D contains
// a sub-multiset worth exactly D (adding them largest first, each partial sum is a multiple of the
// next coin and below D, so the sums step onto D). A property test checks this against brute force.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { toMinorUnits, fromStored, type StoredMoney } from '../../money/index.ts';
import type { EcashCoin } from './coin.ts';
import {
  denominationMinor,
  ecashCurrency,
  ecashDenominationsDescending,
  ecashMoneyOfMinor,
  ecashUnitMinor,
  type EcashDenomination,
} from './denominations.ts';

/** Coins a purse may hold: bounds every scan and sort of it. */
export const ecashPurseCoinsMax = 10_000;
/** Coins one decomposition may produce: ¥100,000 in ¥100 coins; larger sums are not e-cash. */
export const ecashDecompositionCoinsMax = 1000;

export type EcashPaymentPlan =
  | { readonly kind: 'exact'; readonly pay: readonly EcashCoin[] }
  | {
      readonly kind: 'split';
      readonly pay: readonly EcashCoin[];
      readonly exchange: EcashCoin;
      readonly withdrawForPayment: readonly EcashDenomination[];
      readonly withdrawForWallet: readonly EcashDenomination[];
    }
  | { readonly kind: 'withdraw'; readonly pay: readonly EcashCoin[]; readonly withdraw: readonly EcashDenomination[] };

export type EcashPlanProblem = 'currency_mismatch' | 'amount_not_positive' | 'amount_not_payable_in_coins' | 'amount_too_large';

/** Fewest coins adding up to `minor` fen (a multiple of ¥0.10), largest first. */
export function ecashDecompose(minor: bigint): EcashDenomination[] {
  assert(minor >= 0n && minor % ecashUnitMinor === 0n, `cannot decompose ${minor} fen into coins`);
  const out: EcashDenomination[] = [];
  let rest = minor;
  for (const d of ecashDenominationsDescending) {
    const value = denominationMinor(d);
    while (rest >= value) {
      assert(out.length < ecashDecompositionCoinsMax, `more than ${ecashDecompositionCoinsMax} coins`);
      out.push(d);
      rest -= value;
    }
  }
  assert(rest === 0n, 'decomposition left a remainder');
  return out;
}

export function ecashPurseValue(purse: readonly EcashCoin[]): StoredMoney {
  assert(purse.length <= ecashPurseCoinsMax, `at most ${ecashPurseCoinsMax} coins in a purse`);
  return ecashMoneyOfMinor(purse.reduce((t, c) => t + denominationMinor(c.denomination), 0n));
}

/** The purse without the coins whose serials are given (after paying or depositing them). */
export function ecashRemoveCoins(purse: readonly EcashCoin[], serials: readonly string[]): EcashCoin[] {
  const gone = new Set(serials);
  const kept = purse.filter((c) => !gone.has(c.serial));
  assert(kept.length === purse.length - gone.size, 'every removed serial must be in the purse, once');
  return kept;
}

/** Largest value first; serial breaks ties so every tab picks the same coins. */
function byValueDescending(a: EcashCoin, b: EcashCoin): number {
  const difference = denominationMinor(b.denomination) - denominationMinor(a.denomination);
  if (difference !== 0n) return difference > 0n ? 1 : -1;
  return a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0;
}

export function ecashPlanPayment(purse: readonly EcashCoin[], price: StoredMoney): Result<EcashPaymentPlan, EcashPlanProblem> {
  assert(purse.length <= ecashPurseCoinsMax, `at most ${ecashPurseCoinsMax} coins in a purse`);
  if (price.currency !== ecashCurrency) return err('currency_mismatch', { currency: price.currency });
  const priceMinor = toMinorUnits(fromStored(price));
  if (priceMinor <= 0n) return err('amount_not_positive');
  if (priceMinor % ecashUnitMinor !== 0n) return err('amount_not_payable_in_coins', { amount: price.amount });
  if (priceMinor > BigInt(ecashDecompositionCoinsMax) * denominationMinor('100.00')) return err('amount_too_large');

  const sorted = [...purse].sort(byValueDescending);
  const pay: EcashCoin[] = [];
  const left: EcashCoin[] = [];
  let rest = priceMinor;
  for (const coin of sorted) {
    const value = denominationMinor(coin.denomination);
    if (value <= rest) {
      pay.push(coin);
      rest -= value;
    } else {
      left.push(coin);
    }
  }
  if (rest === 0n) return ok({ kind: 'exact', pay });

  const purseMinor = sorted.reduce((t, c) => t + denominationMinor(c.denomination), 0n);
  if (purseMinor < priceMinor) {
    const withdraw = ecashDecompose(priceMinor - purseMinor);
    return ok({ kind: 'withdraw', pay: sorted, withdraw });
  }
  // Every coin greedy left is larger than `rest` (it was skipped when at least `rest` was open),
  // and there is one, since the purse covers the price. Exchange the smallest of them.
  const exchange = left[left.length - 1];
  assert(exchange !== undefined, 'a purse covering the price has a coin left over');
  const exchangeMinor = denominationMinor(exchange.denomination);
  assert(exchangeMinor > rest, 'the exchanged coin is larger than the gap');
  return ok({
    kind: 'split',
    pay,
    exchange,
    withdrawForPayment: ecashDecompose(rest),
    withdrawForWallet: ecashDecompose(exchangeMinor - rest),
  });
}
