// Amounts arriving at a payment function as strings: from a message another party signed (a device
// could send "1.001"), or from the app after parsing a form. A malformed one must be a named
// refusal, never an assertion, because the string may come from someone else.
import { isCurrencyCode, money, scaleOf, type CurrencyCode, type Money } from '../../money/index.ts';

/** Plain decimals only: no sign, no exponent, no separators; at most 15 integer digits. */
const amountPattern = /^(\d{1,15})(?:\.(\d+))?$/;

/** The Money of a plain decimal string with at most the currency's decimals, or null. */
export function paymentAmountOf(text: unknown, currency: CurrencyCode): Money | null {
  if (typeof text !== 'string' || !isCurrencyCode(currency)) return null;
  const match = amountPattern.exec(text);
  if (match === null) return null;
  if ((match[2] ?? '').length > scaleOf(currency)) return null;
  return money(text, currency);
}
