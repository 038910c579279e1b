import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/domain/crypto/index.ts';
import { signDocument } from '../../src/domain/identity/index.ts';
import {
  commandSigningBytes,
  decodeEnvelope,
  encodeEnvelope,
  envelopeRefusals,
  openEnvelope,
  signClassCommand,
  verifyEnvelope,
  registrationCommandName,
  type ActorStanding,
  type CertifiedEnvelope,
  type ClassCommand,
} from '../../src/sync/class/envelope.ts';
import { registerCommand } from '../../src/app/identity/registration.ts';
import { bytesToHex, keyPairFromSeed } from '../../src/domain/crypto/index.ts';
import { classNames, isClassCode } from '../../src/sync/class/subjects.ts';
import { linkProblems, queueProblems } from '../../src/sync/class/transport.ts';
import { replicaRefusals } from '../../src/sync/class/replica.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';
import { dayMs, makeClassCa, t0 } from '../support/class-identities.ts';

const ca = makeClassCa();
const buyer = ca.party('buyer-1', 'buyer');
const seller = ca.party('seller-1', 'seller');
const context = { classId: 'demo', roots: [ca.root], crl: ca.crl(), now: t0 + dayMs };

const command: ClassCommand = {
  classId: 'demo',
  name: 'market.placeOrder',
  commandId: 'cmd-0001',
  actor: 'buyer-1',
  input: { storeId: 'store-1', items: [{ sku: 'tea', quantity: 2 }], note: '送货前请打电话' },
};

function sealed(c: ClassCommand = command, party = buyer): Uint8Array {
  return encodeEnvelope(signClassCommand(c, party.seed, party.certificate));
}

