// One examination of the drawer's signature, shared by the payee's checklist and the drawer's
// bank, so both read the same facts. It gathers, without stopping at the first problem:
//   - whether the body has the shape writeCheque gives it, and its capitals match its figures;
//   - whether the signature verifies with the key in the enclosed certificate (the raw check);
//   - the one verifier's verdict (identity/verifier.ts) at the cheque's date, with any role
//     allowed (the role is the bank's own question: see presentment.ts).
// The certificate is judged at the cheque's date, as FSTC's eCheck and the issue ask: a cheque
// written while the certificate was good stays good after it expires. Back-dating to dodge an
// expiry or revocation buys little: presentment refuses a cheque older than its period anyway.

import { hexToBytes, isHex, isJsonSafe, canonicalBytes, publicKeyLength, signatureLength, verify } from '../../crypto/index.ts';
import { roles, verifySignedDocument, type Certificate, type RevocationSource, type VerifyResult } from '../../identity/index.ts';
import { amountWordsMatch, isWellFormedChequeBody, type SignedCheque } from './cheque.ts';
import { isRecord } from './fields.ts';

/** Whom the verifying party trusts: its CA roots and the revocations it knows of. */
export type ChequeTrust = { readonly roots: readonly Certificate[]; readonly crl: RevocationSource };

export type DrawerSignatureFacts = {
  readonly bodyWellFormed: boolean;
  /** null when the body is not well formed (there are no figures to compare). */
  readonly wordsMatch: boolean | null;
  readonly signatureValid: boolean;
  /** null when the document itself is not well formed enough to judge. */
  readonly verdict: VerifyResult | null;
};

/** Ed25519 over the canonical payload with the enclosed certificate's key; false for any malformed part. */
function rawSignatureValid(doc: { readonly payload: unknown; readonly signature: unknown; readonly signerCertificate: unknown }): boolean {
  const certificate = doc.signerCertificate;
  if (!isRecord(certificate) || !isRecord(certificate.body)) return false;
  const publicKey = certificate.body.publicKey;
  if (!isHex(doc.signature, signatureLength) || !isHex(publicKey, publicKeyLength) || !isJsonSafe(doc.payload)) return false;
  // Only the form signDocument writes (lower-case hex): an upper-cased copy verifies the same but
  // hashes differently, so it would be a second instrument made from one signature.
  if (doc.signature !== doc.signature.toLowerCase()) return false;
  return verify(hexToBytes(doc.signature), canonicalBytes(doc.payload), hexToBytes(publicKey));
}

export function examineDrawerSignature(cheque: SignedCheque, trust: ChequeTrust): DrawerSignatureFacts {
  const well = isRecord(cheque) && isWellFormedChequeBody(cheque.payload);
  const wordsMatch = well ? amountWordsMatch(cheque.payload) : null;
  const signatureValid = isRecord(cheque) && rawSignatureValid(cheque);
  // The verifier needs a date to judge at; without a well-formed body there is none.
  const verdict = well ? verifySignedDocument(cheque, { roots: trust.roots, crl: trust.crl, now: cheque.payload.date, role: roles }) : null;
  return { bodyWellFormed: well, wordsMatch, signatureValid, verdict };
}

export type DrawerVerdictClass = 'ok' | 'fictitious' | 'not_yet_valid' | 'expired' | 'revoked' | 'bad_signature' | 'wrong_role';

/**
 * Which check a verifier verdict belongs to. The verifier stops at its first problem, in its own
 * order (chain, certificate signatures, dates, revocation, role, document signature), so a
 * verdict in a later class means every earlier class passed.
 */
export function classifyDrawerVerdict(verdict: VerifyResult): DrawerVerdictClass {
  if (verdict.ok) return 'ok';
  switch (verdict.code) {
    case 'malformed_document':
    case 'unknown_issuer':
    case 'certificate_altered':
      return 'fictitious';
    case 'certificate_not_yet_valid':
      return 'not_yet_valid';
    case 'certificate_expired':
      return 'expired';
    // A revocation list whose signature fails cannot show the certificate is NOT revoked; a
    // bank that cannot establish that refuses, as it would for a revoked one.
    case 'revocation_list_invalid':
    case 'certificate_revoked':
      return 'revoked';
    case 'wrong_role':
      return 'wrong_role';
    case 'bad_signature':
      return 'bad_signature';
  }
}
