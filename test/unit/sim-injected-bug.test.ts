import { describe, expect, it, vi } from 'vitest';
import { simulate } from '../sim/simulator.ts';

// The simulator catches a deliberately injected bug within its CI budget (issue #19 acceptance):
// in this test build the commission is truncated to the fen instead of rounded half-up (a plausible
// slip: Decimal's default rounding, or a `toFixed`-free floor). Totals still add up and every book
// still balances, so only a check of the rule itself finds it: the simulator's settlement oracle.

vi.mock('../../src/domain/money/percentage.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/domain/money/percentage.ts')>();
  const { money } = await import('../../src/domain/money/money.ts');
  return {
    ...real,
    percentageOf: (amount: Parameters<typeof real.percentageOf>[0], rate: Parameters<typeof real.percentageOf>[1]) => {
      const exact = amount.amount.times(rate);
      return money(exact.toDecimalPlaces(2, 1 /* ROUND_DOWN */), amount.currency);
    },
  };
});

/** The budget the bug must be found within. */
const stepsMax = 400;

describe('the simulator catches an injected commission-rounding bug', () => {
  it(`reports a violation of the commission rule, with its seed and step, within ${stepsMax} steps`, async () => {
    const report = await simulate({ seed: 7, steps: stepsMax, checkEvery: 5 });
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.violation.invariant).toBe('commission is the half-up fen of share × rate');
    expect(report.violation.seed).toBe(7);
    expect(report.violation.step).toBeLessThanOrEqual(stepsMax);
  }, 120_000);
});
