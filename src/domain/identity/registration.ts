// Registration (用户注册) for buyers and sellers, with the seed's fields. Required: login name,
// password, password again, real name, delivery address, delivery phone, email. Optional: ID
// number, gender, education, birth date, income, postcode. Every field is checked at once, so the
// form can show every problem together; each problem is a code the UI translates.
//
// Rules (what the form's help text should say):
// - loginName: 3-32 characters, letters a-z/A-Z, digits and underscore. Unique ignoring case and
//   full-width forms: storage compares normalizeLoginName(loginName).
// - password: 8-128 characters, any characters (spaces and Chinese included, no composition
//   rules, NIST SP 800-63B); not all spaces; not the login name.
// - passwordAgain: the same password.
// - realName: 2-50 letters of any script; spaces and the name dots · ・ • . ' - between them.
// - deliveryAddress: 5-200 characters.
// - deliveryPhone: PRC mobile 1[3-9] + 9 digits, or landline with area code (010/02x + 8 digits,
//   0xxx + 7-8 digits); spaces, hyphens, brackets and a +86 prefix are allowed when typing.
// - email: an ASCII address name@domain.tld (at most 254 characters).
// - idNumber: 18-character PRC resident ID: region, real birth date, ISO 7064 MOD 11-2 check
//   character (0-9 or X).
// - gender, education, income: one of the listed choices (income is a monthly bracket in CNY:
//   enough for a profile, and nobody has to type an exact salary).
// - birthDate: YYYY-MM-DD, a real date from 1900, not in the future; equal to the ID number's.
// - postcode: 6 digits.
import { assert } from '../assert.ts';
import { err, ok, type Err, type Ok } from '../result.ts';
import { birthDateOfIdNumber, idNumberProblem, isRealDate, normalizeIdNumber, type IdNumberProblem } from './id-number.ts';

export { idNumberCheckDigit, isValidIdNumber } from './id-number.ts';

export const registrationRoles = ['buyer', 'seller'] as const;
export type RegistrationRole = (typeof registrationRoles)[number];
export const genders = ['male', 'female'] as const;
export type Gender = (typeof genders)[number];
export const educationLevels = [
  'primary', // 小学
  'junior_high', // 初中
  'senior_high', // 高中
  'vocational', // 中专
  'associate', // 大专
  'bachelor', // 本科
  'master', // 硕士
  'doctorate', // 博士
  'other',
] as const;
export type Education = (typeof educationLevels)[number];
/** Monthly income brackets, CNY. */
export const incomeBrackets = ['under_3000', '3000_5000', '5000_8000', '8000_15000', '15000_30000', 'over_30000'] as const;
export type IncomeBracket = (typeof incomeBrackets)[number];

export const loginNameLengthMin = 3;
export const loginNameLengthMax = 32;
export const passwordLengthMin = 8;
export const passwordLengthMax = 128;
export const realNameLengthMin = 2;
export const realNameLengthMax = 50;
export const addressLengthMin = 5;
export const addressLengthMax = 200;
export const emailLengthMax = 254;
export const birthYearMin = 1900;
/** No form field is longer; bounds the work of normalizing hostile input. */
export const inputLengthMax = 1_000;

export type RegistrationInput = {
  readonly role: string;
  readonly loginName: string;
  readonly password: string;
  readonly passwordAgain: string;
  readonly realName: string;
  readonly deliveryAddress: string;
  readonly deliveryPhone: string;
  readonly email: string;
  readonly idNumber?: string;
  readonly gender?: string;
  readonly education?: string;
  readonly birthDate?: string;
  readonly income?: string;
  readonly postcode?: string;
};

/** Clean registration data. Optional fields not given are null (rows hold no undefined). */
export type RegistrationData = {
  readonly role: RegistrationRole;
  /** As the user wrote it (NFKC, trimmed), for display. */
  readonly loginName: string;
  /** normalizeLoginName(loginName): the unique key storage checks. */
  readonly loginNameKey: string;
  /** Hash it (crypto/seal.ts hashPassword) and drop it; never store it. */
  readonly password: string;
  readonly realName: string;
  readonly deliveryAddress: string;
  /** 13812345678 or 010-12345678 */
  readonly deliveryPhone: string;
  readonly email: string;
  readonly idNumber: string | null;
  readonly gender: Gender | null;
  readonly education: Education | null;
  /** YYYY-MM-DD */
  readonly birthDate: string | null;
  readonly income: IncomeBracket | null;
  readonly postcode: string | null;
};

export type RegistrationField = keyof RegistrationInput;

