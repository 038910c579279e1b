// The wallet's half of a blind withdrawal (SCHEME.md):
//   start:   draw the serial and the blinding factors a, b.
//   blind:   from the bank's R compute R' = R + aG + bX, e' = H(R' || X || m), send e = e' + b.
//   unblind: from the bank's s check sG == R + eX, then s' = s + a; the coin is (m, R', s').
// Then s'G = (k + e·x + a)G = R + aG + (e' + b)X = R' + e'X: a valid signature on m the bank
// never saw. The wallet row holds a and b only until unblinding; the coin row does not carry
// them, and the wallet must drop the withdrawal row afterwards, since a and b are exactly what
// would link the coin to the bank's session row.
import { assert } from '../../assert.ts';
import { assertBytes, bytesToHex } from '../../crypto/index.ts';
import { err, ok, type Result } from '../../result.ts';
import { ecashCoinMessage, ecashCoinSerialLength, verifyEcashCoin, type EcashCoin } from './coin.ts';
import { isEcashDenomination, type EcashDenomination } from './denominations.ts';
import {
  baseTimes,
  mod,
  pointFromHex,
  pointToHex,
  scalarFromBytes,
  scalarFromHex,
  scalarRandomLength,
  scalarToHex,
  schnorrChallenge,
  schnorrEquationHolds,
  secretTimes,
} from './group.ts';
import { ecashKeyPoint, type EcashPublicKey } from './keys.ts';
import type { EcashBlindedChallenge, EcashBlindResponse, EcashNonceCommitment } from './withdrawal-bank.ts';

/** Random bytes for one withdrawal: 32 for the serial, then 64 each for a and b. */
export const ecashWithdrawalRandomLength = ecashCoinSerialLength + 2 * scalarRandomLength;

type WithdrawalBase = {
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  /** hex, the coin's serial */
  readonly serial: string;
  /** hex scalars: the blinding factors, secret to the wallet */
  readonly blindA: string;
  readonly blindB: string;
};

export type EcashWalletWithdrawal =
  | (WithdrawalBase & { readonly status: 'started' })
  | (WithdrawalBase & {
      readonly status: 'blinded';
      readonly sessionId: string;
      /** the bank's R */
      readonly r: string;
      /** R' = R + aG + bX */
      readonly rPrime: string;
      /** e' = H(R' || X || m): the challenge of the final signature */
      readonly challenge: string;
      /** e = e' + b: what the bank was sent */
      readonly blindedChallenge: string;
    });

/** Starts a withdrawal of one coin; `random` is ecashWithdrawalRandomLength fresh random bytes. */
export function ecashStartWithdrawal(bankId: string, denomination: EcashDenomination, random: Uint8Array): EcashWalletWithdrawal {
  assert(bankId.length > 0, 'bankId required');
  assert(isEcashDenomination(denomination), `unknown denomination ${String(denomination)}`);
  assertBytes(random, ecashWithdrawalRandomLength, 'random');
  const serial = bytesToHex(random.subarray(0, ecashCoinSerialLength));
  const a = scalarFromBytes(random.subarray(ecashCoinSerialLength, ecashCoinSerialLength + scalarRandomLength));
  const b = scalarFromBytes(random.subarray(ecashCoinSerialLength + scalarRandomLength));
  return { status: 'started', bankId, denomination, serial, blindA: scalarToHex(a), blindB: scalarToHex(b) };
}

function secretScalar(hex: string): bigint {
  const value = scalarFromHex(hex);
  assert(value !== null, 'wallet blinding factor is malformed');
  return value;
}

/**
 * Blinds the challenge for the bank's commitment R. 'bad_commitment' when R is not a valid group
 * element (a torsion component in R would survive blinding and could tag the coin) or the
 * commitment names another bank or denomination.
 */
export function ecashBlindChallenge(
  withdrawal: EcashWalletWithdrawal,
  commitment: EcashNonceCommitment,
  key: EcashPublicKey,
): Result<{ withdrawal: EcashWalletWithdrawal; request: EcashBlindedChallenge }, 'bad_commitment'> {
  assert(withdrawal.status === 'started', 'blind a started withdrawal');
  assert(key.bankId === withdrawal.bankId && key.denomination === withdrawal.denomination, 'key of another bank or denomination');
  // The commitment comes from the bank: one naming another bank or value is refused, not trusted.
  if (commitment.bankId !== withdrawal.bankId || commitment.denomination !== withdrawal.denomination) return err('bad_commitment');
  const r = pointFromHex(commitment.r);
  if (r === null) return err('bad_commitment');
  const publicKey = ecashKeyPoint(key);
  const a = secretScalar(withdrawal.blindA);
  const b = secretScalar(withdrawal.blindB);
  const rPrime = r.add(baseTimes(a)).add(secretTimes(publicKey, b));
  // R' = 0 happens only if a and b were chosen to cancel R: probability ~2^-252.
  assert(!rPrime.is0(), 'blinded commitment is the identity');
  const challenge = schnorrChallenge(rPrime, publicKey, ecashCoinMessage(withdrawal));
  const blinded = mod(challenge + b);
  return ok({
    withdrawal: {
      ...withdrawal,
      status: 'blinded',
      sessionId: commitment.sessionId,
      r: commitment.r.toLowerCase(),
      rPrime: pointToHex(rPrime),
      challenge: scalarToHex(challenge),
      blindedChallenge: scalarToHex(blinded),
    },
    request: { sessionId: commitment.sessionId, challenge: scalarToHex(blinded) },
  });
}

/**
 * Unblinds the bank's response into a coin. 'bad_blind_signature' when s does not satisfy
 * sG == R + eX: the bank used another key or answered another challenge, and the wallet keeps
 * the evidence (it paid for a coin it did not get).
 */
export function ecashUnblind(withdrawal: EcashWalletWithdrawal, response: EcashBlindResponse, key: EcashPublicKey): Result<EcashCoin, 'bad_blind_signature'> {
  assert(withdrawal.status === 'blinded', 'unblind a blinded withdrawal');
  assert(response.sessionId === withdrawal.sessionId, 'response for another session');
  assert(key.bankId === withdrawal.bankId && key.denomination === withdrawal.denomination, 'key of another bank or denomination');
  const s = scalarFromHex(response.s);
  if (s === null) return err('bad_blind_signature');
  const r = pointFromHex(withdrawal.r);
  assert(r !== null, 'stored commitment was checked when blinding');
  const publicKey = ecashKeyPoint(key);
  const blinded = secretScalar(withdrawal.blindedChallenge);
  if (!schnorrEquationHolds(r, s, blinded, publicKey)) return err('bad_blind_signature');
  const sPrime = mod(s + secretScalar(withdrawal.blindA));
  const coin: EcashCoin = {
    bankId: withdrawal.bankId,
    denomination: withdrawal.denomination,
    serial: withdrawal.serial,
    signature: { r: withdrawal.rPrime, s: scalarToHex(sPrime) },
  };
  // The algebra above guarantees this; checking it catches a bug before the wallet stores a dud.
  assert(verifyEcashCoin(coin, [key]).ok, 'unblinded coin does not verify');
  return ok(coin);
}
