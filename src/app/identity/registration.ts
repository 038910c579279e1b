import {
  activationCodeLength,
  activationCodeMatches,
  assert,
  dayMs,
  err,
  formatActivationCode,
  loginStateInitial,
  makeActivationCode,
  normalizeLoginName,
  ok,
  seedLength,
  bytesToHex,
  keyIdOf,
  keyPairFromSeed,
  validateRegistration,
  type Err,
  type FieldProblem,
  type Ok,
  type RegistrationData,
  type RegistrationField,
  type RegistrationInput,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type PartyKeyRow, type UserProfile, type UserRow } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { readClock } from '../clock-read.ts';
import { sendMail } from '../mailbox.ts';
import { protectWithPassword, readPasswordIterations, systemRandom, type Random } from './common.ts';
import { tabKeys } from './keys.ts';
import { checkStoreInput, openStoreInTransaction, type StoreFieldProblem, type StoreInput } from './stores.ts';

// Registration (用户注册) and activation (激活帐号). A buyer or seller fills in the seed's fields;
// the form is checked by the domain (validateRegistration), the password is hashed and the new key
// pair sealed under it BEFORE the command (PBKDF2 is async), and the command then creates the party,
// its login, its key and (for a seller) its store application, and mails the activation code to
// the party's in-world mailbox. The account cannot log in until that code is typed back.

/** An activation code is good for three world-days; after that the user asks for a new one. */
export const activationValidityMs = 3 * dayMs;
/** Wrong codes allowed per code: 40 bits cannot be guessed in five tries. */
export const activationWrongCodesMax = 5;

export type RegisterInput = RegistrationInput & { readonly store?: StoreInput };
export type RegisterField = RegistrationField | 'storeName' | 'storeDescription';
export type RegisterFieldProblem = FieldProblem | StoreFieldProblem | 'login_name_taken';
export type RegisterFields = Partial<Record<RegisterField, RegisterFieldProblem>>;
export type RegisterFailure = Err & { readonly fields?: RegisterFields };
export type Registered = { readonly partyId: string; readonly loginName: string };
export type RegisterResult = Ok<Registered> | RegisterFailure;

export type IdentityOptions = {
  /** Idempotency key of the command (the UI makes one per submit). */
  readonly commandId?: string;
  readonly random?: Random;
  readonly env?: CommandEnv;
  /**
   * The world's id, for the tab's key ring: in class mode (env.classSubmit) the new key opens in
   * the ring (`env.keyRing`, else `tabKeys`), as a login would, to sign the registration.
   */
  readonly worldId?: string;
};

/** Party ids of registered users: readable in URLs and unique exactly when the login name is. */
export function partyIdForLogin(loginNameKey: string): string {
  assert(/^[a-z0-9_]{1,64}$/.test(loginNameKey), 'a normalized login name');
  return `u-${loginNameKey}`;
}

function fieldFailure(fields: RegisterFields): RegisterFailure {
  return { ...err('invalid_registration', fields as Record<string, string>), fields };
}

function profileOf(data: RegistrationData): UserProfile {
  return {
    realName: data.realName,
    deliveryAddress: data.deliveryAddress,
    deliveryPhone: data.deliveryPhone,
    email: data.email,
    idNumber: data.idNumber,
    gender: data.gender,
    education: data.education,
    birthDate: data.birthDate,
    income: data.income,
    postcode: data.postcode,
  };
}

/** Checks every field at once (the form shows every problem together); `fields` is empty when all are fine. */
export function registrationProblems(input: RegisterInput, now: number): { fields: RegisterFields; data: RegistrationData | null; store: StoreInput | null } {
  const fields: RegisterFields = {};
  const checked = validateRegistration(input, { now });
  if (!checked.ok) Object.assign(fields, checked.fields);
  let store: StoreInput | null = null;
  if (input.role === 'seller') {
    const s = checkStoreInput(input.store ?? { name: '', description: '' });
    if (s.ok) store = s.value;
    else Object.assign(fields, s.fields);
  }
  return { fields, data: checked.ok ? checked.value : null, store };
}

/**
 * A registration as prepared outside the transaction (register): the PBKDF2 hash, the sealed key and
 * its public half, the activation code; never the password or the key's seed.
 */
