// Login lockout: five wrong passwords in a row lock the login for fifteen world-minutes, so a
// password cannot be guessed by trying many. A pure state machine; storage keeps the state row
// per login name and calls loginAttempt after checking the password.
import { assert } from '../assert.ts';

export const wrongPasswordsMax = 5;
export const lockoutMinutes = 15;
export const lockoutMs = lockoutMinutes * 60 * 1000;

export type LoginState = {
  /** Wrong passwords since the last success or the end of the last lock. */
  readonly wrongPasswords: number;
  /** World time (ms) until which the login is locked, or null. */
  readonly lockedUntil: number | null;
};

export const loginStateInitial: LoginState = { wrongPasswords: 0, lockedUntil: null };

export type LoginAttemptResult = 'ok' | 'wrong_password' | 'locked';

export type LoginAttempt = {
  readonly state: LoginState;
  readonly result: LoginAttemptResult;
  /** Set when the login is locked after this attempt (including the attempt that locked it). */
  readonly lockedUntil?: number;
  /** Wrong passwords still allowed before the lock (for "2 attempts left"). */
  readonly attemptsLeft: number;
};

function assertState(state: LoginState): void {
  assert(
    Number.isSafeInteger(state.wrongPasswords) && state.wrongPasswords >= 0 && state.wrongPasswords < wrongPasswordsMax,
    `wrongPasswords must be 0..${wrongPasswordsMax - 1}`,
  );
  assert(state.lockedUntil === null || Number.isSafeInteger(state.lockedUntil), 'lockedUntil must be world time or null');
}

/** True while the login is locked: check this before spending ~0.5 s on the password hash. */
export function isLocked(state: LoginState, now: number): boolean {
  assertState(state);
  return state.lockedUntil !== null && now < state.lockedUntil;
}

/**
 * One login attempt at world time `now`, with `success` telling whether the password was right.
 * While locked every attempt is refused, even with the right password, and does not extend the
 * lock (otherwise anyone could keep someone else locked out for ever by typing wrong passwords).
 */
export function loginAttempt(state: LoginState, success: boolean, now: number): LoginAttempt {
  assertState(state);
  assert(typeof success === 'boolean', 'success must be a boolean');
  assert(Number.isSafeInteger(now), 'now must be world time in ms');
  if (state.lockedUntil !== null && now < state.lockedUntil) {
    return { state, result: 'locked', lockedUntil: state.lockedUntil, attemptsLeft: 0 };
  }
  // A lock that has run out forgives the wrong passwords that caused it.
  const wrongPasswords = state.lockedUntil === null ? state.wrongPasswords : 0;
  if (success) return { state: loginStateInitial, result: 'ok', attemptsLeft: wrongPasswordsMax };
  const wrong = wrongPasswords + 1;
  if (wrong >= wrongPasswordsMax) {
    const lockedUntil = now + lockoutMs;
    return { state: { wrongPasswords: 0, lockedUntil }, result: 'wrong_password', lockedUntil, attemptsLeft: 0 };
  }
  return { state: { wrongPasswords: wrong, lockedUntil: null }, result: 'wrong_password', attemptsLeft: wrongPasswordsMax - wrong };
}
