import { describe, expect, it } from 'vitest';
import { concatBytes, sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  ecashAbandonExpiredSessions,
  ecashBankCommitNonce,
  ecashBankDeposit,
  ecashBankDepositView,
  ecashBankKeysFromSeed,
  ecashBankSignBlinded,
  ecashBankWithdrawalView,
  ecashBlindChallenge,
  ecashCoinMessage,
  ecashPublicKeyOf,
  ecashSigningSessionTimeoutMs,
  ecashStartWithdrawal,
  ecashUnblind,
  ecashWithdrawalRandomLength,
  findEcashKey,
  verifyEcashCoin,
  type EcashCoin,
  type EcashDenomination,
  type EcashSigningKey,
  type EcashSigningSession,
} from '../../src/domain/payments/index.ts';
import {
  baseTimes,
  groupOrder,
  mod,
  pointFromHex,
  pointToHex,
  publicTimes,
  scalarFromHex,
  scalarToHex,
  schnorrChallenge,
} from '../../src/domain/payments/ecash/group.ts';

/** Deterministic "random" bytes: SHA-256 blocks of a label, so every run draws the same. */
function bytesOf(label: string, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(sha256(utf8Encode(`${label}#${i}`)));
  return concatBytes(...blocks).slice(0, length);
}

const bankId = 'bank:icbc';
const keys = ecashBankKeysFromSeed(bankId, bytesOf('icbc seed', 32));
const publicKeys = keys.map(ecashPublicKeyOf);
const otherBankKeys = ecashBankKeysFromSeed(bankId, bytesOf('impostor seed', 32)).map(ecashPublicKeyOf);
const t0 = Date.UTC(2026, 0, 5, 1);