export type RegisterCommandInput = {
  readonly partyId: string;
  readonly loginName: string;
  readonly loginNameKey: string;
  readonly role: RegistrationData['role'];
  readonly profile: UserRow['profile'];
  readonly passwordHash: UserRow['passwordHash'];
  readonly sealed: PartyKeyRow['sealed'];
  readonly publicKey: string;
  readonly activationCode: string;
  readonly store: StoreInput | null;
};

export const registerCommand = defineCommand({
  name: 'register',
  apply: async (tx, input: RegisterCommandInput) => {
    const t = identityTables(tx.db);
    const partyId = input.partyId;
    // The wrapper derives the party id from the login name; a hand-made command (a class stream
    // is open to any client with the class login) must not pick another party's id or name key.
    if (normalizeLoginName(input.loginName) !== input.loginNameKey || !/^[a-z0-9_]{1,64}$/.test(input.loginNameKey) || partyId !== partyIdForLogin(input.loginNameKey)) return err('invalid_registration');
    if ((await t.users.where('loginNameKey').equals(input.loginNameKey).count()) > 0) return err('login_name_taken');
    if ((await tx.db.parties.get(partyId)) !== undefined) return err('login_name_taken');
    await tx.db.parties.add({ id: partyId, kind: input.role, name: { zh: input.loginName, en: input.loginName }, createdAt: tx.now, institution: false });
    const user: UserRow = {
      partyId,
      loginName: input.loginName,
      loginNameKey: input.loginNameKey,
      role: input.role,
      institution: false,
      profile: input.profile,
      passwordHash: input.passwordHash,
      status: 'pending_activation',
      activation: { code: input.activationCode, expiresAt: tx.now + activationValidityMs, wrongCodes: 0 },
      login: loginStateInitial,
      createdAt: tx.now,
      activatedAt: null,
      passwordChangedAt: null,
    };
    await t.users.add(user);
    await t.partyKeys.add({ partyId, keyId: keyIdOf(input.publicKey), publicKey: input.publicKey, sealed: input.sealed, createdAt: tx.now, updatedAt: tx.now });
    await sendActivationMail(tx, partyId, input.activationCode, tx.now + activationValidityMs);
    if (input.store !== null) await openStoreInTransaction(tx, partyId, input.store);
    await tx.appendEvent({ type: 'identity.registered', actor: partyId, payload: { loginName: input.loginName, role: input.role } });
    tx.notify({ to: ['*'], kind: 'party.registered', ref: partyId });
    return ok({ partyId, loginName: input.loginName });
  },
});

/**
 * Registers a buyer or seller. On success the party exists, its account waits for activation and
 * the code is in its mailbox. Field problems come back in `fields` (including a taken login name).
 */
export async function register(db: WorldDb, input: RegisterInput, options: IdentityOptions = {}): Promise<RegisterResult> {
  const random = options.random ?? systemRandom;
  const now = await readClock(db);
  const { fields, data, store } = registrationProblems(input, now);
  if (Object.keys(fields).length > 0 || data === null) return fieldFailure(fields);
  const { users } = identityTables(db);
  // Refused before half a second of PBKDF2; the command checks again (another tab may be quicker).
  if ((await users.where('loginNameKey').equals(data.loginNameKey).count()) > 0) return fieldFailure({ loginName: 'login_name_taken' });

  const iterations = await readPasswordIterations(db);
  const seed = random(seedLength);
  const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
  const { passwordHash, sealed } = await protectWithPassword(seed, data.password, random, iterations);
  const code = makeActivationCode(random(activationCodeLength));
  const partyId = partyIdForLogin(data.loginNameKey);
  const meta: CommandMeta = { id: options.commandId ?? `register:${bytesToHex(random(16))}`, actor: partyId };
  // Class mode (#20): every PC checks that the registration is signed by the key it registers
  // (proof of possession), and the new party's next steps (activating, applying for a certificate)
  // are signed by it too, before any certificate: the key opens in this tab's ring, as a login
  // would, and stays open only if the registration is accepted.
  const classMode = options.env?.classSubmit !== undefined;
  const keyRing = options.env?.keyRing ?? tabKeys;
  if (classMode) {
    assert(options.worldId !== undefined, 'class mode registers with the world id of the tab\'s key ring');
    keyRing.open({ worldId: options.worldId, partyId, loginName: data.loginName, loggedInAtMs: Date.now() }, seed);
  }
  seed.fill(0);

  const prepared: RegisterCommandInput = {
    partyId,
    loginName: data.loginName,
    loginNameKey: data.loginNameKey,
    role: data.role,
    profile: profileOf(data),
    passwordHash,
    sealed,
    publicKey,
    activationCode: code,
    store,
  };
  const result = await execute(db, registerCommand, meta, prepared, options.env);
  if (classMode && !result.ok) keyRing.forget(options.worldId!, partyId);
  if (!result.ok && result.code === 'login_name_taken') return fieldFailure({ loginName: 'login_name_taken' });
  return result;
}

