// Per-world e-cheque parameters and the named return reasons (退票理由). Everything a teacher may
// want to change for a lesson (the presentment period, the returned-cheque fee, which returns cost
// the drawer that fee, which certificate roles may draw cheques) is here, with its default.

import { assert } from '../../assert.ts';
import { roles, isRole, type Role } from '../../identity/index.ts';
import { compare, fromStored, isNegative, money, type StoredMoney } from '../../money/index.ts';

/**
 * Why the drawer's bank returns a cheque, in the order presentment.ts checks them. The same codes
 * are the i18n keys the UI shows (`echeque.return.<reason>`).
 */
export const chequeReturnReasons = [
  'altered_or_fictitious', // body, words, drawer signature or certificate chain do not hold; no such account
  'certificate_expired', // the drawer's certificate was not valid at the cheque's date
  'certificate_revoked', // ... or had been revoked by then (or revocation cannot be established)
  'not_authorized', // the signer is not the account holder, may not draw, or never sent a valid payment notice
  'endorsement_missing',
  'endorsement_irregular', // not by the named payee, not over this cheque, or its signature fails
  'not_from_chequebook', // a number the bank never issued on this account
  'duplicate_presentment', // this number was already paid
  'stale_dated', // presented after the presentment period
  'post_dated', // presented before the cheque's date
  'payment_stopped',
  'payment_notice_mismatch', // the drawer's signed notice names another amount, payee or cheque
  'insufficient_funds',
] as const;
export type ChequeReturnReason = (typeof chequeReturnReasons)[number];

export function isChequeReturnReason(value: unknown): value is ChequeReturnReason {
  return typeof value === 'string' && (chequeReturnReasons as readonly string[]).includes(value);
}

export type EchequeConfig = {
  /**
   * A cheque may be presented until this many world days after its date (the date's own day not
   * counted): 票据法 第91条, 支票的持票人应当自出票日起十日内提示付款. Default 10.
   */
  readonly presentmentPeriodDays: number;
  /** What the drawer's bank charges the drawer for a returned cheque (退票手续费). Default ¥20.00. */
  readonly returnedChequeFee: StoredMoney;
  /**
   * The returns the drawer is charged for. Default: the ones the drawer caused (no funds, dated
   * ahead, stopped it, a wrong notice, an expired certificate). A forged or altered cheque, a
   * revoked certificate (the key may have been stolen), a bad endorsement, a duplicate or a stale
   * presentment are someone else's doing, so charging the account holder would punish the victim.
   */
  readonly feeReasons: readonly ChequeReturnReason[];
  /** Certificate roles that may draw a cheque: parties that hold deposit accounts. */
  readonly drawerRoles: readonly Role[];
};

/** A presentment period longer than a year is a typo; a PRC cheque has ten days. */
export const presentmentPeriodDaysMax = 365;
/** A fee above this is a typo, not a bank charge. */
const feeMajorUnitsMax = '10000';

export const defaultEchequeConfig: EchequeConfig = {
  presentmentPeriodDays: 10,
  returnedChequeFee: { amount: '20.00', currency: 'CNY' },
  feeReasons: ['insufficient_funds', 'post_dated', 'payment_stopped', 'payment_notice_mismatch', 'certificate_expired'],
  // Not 'bank', 'clearing', 'ca' or 'device': institutions settle among themselves, a CA key signs
  // certificates only, and a device signs for itself, never for an account.
  drawerRoles: ['buyer', 'seller', 'operator', 'card_company', 'escrow', 'logistics'],
};

export function assertEchequeConfig(config: EchequeConfig): void {
  const days = config.presentmentPeriodDays;
  assert(Number.isInteger(days) && days >= 0 && days <= presentmentPeriodDaysMax, `presentmentPeriodDays must be 0..${presentmentPeriodDaysMax}`);
  const fee = fromStored(config.returnedChequeFee);
  assert(fee.currency === 'CNY', 'cheques are drawn in CNY, and so is their fee');
  assert(!isNegative(fee) && compare(fee, money(feeMajorUnitsMax, 'CNY')) <= 0, 'returnedChequeFee must be 0..10000');
  assert(config.feeReasons.every(isChequeReturnReason), 'feeReasons must name return reasons');
  assert(config.drawerRoles.length > 0 && config.drawerRoles.length <= roles.length, 'drawerRoles must name some roles');
  assert(config.drawerRoles.every(isRole), 'drawerRoles must name known roles');
  assert(!config.drawerRoles.includes('ca'), 'a CA key never draws cheques');
}

/** The defaults with a lesson's overrides, checked. */
export function makeEchequeConfig(overrides: Partial<EchequeConfig> = {}): EchequeConfig {
  const config: EchequeConfig = { ...defaultEchequeConfig, ...overrides };
  assertEchequeConfig(config);
  return config;
}
