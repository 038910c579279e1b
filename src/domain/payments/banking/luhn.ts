import { assert } from '../../assert.ts';

// The Luhn (mod 10) check digit of bank card numbers (ISO/IEC 7812): it catches every single
// mistyped digit and most swaps of two neighbouring digits, so a payee's card number typed at the
// counter or in online banking is refused before any money moves.

/** Card numbers are 12 to 19 digits; the payload is everything but the check digit. */
export const luhnDigitsMax = 19;

function isDigits(text: string): boolean {
  return /^\d+$/.test(text);
}

/** The check digit to append to `payload` (digits only, at most luhnDigitsMax - 1 of them). */
export function luhnCheckDigit(payload: string): number {
  assert(isDigits(payload) && payload.length < luhnDigitsMax, 'a Luhn payload is 1..18 digits');
  let sum = 0;
  // From the right: the digit next to the (future) check digit is doubled, then every second one.
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  assert(check >= 0 && check <= 9, 'a check digit is one digit');
  return check;
}

/** Whether `number` (digits only, 2..19 of them) ends in its correct Luhn check digit. */
export function isLuhnValid(number: string): boolean {
  if (!isDigits(number) || number.length < 2 || number.length > luhnDigitsMax) return false;
  return luhnCheckDigit(number.slice(0, -1)) === number.charCodeAt(number.length - 1) - 48;
}
