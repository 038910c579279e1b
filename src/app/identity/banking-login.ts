import Dexie from 'dexie';
import {
  assert,
  bytesToHex,
  challengeNonceLength,
  challengeSignerRoles,
  err,
  keyPairFromSeed,
  makeChallenge,
  minuteMs,
  ok,
  signChallenge,
  verifyChallengeResponse,
  type BankChallenge,
  type ChallengeResponse,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type BankSessionRow } from '../../storage/identity-tables.ts';
import { runCommand, type CommandEnv } from '../command.ts';
import { readTrust, systemRandom, type Random } from './common.ts';
import { tabKeys, type KeyRing } from './keys.ts';
import { latestCertificateOf } from './ca.ts';
import { registerSignedDocumentSource } from './audit.ts';

// Online-banking login with a certificate (网上银行, U盾 style). The bank's page draws a fresh
// challenge; the customer's tab signs it with the key opened at login (the U盾); the bank checks
// the response with the one verifier (signer role buyer or seller, chain to the root, validity,
// revocation) and opens a session that lasts thirty world-minutes, or refuses and names why.
// Later features (accounts, transfers) ask requireOnlineBanking before acting.

/** How long an online-banking session lasts without a new login. */
export const onlineBankingSessionMs = 30 * minuteMs;

export type BankingOptions = {
  readonly commandId?: string;
  readonly env?: CommandEnv;
  readonly keyRing?: KeyRing;
  readonly random?: Random;
};

function idOf(options: BankingOptions, name: string): string {
  return options.commandId ?? `${name}:${bytesToHex((options.random ?? systemRandom)(16))}`;
}

