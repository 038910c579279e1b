// The bank's half of a blind withdrawal (SCHEME.md): one signing session per coin.
//   1. ecashBankCommitNonce: picks a secret nonce k, stores it in the session row, sends R = kG.
//   2. ecashBankSignBlinded: gets the blinded challenge e, returns s = k + e·x, debits the
//      customer's account by the denomination, and erases k.
// The bank never sees the serial, R' or e': what it keeps is the session row (ecashBankWithdrawalView).
//
// Two rules keep the bank's key safe:
// - A session signs at most once. Two responses s1 = k + e1·x and s2 = k + e2·x under the same
//   nonce give x = (s1 - s2) / (e1 - e2). The status moves open -> signed exactly once, and k is
//   erased when the session closes, so even a copy of the closed row cannot be signed again.
// - At most one OPEN session per denomination key at a time. The ROS attack (Benhamouda, Lepoint,
//   Loss, Orrù, Raykova, EUROCRYPT 2021) forges one more signature than it was issued once it can
//   hold about log2(n) ≈ 253 sessions open at once (Wagner's generalized birthday attack needs
//   far fewer for sub-exponential cost). With sessions strictly one after another the attack does
//   not apply. A session left open (the wallet went away) blocks the key only until it expires.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { assertBytes, utf8Encode } from '../../crypto/index.ts';
import { minuteMs } from '../../world/clock.ts';
import { paymentLedgerCodes, paymentTransfer, type PaymentLedgerEffect } from '../wallet/ledger-effects.ts';
import { denominationMoney, type EcashDenomination } from './denominations.ts';
import { baseTimes, mod, pointFromHex, pointToHex, scalarFromHash, scalarFromHex, scalarRandomLength, scalarToHex, schnorrEquationHolds } from './group.ts';
import { ecashKeyPoint, ecashSecretOf, type EcashPublicKey, type EcashSigningKey } from './keys.ts';

/** An open session is abandoned after this long without a challenge: a vanished wallet must not block the key. */
export const ecashSigningSessionTimeoutMs = 5 * minuteMs;
/** Open sessions allowed per denomination key at once: 1, so sessions never run concurrently (ROS). */
export const ecashOpenSessionsPerKeyMax = 1;
/** Sessions the bank passes in per call (its open ones for the key): bounds the scan. */
export const ecashSessionsScanMax = 10_000;
export const ecashSessionIdLengthMax = 128;
const nonceTag = 'settlelab/ecash/signing-nonce/v1';

export type EcashSigningSessionStatus = 'open' | 'signed' | 'abandoned';

/** The bank's row for one blind signing session. */
export type EcashSigningSession = {
  readonly sessionId: string;
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  readonly keyId: string;
  /** The customer (party id) whose deposit account pays for the coin. */
  readonly account: string;
  readonly status: EcashSigningSessionStatus;
  /** hex, R = kG, sent to the wallet */
  readonly r: string;
  /** hex, the secret nonce k while open; null once signed or abandoned (erased on purpose). */
  readonly nonce: string | null;
  /** hex, the blinded challenge e the wallet sent (signed sessions only) */
  readonly challenge: string | null;
  /** hex, s = k + e·x (signed sessions only) */
  readonly response: string | null;
  readonly openedAt: number;
  readonly expiresAt: number;
  readonly closedAt: number | null;
};

/** Bank -> wallet: the session's commitment R. */
export type EcashNonceCommitment = {
  readonly sessionId: string;
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  readonly r: string;
};

/** Wallet -> bank: the blinded challenge e. */
export type EcashBlindedChallenge = { readonly sessionId: string; readonly challenge: string };

/** Bank -> wallet: the blind signature's response s. */
export type EcashBlindResponse = { readonly sessionId: string; readonly s: string };

export type EcashCommitNonceInput = {
  readonly sessionId: string;
  readonly account: string;
  readonly key: EcashSigningKey;
  /** 64 random bytes (scalarRandomLength). */
  readonly nonceRandom: Uint8Array;
  readonly now: number;
};

function isOpenAt(session: EcashSigningSession, now: number): boolean {
  return session.status === 'open' && now < session.expiresAt;
}

/**
 * Opens a signing session. `openSessions` are the bank's sessions still marked open (any key): a
 * live one on the same key refuses the new session with 'signing_session_busy'.
 */
export function ecashBankCommitNonce(
  openSessions: readonly EcashSigningSession[],
  input: EcashCommitNonceInput,
): Result<{ session: EcashSigningSession; commitment: EcashNonceCommitment }, 'signing_session_busy' | 'session_exists'> {
  const { sessionId, account, key, nonceRandom, now } = input;
  assert(sessionId.length > 0 && sessionId.length <= ecashSessionIdLengthMax, 'sessionId length');
  assert(account.length > 0, 'account required');
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  assertBytes(nonceRandom, scalarRandomLength, 'nonceRandom');
  assert(openSessions.length <= ecashSessionsScanMax, `at most ${ecashSessionsScanMax} sessions per call`);
  if (openSessions.some((s) => s.sessionId === sessionId)) return err('session_exists', { sessionId });
  const live = openSessions.filter((s) => s.keyId === key.keyId && isOpenAt(s, now));
  if (live.length >= ecashOpenSessionsPerKeyMax) return err('signing_session_busy', { denomination: key.denomination });

  const secret = ecashSecretOf(key);
  // Hedged nonce: the secret key and the session id are hashed in with the random bytes, so a
  // broken random source still gives different nonces to different sessions of this key.
  const nonce = scalarFromHash(nonceTag, utf8Encode(key.secretScalar), utf8Encode(sessionId), nonceRandom);
  assert(secret !== nonce, 'nonce equals the key');
  const r = pointToHex(baseTimes(nonce));
  const session: EcashSigningSession = {
    sessionId,
    bankId: key.bankId,
    denomination: key.denomination,
    keyId: key.keyId,
    account,
    status: 'open',
    r,
    nonce: scalarToHex(nonce),
    challenge: null,
    response: null,
    openedAt: now,
    expiresAt: now + ecashSigningSessionTimeoutMs,
    closedAt: null,
  };
  return ok({ session, commitment: { sessionId, bankId: key.bankId, denomination: key.denomination, r } });
}

