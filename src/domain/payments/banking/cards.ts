import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { isLuhnValid, luhnCheckDigit } from './luhn.ts';

// Debit card numbers (借记卡号): the bank's BIN (issuer identification number, the first six
// digits), an individual account identifier, and the Luhn check digit. The card number is the
// customer-facing account number: a payee is named by it in online banking and at the counter.

export const cardLengthMin = 16;
export const cardLengthMax = 19;
/** BINs are six digits (ISO/IEC 7812 before 2017; still what Chinese cards print). */
export const binLength = 6;

export type CardProfile = {
  readonly bankId: string;
  /** Six digits; 62 is UnionPay's range (银联卡). Fictional issuers. */
  readonly bin: string;
  /** Digits of the whole number, check digit included: 16 to 19. */
  readonly length: number;
};

/** The seeded banks' card profiles: one prints 16-digit cards, the other 19 (both occur in China). */
export const cardProfiles: readonly CardProfile[] = [
  { bankId: 'bank-a', bin: '623058', length: 16 },
  { bankId: 'bank-b', bin: '621095', length: 19 },
];

export function cardProfileOf(bankId: string): CardProfile | undefined {
  return cardProfiles.find((p) => p.bankId === bankId);
}

function serialDigitsOf(profile: CardProfile): number {
  return profile.length - binLength - 1;
}

/** How many cards a bank can issue with its profile: every serial gets a distinct number. */
export function cardSerialsMax(profile: CardProfile): bigint {
  return 10n ** BigInt(serialDigitsOf(profile)) - 1n;
}

// A bijection on [0, 10^k): multiplying by a number coprime with 10 permutes the residues, so
// numbers stay unique while neighbours' cards no longer differ only in their last digits.
const scrambleFactor = 7919n;

/**
 * The card number for the bank's `serial`-th card (1, 2, 3... a per-bank counter): BIN, the
 * scrambled serial zero-padded to fill the length, and the Luhn check digit.
 */
export function makeCardNumber(profile: CardProfile, serial: number): string {
  assert(/^\d{6}$/.test(profile.bin), 'a BIN is six digits');
  assert(Number.isInteger(profile.length) && profile.length >= cardLengthMin && profile.length <= cardLengthMax, 'cards are 16..19 digits');
  assert(Number.isSafeInteger(serial) && serial >= 1 && BigInt(serial) <= cardSerialsMax(profile), 'card serial within the profile');
  const modulus = 10n ** BigInt(serialDigitsOf(profile));
  const scrambled = (BigInt(serial) * scrambleFactor) % modulus;
  const payload = profile.bin + scrambled.toString().padStart(serialDigitsOf(profile), '0');
  const number = payload + String(luhnCheckDigit(payload));
  assert(number.length === profile.length && isLuhnValid(number), 'a generated card number is valid');
  return number;
}

export type CardNumberError = 'card_number_invalid' | 'card_number_check_failed';

/**
 * What a person typed as a card number, without spaces or dashes: 16 to 19 digits whose check
 * digit is right. A wrong digit is `card_number_check_failed`, caught before any lookup.
 */
export function parseCardNumber(text: string): Result<string, CardNumberError> {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits) || digits.length < cardLengthMin || digits.length > cardLengthMax) return err('card_number_invalid');
  if (!isLuhnValid(digits)) return err('card_number_check_failed');
  return ok(digits);
}

/** "6230 5800 0000 7919 3" style: groups of four, as printed on cards. */
export function formatCardNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The bank whose BIN starts the card number, if any. */
export function bankOfCardNumber(number: string): string | undefined {
  return cardProfiles.find((p) => number.length === p.length && number.startsWith(p.bin))?.bankId;
}