export type FieldProblem =
  | 'required'
  | 'too_short'
  | 'too_long'
  | 'invalid_characters'
  | 'password_mismatch'
  | 'same_as_login_name'
  | 'invalid_phone'
  | 'invalid_email'
  | IdNumberProblem
  | 'invalid_date'
  | 'date_in_future'
  | 'birth_date_mismatch'
  | 'invalid_choice'
  | 'invalid_postcode';

export type FieldErrors = Partial<Record<RegistrationField, FieldProblem>>;

export type RegistrationFailure = Err<'invalid_registration'> & { readonly fields: FieldErrors };
export type RegistrationResult = Ok<RegistrationData> | RegistrationFailure;

/** The key storage uses for login-name uniqueness: NFKC (full-width folds to ASCII), trimmed, lower-case. */
export function normalizeLoginName(loginName: string): string {
  assert(typeof loginName === 'string', 'loginName must be a string');
  return loginName.normalize('NFKC').trim().toLowerCase();
}

function codePoints(text: string): number {
  return [...text].length;
}

/** NFKC, trimmed, runs of white space as one space: how a typed text field is kept. */
function cleanText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

const loginNamePattern = /^[A-Za-z0-9_]+$/;
const realNamePattern = /^\p{L}[\p{L}\p{M}]*(?:[ ·・•.'-]+\p{L}[\p{L}\p{M}]*)*\.?$/u;
const controlCharacters = /\p{Cc}/u;
const mobilePattern = /^1[3-9]\d{9}$/;
const bigCityLandline = /^(0(?:10|2\d))(\d{8})$/;
const landline = /^(0[3-9]\d{2})(\d{7,8})$/;
const emailPattern =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A phone number as stored (13812345678 or 010-12345678), or null when it is not one. */
export function normalizePhone(phone: string): string | null {
  let digits = phone.normalize('NFKC').replace(/[\s\-()]/g, '');
  let international = false;
  if (digits.startsWith('+86')) {
    digits = digits.slice(3);
    international = true;
  } else if (digits.startsWith('0086')) {
    digits = digits.slice(4);
    international = true;
  }
  if (mobilePattern.test(digits)) return digits;
  // From abroad the trunk 0 of an area code is dropped: +86 10 12345678.
  if (international && !digits.startsWith('0')) digits = `0${digits}`;
  const match = bigCityLandline.exec(digits) ?? landline.exec(digits);
  return match === null ? null : `${match[1]}-${match[2]}`;
}

/** An e-mail address with its domain lower-cased, or null. */
export function normalizeEmail(email: string): string | null {
  const text = email.normalize('NFKC').trim();
  if (text.length > emailLengthMax || !emailPattern.test(text)) return null;
  const at = text.lastIndexOf('@');
  if (at > 64) return null; // RFC 5321: local part at most 64 octets
  return `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
}

function choice<T extends string>(value: string, choices: readonly T[]): T | null {
  return (choices as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Checks a registration form. `now` (world time), when given, also refuses birth dates in the
 * future. Returns the clean data, or 'invalid_registration' with every field's problem.
 */
export function validateRegistration(input: RegistrationInput, options: { readonly now?: number } = {}): RegistrationResult {
  assert(input !== null && typeof input === 'object', 'input must be an object');
  const fields: FieldErrors = {};
  const text = (field: RegistrationField): string => {
    const value = input[field];
    if (value === undefined || value === null) return '';
    assert(typeof value === 'string', `${field} must be a string`);
    return value;
  };
  const fail = (field: RegistrationField, problem: FieldProblem): null => {
    fields[field] = problem;
    return null;
  };
  // Overlong input is refused before normalizing it (NFKC can grow text, and it costs time).
  const tooLong = (field: RegistrationField): boolean => text(field).length > inputLengthMax;

  const role = choice(text('role'), registrationRoles) ?? fail('role', 'invalid_choice');

  const loginName = ((): string | null => {
    if (tooLong('loginName')) return fail('loginName', 'too_long');
    const value = text('loginName').normalize('NFKC').trim();
    if (value === '') return fail('loginName', 'required');
    if (value.length < loginNameLengthMin) return fail('loginName', 'too_short');
    if (value.length > loginNameLengthMax) return fail('loginName', 'too_long');
    if (!loginNamePattern.test(value)) return fail('loginName', 'invalid_characters');
    return value;
  })();

  const password = ((): string | null => {
    if (tooLong('password')) return fail('password', 'too_long');
    const value = text('password'); // never trimmed: spaces may be part of it
    if (value.trim() === '') return fail('password', 'required');
    const length = codePoints(value.normalize('NFKC'));
    if (length < passwordLengthMin) return fail('password', 'too_short');
    if (length > passwordLengthMax) return fail('password', 'too_long');
    if (normalizeLoginName(value) === normalizeLoginName(text('loginName'))) return fail('password', 'same_as_login_name');
    return value;
  })();

  ((): void => {
    const value = text('passwordAgain');
    if (value === '') fail('passwordAgain', 'required');
    // Compared as they will be hashed (NFKC), so two IMEs typing the same password agree.
    else if (value.normalize('NFKC') !== text('password').normalize('NFKC')) fail('passwordAgain', 'password_mismatch');
  })();

  const realName = ((): string | null => {
    if (tooLong('realName')) return fail('realName', 'too_long');
    const value = cleanText(text('realName'));
    if (value === '') return fail('realName', 'required');
    if (codePoints(value) < realNameLengthMin) return fail('realName', 'too_short');
    if (codePoints(value) > realNameLengthMax) return fail('realName', 'too_long');
    if (!realNamePattern.test(value)) return fail('realName', 'invalid_characters');
    return value;
  })();

  const deliveryAddress = ((): string | null => {
    if (tooLong('deliveryAddress')) return fail('deliveryAddress', 'too_long');
    const value = cleanText(text('deliveryAddress'));
    if (value === '') return fail('deliveryAddress', 'required');
    if (codePoints(value) < addressLengthMin) return fail('deliveryAddress', 'too_short');
    if (codePoints(value) > addressLengthMax) return fail('deliveryAddress', 'too_long');
    if (controlCharacters.test(value)) return fail('deliveryAddress', 'invalid_characters');
    return value;
  })();

  const deliveryPhone = ((): string | null => {
    if (tooLong('deliveryPhone')) return fail('deliveryPhone', 'invalid_phone');
    if (text('deliveryPhone').trim() === '') return fail('deliveryPhone', 'required');
    return normalizePhone(text('deliveryPhone')) ?? fail('deliveryPhone', 'invalid_phone');
  })();

  const email = ((): string | null => {
    if (tooLong('email')) return fail('email', 'invalid_email');
    if (text('email').trim() === '') return fail('email', 'required');
    return normalizeEmail(text('email')) ?? fail('email', 'invalid_email');
  })();

  // Optional fields: empty means "not given".
  const optional = (field: RegistrationField): string | null => {
    if (tooLong(field)) {
      fail(field, 'too_long');
      return null;
    }
    const value = text(field).normalize('NFKC').trim();
    return value === '' ? null : value;
  };

  let idNumber = optional('idNumber');
  if (idNumber !== null) {
    idNumber = normalizeIdNumber(idNumber);
    const problem = idNumberProblem(idNumber, options.now);
    if (problem !== null) idNumber = fail('idNumber', problem);
  }

  let gender: Gender | null = null;
  const genderText = optional('gender');
  if (genderText !== null) gender = choice(genderText, genders) ?? fail('gender', 'invalid_choice');

  let education: Education | null = null;
  const educationText = optional('education');
  if (educationText !== null) education = choice(educationText, educationLevels) ?? fail('education', 'invalid_choice');

  let income: IncomeBracket | null = null;
  const incomeText = optional('income');
  if (incomeText !== null) income = choice(incomeText, incomeBrackets) ?? fail('income', 'invalid_choice');

  let birthDate = optional('birthDate');
  if (birthDate !== null) {
    const m = datePattern.exec(birthDate);
    const [year, month, day] = m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m === null || year < birthYearMin || !isRealDate(year, month, day)) birthDate = fail('birthDate', 'invalid_date');
    else if (options.now !== undefined && Date.UTC(year, month - 1, day) > options.now) {
      birthDate = fail('birthDate', 'date_in_future');
    } else if (idNumber !== null && birthDateOfIdNumber(idNumber) !== birthDate) {
      birthDate = fail('birthDate', 'birth_date_mismatch');
    }
  }

  let postcode = optional('postcode');
  if (postcode !== null && !/^\d{6}$/.test(postcode)) postcode = fail('postcode', 'invalid_postcode');

  if (Object.keys(fields).length > 0) {
    return { ...err('invalid_registration', fields as Record<string, string>), fields };
  }
  // Every required field passed, so none of these is null.
  assert(role !== null && loginName !== null && password !== null && realName !== null, 'required fields are set');
  assert(deliveryAddress !== null && deliveryPhone !== null && email !== null, 'required fields are set');
  return ok({
    role,
    loginName,
    loginNameKey: normalizeLoginName(loginName),
    password,
    realName,
    deliveryAddress,
    deliveryPhone,
    email,
    idNumber,
    gender,
    education,
    birthDate,
    income,
    postcode,
  });
}
