// Mutual authentication: every Mondex message is checked with the one verifier
// (verifySignedDocument): chain to a trusted CA root, certificate signature, dates, revocation,
// role 'device', then the message signature. On top of it, the signer's certificate must name the
// party the message claims to come from, and that party must be of the expected kind (card ids
// start with 'card:', device ids with 'pos:'), so one card cannot pose as a merchant device.
//
// Failure names: a certificate from no CA we trust is 'unknown_device' when a card checks a device
// and 'unknown_card' when a device checks a card (the verifier's 'unknown_issuer'); every other
// verifier failure keeps its name ('certificate_revoked', 'certificate_expired', 'bad_signature').
import { err, ok, type Result } from '../../result.ts';
import {
  verifySignedDocument,
  type Certificate,
  type RevocationSource,
  type SignedDocument,
  type VerifyFailure,
} from '../../identity/index.ts';
import { isMondexPayload, type MondexPayload } from './messages.ts';
import { merchantDeviceIdPrefix, smartCardIdPrefix } from './records.ts';

export type MondexAuthContext = {
  readonly roots: readonly Certificate[];
  readonly crl: RevocationSource;
  /** World time at which certificates are judged. */
  readonly now: number;
};

export type MondexAuthFailure =
  | Exclude<VerifyFailure, 'unknown_issuer' | 'malformed_document'>
  | 'unknown_device'
  | 'unknown_card'
  | 'malformed_message'
  | 'wrong_party';

export type MondexPeer = 'card' | 'device';

/**
 * Verifies a message from a `peer` of kind `kind`; `claimedId` picks the payload field naming the
 * sender (cardId for a card, deviceId for a device). Returns the payload when every check passes.
 */
export function verifyMondexMessage<P extends MondexPayload>(
  doc: SignedDocument,
  kind: P['kind'],
  peer: MondexPeer,
  context: MondexAuthContext,
): Result<P, MondexAuthFailure> {
  if (doc === null || typeof doc !== 'object' || !isMondexPayload(doc.payload, kind)) return err('malformed_message');
  const verified = verifySignedDocument(doc, { roots: context.roots, crl: context.crl, now: context.now, role: 'device' });
  if (!verified.ok) {
    if (verified.code === 'unknown_issuer') return err(peer === 'card' ? 'unknown_card' : 'unknown_device', verified.detail);
    if (verified.code === 'malformed_document') return err('malformed_message');
    return err(verified.code, verified.detail);
  }
  const payload = doc.payload as P;
  const claimed = peer === 'card' ? (payload as { cardId: string }).cardId : (payload as { deviceId: string }).deviceId;
  const prefix = peer === 'card' ? smartCardIdPrefix : merchantDeviceIdPrefix;
  if (verified.value.subject.partyId !== claimed || !claimed.startsWith(prefix)) {
    return err('wrong_party', { signer: verified.value.subject.partyId });
  }
  return ok(payload);
}
