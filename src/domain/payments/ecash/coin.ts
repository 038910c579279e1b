// A coin (电子现金): a random serial the user chose, and the bank's blind Schnorr signature on it
// under the key of the coin's denomination. Anyone with the bank's published keys can check a coin
// offline; only the bank's spent-serials list can tell whether it was already spent (deposit.ts).
import { canonicalBytes, isHex } from '../../crypto/index.ts';
import { err, ok, type Result } from '../../result.ts';
import { isEcashDenomination, type EcashDenomination } from './denominations.ts';
import { pointFromHex, scalarFromHex, schnorrChallenge, schnorrEquationHolds } from './group.ts';
import { ecashKeyPoint, findEcashKey, type EcashPublicKey } from './keys.ts';

export const ecashCoinSerialLength = 32;
export const ecashCoinMessageContext = 'settlelab/ecash/coin/v1';

export type EcashCoinSignature = {
  /** hex, the unblinded commitment R' (a group point) */
  readonly r: string;
  /** hex, the unblinded response s' (a scalar, 32 bytes little-endian) */
  readonly s: string;
};

export type EcashCoin = {
  readonly bankId: string;
  readonly denomination: EcashDenomination;
  /** hex, 32 random bytes the withdrawing wallet drew; the bank first sees it at deposit. */
  readonly serial: string;
  readonly signature: EcashCoinSignature;
};

/** The bytes the bank's key (blindly) signs: bank, denomination and serial, as canonical JSON. */
export function ecashCoinMessage(coin: Pick<EcashCoin, 'bankId' | 'denomination' | 'serial'>): Uint8Array {
  return canonicalBytes({ context: ecashCoinMessageContext, bankId: coin.bankId, denomination: coin.denomination, serial: coin.serial });
}

export type EcashCoinProblem = 'malformed_coin' | 'unknown_denomination' | 'bad_coin_signature';

/**
 * Checks a coin against the issuing bank's published keys: s'G == R' + e'X with
 * e' = H(R' || X || ecashCoinMessage). The key is chosen by the coin's bank and denomination, so a coin
 * relabelled to another denomination is checked against a key that never signed it.
 */
export function verifyEcashCoin(coin: EcashCoin, keys: readonly EcashPublicKey[]): Result<EcashCoin, EcashCoinProblem> {
  if (coin === null || typeof coin !== 'object' || coin.signature === null || typeof coin.signature !== 'object') {
    return err('malformed_coin');
  }
  if (typeof coin.bankId !== 'string' || !isHex(coin.serial, ecashCoinSerialLength)) return err('malformed_coin');
  // Serials are compared as strings in the spent list: only lower-case keeps one coin one key.
  if (coin.serial !== coin.serial.toLowerCase()) return err('malformed_coin');
  if (!isEcashDenomination(coin.denomination)) return err('unknown_denomination', { denomination: String(coin.denomination) });
  const key = findEcashKey(keys, coin.bankId, coin.denomination);
  if (key === undefined) return err('unknown_denomination', { denomination: coin.denomination });
  // No subgroup test on R': the verification equation below implies it (see pointFromHex).
  const commitment = pointFromHex(coin.signature.r, false);
  const response = scalarFromHex(coin.signature.s);
  if (commitment === null || response === null) return err('bad_coin_signature', { serial: coin.serial });
  const publicKey = ecashKeyPoint(key);
  const challenge = schnorrChallenge(commitment, publicKey, ecashCoinMessage(coin));
  if (!schnorrEquationHolds(commitment, response, challenge, publicKey)) return err('bad_coin_signature', { serial: coin.serial });
  return ok(coin);
}
