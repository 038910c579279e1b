// A signed document: any JSON payload (an order, an e-cheque, a payment notice, a challenge
// response) with its signer's Ed25519 signature over canonicalBytes(payload) and the signer's
// certificate, so anyone holding the CA root can check who signed it (verifier.ts). Payloads
// should carry a `kind` field, so the same bytes can never mean two different things.
import { assert } from '../assert.ts';
import { bytesToHex, canonicalBytes, keyPairFromSeed, sign, type JsonValue } from '../crypto/index.ts';
import type { Certificate } from './certificates.ts';

export type SignedDocument<P extends JsonValue = JsonValue> = {
  readonly payload: P;
  /** hex, Ed25519 signature over canonicalBytes(payload) */
  readonly signature: string;
  readonly signerCertificate: Certificate;
  /** Intermediate CA certificates between the signer's and a root, if any. */
  readonly chain?: readonly Certificate[];
};

/** Signs `payload` with `seed`, the private key of `signerCertificate`. Synchronous. */
export function signDocument<P extends JsonValue>(
  payload: P,
  seed: Uint8Array,
  signerCertificate: Certificate,
  chain?: readonly Certificate[],
): SignedDocument<P> {
  const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
  // Signing with a key that is not the certificate's makes a document nobody can verify: a bug.
  assert(publicKey === signerCertificate.body.publicKey, 'seed does not belong to signerCertificate');
  const signature = bytesToHex(sign(canonicalBytes(payload), seed));
  return chain === undefined ? { payload, signature, signerCertificate } : { payload, signature, signerCertificate, chain };
}
