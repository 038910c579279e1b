// Account activation codes (激活帐号): the platform sends a short code, the user types it back.
// Crockford base32: digits and upper-case letters without I, L, O and U, so a code read aloud or
// copied by hand is not misread, and a typed O, I or L still matches (they read as 0, 1, 1).
import { assert } from '../assert.ts';
import { equalBytes, utf8Encode } from '../crypto/index.ts';

export const activationCodeLength = 8; // 40 bits: enough for a short-lived, rate-limited code
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** An 8-character code from 8 random bytes (each byte's low 5 bits pick a letter: no bias, 256 = 8 * 32). */
export function makeActivationCode(randomBytes: Uint8Array): string {
  assert(randomBytes instanceof Uint8Array, 'randomBytes must be a Uint8Array');
  assert(randomBytes.length === activationCodeLength, `randomBytes must be ${activationCodeLength} bytes`);
  let code = '';
  for (const byte of randomBytes) code += alphabet[byte & 31]!;
  return code;
}

/** "ABCD-EFGH": easier to read and type. Matching ignores the hyphen. */
export function formatActivationCode(code: string): string {
  assert(code.length === activationCodeLength, 'not an activation code');
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What the user typed, as a code: full-width folded, upper-case, no spaces or hyphens, O->0, I/L->1. */
export function normalizeActivationCode(entered: string): string {
  assert(typeof entered === 'string', 'entered must be a string');
  return entered
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
export function activationCodeMatches(expected: string, entered: string): boolean {
  assert(typeof expected === 'string' && expected.length === activationCodeLength, 'expected must be an activation code');
  const a = utf8Encode(normalizeActivationCode(expected));
  const b = utf8Encode(normalizeActivationCode(entered));
  return equalBytes(a, b);
}
