// PRC resident identity card number (公民身份号码, GB 11643-1999): 6-digit address code,
// 8-digit birth date YYYYMMDD, 3-digit sequence (odd for men, even for women), and a check
// character computed with ISO 7064 MOD 11-2, which is 0-9 or X (standing for 10).
import { assert } from '../assert.ts';

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const checkCharacters = '10X98765432';
/** First two digits: provinces, autonomous regions and municipalities; 71/81/82/83 Taiwan, Hong Kong, Macao. */
const provinceCodes = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
]);
/** The oldest birth year accepted (the standard's own examples include 1880). */
export const idBirthYearMin = 1800;

export type IdNumberProblem = 'id_format' | 'id_region' | 'id_birth_date' | 'id_check_digit';

/** The check character (0-9 or X) for the first 17 digits. */
export function idNumberCheckDigit(first17: string): string {
  assert(typeof first17 === 'string' && /^\d{17}$/.test(first17), 'first17 must be 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return checkCharacters[sum % 11]!;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when year-month-day is a day of the Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

/** Upper-cases a trailing x and trims: how people type the number. */
export function normalizeIdNumber(id: string): string {
  return id.normalize('NFKC').trim().toUpperCase();
}

/**
 * The first problem with an ID number (already normalized), or null. With `now` (world time),
 * a birth date after it is refused too.
 */
export function idNumberProblem(id: string, now?: number): IdNumberProblem | null {
  if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) return 'id_format';
  if (!provinceCodes.has(Number(id.slice(0, 2)))) return 'id_region';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < idBirthYearMin || !isRealDate(year, month, day)) return 'id_birth_date';
  if (now !== undefined && Date.UTC(year, month - 1, day) > now) return 'id_birth_date';
  if (idNumberCheckDigit(id.slice(0, 17)) !== id[17]) return 'id_check_digit';
  return null;
}

export function isValidIdNumber(id: string): boolean {
  return idNumberProblem(normalizeIdNumber(id)) === null;
}

/** The birth date in a valid ID number, as YYYY-MM-DD. */
export function birthDateOfIdNumber(id: string): string {
  assert(isValidIdNumber(id), 'not a valid ID number');
  const n = normalizeIdNumber(id);
  return `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
}
