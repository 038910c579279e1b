import DecimalBase from 'decimal.js';

// One explicitly configured Decimal clone for all money arithmetic, so no other code's global
// Decimal settings can change how we round. 40 significant digits cover any amount we allow
// (the maximum is far below 10^20) with room for rates; ROUND_HALF_UP is the fee rule (README).
export const Decimal = DecimalBase.clone({
  precision: 40,
  rounding: DecimalBase.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;