function keyOf(denomination: EcashDenomination): EcashSigningKey {
  const key = findEcashKey(keys, bankId, denomination);
  if (key === undefined) throw new Error(denomination);
  return key;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

/** The whole blind withdrawal of one coin. */
function withdraw(denomination: EcashDenomination, label: string, account = 'buyer:zhang', now = t0): { coin: EcashCoin; session: EcashSigningSession } {
  const key = keyOf(denomination);
  const wallet = ecashStartWithdrawal(bankId, denomination, bytesOf(`wallet ${label}`, ecashWithdrawalRandomLength));
  const opened = unwrap(ecashBankCommitNonce([], { sessionId: `s-${label}`, account, key, nonceRandom: bytesOf(`nonce ${label}`, 64), now }));
  const blinded = unwrap(ecashBlindChallenge(wallet, opened.commitment, ecashPublicKeyOf(key)));
  const signed = unwrap(ecashBankSignBlinded(opened.session, blinded.request, key, now + 1000));
  const coin = unwrap(ecashUnblind(blinded.withdrawal, signed.response, ecashPublicKeyOf(key)));
  return { coin, session: signed.session };
}

function flipHex(hex: string, at = 0): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

describe('bank keys', () => {
  it('derives a distinct key per denomination, the same every time from the same seed', () => {
    expect(keys).toHaveLength(7);
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(7);
    expect(ecashBankKeysFromSeed(bankId, bytesOf('icbc seed', 32))).toEqual(keys);
    expect(otherBankKeys.map((k) => k.publicKey)).not.toContain(keys[0]!.publicKey);
  });
});

describe('coin signature checks', () => {
  const { coin } = withdraw('0.10', 'c1');

  it('a withdrawn coin verifies with the bank published keys', () => {
    expect(verifyEcashCoin(coin, publicKeys)).toEqual({ ok: true, value: coin });
  });

  it('refuses a coin relabelled to another denomination (checked with a key that never signed it)', () => {
    expect(verifyEcashCoin({ ...coin, denomination: '100.00' }, publicKeys)).toMatchObject({ ok: false, code: 'bad_coin_signature' });
  });

  it('refuses a coin checked against another key set for its denomination', () => {
    expect(verifyEcashCoin(coin, otherBankKeys)).toMatchObject({ ok: false, code: 'bad_coin_signature' });
  });

  it('refuses a tampered serial', () => {
    expect(verifyEcashCoin({ ...coin, serial: flipHex(coin.serial, 10) }, publicKeys)).toMatchObject({
      ok: false,
      code: 'bad_coin_signature',
    });
  });

  it("refuses a tampered s' and a tampered R'", () => {
    const s = scalarToHex(mod(scalarFromHex(coin.signature.s)! + 1n));
    expect(verifyEcashCoin({ ...coin, signature: { ...coin.signature, s } }, publicKeys)).toMatchObject({ ok: false, code: 'bad_coin_signature' });
    const r = pointToHex(pointFromHex(coin.signature.r)!.add(baseTimes(1n)));
    expect(verifyEcashCoin({ ...coin, signature: { ...coin.signature, r } }, publicKeys)).toMatchObject({ ok: false, code: 'bad_coin_signature' });
  });

  it("refuses s' not below the group order (the same scalar + n would otherwise be a second encoding)", () => {
    const big = scalarFromHex(coin.signature.s)! + groupOrder;
    const bytes = new Uint8Array(32);
    let rest = big;
    for (let i = 0; i < 32; i++) {
      bytes[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
    const s = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(verifyEcashCoin({ ...coin, signature: { ...coin.signature, s } }, publicKeys)).toMatchObject({ ok: false, code: 'bad_coin_signature' });
  });

  it('refuses unknown denominations and malformed coins by name', () => {
    expect(verifyEcashCoin({ ...coin, denomination: '0.20' as EcashDenomination }, publicKeys)).toMatchObject({ code: 'unknown_denomination' });
    expect(verifyEcashCoin({ ...coin, bankId: 'bank:other' }, publicKeys)).toMatchObject({ code: 'unknown_denomination' });
    expect(verifyEcashCoin({ ...coin, serial: 'xyz' }, publicKeys)).toMatchObject({ code: 'malformed_coin' });
    expect(verifyEcashCoin({ ...coin, serial: coin.serial.toUpperCase() }, publicKeys)).toMatchObject({ code: 'malformed_coin' });
  });
});

describe('the blind protocol', () => {
  it('the wallet refuses a bad commitment and a response that does not fit its challenge', () => {
    const key = keyOf('1.00');
    const wallet = ecashStartWithdrawal(bankId, '1.00', bytesOf('wallet bad', ecashWithdrawalRandomLength));
    const opened = unwrap(ecashBankCommitNonce([], { sessionId: 's-bad', account: 'buyer:a', key, nonceRandom: bytesOf('n', 64), now: t0 }));
    // The identity point is not a valid commitment.
    expect(ecashBlindChallenge(wallet, { ...opened.commitment, r: pointToHex(baseTimes(0n)) }, ecashPublicKeyOf(key))).toMatchObject({
      ok: false,
      code: 'bad_commitment',
    });
    const blinded = unwrap(ecashBlindChallenge(wallet, opened.commitment, ecashPublicKeyOf(key)));
    const signed = unwrap(ecashBankSignBlinded(opened.session, blinded.request, key, t0 + 1));
    const wrong = { ...signed.response, s: scalarToHex(mod(scalarFromHex(signed.response.s)! + 1n)) };
    expect(ecashUnblind(blinded.withdrawal, wrong, ecashPublicKeyOf(key))).toMatchObject({ ok: false, code: 'bad_blind_signature' });
    // Signed with the ¥5 key while the wallet asked for ¥1: the wallet notices before storing a dud.
    const five = keyOf('5.00');
    const opened5 = unwrap(ecashBankCommitNonce([], { sessionId: 's-5', account: 'buyer:a', key: five, nonceRandom: bytesOf('n5', 64), now: t0 }));
    const wallet2 = ecashStartWithdrawal(bankId, '1.00', bytesOf('wallet 2', ecashWithdrawalRandomLength));
    const blinded2 = unwrap(ecashBlindChallenge(wallet2, { ...opened5.commitment, denomination: '1.00' }, ecashPublicKeyOf(key)));
    const signed5 = unwrap(ecashBankSignBlinded(opened5.session, blinded2.request, five, t0 + 1));
    expect(ecashUnblind(blinded2.withdrawal, signed5.response, ecashPublicKeyOf(key))).toMatchObject({ ok: false, code: 'bad_blind_signature' });
  });

  it('debits the customer account by the denomination, with an id derived from the session', () => {
    const key = keyOf('5.00');
    const wallet = ecashStartWithdrawal(bankId, '5.00', bytesOf('w-fx', ecashWithdrawalRandomLength));
    const opened = unwrap(ecashBankCommitNonce([], { sessionId: 'sess-77', account: 'buyer:li', key, nonceRandom: bytesOf('fx', 64), now: t0 }));
    const blinded = unwrap(ecashBlindChallenge(wallet, opened.commitment, ecashPublicKeyOf(key)));
    const signed = unwrap(ecashBankSignBlinded(opened.session, blinded.request, key, t0 + 5));
    expect(signed.effects).toEqual([
      {
        kind: 'ledger',
        transferId: 'ecash:withdraw:sess-77',
        bookId: bankId,
        from: { role: 'bank_deposit', bankId, partyId: 'buyer:li' },
        to: { role: 'ecash_outstanding', bankId },
        amount: { amount: '5.00', currency: 'CNY' },
        code: 'ecash.withdraw',
        refs: { sessionId: 'sess-77', denomination: '5.00' },
      },
    ]);
  });

  it('a session signs once and erases its nonce; a second challenge is refused', () => {
    const key = keyOf('10.00');
    const opened = unwrap(ecashBankCommitNonce([], { sessionId: 's-once', account: 'buyer:a', key, nonceRandom: bytesOf('once', 64), now: t0 }));
    expect(opened.session.nonce).not.toBeNull();
    const e1 = { sessionId: 's-once', challenge: scalarToHex(12345n) };
    const first = unwrap(ecashBankSignBlinded(opened.session, e1, key, t0 + 1));
    expect(first.session.status).toBe('signed');
    expect(first.session.nonce).toBeNull();
    const e2 = { sessionId: 's-once', challenge: scalarToHex(999n) };
    expect(ecashBankSignBlinded(first.session, e2, key, t0 + 2)).toMatchObject({ ok: false, code: 'session_not_open' });
  });

  it('keeps at most one open session per denomination key (ROS), until it expires', () => {
    const key = keyOf('50.00');
    const first = unwrap(ecashBankCommitNonce([], { sessionId: 'a', account: 'buyer:a', key, nonceRandom: bytesOf('a', 64), now: t0 }));
    const busy = ecashBankCommitNonce([first.session], { sessionId: 'b', account: 'buyer:b', key, nonceRandom: bytesOf('b', 64), now: t0 + 10 });
    expect(busy).toMatchObject({ ok: false, code: 'signing_session_busy', detail: { denomination: '50.00' } });
    // Another denomination's key is not blocked.
    expect(ecashBankCommitNonce([first.session], { sessionId: 'c', account: 'buyer:b', key: keyOf('0.50'), nonceRandom: bytesOf('c', 64), now: t0 + 10 }).ok).toBe(true);
    // The same session id twice is refused.
    expect(ecashBankCommitNonce([first.session], { sessionId: 'a', account: 'buyer:b', key: keyOf('0.50'), nonceRandom: bytesOf('c', 64), now: t0 })).toMatchObject({
      code: 'session_exists',
    });
    const later = t0 + ecashSigningSessionTimeoutMs;
    expect(ecashBankSignBlinded(first.session, { sessionId: 'a', challenge: scalarToHex(5n) }, key, later)).toMatchObject({ code: 'signing_session_expired' });
    const [abandoned] = ecashAbandonExpiredSessions([first.session], later);
    expect(abandoned).toMatchObject({ status: 'abandoned', nonce: null, closedAt: later });
    expect(ecashBankCommitNonce([first.session], { sessionId: 'd', account: 'buyer:b', key, nonceRandom: bytesOf('d', 64), now: later }).ok).toBe(true);
  });
});

describe("unlinkability: the bank's view at withdrawal and at deposit", () => {
  // Three customers withdraw a ¥1 coin each; the merchant later deposits the three coins.
  const withdrawals = ['buyer:zhang', 'buyer:li', 'buyer:wang'].map((account, i) => withdraw('1.00', `u${i}`, account, t0 + i * 60_000));
  const coins = withdrawals.map((w) => w.coin);
  const deposit = unwrap(
    ecashBankDeposit(
      { depositId: 'dep-1', bankId, purpose: 'deposit', payee: 'seller:news', coins: [coins[2]!, coins[0]!, coins[1]!], now: t0 + 3_600_000 },
      publicKeys,
      new Set<string>(),
    ),
  );
  const withdrawalViews = withdrawals.map((w) => ecashBankWithdrawalView(w.session));
  const depositViews = deposit.rows.map(ecashBankDepositView);

  it('every field the bank stores at withdrawal differs from every field it stores at deposit', () => {
    for (const w of withdrawalViews) {
      const withdrawalValues = Object.values(w).map(String);
      for (const d of depositViews) {
        for (const value of Object.values(d).map(String)) expect(withdrawalValues).not.toContain(value);
      }
    }
  });

  it('the blinded message and the deposited coin differ in every field: R vs R\', e vs e\', s vs s\'', () => {
    const X = pointFromHex(keyOf('1.00').publicKey)!;
    for (const w of withdrawals) {
      for (const coin of coins) {
        const ePrime = scalarToHex(schnorrChallenge(pointFromHex(coin.signature.r)!, X, ecashCoinMessage(coin)));
        expect(w.session.r).not.toBe(coin.signature.r);
        expect(w.session.challenge).not.toBe(ePrime);
        expect(w.session.response).not.toBe(coin.signature.s);
        // The serial never reached the bank before the deposit: no withdrawal value equals it.
        expect([w.session.r, w.session.challenge, w.session.response]).not.toContain(coin.serial);
      }
    }
  });

  it('the only value in common, the denomination, is shared by every coin of the set, so it singles none out', () => {
    expect(new Set(withdrawalViews.map((w) => w.denomination))).toEqual(new Set(['1.00']));
    expect(new Set(deposit.rows.map((r) => r.denomination))).toEqual(new Set(['1.00']));
  });

  it('each withdrawal is equally consistent with each deposited coin (perfect blindness)', () => {
    const key = keyOf('1.00');
    const X = pointFromHex(key.publicKey)!;
    for (const w of withdrawalViews) {
      for (const coin of coins) {
        // Given the bank's row (R, e, s) and any coin (R', s'), these blinding factors explain it...
        const R = pointFromHex(w.r)!;
        const e = scalarFromHex(w.e)!;
        const s = scalarFromHex(w.s)!;
        const rPrime = pointFromHex(coin.signature.r)!;
        const sPrime = scalarFromHex(coin.signature.s)!;
        // e' is what any verifier recomputes from the coin alone.
        const ePrime = schnorrChallenge(rPrime, X, ecashCoinMessage(coin));
        const a = mod(sPrime - s);
        const b = mod(e - ePrime);
        // ...so R' = R + aG + bX holds for EVERY pair, not only the true one.
        expect(R.add(baseTimes(a)).add(publicTimes(X, b)).equals(rPrime)).toBe(true);
      }
    }
  });
});