describe('class command envelope', () => {
  it('signs the canonical bytes of the command: the same command gives the same bytes in any key order', () => {
    const reordered: ClassCommand = { input: { note: '送货前请打电话', items: [{ quantity: 2, sku: 'tea' }], storeId: 'store-1' }, actor: 'buyer-1', commandId: 'cmd-0001', name: 'market.placeOrder', classId: 'demo' };
    expect(commandSigningBytes(reordered)).toEqual(commandSigningBytes(command));
    expect(sealed(reordered)).toEqual(sealed(command));
  });

  it('opens a command signed by its actor, naming the signer', () => {
    const opened = openEnvelope(sealed(), context, 'cmd-0001');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value).toMatchObject({ ...command, signerSerial: buyer.certificate.body.serial });
  });

  it('refuses a changed input, name or id under the original signature (class_signature_invalid)', () => {
    const envelope = signClassCommand(command, buyer.seed, buyer.certificate);
    const changes: CertifiedEnvelope['payload'][] = [
      { ...envelope.payload, input: { ...(command.input as object), items: [{ sku: 'tea', quantity: 20 }] } },
      { ...envelope.payload, name: 'market.cancelOrder' },
      { ...envelope.payload, commandId: 'cmd-0002' },
    ];
    for (const payload of changes) {
      const forged = encodeEnvelope({ ...envelope, payload });
      expect(openEnvelope(forged, context, null)).toMatchObject({ ok: false, code: 'class_signature_invalid' });
    }
  });

  it('refuses a command signed with the signer\'s own key but claiming another actor (class_actor_mismatch)', () => {
    const claiming = sealed({ ...command, actor: 'seller-1' }, buyer);
    expect(openEnvelope(claiming, context, 'cmd-0001')).toMatchObject({ ok: false, code: 'class_actor_mismatch' });
    // ...and a seller's certificate with the buyer's key cannot be made: signDocument asserts.
    expect(() => signClassCommand(command, buyer.seed, seller.certificate)).toThrow();
  });

  it('refuses an unsigned or signature-stripped command (class_unsigned)', () => {
    const bare = utf8Encode(JSON.stringify({ payload: { kind: 'settlelab/class-command/v1', ...command } }));
    expect(openEnvelope(bare, context, null)).toMatchObject({ ok: false, code: 'class_unsigned' });
    const envelope = signClassCommand(command, buyer.seed, buyer.certificate) as CertifiedEnvelope;
    const stripped = utf8Encode(JSON.stringify({ payload: envelope.payload, signerCertificate: envelope.signerCertificate }));
    expect(openEnvelope(stripped, context, null)).toMatchObject({ ok: false, code: 'class_unsigned' });
  });

  it('refuses bytes that are not a class command (class_envelope_malformed)', () => {
    for (const body of ['', 'not json', '[]', '{"payload":{}}', JSON.stringify({ payload: { ...command } })]) {
      expect(decodeEnvelope(utf8Encode(body))).toMatchObject({ ok: false, code: 'class_envelope_malformed' });
    }
    // A document of another kind, signed by the same party, is not a command.
    const cheque = signDocument({ kind: 'echeque', ...command }, buyer.seed, buyer.certificate);
    expect(openEnvelope(utf8Encode(JSON.stringify(cheque)), context, null)).toMatchObject({ ok: false, code: 'class_envelope_malformed' });
  });

  it('refuses a command of another class, or published under another message id', () => {
    expect(openEnvelope(sealed({ ...command, classId: 'other' }), context, null)).toMatchObject({ ok: false, code: 'class_wrong_class' });
    expect(openEnvelope(sealed(), context, 'cmd-9999')).toMatchObject({ ok: false, code: 'class_message_id_mismatch' });
  });

  it('refuses a revoked certificate from the time of revocation on (class_certificate_revoked)', () => {
    const revokedAt = t0 + 2 * dayMs;
    const crl = ca.crl([{ serial: buyer.certificate.body.serial, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(openEnvelope(sealed(), { ...context, crl, now: revokedAt - 1 }, null).ok).toBe(true);
    expect(openEnvelope(sealed(), { ...context, crl, now: revokedAt }, null)).toMatchObject({ ok: false, code: 'class_certificate_revoked' });
  });

  it('refuses a certificate another CA issued, and an expired one', () => {
    const stranger = makeClassCa('Some other CA').party('buyer-1', 'buyer');
    expect(openEnvelope(sealed(command, stranger), context, null)).toMatchObject({ ok: false, code: 'class_certificate_untrusted' });
    const late = { ...context, now: buyer.certificate.body.notAfter };
    expect(openEnvelope(sealed(), late, null)).toMatchObject({ ok: false, code: 'class_certificate_expired' });
  });

  it('verifyEnvelope gives the same verdict as openEnvelope on the decoded value', () => {
    const decoded = decodeEnvelope(sealed());
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(verifyEnvelope(decoded.value, context, null)).toEqual(openEnvelope(sealed(), context, null));
  });

  it('names every refusal and link problem in en and zh-CN', () => {
    for (const code of [...envelopeRefusals, ...linkProblems, ...queueProblems, ...replicaRefusals]) {
      expect(en[`error.${code}` as keyof typeof en], code).toBeTruthy();
      expect(zhCN[`error.${code}` as keyof typeof zhCN], code).toBeTruthy();
    }
  });
});

describe('a command signed by the key alone (a party without a certificate yet)', () => {
  const publicKeyOf = (seed: Uint8Array) => bytesToHex(keyPairFromSeed(seed).publicKey);
  const newcomer = { partyId: 'u-newcomer', seed: buyer.seed, publicKey: publicKeyOf(buyer.seed) };
  const registered: ActorStanding = { publicKey: newcomer.publicKey, certificates: 'none' };
  const unknown: ActorStanding = { publicKey: null, certificates: 'none' };
  const activate: ClassCommand = { classId: 'demo', name: 'activateAccount', commandId: 'cmd-0002', actor: newcomer.partyId, input: { partyId: newcomer.partyId, code: '1234567890' } };
  const registration = (publicKey: string, partyId = newcomer.partyId): ClassCommand => ({ classId: 'demo', name: 'register', commandId: 'cmd-0003', actor: newcomer.partyId, input: { partyId, publicKey } });
  const keySigned = (c: ClassCommand, seed: Uint8Array) => encodeEnvelope(signClassCommand(c, seed, null));

  it('names the registration command as the app defines it', () => {
    expect(registrationCommandName).toBe(registerCommand.name);
  });

  it('opens a command of a registered, uncertified party signed by its registered key', () => {
    const opened = openEnvelope(keySigned(activate, newcomer.seed), { ...context, actor: registered }, 'cmd-0002');
    expect(opened).toMatchObject({ ok: true, value: { ...activate, signerSerial: null, signerFingerprint: null } });
  });

  it('opens a registration signed by the key it registers (proof of possession), and no other', () => {
    expect(openEnvelope(keySigned(registration(newcomer.publicKey), newcomer.seed), { ...context, actor: unknown }, null).ok).toBe(true);
    // Registering someone else's key (here the seller's), signed by one's own: refused.
    expect(openEnvelope(keySigned(registration(publicKeyOf(seller.seed)), newcomer.seed), { ...context, actor: unknown }, null)).toMatchObject({ ok: false, code: 'class_registration_unproven' });
    // Registering another party than the one sending it.
    expect(openEnvelope(keySigned(registration(newcomer.publicKey, 'u-someone'), newcomer.seed), { ...context, actor: unknown }, null)).toMatchObject({ ok: false, code: 'class_registration_unproven' });
    // The registered key named in the envelope, but the signature made by another key.
    const forged = { ...(signClassCommand(registration(newcomer.publicKey), seller.seed, null) as object), signerKey: newcomer.publicKey };
    expect(openEnvelope(encodeEnvelope(forged as never), { ...context, actor: unknown }, null)).toMatchObject({ ok: false, code: 'class_registration_unproven' });
  });

  it('refuses a command claiming an uncertified party signed by another key, or for a party with no key', () => {
    expect(openEnvelope(keySigned(activate, seller.seed), { ...context, actor: registered }, null)).toMatchObject({ ok: false, code: 'class_key_mismatch' });
    const claimed = { ...(signClassCommand(activate, seller.seed, null) as object), signerKey: newcomer.publicKey };
    expect(openEnvelope(encodeEnvelope(claimed as never), { ...context, actor: registered }, null)).toMatchObject({ ok: false, code: 'class_signature_invalid' });
    expect(openEnvelope(keySigned(activate, newcomer.seed), { ...context, actor: unknown }, null)).toMatchObject({ ok: false, code: 'class_party_unknown' });
  });

  it('refuses the bare key of a party the CA certified (it signs with the certificate) or revoked (it stays refused)', () => {
    expect(openEnvelope(keySigned(activate, newcomer.seed), { ...context, actor: { ...registered, certificates: 'held' } }, null)).toMatchObject({ ok: false, code: 'class_certificate_required' });
    expect(openEnvelope(keySigned(activate, newcomer.seed), { ...context, actor: { ...registered, certificates: 'revoked' } }, null)).toMatchObject({ ok: false, code: 'class_certificate_revoked' });
  });

  it('refuses an envelope carrying both a certificate and a bare key', () => {
    const both = { ...signClassCommand(command, buyer.seed, buyer.certificate), signerKey: newcomer.publicKey };
    expect(decodeEnvelope(utf8Encode(JSON.stringify(both)))).toMatchObject({ ok: false, code: 'class_envelope_malformed' });
  });
});

describe('class names', () => {
  it('maps a class code to its stream, subjects and bucket, one to one', () => {
    expect(classNames('demo')).toEqual({
      code: 'demo',
      stream: 'SETTLELAB_DEMO',
      commandSubject: 'settlelab.demo.cmd',
      checkpointSubject: 'settlelab.demo.checkpoint',
      snapshotBucket: 'settlelab-demo-snapshots',
    });
    expect(classNames('room-3b').stream).toBe('SETTLELAB_ROOM_3B');
    for (const bad of ['', 'Demo', 'a.b', 'a*', '-a', 'a_b', 'x'.repeat(33)]) expect(isClassCode(bad), bad).toBe(false);
  });
});