export type EcashSignBlindedProblem = 'session_not_open' | 'signing_session_expired' | 'malformed_challenge';

/**
 * Signs the wallet's blinded challenge: s = k + e·x. Returns the closed session (k erased), the
 * response for the wallet, and the ledger effect debiting the customer's account by the coin's
 * value into the bank's e-cash liability. If the ledger refuses (insufficient funds) the app rolls
 * the whole command back, so the response never leaves the bank and the session stays open.
 */
export function ecashBankSignBlinded(
  session: EcashSigningSession,
  request: EcashBlindedChallenge,
  key: EcashSigningKey,
  now: number,
): Result<{ session: EcashSigningSession; response: EcashBlindResponse; effects: PaymentLedgerEffect[] }, EcashSignBlindedProblem> {
  assert(request.sessionId === session.sessionId, 'challenge for another session');
  assert(key.keyId === session.keyId, 'signing key is not the session key');
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  if (session.status !== 'open') return err('session_not_open', { sessionId: session.sessionId });
  if (now >= session.expiresAt) return err('signing_session_expired', { sessionId: session.sessionId });
  const challenge = scalarFromHex(request.challenge);
  if (challenge === null) return err('malformed_challenge');
  const nonce = scalarFromHex(session.nonce);
  assert(nonce !== null && nonce !== 0n, 'open session must hold its nonce');
  const secret = ecashSecretOf(key);
  const s = mod(nonce + challenge * secret);

  const signed: EcashSigningSession = {
    ...session,
    status: 'signed',
    nonce: null,
    challenge: scalarToHex(challenge),
    response: scalarToHex(s),
    closedAt: now,
  };
  const amount = denominationMoney(session.denomination);
  const effects = [
    paymentTransfer(
      `ecash:withdraw:${session.sessionId}`,
      { role: 'bank_deposit', bankId: session.bankId, partyId: session.account },
      { role: 'ecash_outstanding', bankId: session.bankId },
      amount,
      paymentLedgerCodes.ecashWithdraw,
      { sessionId: session.sessionId, denomination: session.denomination },
    ),
  ];
  return ok({ session: signed, response: { sessionId: session.sessionId, s: scalarToHex(s) }, effects });
}

/** Closes an open session without signing (timeout, or the wallet gave up); erases the nonce. */
export function ecashBankAbandonSession(session: EcashSigningSession, now: number): EcashSigningSession {
  assert(session.status === 'open', 'only an open session can be abandoned');
  return { ...session, status: 'abandoned', nonce: null, closedAt: now };
}

/** The open sessions past their expiry, abandoned (for the scheduler's sweep). */
export function ecashAbandonExpiredSessions(sessions: readonly EcashSigningSession[], now: number): EcashSigningSession[] {
  assert(sessions.length <= ecashSessionsScanMax, `at most ${ecashSessionsScanMax} sessions per call`);
  return sessions.filter((s) => s.status === 'open' && now >= s.expiresAt).map((s) => ecashBankAbandonSession(s, now));
}

/** What the bank stores about a withdrawal: all it ever learns there (SCHEME.md, "who sees what"). */
export type EcashBankWithdrawalView = {
  readonly account: string;
  readonly denomination: EcashDenomination;
  readonly r: string;
  readonly e: string;
  readonly s: string;
  readonly at: number;
};

export function ecashBankWithdrawalView(session: EcashSigningSession): EcashBankWithdrawalView {
  assert(session.status === 'signed', 'only a signed session has a withdrawal view');
  assert(session.challenge !== null && session.response !== null && session.closedAt !== null, 'signed session is complete');
  return {
    account: session.account,
    denomination: session.denomination,
    r: session.r,
    e: session.challenge,
    s: session.response,
    at: session.closedAt,
  };
}

/**
 * Whether a signed session's answer holds against the bank's published key: s·G = R + e·X, the
 * check the wallet makes before it unblinds. It shows the bank did sign e, and nothing about the
 * coin the wallet made from it.
 */
export function ecashBlindSignatureHolds(view: Pick<EcashBankWithdrawalView, 'r' | 'e' | 's'>, key: EcashPublicKey): boolean {
  const commitment = pointFromHex(view.r);
  const challenge = scalarFromHex(view.e);
  const response = scalarFromHex(view.s);
  if (commitment === null || challenge === null || response === null) return false;
  return schnorrEquationHolds(commitment, response, challenge, ecashKeyPoint(key));
}
