// Online-banking challenge (网上银行 U盾 style): the bank sends a fresh random challenge, the
// customer's key (on the U盾) signs it, and the bank verifies the response with the common
// verifier. A response proves the key holder was present now: it names this challenge's nonce,
// which nobody saw before the bank drew it, and it expires quickly.
import { assert } from '../assert.ts';
import { err, type Result } from '../result.ts';
import { bytesToHex, canonicalString, isJsonSafe } from '../crypto/index.ts';
import type { Certificate } from './certificates.ts';
import { signDocument, type SignedDocument } from './documents.ts';
import { verifySignedDocument, type VerifiedSigner, type VerifyContext, type VerifyFailure } from './verifier.ts';

/** 128 bits: a nonce that is never guessed or repeated. */
export const challengeNonceLength = 16;
/** A U盾 confirmation takes seconds; five world-minutes leaves room for a slow user. */
export const challengeTtlMsDefault = 5 * 60 * 1000;

export type BankChallenge = {
  readonly kind: 'bank_challenge';
  /** hex, 16 random bytes */
  readonly nonce: string;
  readonly bankPartyId: string;
  readonly customerPartyId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
};

export type ChallengeResponsePayload = {
  readonly kind: 'bank_challenge_response';
  readonly challenge: BankChallenge;
};

export type ChallengeResponse = SignedDocument<ChallengeResponsePayload>;

export type ChallengeFailure = VerifyFailure | 'challenge_mismatch' | 'challenge_expired' | 'wrong_signer';

/** Who may answer a bank challenge: a customer, never a bank, the CA or a device. */
export const challengeSignerRoles = ['buyer', 'seller'] as const;

export function makeChallenge(
  randomBytes: Uint8Array,
  bankPartyId: string,
  customerPartyId: string,
  now: number,
  ttlMs: number = challengeTtlMsDefault,
): BankChallenge {
  assert(randomBytes instanceof Uint8Array && randomBytes.length === challengeNonceLength, `randomBytes must be ${challengeNonceLength} bytes`);
  assert(typeof bankPartyId === 'string' && bankPartyId.length > 0, 'bankPartyId is required');
  assert(typeof customerPartyId === 'string' && customerPartyId.length > 0, 'customerPartyId is required');
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  assert(Number.isSafeInteger(ttlMs) && ttlMs > 0, 'ttlMs must be a positive integer');
  return {
    kind: 'bank_challenge',
    nonce: bytesToHex(randomBytes),
    bankPartyId,
    customerPartyId,
    issuedAt: now,
    expiresAt: now + ttlMs,
  };
}

/** The customer's response: the challenge, signed with the key of `certificate`. */
export function signChallenge(challenge: BankChallenge, seed: Uint8Array, certificate: Certificate): ChallengeResponse {
  assert(challenge.kind === 'bank_challenge', 'not a bank challenge');
  return signDocument<ChallengeResponsePayload>({ kind: 'bank_challenge_response', challenge }, seed, certificate);
}

/**
 * Checks a response against the challenge the bank issued: same challenge ('challenge_mismatch'),
 * not expired at context.now ('challenge_expired'), then the common verifier with a buyer or
 * seller role, and finally that the signer is the customer the challenge was for ('wrong_signer').
 */
export function verifyChallengeResponse(
  response: ChallengeResponse,
  challenge: BankChallenge,
  context: Omit<VerifyContext, 'role'>,
): Result<VerifiedSigner, ChallengeFailure> {
  const payload: unknown = response?.payload;
  const sameChallenge =
    isJsonSafe(payload) &&
    payload !== null &&
    typeof payload === 'object' &&
    !Array.isArray(payload) &&
    (payload as { kind?: unknown }).kind === 'bank_challenge_response' &&
    isJsonSafe((payload as { challenge?: unknown }).challenge) &&
    canonicalString((payload as { challenge?: unknown }).challenge) === canonicalString(challenge);
  if (!sameChallenge) return err('challenge_mismatch');
  if (context.now >= challenge.expiresAt) return err('challenge_expired');
  const verified = verifySignedDocument(response, { ...context, role: challengeSignerRoles });
  if (!verified.ok) return verified;
  if (verified.value.subject.partyId !== challenge.customerPartyId) return err('wrong_signer');
  return verified;
}