/**
 * Whether a login name (as typed) is taken in the world, comparing as registration does (NFKC,
 * trimmed, any letter case): the registration form asks while the user types, in a live query.
 */
export async function loginNameTaken(db: WorldDb, loginName: string): Promise<boolean> {
  const key = normalizeLoginName(loginName);
  if (key === '') return false;
  return (await identityTables(db).users.where('loginNameKey').equals(key).count()) > 0;
}

async function sendActivationMail(tx: Parameters<typeof sendMail>[0], partyId: string, code: string, expiresAt: number): Promise<void> {
  await sendMail(tx, {
    to: partyId,
    from: 'platform',
    subject: { key: 'mail.activation.subject' },
    body: { key: 'mail.activation.body', params: { code: formatActivationCode(code), until: expiresAt } },
    ref: 'activation',
  });
}

export type ActivationOutcome =
  | { readonly outcome: 'activated' }
  | { readonly outcome: 'wrong_code'; readonly attemptsLeft: number };

export const activateAccountCommand = defineCommand<{ readonly partyId: string; readonly code: string }, ActivationOutcome, 'user_not_found' | 'account_already_active' | 'activation_code_expired' | 'activation_code_void'>({
  name: 'activateAccount',
  stores: ['users'],
  apply: async (tx, input) => {
    const { users } = identityTables(tx.db);
    const user = await users.get(input.partyId);
    if (user === undefined) return err('user_not_found');
    if (user.status === 'active') return err('account_already_active');
    const activation = user.activation;
    assert(activation !== null, 'an account waiting for activation has a code');
    if (tx.now >= activation.expiresAt) return err('activation_code_expired');
    if (activation.wrongCodes >= activationWrongCodesMax) return err('activation_code_void');
    if (!activationCodeMatches(activation.code, input.code)) {
      const wrongCodes = activation.wrongCodes + 1;
      await users.put({ ...user, activation: { ...activation, wrongCodes } });
      return ok({ outcome: 'wrong_code', attemptsLeft: activationWrongCodesMax - wrongCodes });
    }
    await users.put({ ...user, status: 'active', activation: null, activatedAt: tx.now });
    await tx.appendEvent({ type: 'identity.activated', actor: user.partyId, payload: { loginName: user.loginName } });
    return ok({ outcome: 'activated' });
  },
});

/**
 * Activates an account with the code from its mailbox. A wrong code is counted (and that count
 * is kept, so the command succeeds and reports it); after five the code is void.
 */
export async function activateAccount(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly partyId: string; readonly code: string },
  env: CommandEnv = {},
): Promise<Result<{ partyId: string }, string>> {
  const result = await execute(db, activateAccountCommand, meta, { partyId: input.partyId, code: input.code }, env);
  if (!result.ok) return result;
  if (result.value.outcome === 'wrong_code') {
    const left = result.value.attemptsLeft;
    return left > 0 ? err('activation_code_wrong', { attemptsLeft: left }) : err('activation_code_void');
  }
  return ok({ partyId: input.partyId });
}

export const resendActivationCodeCommand = defineCommand({
  name: 'resendActivationCode',
  apply: async (tx, input: { readonly partyId: string; readonly code: string }) => {
    const { users } = identityTables(tx.db);
    const user = await users.get(input.partyId);
    if (user === undefined) return err('user_not_found');
    if (user.status === 'active') return err('account_already_active');
    const expiresAt = tx.now + activationValidityMs;
    await users.put({ ...user, activation: { code: input.code, expiresAt, wrongCodes: 0 } });
    await sendActivationMail(tx, user.partyId, input.code, expiresAt);
    return ok(null);
  },
});

/** Mails a fresh code (the old one stops working), for an expired or void code. */
export async function resendActivationCode(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly partyId: string },
  options: { readonly random?: Random; readonly env?: CommandEnv } = {},
): Promise<Result<null, string>> {
  const code = makeActivationCode((options.random ?? systemRandom)(activationCodeLength));
  return execute(db, resendActivationCodeCommand, meta, { partyId: input.partyId, code }, options.env);
}
