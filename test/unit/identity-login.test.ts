import { describe, expect, it } from 'vitest';
import {
  activationCodeLength,
  activationCodeMatches,
  formatActivationCode,
  isLocked,
  lockoutMinutes,
  lockoutMs,
  loginAttempt,
  loginStateInitial,
  makeActivationCode,
  normalizeActivationCode,
  wrongPasswordsMax,
  type LoginState,
} from '../../src/domain/identity/index.ts';
import { AssertionError } from '../../src/domain/assert.ts';

const t0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const minute = 60_000;

function fail(state: LoginState, times: number, now: number): LoginState {
  for (let i = 0; i < times; i++) state = loginAttempt(state, false, now + i).state;
  return state;
}

describe('login lockout', () => {
  it('has the documented limits', () => {
    expect(wrongPasswordsMax).toBe(5);
    expect(lockoutMinutes).toBe(15);
    expect(lockoutMs).toBe(15 * minute);
  });

  it('counts wrong passwords and says how many are left', () => {
    let state = loginStateInitial;
    for (let i = 1; i < wrongPasswordsMax; i++) {
      const attempt = loginAttempt(state, false, t0 + i);
      expect(attempt).toEqual({ state: { wrongPasswords: i, lockedUntil: null }, result: 'wrong_password', attemptsLeft: wrongPasswordsMax - i });
      state = attempt.state;
    }
  });

  it('locks for 15 world-minutes at the fifth wrong password, refusing even the right one', () => {
    const state = fail(loginStateInitial, 4, t0);
    const fifth = loginAttempt(state, false, t0 + minute);
    expect(fifth.result).toBe('wrong_password');
    expect(fifth.lockedUntil).toBe(t0 + minute + lockoutMs);
    expect(isLocked(fifth.state, t0 + minute)).toBe(true);
    const during = loginAttempt(fifth.state, true, t0 + minute + lockoutMs - 1);
    expect(during).toEqual({ state: fifth.state, result: 'locked', lockedUntil: t0 + minute + lockoutMs, attemptsLeft: 0 });
  });

  it('does not extend the lock with attempts made while locked', () => {
    const locked = fail(loginStateInitial, 5, t0);
    const until = locked.lockedUntil!;
    const again = fail(locked, 20, t0 + 5 * minute);
    expect(again.lockedUntil).toBe(until);
  });

  it('opens again when the lock ends, with a fresh count', () => {
    const locked = fail(loginStateInitial, 5, t0);
    const until = locked.lockedUntil!;
    expect(isLocked(locked, until)).toBe(false);
    expect(loginAttempt(locked, true, until)).toEqual({ state: loginStateInitial, result: 'ok', attemptsLeft: wrongPasswordsMax });
    const wrongAfter = loginAttempt(locked, false, until);
    expect(wrongAfter.state).toEqual({ wrongPasswords: 1, lockedUntil: null });
  });

  it('a right password resets the count', () => {
    const state = fail(loginStateInitial, 4, t0);
    const ok = loginAttempt(state, true, t0 + minute);
    expect(ok.result).toBe('ok');
    expect(fail(ok.state, 4, t0 + 2 * minute).lockedUntil).toBe(null);
  });

  it('asserts on an impossible state', () => {
    expect(() => loginAttempt({ wrongPasswords: 5, lockedUntil: null }, false, t0)).toThrow(AssertionError);
    expect(() => loginAttempt({ wrongPasswords: -1, lockedUntil: null }, false, t0)).toThrow(AssertionError);
  });
});

describe('activation codes', () => {
  it('makes an 8-character Crockford base32 code from 8 random bytes', () => {
    const code = makeActivationCode(new Uint8Array([0, 1, 10, 17, 18, 20, 27, 31]));
    expect(code).toBe('01AHJMVZ');
    expect(code).toHaveLength(activationCodeLength);
    // Only the low five bits count: 256 is a multiple of 32, so every letter is equally likely.
    expect(makeActivationCode(new Uint8Array([32, 33, 42, 49, 50, 52, 59, 63]))).toBe(code);
    expect(makeActivationCode(new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255]))).toBe('ZZZZZZZZ');
    expect(formatActivationCode(code)).toBe('01AH-JMVZ');
  });

  it('never uses the ambiguous letters I, L, O, U', () => {
    const all = makeActivationCode(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7])) +
      makeActivationCode(new Uint8Array([8, 9, 10, 11, 12, 13, 14, 15])) +
      makeActivationCode(new Uint8Array([16, 17, 18, 19, 20, 21, 22, 23])) +
      makeActivationCode(new Uint8Array([24, 25, 26, 27, 28, 29, 30, 31]));
    expect(new Set(all).size).toBe(32);
    expect(all).not.toMatch(/[ILOU]/);
  });

  it('matches what the user types: case, spaces, hyphens, full width, O/I/L look-alikes', () => {
    expect(activationCodeMatches('01AHJMVZ', '01ahjmvz')).toBe(true);
    expect(activationCodeMatches('01AHJMVZ', ' 01AH-JMVZ ')).toBe(true);
    expect(activationCodeMatches('01AHJMVZ', 'OIAHJMVZ')).toBe(true);
    expect(activationCodeMatches('01AHJMVZ', 'olahjmvz')).toBe(true);
    expect(activationCodeMatches('01AHJMVZ', '０１ＡＨＪＭＶＺ')).toBe(true);
    expect(normalizeActivationCode('ab-cd ef')).toBe('ABCDEF');
  });

  it('refuses a different or partial code', () => {
    expect(activationCodeMatches('01AHJMVZ', '01AHJMVY')).toBe(false);
    expect(activationCodeMatches('01AHJMVZ', '01AHJMV')).toBe(false);
    expect(activationCodeMatches('01AHJMVZ', '')).toBe(false);
  });

  it('asserts it gets exactly 8 random bytes', () => {
    expect(() => makeActivationCode(new Uint8Array(7))).toThrow(AssertionError);
  });
});
