// The change planner against brute force: greedy selection finds an exact payment whenever one
// exists (the denominations divide each other), and otherwise the split or withdrawal it proposes
// adds up exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  denominationMinor,
  ecashDecompose,
  ecashDenominations,
  ecashPlanPayment,
  type EcashCoin,
  type EcashDenomination,
} from '../../src/domain/payments/index.ts';
import { fromMinorUnits, toStored } from '../../src/domain/money/index.ts';

// The planner reads only denomination and serial; signatures are irrelevant to it.
function fakeCoin(denomination: EcashDenomination, i: number): EcashCoin {
  return { bankId: 'bank:x', denomination, serial: i.toString(16).padStart(64, '0'), signature: { r: '00'.repeat(32), s: '00'.repeat(32) } };
}

const sum = (ds: readonly EcashDenomination[]): bigint => ds.reduce((t, d) => t + denominationMinor(d), 0n);
const coinsSum = (coins: readonly EcashCoin[]): bigint => sum(coins.map((c) => c.denomination));

function exactSubsetExists(purse: readonly EcashCoin[], price: bigint): boolean {
  for (let mask = 0; mask < 1 << purse.length; mask++) {
    let total = 0n;
    for (let i = 0; i < purse.length; i++) if (mask & (1 << i)) total += denominationMinor(purse[i]!.denomination);
    if (total === price) return true;
  }
  return false;
}

function isSubset(part: readonly EcashCoin[], whole: readonly EcashCoin[]): boolean {
  const serials = new Set(whole.map((c) => c.serial));
  return part.every((c) => serials.has(c.serial)) && new Set(part.map((c) => c.serial)).size === part.length;
}

const purseArb = fc
  .array(fc.constantFrom(...ecashDenominations), { maxLength: 10 })
  .map((ds) => ds.map((d, i) => fakeCoin(d, i)));

describe('e-cash change planning', () => {
  it('pays exactly when brute force says a subset exists; otherwise a split or a withdrawal adds up', () => {
    fc.assert(
      fc.property(purseArb, fc.integer({ min: 1, max: 3000 }), (purse, tenths) => {
        const price = BigInt(tenths) * 10n;
        const plan = ecashPlanPayment(purse, toStored(fromMinorUnits(price, 'CNY')));
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        const p = plan.value;
        expect(isSubset(p.pay, purse)).toBe(true);
        if (exactSubsetExists(purse, price)) {
          expect(p.kind).toBe('exact');
          expect(coinsSum(p.pay)).toBe(price);
        } else if (coinsSum(purse) >= price) {
          expect(p.kind).toBe('split');
          if (p.kind !== 'split') return;
          expect(p.pay.map((c) => c.serial)).not.toContain(p.exchange.serial);
          expect(isSubset([p.exchange], purse)).toBe(true);
          expect(coinsSum(p.pay) + sum(p.withdrawForPayment)).toBe(price);
          expect(sum(p.withdrawForPayment) + sum(p.withdrawForWallet)).toBe(denominationMinor(p.exchange.denomination));
        } else {
          expect(p.kind).toBe('withdraw');
          if (p.kind !== 'withdraw') return;
          expect(p.pay).toHaveLength(purse.length);
          expect(coinsSum(p.pay) + sum(p.withdraw)).toBe(price);
          expect(p.withdraw).toEqual(ecashDecompose(price - coinsSum(purse)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decomposition uses the fewest coins (checked against a coin-change table)', () => {
    const values = ecashDenominations.map((d) => Number(denominationMinor(d)));
    const limit = 20_000;
    const fewest = new Array<number>(limit / 10 + 1).fill(Infinity);
    fewest[0] = 0;
    for (let a = 10; a <= limit; a += 10) for (const v of values) if (v <= a) fewest[a / 10] = Math.min(fewest[a / 10]!, fewest[(a - v) / 10]! + 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: limit / 10 }), (tenths) => {
        const coins = ecashDecompose(BigInt(tenths) * 10n);
        expect(sum(coins)).toBe(BigInt(tenths) * 10n);
        expect(coins.length).toBe(fewest[tenths]);
      }),
      { numRuns: 300 },
    );
  });
});
