// E-cash coin values. Every denomination has its own bank signing key: a coin's value is WHICH key
// signed it, not a number written on it, so a user cannot relabel a ¥0.10 coin as ¥100 (the ¥100
// key never signed it). The values form a chain where each divides the next (0.10 | 0.50 | 1 | 5
// | 10 | 50 | 100), which is what makes greedy coin selection exact (see change.ts).
import { assert } from '../../assert.ts';
import { fromMinorUnits, money, toMinorUnits, toStored, type StoredMoney } from '../../money/index.ts';

/** E-cash is issued in yuan only: one currency keeps one key per denomination. */
export const ecashCurrency = 'CNY';

export const ecashDenominations = ['0.10', '0.50', '1.00', '5.00', '10.00', '50.00', '100.00'] as const;
export type EcashDenomination = (typeof ecashDenominations)[number];

export function isEcashDenomination(value: unknown): value is EcashDenomination {
  return typeof value === 'string' && (ecashDenominations as readonly string[]).includes(value);
}

/** The denomination's value in fen. */
export function denominationMinor(denomination: EcashDenomination): bigint {
  assert(isEcashDenomination(denomination), `unknown denomination ${String(denomination)}`);
  return toMinorUnits(money(denomination, ecashCurrency));
}

export function denominationMoney(denomination: EcashDenomination): StoredMoney {
  return toStored(money(denomination, ecashCurrency));
}

/** The smallest amount e-cash can pay: every payable amount is a multiple of it. */
export const ecashUnitMinor: bigint = denominationMinor('0.10');

/** Largest first: the order greedy selection walks. */
export const ecashDenominationsDescending: readonly EcashDenomination[] = [...ecashDenominations].sort((a, b) =>
  Number(denominationMinor(b) - denominationMinor(a)),
);

// The greedy-completeness argument in change.ts needs each value to divide the next one up.
for (let i = 1; i < ecashDenominations.length; i++) {
  const lower = denominationMinor(ecashDenominations[i - 1]!);
  const upper = denominationMinor(ecashDenominations[i]!);
  assert(upper > lower && upper % lower === 0n, 'each e-cash denomination must divide the next');
}

/** A sum of fen as stored money, for rows and effects. */
export function ecashMoneyOfMinor(minor: bigint): StoredMoney {
  assert(minor >= 0n, 'e-cash amounts are never negative');
  return toStored(fromMinorUnits(minor, ecashCurrency));
}