/** Step 1, the bank: a fresh challenge for this customer. */
export async function startOnlineBankingLogin(
  db: WorldDb,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<Result<BankChallenge, string>> {
  const nonce = (options.random ?? systemRandom)(challengeNonceLength);
  return runCommand(db, 'startOnlineBankingLogin', { id: idOf(options, 'challenge'), actor: input.bankId }, async (tx) => {
    const bank = await tx.db.parties.get(input.bankId);
    if (bank?.kind !== 'bank') return err('not_a_bank');
    const customer = await tx.db.parties.get(input.partyId);
    if (customer === undefined || !(challengeSignerRoles as readonly string[]).includes(customer.kind)) return err('not_a_customer');
    const challenge = makeChallenge(nonce, input.bankId, input.partyId, tx.now);
    const { bankChallenges } = identityTables(tx.db);
    if ((await bankChallenges.get(challenge.nonce)) !== undefined) return err('challenge_reused');
    await bankChallenges.add({ id: challenge.nonce, bankId: input.bankId, partyId: input.partyId, challenge, status: 'open', refusal: null });
    return ok(challenge);
  }, options.env);
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
  // Without a certificate there is nothing for the bank to check: no online banking.
  if (certificate === undefined) return err('certificate_required');
  if (bytesToHex(keyPairFromSeed(seed).publicKey) !== certificate.certificate.body.publicKey) return err('key_mismatch');
  return ok(signChallenge(challenge, seed, certificate.certificate));
}

type Verdict =
  | { readonly outcome: 'accepted'; readonly session: BankSessionRow }
  | { readonly outcome: 'refused'; readonly code: string; readonly detail?: Readonly<Record<string, string | number>> };

/**
 * Step 3, the bank: verify the response and open a session, or refuse with the verifier's reason.
 * A challenge is answered once, either way: the refusal is recorded (so the command succeeds) and
 * returned as the error.
 */
export async function completeOnlineBankingLogin(
  db: WorldDb,
  input: { readonly bankId: string; readonly response: ChallengeResponse },
  options: BankingOptions = {},
): Promise<Result<BankSessionRow, string>> {
  const nonce = input.response?.payload?.challenge?.nonce;
  if (typeof nonce !== 'string') return err('challenge_mismatch');
  const result = await runCommand<Verdict>(db, 'completeOnlineBankingLogin', { id: idOf(options, 'bank-login'), actor: input.bankId }, async (tx) => {
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
    await t.bankChallenges.put({ ...row, status: 'accepted' });
    // One open session per customer and bank: a new login ends the previous one.
    const previous = await t.bankSessions
      .where('[bankId+partyId+openedAt]')
      .between([input.bankId, row.partyId, Dexie.minKey], [input.bankId, row.partyId, Dexie.maxKey])
      .filter((s) => s.closedAt === null)
      .toArray();
    for (const s of previous) await t.bankSessions.put({ ...s, closedAt: tx.now });
    const session: BankSessionRow = {
      id: nonce,
      bankId: input.bankId,
      partyId: row.partyId,
      openedAt: tx.now,
      expiresAt: tx.now + onlineBankingSessionMs,
      serial: verdict.value.serial,
      response: input.response,
      closedAt: null,
    };
    await t.bankSessions.add(session);
    await tx.appendEvent({ type: 'banking.login', actor: input.bankId, parties: [row.partyId], payload: { customer: row.partyId, serial: session.serial, until: session.expiresAt } });
    return ok({ outcome: 'accepted', session });
  }, options.env);
  if (!result.ok) return result;
  if (result.value.outcome === 'refused') return err(result.value.code, result.value.detail ? { ...result.value.detail } : undefined);
  return ok(result.value.session);
}

export type OnlineBankingLogin = {
  readonly challenge: BankChallenge;
  readonly response: ChallengeResponse | null;
  readonly session: BankSessionRow | null;
};

/** The whole U盾 login, as the customer's tab runs it: challenge, signature, verification. */
export async function onlineBankingLogin(
  db: WorldDb,
  worldId: string,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<{ readonly steps: Partial<OnlineBankingLogin>; readonly result: Result<BankSessionRow, string> }> {
  const keyRing = options.keyRing ?? tabKeys;
  if (keyRing.seed(worldId, input.partyId) === null) return { steps: {}, result: err('login_required') };
  const challenge = await startOnlineBankingLogin(db, input, { ...options, commandId: undefined });
  if (!challenge.ok) return { steps: {}, result: challenge };
  const response = await answerChallenge(db, worldId, challenge.value, options);
  if (!response.ok) return { steps: { challenge: challenge.value }, result: response };
  const result = await completeOnlineBankingLogin(db, { bankId: input.bankId, response: response.value }, { ...options, commandId: undefined });
  return { steps: { challenge: challenge.value, response: response.value, session: result.ok ? result.value : null }, result };
}

export type OnlineBankingProblem = 'online_banking_required' | 'online_banking_expired' | 'certificate_revoked';

/** The customer's latest online-banking session with the bank (open or not). */
export async function latestBankSession(db: WorldDb, bankId: string, partyId: string): Promise<BankSessionRow | undefined> {
  return identityTables(db)
    .bankSessions.where('[bankId+partyId+openedAt]')
    .between([bankId, partyId, Dexie.minKey], [bankId, partyId, Dexie.maxKey])
    .last();
}

/**
 * For later banking commands (inside or outside a transaction): the customer has an open session
 * with the bank at world time `now`, and the certificate that opened it is not revoked since.
 */
export async function requireOnlineBanking(db: WorldDb, bankId: string, partyId: string, now: number): Promise<Result<BankSessionRow, OnlineBankingProblem>> {
  const session = await latestBankSession(db, bankId, partyId);
  if (session === undefined || session.closedAt !== null) return err('online_banking_required');
  if (now >= session.expiresAt) return err('online_banking_expired', { expiresAt: session.expiresAt });
  const trust = await readTrust(db);
  assert(trust !== null, 'a session exists only where identities do');
  const entry = trust.crl.entries.find((e) => e.serial === session.serial);
  if (entry !== undefined && entry.revokedAt <= now) return err('certificate_revoked', { serial: session.serial, reason: entry.reason });
  return ok(session);
}

/** Ends the customer's session with the bank. */
export async function logoutOnlineBanking(
  db: WorldDb,
  input: { readonly bankId: string; readonly partyId: string },
  options: BankingOptions = {},
): Promise<Result<null, string>> {
  return runCommand(db, 'logoutOnlineBanking', { id: idOf(options, 'bank-logout'), actor: input.partyId }, async (tx) => {
    const session = await latestBankSession(tx.db, input.bankId, input.partyId);
    if (session === undefined || session.closedAt !== null) return err('online_banking_required');
    await identityTables(tx.db).bankSessions.put({ ...session, closedAt: tx.now });
    await tx.appendEvent({ type: 'banking.logout', actor: input.partyId, parties: [input.bankId], payload: { bank: input.bankId } });
    return ok(null);
  }, options.env);
}

registerSignedDocumentSource({
  name: 'online-banking',
  load: async (db, limit) => {
    const sessions = await identityTables(db).bankSessions.limit(limit).toArray();
    return sessions.map((s) => ({ ref: s.id, doc: s.response, role: challengeSignerRoles, at: s.openedAt }));
  },
});
