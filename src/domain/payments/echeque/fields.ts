// Field rules shared by every e-cheque document. Identifiers are machine-made printable ASCII
// (party ids, bank ids, account numbers), names and memos are what a person typed. Every signed
// field is checked for shape before anything trusts it: a document arrives from another tab, a
// file or a lab tool, so its JSON can hold anything.

import { isCurrencyCode, moneyInputMax, money, compare, type StoredMoney } from '../../money/index.ts';
import { partyIdLengthMax, subjectNameLengthMax } from '../../identity/index.ts';

/** A PRC cheque number has eight digits (支票号码). */
export const chequeNumberDigits = 8;
export const accountNumberLengthMax = 64;
export const nameLengthMax = subjectNameLengthMax;
export const memoLengthMax = 200;
export const orderIdLengthMax = 128;

const identifierPattern = /^[\x21-\x7e]+$/; // printable ASCII, no spaces
const chequeNumberPattern = /^\d{8}$/;
// Control characters would let a name or memo look different on screen from what was signed.
const controlCharacters = /\p{Cc}/u;
const cnyAmountPattern = /^(0|[1-9]\d*)\.\d{2}$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True when `value` has exactly these keys (an extra key is a field nobody checks). */
export function hasExactKeys(value: Record<string, unknown>, required: readonly string[], optional: readonly string[] = []): boolean {
  const keys = Object.keys(value);
  if (!required.every((k) => Object.prototype.hasOwnProperty.call(value, k))) return false;
  return keys.every((k) => required.includes(k) || optional.includes(k));
}

export function isIdentifier(value: unknown, lengthMax = partyIdLengthMax): value is string {
  return typeof value === 'string' && value.length <= lengthMax && identifierPattern.test(value);
}

export function isAccountNumber(value: unknown): value is string {
  return isIdentifier(value, accountNumberLengthMax);
}

export function isChequeNumber(value: unknown): value is string {
  return typeof value === 'string' && chequeNumberPattern.test(value);
}

/** A person's or company's name: not empty, trimmed, no control characters, bounded. */
export function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value === value.trim() &&
    [...value].length <= nameLengthMax &&
    !controlCharacters.test(value)
  );
}

export function isMemo(value: unknown): value is string {
  return typeof value === 'string' && [...value].length <= memoLengthMax && !controlCharacters.test(value);
}

export function isWorldTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * A cheque amount as stored: CNY (the only currency with Chinese capitals), exactly two decimals,
 * above zero, at most moneyInputMax. The exact string form matters: "100.0" and "100.00" are the
 * same money but different signed bytes, and only one of them is the stored form.
 */
export function isChequeAmount(value: unknown): value is StoredMoney {
  if (!isRecord(value) || !hasExactKeys(value, ['amount', 'currency'])) return false;
  const { amount, currency } = value;
  if (typeof currency !== 'string' || !isCurrencyCode(currency) || currency !== 'CNY') return false;
  if (typeof amount !== 'string' || amount.length > 20 || !cnyAmountPattern.test(amount)) return false;
  const m = money(amount, 'CNY');
  return m.amount.greaterThan(0) && compare(m, moneyInputMax('CNY')) <= 0;
}
