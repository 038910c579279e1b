import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { assert } from '../../assert.ts';

// TOTP, RFC 6238 (over HOTP, RFC 4226) with HMAC-SHA1, the algorithm every authenticator app and
// the payment code of a phone wallet use. Time is the WORLD clock passed in (milliseconds), never
// the device's: the buyer's phone and the institution read the same world time, so they agree on
// the step without any clock drift to allow for beyond the ±1 step of the window.

/** The RFC's default step, 30 s; a payment code lives about a minute (its step and the next). */
export const totpStepSeconds = 30;
export const totpDigitsMax = 9;

/** HOTP (RFC 4226 section 5.3): dynamic truncation of HMAC-SHA1(key, counter as 8 big-endian bytes). */
export function hotp(key: Uint8Array, counter: number, digits: number): string {
  assert(Number.isSafeInteger(counter) && counter >= 0, 'a HOTP counter is a non-negative safe integer');
  assert(Number.isInteger(digits) && digits >= 6 && digits <= totpDigitsMax, 'HOTP digits 6..9');
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(sha1, key, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step T = floor((now - T0) / X) with T0 = 0 (RFC 6238 section 4.2). */
export function totpStep(nowMs: number, stepSeconds = totpStepSeconds): number {
  assert(Number.isFinite(nowMs) && nowMs >= 0, 'TOTP time is a non-negative world time');
  return Math.floor(nowMs / 1000 / stepSeconds);
}

/** The TOTP value at world time `nowMs`. */
export function totp(key: Uint8Array, nowMs: number, digits: number, stepSeconds = totpStepSeconds): string {
  return hotp(key, totpStep(nowMs, stepSeconds), digits);
}
