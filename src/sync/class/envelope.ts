// The signed command envelope of a class world (issue #20). Every command a party publishes to the
// class stream is a SignedDocument (src/domain/identity/documents.ts) whose payload names the class,
// the command, its id, the acting party and its input, signed with the acting party's ed25519 key
// and carrying that party's certificate. Every replica verifies it with the one verifier against its
// world's CA roots and revocation list before applying it, so a student with a NATS client can
// neither act as someone else nor alter a command on the way: the refusal is a named code, the same
// on every replica because it depends only on the envelope and the replica's world at that point of
// the stream (never on device time).
//
// A party the CA has not certified yet (a new buyer registering, activating its account, applying
// for its certificate) signs with its key alone: the envelope carries the public key instead of a
// certificate and verifies against the key the world registered for the party, only while the
// party has never had a certificate (once it has one it signs with it; a revoked party stays
// refused). A registration, before the world knows any key of the party, is signed by the very key
// it registers (proof of possession), so nobody can register a key they do not hold.
//
// Pure: no I/O, no clock, no randomness (the caller makes the command id and passes the seed).
import {
  assert,
  bytesToHex,
  err,
  hexToBytes,
  keyPairFromSeed,
  ok,
  sign,
  verify,
  roles,
  signDocument,
  utf8Decode,
  verifySignedDocument,
  type Certificate,
  type JsonValue,
  type PassedChecks,
  type Result,
  type RevocationSource,
  type SignedDocument,
  type VerifyFailure,
} from '../../domain/index.ts';
import { canonicalBytes, isJsonSafe, isHex, publicKeyLength, signatureLength } from '../../domain/crypto/index.ts';

/** The payload's kind: a signature made for anything else (a cheque, a login) never verifies as a command. */
export const classCommandKind = 'settlelab/class-command/v1';

/** NATS refuses messages over the server's max_payload (class-server/common.conf: 1 MB). */
export const envelopeBytesMax = 1_000_000;
export const commandNameLengthMax = 100;
export const commandIdLengthMax = 128;
export const partyIdLengthMax = 128;

export type ClassCommand = {
  /** The class world's id (its class code): a command signed for one class is refused in another. */
  readonly classId: string;
  /** The pipeline's registered command name. */
  readonly name: string;
  /** Made by the sender; JetStream's message id and the pipeline's idempotency key. */
  readonly commandId: string;
  /** The party that acts; must be the signer's certificate subject. */
  readonly actor: string;
  /** The command's JSON input (randomness and device time enter here, made by the sender). */
  readonly input: JsonValue;
};

type Payload = ClassCommand & { readonly kind: typeof classCommandKind };

/** Signed by a party's certificate (every party the CA certified). */
export type CertifiedEnvelope = SignedDocument<Payload>;
/** Signed by a party's key alone, named here: a party without a certificate yet. */
export type KeySignedEnvelope = { readonly payload: Payload; readonly signature: string; readonly signerKey: string };
export type ClassEnvelope = CertifiedEnvelope | KeySignedEnvelope;

/**
 * The command that registers a party and its key (src/app/identity/registration.ts registerCommand;
 * a unit test keeps the two names equal): the one command a party with no registered key may sign.
 */
export const registrationCommandName = 'register';

export type EnvelopeRefusal =
  | 'class_envelope_malformed'
  | 'class_unsigned'
  | 'class_wrong_class'
  | 'class_message_id_mismatch'
  | 'class_certificate_untrusted'
  | 'class_certificate_expired'
  | 'class_certificate_revoked'
  | 'class_revocation_list_invalid'
  | 'class_signature_invalid'
  | 'class_actor_mismatch'
  | 'class_registration_unproven'
  | 'class_party_unknown'
  | 'class_key_mismatch'
  | 'class_certificate_required';

