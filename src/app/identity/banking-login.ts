import {
  assert,
  bytesToHex,
  challengeNonceLength,
  challengeSignerRoles,
  err,
  hexToBytes,
  jsonSafetyProblem,
  keyPairFromSeed,
  makeChallenge,
  ok,
  signChallenge,
  verifyChallengeResponse,
  type BankChallenge,
  type ChallengeResponse,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import type { CommandEnv, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { readTrust, systemRandom, type Random } from './common.ts';
import { onlineBankingIdleMs, tabKeys, type KeyRing, type OnlineBankingSession } from './keys.ts';
import { latestCertificateOf } from './ca.ts';
import { registerSignedDocumentSource } from './audit.ts';

// Online-banking login with a certificate (网上银行, U盾 style). The bank's page draws a fresh
// challenge; the customer's tab signs it with the key opened at login (the U盾); the bank checks
// the response with the one verifier (signer role buyer or seller, chain to the root, validity,
// revocation) and accepts it, or refuses and names why. The bank records the answered challenge
// (with the signed response, for the signature audit), but the SESSION it opens lives only in the
// customer's tab (the key ring, keys.ts): never in the world database or a world file, ended by
// logout, lapsing after 30 device-minutes idle. A command acting with online banking checks the
// session in its wrapper (checkBankingSession: the tab's ring) and puts what that proved in its
// input; its `apply` then checks the certificate against the world (sessionInTx).

/** How long an online-banking session lasts without use, in device time. */
export const onlineBankingSessionMs = onlineBankingIdleMs;

/** What the bank accepted: the customer's tab opens its session from this. */
export type BankLoginGrant = { readonly id: string; readonly bankId: string; readonly partyId: string; readonly serial: number; readonly at: number };

export type BankingOptions = {
  readonly commandId?: string;
  readonly env?: CommandEnv;
  readonly keyRing?: KeyRing;
  readonly random?: Random;
};

function idOf(options: BankingOptions, name: string): string {
  return options.commandId ?? `${name}:${bytesToHex((options.random ?? systemRandom)(16))}`;
}

/** Step 1, the bank: a fresh challenge for this customer (the nonce is drawn by the wrapper, hex). */
export const startOnlineBankingLoginCommand = defineCommand({
  name: 'startOnlineBankingLogin',
  apply: async (tx, input: { readonly bankId: string; readonly partyId: string; readonly nonce: string }) => {
    const bank = await tx.db.parties.get(input.bankId);
    if (bank?.kind !== 'bank') return err('not_a_bank');
    const customer = await tx.db.parties.get(input.partyId);
    if (customer === undefined || !(challengeSignerRoles as readonly string[]).includes(customer.kind)) return err('not_a_customer');
    const challenge = makeChallenge(hexToBytes(input.nonce), input.bankId, input.partyId, tx.now);
    const { bankChallenges } = identityTables(tx.db);
    if ((await bankChallenges.get(challenge.nonce)) !== undefined) return err('challenge_reused');
    await bankChallenges.add({ id: challenge.nonce, bankId: input.bankId, partyId: input.partyId, challenge, status: 'open', refusal: null });
    return ok(challenge);
  },
});

/** Step 1, the bank: a fresh challenge for this customer. */
export async function startOnlineBankingLogin(
  db: WorldDb,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<Result<BankChallenge, string>> {
  // The nonce is the command's randomness: drawn here, so replay makes the same challenge.
  const nonce = bytesToHex((options.random ?? systemRandom)(challengeNonceLength));
  return execute(db, startOnlineBankingLoginCommand, { id: idOf(options, 'challenge'), actor: input.bankId }, { bankId: input.bankId, partyId: input.partyId, nonce }, options.env);
}

/** Step 2, the customer's tab: sign the challenge with the logged-in key (the U盾). */
export async function answerChallenge(
  db: WorldDb,
  worldId: string,
  challenge: BankChallenge,
  options: BankingOptions = {},
): Promise<Result<ChallengeResponse, string>> {
  const seed = (options.keyRing ?? tabKeys).seed(worldId, challenge.customerPartyId);
  if (seed === null) return err('login_required');
  const certificate = await latestCertificateOf(db, challenge.customerPartyId);
  // Without a certificate there is nothing for the bank to check: no online banking. An applicant
  // whose application still waits for the CA is told to wait, not to apply again.
  if (certificate === undefined) {
    const pending = await identityTables(db).certificateRequests.where('partyId').equals(challenge.customerPartyId).filter((r) => r.status === 'pending').count();
    return err(pending > 0 ? 'certificate_not_issued' : 'certificate_required');
  }
  if (bytesToHex(keyPairFromSeed(seed).publicKey) !== certificate.certificate.body.publicKey) return err('key_mismatch');
  return ok(signChallenge(challenge, seed, certificate.certificate));
}

type Verdict =
  | { readonly outcome: 'accepted'; readonly grant: BankLoginGrant }
  | { readonly outcome: 'refused'; readonly code: string; readonly detail?: Readonly<Record<string, string | number>> };

/**
 * Step 3, the bank: verify the response and open a session, or refuse with the verifier's reason.
 * A challenge is answered once, either way: the refusal is recorded (so the command succeeds) and
 * the wrapper returns it as the error. The signature is ed25519 (deterministic, @noble, synchronous):
 * checked inside the transaction against the trust store as it is then, and again the same on replay.
 */
export const completeOnlineBankingLoginCommand = defineCommand({
  name: 'completeOnlineBankingLogin',
  apply: async (tx, input: { readonly bankId: string; readonly response: ChallengeResponse }): Promise<Result<Verdict, 'challenge_unknown' | 'challenge_used' | 'identities_not_set_up'>> => {
    const nonce = input.response.payload.challenge.nonce;
    const t = identityTables(tx.db);
    const row = await t.bankChallenges.get(nonce);
    if (row === undefined || row.bankId !== input.bankId) return err('challenge_unknown');
    if (row.status !== 'open') return err('challenge_used');
    const trust = await readTrust(tx.db);
    if (trust === null) return err('identities_not_set_up');
    const verdict = verifyChallengeResponse(input.response, row.challenge, { roots: trust.roots, crl: trust.crl, now: tx.now });
    if (!verdict.ok) {
      await t.bankChallenges.put({ ...row, status: 'refused', refusal: verdict.code });
      await tx.appendEvent({ type: 'banking.login_refused', actor: input.bankId, parties: [row.partyId], payload: { customer: row.partyId, reason: verdict.code } });
      tx.notify({ to: [row.partyId], kind: 'banking.login_refused', ref: input.bankId });
      return ok(verdict.detail === undefined ? { outcome: 'refused', code: verdict.code } : { outcome: 'refused', code: verdict.code, detail: verdict.detail });
    }
    // The answered challenge keeps the signed response (evidence for the signature audit); the
    // session itself is opened by the customer's tab in its key ring, not here.
    await t.bankChallenges.put({ ...row, status: 'accepted', response: input.response });
    const grant: BankLoginGrant = { id: nonce, bankId: input.bankId, partyId: row.partyId, serial: verdict.value.serial, at: tx.now };
    // The certificate's end of validity (world time): the feed's sentence says until when it is good for logging in.
    const until = input.response.signerCertificate.body.notAfter;
    await tx.appendEvent({ type: 'banking.login', actor: input.bankId, parties: [row.partyId], payload: { customer: row.partyId, serial: grant.serial, until } });
    return ok({ outcome: 'accepted', grant });
  },
});

export async function completeOnlineBankingLogin(
  db: WorldDb,
  input: { readonly bankId: string; readonly response: ChallengeResponse },
  options: BankingOptions = {},
): Promise<Result<BankLoginGrant, string>> {
  const nonce = input.response?.payload?.challenge?.nonce;
  if (typeof nonce !== 'string') return err('challenge_mismatch');
  // A response that is not plain JSON was not made by a signer (it came over the wire malformed):
  // it answers no challenge, and the log could not carry it.
  if (jsonSafetyProblem(input.response) !== null) return err('challenge_mismatch');
  const result = await execute(db, completeOnlineBankingLoginCommand, { id: idOf(options, 'bank-login'), actor: input.bankId }, { bankId: input.bankId, response: input.response }, options.env);
  if (!result.ok) return result;
  if (result.value.outcome === 'refused') return err(result.value.code, result.value.detail ? { ...result.value.detail } : undefined);
  return ok(result.value.grant);
}

export type OnlineBankingLogin = {
  readonly challenge: BankChallenge;
  readonly response: ChallengeResponse | null;
  readonly session: OnlineBankingSession | null;
};

/** The whole U盾 login, as the customer's tab runs it: challenge, signature, verification. */
export async function onlineBankingLogin(
  db: WorldDb,
  worldId: string,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<{ readonly steps: Partial<OnlineBankingLogin>; readonly result: Result<OnlineBankingSession, string> }> {
  const keyRing = options.keyRing ?? tabKeys;
  if (keyRing.seed(worldId, input.partyId) === null) return { steps: {}, result: err('login_required') };
  const challenge = await startOnlineBankingLogin(db, input, { ...options, commandId: undefined });
  if (!challenge.ok) return { steps: {}, result: challenge };
  const response = await answerChallenge(db, worldId, challenge.value, options);
  if (!response.ok) return { steps: { challenge: challenge.value }, result: response };
  const accepted = await completeOnlineBankingLogin(db, { bankId: input.bankId, response: response.value }, { ...options, commandId: undefined });
  if (!accepted.ok) return { steps: { challenge: challenge.value, response: response.value, session: null }, result: accepted };
  // The party may have logged out while the bank was checking: then there is no session to open.
  if (keyRing.seed(worldId, input.partyId) === null) return { steps: { challenge: challenge.value, response: response.value, session: null }, result: err('login_required') };
  const session = keyRing.openBanking({ worldId, partyId: input.partyId, bankId: input.bankId, id: accepted.value.id, serial: accepted.value.serial });
  return { steps: { challenge: challenge.value, response: response.value, session }, result: ok(session) };
}

export type OnlineBankingProblem = 'online_banking_required' | 'online_banking_expired' | 'certificate_revoked';

/**
 * What the customer's tab proved about its online-banking session before a command ran (docs/pipeline.md
 * rule 4: the key ring is tab state, so it is read by the wrapper, never inside `apply`): the live
 * session's id and certificate serial, or why there is none. Plain JSON: it travels in the input and
 * the log records it.
 */
export type BankingSessionCheck =
  | { readonly ok: true; readonly bankId: string; readonly partyId: string; readonly id: string; readonly serial: number }
  | { readonly ok: false; readonly code: 'online_banking_required' | 'online_banking_expired' };

/**
 * The wrapper's half: the tab's key ring (`env.keyRing`, else this tab's) holds a live online-banking
 * session of this party with this bank in this world (opened by a U盾 login in this tab, not ended,
 * not lapsed; no database row counts). A live session counts as used.
 */
export async function checkBankingSession(db: WorldDb, env: CommandEnv, bankId: string, partyId: string): Promise<BankingSessionCheck> {
  const worldId = (await db.meta.get('worldId'))?.value;
  assert(typeof worldId === 'string', 'every world knows its id');
  const live = (env.keyRing ?? tabKeys).useBanking(worldId, partyId, bankId);
  if (!live.ok) return { ok: false, code: live.code };
  return { ok: true, bankId, partyId, id: live.value.id, serial: live.value.serial };
}

/**
 * The command's half, inside its transaction (`apply`): the wrapper's check found a session of this
 * party with this bank, and the certificate that opened it is not revoked at world time `tx.now`.
 * Reads only the world and the input, so replay decides the same.
 */
export async function sessionInTx(tx: Pick<Tx, 'db' | 'now'>, check: BankingSessionCheck | undefined, bankId: string, partyId: string): Promise<Result<{ readonly id: string; readonly serial: number }, OnlineBankingProblem>> {
  if (check === undefined) return err('online_banking_required');
  if (!check.ok) return err(check.code);
  if (check.bankId !== bankId || check.partyId !== partyId) return err('online_banking_required');
  const trust = await readTrust(tx.db);
  assert(trust !== null, 'a session exists only where identities do');
  const entry = trust.crl.entries.find((e) => e.serial === check.serial);
  if (entry !== undefined && entry.revokedAt <= tx.now) return err('certificate_revoked', { serial: check.serial, reason: entry.reason });
  return ok({ id: check.id, serial: check.serial });
}

/**
 * Both halves at once, for code that has the tab's env at hand (tests, and commands not yet on the
 * pipeline: inside `apply` use sessionInTx with a check the wrapper made).
 */
export async function requireOnlineBanking(tx: Pick<Tx, 'db' | 'env' | 'now'>, bankId: string, partyId: string): Promise<Result<OnlineBankingSession, OnlineBankingProblem>> {
  const worldId = (await tx.db.meta.get('worldId'))?.value;
  assert(typeof worldId === 'string', 'every world knows its id');
  const live = (tx.env.keyRing ?? tabKeys).useBanking(worldId, partyId, bankId);
  if (!live.ok) return live;
  const proved = await sessionInTx(tx, { ok: true, bankId, partyId, id: live.value.id, serial: live.value.serial }, bankId, partyId);
  return proved.ok ? ok(live.value) : proved;
}

/** Records the end of the customer's session with the bank (the tab closed it in its key ring). */
export const logoutOnlineBankingCommand = defineCommand({
  name: 'logoutOnlineBanking',
  apply: async (tx, input: { readonly bankId: string }) => {
    await tx.appendEvent({ type: 'banking.logout', actor: tx.meta.actor, parties: [input.bankId], payload: { bank: input.bankId } });
    return ok(null);
  },
});

/** Ends the customer's session with the bank in this tab (recorded as an event). */
export async function logoutOnlineBanking(
  db: WorldDb,
  worldId: string,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<Result<null, string>> {
  if (!(options.keyRing ?? tabKeys).closeBanking(worldId, input.partyId, input.bankId)) return err('online_banking_required');
  return execute(db, logoutOnlineBankingCommand, { id: idOf(options, 'bank-logout'), actor: input.partyId }, { bankId: input.bankId }, options.env);
}

registerSignedDocumentSource({
  name: 'online-banking',
  load: async (db, limit) => {
    // The accepted challenges with their signed responses (sessions themselves are never stored).
    const answered = await identityTables(db).bankChallenges.filter((c) => c.status === 'accepted' && c.response !== undefined).limit(limit).toArray();
    return answered.map((c) => ({ ref: c.id, doc: c.response!, role: challengeSignerRoles, at: c.challenge.issuedAt }));
  },
});
