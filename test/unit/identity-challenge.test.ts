import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/domain/assert.ts';
import { sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  challengeTtlMsDefault,
  fingerprint,
  issueCertificate,
  makeCertificateRequest,
  makeChallenge,
  makeRevocationList,
  makeRootCertificate,
  signChallenge,
  signDocument,
  verifyChallengeResponse,
  type Certificate,
  type CertificateSubject,
  type ChallengeResponse,
} from '../../src/domain/identity/index.ts';

const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`challenge seed ${name}`));
const t0 = Date.UTC(2024, 0, 1);
const day = 86_400_000;
const caSeed = seedOf('ca');
const root = makeRootCertificate(caSeed, { name: 'SettleLab CA', partyId: 'ca:settlelab' }, t0, 3650 * day);

function issue(subject: CertificateSubject, seed: Uint8Array, serial: number): Certificate {
  const result = issueCertificate(makeCertificateRequest(subject, seed, t0), caSeed, root, serial, t0);
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

const aliceSeed = seedOf('alice');
const aliceSubject: CertificateSubject = { name: '张三', role: 'buyer', partyId: 'buyer:zhangsan' };
const alice = issue(aliceSubject, aliceSeed, 2);
const bobSeed = seedOf('bob');
const bob = issue({ name: '李四', role: 'seller', partyId: 'seller:lisi' }, bobSeed, 3);
const bankSeed = seedOf('bank');
const bank = issue({ name: '工商银行', role: 'bank', partyId: 'bank:icbc' }, bankSeed, 4);

const issuedAt = t0 + 10 * day;
const nonce = new Uint8Array(16).fill(7);
const challenge = makeChallenge(nonce, 'bank:icbc', 'buyer:zhangsan', issuedAt, 60_000);
const context = { roots: [root], crl: makeRevocationList(caSeed, root, [], t0), now: issuedAt + 1_000 };

describe('online-banking challenge', () => {
  it('makes a challenge from 16 random bytes with an expiry', () => {
    expect(challenge).toEqual({
      kind: 'bank_challenge',
      nonce: '07'.repeat(16),
      bankPartyId: 'bank:icbc',
      customerPartyId: 'buyer:zhangsan',
      issuedAt,
      expiresAt: issuedAt + 60_000,
    });
    expect(makeChallenge(nonce, 'bank:icbc', 'buyer:zhangsan', issuedAt).expiresAt).toBe(issuedAt + challengeTtlMsDefault);
    expect(() => makeChallenge(new Uint8Array(8), 'bank:icbc', 'buyer:zhangsan', issuedAt)).toThrow(AssertionError);
  });

  it('accepts the customer\'s signed response', () => {
    const response = signChallenge(challenge, aliceSeed, alice);
    expect(verifyChallengeResponse(response, challenge, context)).toEqual({
      ok: true,
      value: { subject: aliceSubject, serial: 2, fingerprint: fingerprint(alice) },
    });
  });

  it('challenge_expired at expiresAt, accepted one ms before', () => {
    const response = signChallenge(challenge, aliceSeed, alice);
    expect(verifyChallengeResponse(response, challenge, { ...context, now: challenge.expiresAt - 1 }).ok).toBe(true);
    expect(verifyChallengeResponse(response, challenge, { ...context, now: challenge.expiresAt })).toEqual({ ok: false, code: 'challenge_expired' });
  });

  it('challenge_mismatch: a response to another challenge (replay) or not a response at all', () => {
    const old = makeChallenge(new Uint8Array(16).fill(1), 'bank:icbc', 'buyer:zhangsan', issuedAt - 100_000, 60_000);
    const replay = signChallenge(old, aliceSeed, alice);
    expect(verifyChallengeResponse(replay, challenge, context)).toEqual({ ok: false, code: 'challenge_mismatch' });
    const otherBank = signChallenge({ ...challenge, bankPartyId: 'bank:boc' }, aliceSeed, alice);
    expect(verifyChallengeResponse(otherBank, challenge, context)).toEqual({ ok: false, code: 'challenge_mismatch' });
    const notAResponse = signDocument({ kind: 'order', challenge }, aliceSeed, alice) as unknown as ChallengeResponse;
    expect(verifyChallengeResponse(notAResponse, challenge, context)).toEqual({ ok: false, code: 'challenge_mismatch' });
  });

  it('uses the common verifier: forged signature, wrong role', () => {
    const response = signChallenge(challenge, aliceSeed, alice);
    const forged = { ...response, signature: response.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    expect(verifyChallengeResponse(forged, challenge, context)).toEqual({ ok: false, code: 'bad_signature' });
    const byBank = signChallenge({ ...challenge, customerPartyId: 'bank:icbc' }, bankSeed, bank);
    expect(verifyChallengeResponse(byBank, { ...challenge, customerPartyId: 'bank:icbc' }, context)).toMatchObject({
      ok: false,
      code: 'wrong_role',
    });
  });

  it('wrong_signer: another customer answering someone else\'s challenge', () => {
    const response = signChallenge(challenge, bobSeed, bob);
    expect(verifyChallengeResponse(response, challenge, context)).toEqual({ ok: false, code: 'wrong_signer' });
  });

  it('asserts the signing key belongs to the certificate', () => {
    expect(() => signChallenge(challenge, bobSeed, alice)).toThrow(AssertionError);
  });
});