/** Every refusal, for the catalog test (each has a message in en and zh-CN). */
export const envelopeRefusals: readonly EnvelopeRefusal[] = [
  'class_envelope_malformed',
  'class_unsigned',
  'class_wrong_class',
  'class_message_id_mismatch',
  'class_certificate_untrusted',
  'class_certificate_expired',
  'class_certificate_revoked',
  'class_revocation_list_invalid',
  'class_signature_invalid',
  'class_actor_mismatch',
  'class_registration_unproven',
  'class_party_unknown',
  'class_key_mismatch',
  'class_certificate_required',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isClassCommand(value: unknown): value is Payload {
  return (
    isObject(value) &&
    value.kind === classCommandKind &&
    isBoundedString(value.classId, commandIdLengthMax) &&
    isBoundedString(value.name, commandNameLengthMax) &&
    isBoundedString(value.commandId, commandIdLengthMax) &&
    isBoundedString(value.actor, partyIdLengthMax) &&
    'input' in value
  );
}

/** The bytes the signature covers (RFC 8785 canonical JSON of the payload). */
export function commandSigningBytes(command: ClassCommand): Uint8Array {
  const { classId, name, commandId, actor, input } = command;
  return canonicalBytes({ kind: classCommandKind, classId, name, commandId, actor, input });
}

/**
 * Signs `command` with the actor's seed and its certificate (an assertion when they do not match),
 * or with the key alone when `certificate` is null (a party the CA has not certified yet).
 */
export function signClassCommand(command: ClassCommand, seed: Uint8Array, certificate: Certificate | null): ClassEnvelope {
  const { classId, name, commandId, actor, input } = command;
  const payload: Payload = { kind: classCommandKind, classId, name, commandId, actor, input };
  if (certificate !== null) return signDocument(payload, seed, certificate);
  return { payload, signature: bytesToHex(sign(canonicalBytes(payload), seed)), signerKey: bytesToHex(keyPairFromSeed(seed).publicKey) };
}

function isKeySigned(envelope: ClassEnvelope): envelope is KeySignedEnvelope {
  return 'signerKey' in envelope;
}

/** The message body: canonical JSON of the envelope (the same bytes whoever encodes it). */
export function encodeEnvelope(envelope: ClassEnvelope): Uint8Array {
  return canonicalBytes(envelope);
}

/**
 * Reads a stream message's body. Anything not shaped like a signed class command is refused here;
 * the signature and certificate are judged by verifyEnvelope.
 */
export function decodeEnvelope(bytes: Uint8Array): Result<ClassEnvelope, 'class_envelope_malformed' | 'class_unsigned'> {
  if (bytes.length === 0 || bytes.length > envelopeBytesMax) return err('class_envelope_malformed');
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch {
    return err('class_envelope_malformed');
  }
  if (!isObject(value) || !isJsonSafe(value)) return err('class_envelope_malformed');
  if (!isClassCommand(value.payload)) return err('class_envelope_malformed');
  // A bare command, or one with the signature or both signers stripped, is unsigned.
  if (value.signature === undefined || (value.signerCertificate === undefined && value.signerKey === undefined)) return err('class_unsigned');
  if (!isHex(value.signature, signatureLength)) return err('class_envelope_malformed');
  // One signer, never both: a certificate, or a bare key.
  if (value.signerKey !== undefined) {
    if (value.signerCertificate !== undefined || !isHex(value.signerKey, publicKeyLength)) return err('class_envelope_malformed');
  } else if (!isObject(value.signerCertificate)) return err('class_envelope_malformed');
  return ok(value as unknown as ClassEnvelope);
}

export type EnvelopeContext = {
  /** The class this replica belongs to. */
  readonly classId: string;
  /** The replica's world: its CA roots and current revocation list (identity trust). */
  readonly roots: readonly Certificate[];
  readonly crl: RevocationSource;
  /** World time (ms) at this point of the stream, from the replica's world clock. */
  readonly now: number;
  /**
   * The acting party as the replica's world knows it at this point of the stream; needed to judge
   * a key-signed envelope (the replica reads it for the decoded envelope's actor).
   */
  readonly actor?: ActorStanding;
  /**
   * The replica's remembered certificate, root and revocation-list signatures that passed before
   * (keyed by the exact bytes checked), so a command costs one signature check: its own.
   */
  readonly passedChecks?: PassedChecks;
};

/** What a replica's world says of a party, for a command signed with its key alone. */
export type ActorStanding = {
  /** The party's registered public key (hex), or null when the world has none (not registered yet). */
  readonly publicKey: string | null;
  /** Whether the CA ever certified it, and whether one of its certificates is revoked now. */
  readonly certificates: 'none' | 'held' | 'revoked';
};

export type VerifiedCommand = ClassCommand & {
  /** The signer's certificate serial and fingerprint, for the applied command's record; null when signed by the key alone. */
  readonly signerSerial: number | null;
  readonly signerFingerprint: string | null;
};

function refusalOf(failure: VerifyFailure): EnvelopeRefusal {
  switch (failure) {
    case 'malformed_document':
      return 'class_envelope_malformed';
    case 'unknown_issuer':
    case 'certificate_altered':
    case 'wrong_role':
      return 'class_certificate_untrusted';
    case 'certificate_expired':
    case 'certificate_not_yet_valid':
      return 'class_certificate_expired';
    case 'revocation_list_invalid':
      return 'class_revocation_list_invalid';
    case 'certificate_revoked':
      return 'class_certificate_revoked';
    case 'bad_signature':
      return 'class_signature_invalid';
  }
}

/**
 * Whether a decoded envelope may be applied: it is for this class, carries the message id it was
 * published under (so a re-publish under a new id cannot dodge JetStream's de-duplication), a
 * certificate the world's CA issued and has not revoked signed exactly this payload, and that
 * certificate is the acting party's. Checked in that order; the first failure names the refusal.
 */
export function verifyEnvelope(
  envelope: ClassEnvelope,
  context: EnvelopeContext,
  messageId: string | null,
): Result<VerifiedCommand, EnvelopeRefusal> {
  const { payload } = envelope;
  if (payload.classId !== context.classId) return err('class_wrong_class');
  if (messageId !== null && messageId !== payload.commandId) return err('class_message_id_mismatch');
  if (isKeySigned(envelope)) {
    assert(context.actor !== undefined, 'a key-signed command is judged with its actor\'s standing');
    return verifyKeySigned(envelope, context.actor);
  }
  const verdict = verifySignedDocument(envelope, { roots: context.roots, crl: context.crl, now: context.now, role: roles }, context.passedChecks);
  if (!verdict.ok) return err(refusalOf(verdict.code), verdict.detail);
  if (verdict.value.subject.partyId !== payload.actor) return err('class_actor_mismatch');
  const { classId, name, commandId, actor, input } = payload;
  return ok({ classId, name, commandId, actor, input, signerSerial: verdict.value.serial, signerFingerprint: verdict.value.fingerprint });
}

/**
 * A command signed with the actor's key alone: allowed only while the CA never certified the party
 * (a revoked party stays refused, a certified one signs with its certificate), against the key the
 * world registered for it, or, for a registration, the key it registers and nothing else.
 */
function verifyKeySigned(envelope: KeySignedEnvelope, actor: ActorStanding): Result<VerifiedCommand, EnvelopeRefusal> {
  const { payload, signerKey } = envelope;
  if (actor.certificates === 'revoked') return err('class_certificate_revoked', { party: payload.actor });
  if (actor.certificates === 'held') return err('class_certificate_required', { party: payload.actor });
  if (actor.publicKey === null) {
    if (payload.name !== registrationCommandName) return err('class_party_unknown', { party: payload.actor });
    // Proof of possession: the registration names the actor as the new party and is signed by the key it registers.
    const input = payload.input;
    if (!isObject(input) || input.partyId !== payload.actor || input.publicKey !== signerKey) return err('class_registration_unproven', { party: payload.actor });
  } else if (signerKey !== actor.publicKey) return err('class_key_mismatch', { party: payload.actor });
  if (!verify(hexToBytes(envelope.signature), commandSigningBytes(payload), hexToBytes(signerKey))) {
    // A registration whose signature is not the registered key's proves nothing of the key.
    return err(actor.publicKey === null ? 'class_registration_unproven' : 'class_signature_invalid', { party: payload.actor });
  }
  const { classId, name, commandId, input } = payload;
  return ok({ classId, name, commandId, actor: payload.actor, input, signerSerial: null, signerFingerprint: null });
}

/** decodeEnvelope then verifyEnvelope: what a replica does with each stream message's body. */
export function openEnvelope(bytes: Uint8Array, context: EnvelopeContext, messageId: string | null): Result<VerifiedCommand, EnvelopeRefusal> {
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) return decoded;
  return verifyEnvelope(decoded.value, context, messageId);
}

