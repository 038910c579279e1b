import {
  assert,
  bytesToHex,
  checkPassword,
  err,
  isLocked,
  loginAttempt,
  loginStateInitial,
  normalizeLoginName,
  ok,
  openPrivateKey,
  passwordLengthMax,
  passwordLengthMin,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type PartyKeyRow, type UserRow } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute, type CommandDefinition } from '../pipeline.ts';
import { readClock } from '../clock-read.ts';
import { protectWithPassword, readPasswordIterations, systemRandom, type Random } from './common.ts';
import { tabKeys, type KeyRing, type OpenKey } from './keys.ts';

// Login and logout, per tab. Login checks the password (PBKDF2) and opens the party's sealed
// private key with it, both before the command; the command then applies the lockout rule at
// world time (five wrong passwords lock the login for fifteen world-minutes) and records the
// attempt. On success the opened key goes into this tab's key ring, and only there.

export type LoginOptions = {
  readonly commandId?: string;
  readonly env?: CommandEnv;
  /** Defaults to this tab's ring; tests pass their own. */
  readonly keyRing?: KeyRing;
  readonly random?: Random;
};

type AttemptOutcome =
  | { readonly outcome: 'ok' }
  | { readonly outcome: 'not_activated' }
  | { readonly outcome: 'locked'; readonly until: number }
  | { readonly outcome: 'wrong_password'; readonly attemptsLeft: number; readonly lockedUntil: number | null };

function commandId(options: { readonly commandId?: string; readonly random?: Random }, name: string): string {
  return options.commandId ?? `${name}:${bytesToHex((options.random ?? systemRandom)(16))}`;
}

/** The user and key rows read together, so a password change in another tab cannot split them. */
async function readAccount(db: WorldDb, where: { loginName: string } | { partyId: string }): Promise<{ user: UserRow; key: PartyKeyRow } | null> {
  const t = identityTables(db);
  return db.transaction('r', t.users, t.partyKeys, async () => {
    const user = 'partyId' in where ? await t.users.get(where.partyId) : await t.users.where('loginNameKey').equals(normalizeLoginName(where.loginName)).first();
    if (user === undefined) return null;
    const key = await t.partyKeys.get(user.partyId);
    assert(key !== undefined, `party ${user.partyId} has a key`);
    return { user, key };
  });
}

/** One password attempt as the wrapper checked it (PBKDF2 outside the transaction): its verdict, and the hash it checked against. */
type AttemptInput = { readonly partyId: string; readonly success: boolean; readonly checkedHash: string };

/**
 * Records one password attempt at world time. Succeeds (and keeps the count) whatever the password
 * was, so a wrong password is remembered; the caller turns the outcome into a result.
 */
function attemptCommand(name: string) {
  return defineCommand<AttemptInput, AttemptOutcome, 'password_changed_meanwhile'>({
    name,
    stores: ['users'],
    apply: async (tx, input) => {
      const { users } = identityTables(tx.db);
      const fresh = await users.get(input.partyId);
      assert(fresh !== undefined, 'a user is never deleted');
      // The password was changed between our check and now: our verdict is about the old one.
      if (fresh.passwordHash.hash !== input.checkedHash) return err('password_changed_meanwhile');
      const attempt = loginAttempt(fresh.login, input.success, tx.now);
      await users.put({ ...fresh, login: attempt.state });
      if (attempt.result === 'locked') return ok({ outcome: 'locked', until: attempt.lockedUntil! });
      if (attempt.result === 'wrong_password') {
        const lockedUntil = attempt.lockedUntil ?? null;
        await tx.appendEvent({ type: 'identity.login_failed', actor: fresh.partyId, payload: { attemptsLeft: attempt.attemptsLeft } });
        if (lockedUntil !== null) await tx.appendEvent({ type: 'identity.login_locked', actor: fresh.partyId, payload: { until: lockedUntil } });
        return ok({ outcome: 'wrong_password', attemptsLeft: attempt.attemptsLeft, lockedUntil });
      }
      if (fresh.status !== 'active') return ok({ outcome: 'not_activated' });
      await tx.appendEvent({ type: 'identity.logged_in', actor: fresh.partyId, payload: { loginName: fresh.loginName } });
      return ok({ outcome: 'ok' });
    },
  });
}

