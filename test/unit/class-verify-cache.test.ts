// A replica remembers the certificate, root and revocation-list signatures that passed
// (PassedChecks), so a stream command costs one signature check, its own. The cache must never
// accept what a fresh check refuses: a revocation published after the certificate was remembered,
// a certificate swapped for another with the same serial and party, a forged list.
import { describe, expect, it, vi } from 'vitest';
import * as crypto from '../../src/domain/crypto/index.ts';
import { bytesToHex, keyPairFromSeed, sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import { PassedChecks, type Certificate, type RevocationList } from '../../src/domain/identity/index.ts';
import { encodeEnvelope, openEnvelope, signClassCommand, type ClassCommand, type EnvelopeContext } from '../../src/sync/class/envelope.ts';
import { dayMs, makeClassCa, t0, type TestParty } from '../support/class-identities.ts';

// Counts the engine's signature checks: every verifier reaches noble through this module's verify.
vi.mock('../../src/domain/crypto/index.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/domain/crypto/index.ts')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});
const verifyCalls = (): number => vi.mocked(crypto.verify).mock.calls.length;

const ca = makeClassCa();
const buyer = ca.party('buyer-1', 'buyer');
const seller = ca.party('seller-1', 'seller');
const base = { classId: 'demo', roots: [ca.root], crl: ca.crl(), now: t0 + dayMs };

let ids = 0;
function sealed(party: TestParty = buyer, certificate: Certificate = party.certificate): Uint8Array {
  const command: ClassCommand = { classId: 'demo', name: 'setCartQuantity', commandId: `cmd-${++ids}`, actor: party.partyId, input: { sku: 'tea', quantity: 1 } };
  return encodeEnvelope(signClassCommand(command, party.seed, certificate));
}

/** The cached verdict, after checking it equals a fresh verifier's. */
function judged(bytes: Uint8Array, context: EnvelopeContext, passed: PassedChecks) {
  const fresh = openEnvelope(bytes, context, null);
  const cached = openEnvelope(bytes, { ...context, passedChecks: passed }, null);
  expect(cached).toEqual(fresh);
  return cached;
}

describe('remembered certificate and list checks (PassedChecks)', () => {
  it('checks a certificate, the root and the list once, then one signature per command', () => {
    const passed = new PassedChecks();
    const context = { ...base, passedChecks: passed };
    let before = verifyCalls();
    expect(openEnvelope(sealed(), context, null).ok).toBe(true);
    // The buyer's certificate, the root's self-signature, the revocation list, the command.
    expect(verifyCalls() - before).toBe(4);
    for (let i = 0; i < 3; i++) {
      before = verifyCalls();
      expect(openEnvelope(sealed(), context, null).ok).toBe(true);
      expect(verifyCalls() - before).toBe(1);
    }
    // Another party's certificate: its own signature and its command; the root and list are known.
    before = verifyCalls();
    expect(openEnvelope(sealed(seller), context, null).ok).toBe(true);
    expect(verifyCalls() - before).toBe(2);
    // A new list (even the same entries re-signed later) is checked once.
    before = verifyCalls();
    expect(openEnvelope(sealed(), { ...context, crl: ca.crl([], t0 + 1) }, null).ok).toBe(true);
    expect(verifyCalls() - before).toBe(2);
    expect(passed.verified).toBe(4 + 3 + 2 + 2);
  });

  it('refuses a certificate revoked after it was remembered, from the revocation time on', () => {
    const passed = new PassedChecks();
    expect(judged(sealed(), base, passed).ok).toBe(true);
    const revokedAt = t0 + 2 * dayMs;
    const crl = ca.crl([{ serial: buyer.certificate.body.serial, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(judged(sealed(), { ...base, crl, now: revokedAt - 1 }, passed).ok).toBe(true);
    expect(judged(sealed(), { ...base, crl, now: revokedAt }, passed)).toMatchObject({ ok: false, code: 'class_certificate_revoked' });
    // Still refused on every later command, the certificate's signature long remembered.
    expect(judged(sealed(), { ...base, crl, now: revokedAt + dayMs }, passed)).toMatchObject({ ok: false, code: 'class_certificate_revoked' });
  });

  it('refuses a certificate swapped for another with the same serial and party', () => {
    const passed = new PassedChecks();
    expect(judged(sealed(), base, passed).ok).toBe(true);
    // The attacker's key in the buyer's certificate, under the CA's signature of the genuine one.
    const attackerSeed = sha256(utf8Encode('attacker'));
    const swapped: Certificate = { ...buyer.certificate, body: { ...buyer.certificate.body, publicKey: bytesToHex(keyPairFromSeed(attackerSeed).publicKey) } };
    const attacker: TestParty = { partyId: buyer.partyId, seed: attackerSeed, certificate: swapped };
    expect(judged(sealed(attacker), base, passed)).toMatchObject({ ok: false, code: 'class_certificate_untrusted' });
    // The same serial and party issued by another CA with the same name.
    const impostor = makeClassCa('SettleLab CA', 'impostor').party('buyer-1', 'buyer');
    expect(impostor.certificate.body.serial).toBe(buyer.certificate.body.serial);
    expect(judged(sealed(impostor), base, passed)).toMatchObject({ ok: false, code: 'class_certificate_untrusted' });
    // A changed date under the genuine signature.
    const extended: Certificate = { ...buyer.certificate, body: { ...buyer.certificate.body, notAfter: buyer.certificate.body.notAfter + dayMs } };
    expect(judged(sealed(buyer, extended), base, passed)).toMatchObject({ ok: false, code: 'class_certificate_untrusted' });
    // The genuine one still opens.
    expect(judged(sealed(), base, passed).ok).toBe(true);
  });

  it('refuses a forged list after the genuine one was remembered', () => {
    const passed = new PassedChecks();
    const revokedAt = t0 + dayMs / 2;
    const genuine = ca.crl([{ serial: buyer.certificate.body.serial, reason: 'key_compromise', revokedAt }], revokedAt);
    expect(judged(sealed(seller), { ...base, crl: genuine }, passed).ok).toBe(true);
    expect(judged(sealed(), { ...base, crl: genuine }, passed)).toMatchObject({ ok: false, code: 'class_certificate_revoked' });
    // The buyer's entry removed under the genuine list's signature.
    const stripped: RevocationList = { ...genuine, entries: [] };
    expect(judged(sealed(), { ...base, crl: stripped }, passed)).toMatchObject({ ok: false, code: 'class_revocation_list_invalid' });
    // A list signed by a stranger's key in the CA's name.
    const stranger = makeClassCa('SettleLab CA', 'impostor');
    expect(judged(sealed(seller), { ...base, crl: stranger.crl([], revokedAt) }, passed).ok).toBe(false);
  });

  it('forgets the oldest check past its limit and verifies it again', () => {
    const passed = new PassedChecks(2);
    const context = { ...base, passedChecks: passed };
    expect(openEnvelope(sealed(), context, null).ok).toBe(true);
    expect(passed.size).toBe(2);
    const before = verifyCalls();
    expect(openEnvelope(sealed(), context, null).ok).toBe(true);
    expect(verifyCalls() - before).toBeGreaterThan(1);
    expect(passed.size).toBe(2);
  });
});
