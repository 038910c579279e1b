import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bankOfCardNumber,
  cardProfileOf,
  cardProfiles,
  formatCardNumber,
  isLuhnValid,
  luhnCheckDigit,
  makeCardNumber,
  parseCardNumber,
} from '../../src/domain/index.ts';

describe('Luhn check digit', () => {
  it('accepts known valid numbers and refuses known invalid ones', () => {
    // The textbook example, a Visa test card, a Mastercard test card, a UnionPay test card.
    for (const valid of ['79927398713', '4539578763621486', '5555555555554444', '6200000000000005', '4111111111111111']) expect(isLuhnValid(valid)).toBe(true);
    for (const invalid of ['79927398710', '79927398714', '4539578763621487', '5555555555554445', '4111111111111112', '1234567812345678']) expect(isLuhnValid(invalid)).toBe(false);
  });

  it('computes the check digit of known payloads', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('453957876362148')).toBe(6);
    expect(luhnCheckDigit('411111111111111')).toBe(1);
    expect(luhnCheckDigit('0')).toBe(0);
  });

  it('refuses non-digits, too short and too long numbers', () => {
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(false);
    expect(isLuhnValid('0')).toBe(false);
    expect(isLuhnValid('00000000000000000000')).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow();
  });

  it('catches every single-digit typo (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, at, delta) => {
        const number = payload + String(luhnCheckDigit(payload));
        expect(isLuhnValid(number)).toBe(true);
        const i = at % number.length;
        const typo = number.slice(0, i) + String((Number(number[i]) + delta) % 10) + number.slice(i + 1);
        expect(isLuhnValid(typo)).toBe(false);
      }),
    );
  });
});

describe('debit card numbers', () => {
  it('each bank issues numbers with its BIN, its length (16 to 19 digits) and a valid check digit', () => {
    const a = cardProfileOf('bank-a')!;
    const b = cardProfileOf('bank-b')!;
    expect(a.bin).not.toBe(b.bin);
    for (const profile of [a, b]) {
      expect(profile.length).toBeGreaterThanOrEqual(16);
      expect(profile.length).toBeLessThanOrEqual(19);
      for (const serial of [1, 2, 3, 999, 123_456]) {
        const n = makeCardNumber(profile, serial);
        expect(n).toHaveLength(profile.length);
        expect(n.startsWith(profile.bin)).toBe(true);
        expect(isLuhnValid(n)).toBe(true);
        expect(bankOfCardNumber(n)).toBe(profile.bankId);
        expect(parseCardNumber(formatCardNumber(n))).toEqual({ ok: true, value: n });
      }
    }
    expect(makeCardNumber(a, 1)).toHaveLength(16);
    expect(makeCardNumber(b, 1)).toHaveLength(19);
  });

  it('hand-computed: bank-a serial 1 is 623058 + 000007919 + check digit', () => {
    const payload = '623058' + '000007919';
    expect(makeCardNumber(cardProfileOf('bank-a')!, 1)).toBe(payload + String(luhnCheckDigit(payload)));
    expect(formatCardNumber('6230580000079190')).toBe('6230 5800 0007 9190');
  });

  it('different serials give different numbers (property)', () => {
    for (const profile of cardProfiles) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: 1, max: 999_999_999 }), (x, y) => {
          fc.pre(x !== y);
          expect(makeCardNumber(profile, x)).not.toBe(makeCardNumber(profile, y));
        }),
      );
    }
    const seen = new Set(Array.from({ length: 5000 }, (_, i) => makeCardNumber(cardProfiles[0]!, i + 1)));
    expect(seen.size).toBe(5000);
  });

  it('parses typed numbers: spaces and dashes allowed, wrong length or check digit refused with a name', () => {
    const n = makeCardNumber(cardProfiles[1]!, 42);
    expect(parseCardNumber(` ${n.slice(0, 4)}-${n.slice(4)} `)).toEqual({ ok: true, value: n });
    expect(parseCardNumber('4111 1111 1111 111')).toMatchObject({ ok: false, code: 'card_number_invalid' });
    expect(parseCardNumber('abcd')).toMatchObject({ ok: false, code: 'card_number_invalid' });
    const wrong = n.slice(0, -1) + String((Number(n.at(-1)) + 1) % 10);
    expect(parseCardNumber(wrong)).toMatchObject({ ok: false, code: 'card_number_check_failed' });
  });
});
