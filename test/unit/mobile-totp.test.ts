import { describe, expect, it } from 'vitest';
import { hotp, totp } from '../../src/domain/index.ts';

const rfcKey = new TextEncoder().encode('12345678901234567890');

describe('TOTP (RFC 6238, HMAC-SHA1)', () => {
  // RFC 6238 Appendix B, the SHA1 rows (8 digits, X = 30 s, T0 = 0).
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) {
    it(`T = ${seconds} s gives ${code}`, () => {
      expect(totp(rfcKey, seconds * 1000, 8)).toBe(code);
    });
  }
  it('HOTP matches RFC 4226 Appendix D (6 digits)', () => {
    expect([0, 1, 2, 9].map((c) => hotp(rfcKey, c, 6))).toEqual(['755224', '287082', '359152', '520489']);
  });
});