export const loginCommand = attemptCommand('login');
export const changePasswordAttemptCommand = attemptCommand('changePasswordAttempt');

async function recordAttempt(db: WorldDb, meta: CommandMeta, user: UserRow, success: boolean, env: CommandEnv | undefined, command: CommandDefinition<AttemptInput, AttemptOutcome>) {
  return execute(db, command, meta, { partyId: user.partyId, success, checkedHash: user.passwordHash.hash }, env);
}

function failureOf(outcome: Exclude<AttemptOutcome, { outcome: 'ok' }>) {
  switch (outcome.outcome) {
    case 'not_activated':
      return err('account_not_activated');
    case 'locked':
      return err('login_locked', { until: outcome.until });
    case 'wrong_password':
      return outcome.lockedUntil !== null
        ? err('login_locked', { until: outcome.lockedUntil })
        : err('wrong_password', { attemptsLeft: outcome.attemptsLeft });
  }
}

/** Logs `loginName` in in this tab of world `worldId`; the key ring then holds its private key. */
export async function login(
  db: WorldDb,
  worldId: string,
  input: { readonly loginName: string; readonly password: string },
  options: LoginOptions = {},
): Promise<Result<OpenKey, string>> {
  const keyRing = options.keyRing ?? tabKeys;
  if (input.password.length === 0) return err('password_required');
  const account = await readAccount(db, { loginName: input.loginName });
  // One message for an unknown name and a wrong password: a login form must not reveal which names exist.
  if (account === null) return err('wrong_login');
  const { user, key } = account;
  const now = await readClock(db);
  // A locked login is refused before spending half a second on PBKDF2.
  if (isLocked(user.login, now)) return err('login_locked', { until: user.login.lockedUntil! });
  const [passwordOk, opened] = await Promise.all([checkPassword(user.passwordHash, input.password), openPrivateKey(key.sealed, input.password)]);
  // The hash and the sealed key come from one password: they agree unless the data is damaged.
  assert(passwordOk === opened.ok, 'password hash and sealed key agree');
  const meta: CommandMeta = { id: commandId(options, 'login'), actor: user.partyId };
  const classMode = options.env?.classSubmit !== undefined;
  if (classMode) {
    // Class mode (#20): the attempt is a command every PC applies, published signed with the
    // party's own key, so the key must be open in this tab first. A wrong password opens no key:
    // it cannot be signed, so no PC counts it (the class login, not the lockout, keeps strangers out).
    if (!opened.ok) return err('wrong_login');
    keyRing.open({ worldId, partyId: user.partyId, loginName: user.loginName, loggedInAtMs: Date.now() }, opened.value);
  }
  const recorded = await recordAttempt(db, meta, user, passwordOk, options.env, loginCommand);
  // An account still waiting for activation keeps its key open in class mode: every PC accepts the
  // activation only signed by that key, so a tab reloaded between registering and activating would
  // otherwise be told to activate first by the login and to sign in first by the activation.
  const keepKey = recorded.ok && (recorded.value.outcome === 'ok' || recorded.value.outcome === 'not_activated');
  if (classMode && !keepKey) keyRing.forget(worldId, user.partyId);
  if (!recorded.ok) return recorded;
  if (recorded.value.outcome !== 'ok') return failureOf(recorded.value);
  assert(opened.ok, 'a right password opens the key');
  const session = keyRing.open({ worldId, partyId: user.partyId, loginName: user.loginName, loggedInAtMs: Date.now() }, opened.value);
  opened.value.fill(0);
  return ok(session);
}

export const logoutCommand = defineCommand({
  name: 'logout',
  stores: [],
  apply: async (tx) => {
    await tx.appendEvent({ type: 'identity.logged_out', actor: tx.meta.actor, payload: {} });
    return ok(null);
  },
});

/** Forgets the party's key in this tab. */
export async function logout(
  db: WorldDb,
  worldId: string,
  partyId: string,
  options: LoginOptions = {},
): Promise<Result<null, string>> {
  const keyRing = options.keyRing ?? tabKeys;
  if (!keyRing.forget(worldId, partyId)) return err('not_logged_in');
  return execute(db, logoutCommand, { id: commandId(options, 'logout'), actor: partyId }, {}, options.env);
}

export type PasswordField = 'oldPassword' | 'newPassword' | 'newPasswordAgain';
export type PasswordProblem = 'required' | 'too_short' | 'too_long' | 'same_as_login_name' | 'password_mismatch';

export function newPasswordProblems(loginName: string, password: string, again: string): Partial<Record<PasswordField, PasswordProblem>> {
  const fields: Partial<Record<PasswordField, PasswordProblem>> = {};
  const length = [...password.normalize('NFKC')].length;
  if (password.trim() === '') fields.newPassword = 'required';
  else if (length < passwordLengthMin) fields.newPassword = 'too_short';
  else if (length > passwordLengthMax) fields.newPassword = 'too_long';
  else if (normalizeLoginName(password) === normalizeLoginName(loginName)) fields.newPassword = 'same_as_login_name';
  if (again === '') fields.newPasswordAgain = 'required';
  else if (again.normalize('NFKC') !== password.normalize('NFKC')) fields.newPasswordAgain = 'password_mismatch';
  return fields;
}

/** A new password as prepared outside the transaction: its PBKDF2 hash and the key sealed under it. */
export const changePasswordCommand = defineCommand({
  name: 'changePassword',
  stores: ['users', 'partyKeys', 'labSheet'],
  apply: async (tx, input: { readonly partyId: string; readonly checkedHash: string; readonly passwordHash: UserRow['passwordHash']; readonly sealed: PartyKeyRow['sealed'] }) => {
    const t = identityTables(tx.db);
    const fresh = await t.users.get(input.partyId);
    const key = await t.partyKeys.get(input.partyId);
    assert(fresh !== undefined && key !== undefined, 'a user is never deleted');
    if (fresh.passwordHash.hash !== input.checkedHash) return err('password_changed_meanwhile');
    await t.users.put({ ...fresh, passwordHash: input.passwordHash, passwordChangedAt: tx.now, login: loginStateInitial });
    await t.partyKeys.put({ ...key, sealed: input.sealed, updatedAt: tx.now });
    const sheet = await t.labSheet.get(input.partyId);
    if (sheet !== undefined) await t.labSheet.put({ ...sheet, password: null, changedAt: tx.now });
    await tx.appendEvent({ type: 'identity.password_changed', actor: input.partyId, payload: {} });
    return ok(null);
  },
});

/**
 * Changes a party's password: the old one must be right (a wrong one counts toward the lockout),
 * the private key is re-sealed under the new one, and an institution's lab sheet then says the
 * password was changed instead of showing the old one.
 */
export async function changePassword(
  db: WorldDb,
  input: { readonly partyId: string; readonly oldPassword: string; readonly newPassword: string; readonly newPasswordAgain: string },
  options: LoginOptions = {},
): Promise<Result<null, string>> {
  const account = await readAccount(db, { partyId: input.partyId });
  if (account === null) return err('user_not_found');
  const { user, key } = account;
  const fields = newPasswordProblems(user.loginName, input.newPassword, input.newPasswordAgain);
  if (input.oldPassword === '') fields.oldPassword = 'required';
  if (Object.keys(fields).length > 0) return err('invalid_password', fields);
  const now = await readClock(db);
  if (isLocked(user.login, now)) return err('login_locked', { until: user.login.lockedUntil! });
  const [passwordOk, opened] = await Promise.all([checkPassword(user.passwordHash, input.oldPassword), openPrivateKey(key.sealed, input.oldPassword)]);
  assert(passwordOk === opened.ok, 'password hash and sealed key agree');
  const id = commandId(options, 'changePassword');
  if (!opened.ok) {
    const recorded = await recordAttempt(db, { id, actor: user.partyId }, user, false, options.env, changePasswordAttemptCommand);
    if (!recorded.ok) return recorded;
    assert(recorded.value.outcome !== 'ok', 'a wrong password never succeeds');
    return failureOf(recorded.value);
  }
  const iterations = await readPasswordIterations(db);
  const { passwordHash, sealed } = await protectWithPassword(opened.value, input.newPassword, options.random ?? systemRandom, iterations);
  opened.value.fill(0);
  return execute(db, changePasswordCommand, { id, actor: user.partyId }, { partyId: user.partyId, checkedHash: user.passwordHash.hash, passwordHash, sealed }, options.env);
}
