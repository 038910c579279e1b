import { describe, expect, it } from 'vitest';
import { concatBytes, sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  signDocument,
  type Certificate,
  type RevocationEntry,
} from '../../src/domain/identity/index.ts';
import {
  createMerchantDevice,
  createSmartCard,
  mondexCardHello,
  mondexCardPay,
  mondexCardSettle,
  mondexDepositTakings,
  mondexDeviceAcceptValue,
  mondexDeviceCloseStaleRequests,
  mondexDeviceRequest,
  mondexDeviceResolve,
  mondexLoadCard,
  mondexPaymentKey,
  mondexRecover,
  mondexRecoveryQuery,
  mondexValueBreakdown,
  reportSmartCardLost,
  type MerchantDevice,
  type MondexAuthContext,
  type SmartCard,
} from '../../src/domain/payments/index.ts';

const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`mondex seed ${name}`));
function bytesOf(label: string, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(sha256(utf8Encode(`${label}#${i}`)));
  return concatBytes(...blocks).slice(0, length);
}
function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

const t0 = Date.UTC(2026, 0, 5, 1);
const day = 86_400_000;
const caSeed = seedOf('ca');
const root = makeRootCertificate(caSeed, { name: 'SettleLab CA', partyId: 'ca:settlelab' }, t0 - day, 3650 * day);
const rogueSeed = seedOf('rogue ca');
const rogueRoot = makeRootCertificate(rogueSeed, { name: 'Rogue CA', partyId: 'ca:rogue' }, t0 - day, 3650 * day);
let serial = 10;

function deviceCertificate(partyId: string, seed: Uint8Array, issuerSeed = caSeed, issuer = root): Certificate {
  const request = makeCertificateRequest({ name: partyId, role: 'device', partyId }, seed, t0 - day);
  return unwrap(issueCertificate(request, issuerSeed, issuer, serial++, t0 - day));
}

const cardSeed = seedOf('card 1');
const cardCert = deviceCertificate('card:0001', cardSeed);
const deviceSeed = seedOf('pos 1');
const deviceCert = deviceCertificate('pos:canteen-1', deviceSeed);
const rogueDeviceSeed = seedOf('rogue pos');
const rogueDeviceCert = deviceCertificate('pos:rogue', rogueDeviceSeed, rogueSeed, rogueRoot);

function context(revoked: readonly RevocationEntry[] = [], now = t0): MondexAuthContext {
  return { roots: [root], crl: makeRevocationList(caSeed, root, revoked, t0 - 1), now };
}
const ctx = context();

function newCard(balance = '100.00'): SmartCard {
  const card = createSmartCard({
    cardId: 'card:0001',
    issuerId: 'bank:icbc',
    holderId: 'buyer:zhang',
    currency: 'CNY',
    balanceMax: '1000.00',
    keyRef: 'key:card:0001',
    certificate: cardCert,
  });
  return unwrap(mondexLoadCard(card, { loadId: 'load-0', amount: balance, now: t0 })).card;
}

function newDevice(acquirerId = 'bank:icbc'): MerchantDevice {
  return createMerchantDevice({
    deviceId: 'pos:canteen-1',
    merchantId: 'seller:canteen',
    acquirerId,
    currency: 'CNY',
    keyRef: 'key:pos:canteen-1',
    certificate: deviceCert,
  });
}

/** Steps 1-3: the card has signed and debited; returns everything up to the value message. */
function upToValue(card: SmartCard, device: MerchantDevice, amount: string, label: string) {
  const hello = mondexCardHello(card, cardSeed);
  const requested = unwrap(mondexDeviceRequest(device, hello, { amount, nonce: bytesOf(label, 32), now: t0 }, ctx, deviceSeed));
  const paid = unwrap(mondexCardPay(card, requested.request, ctx, cardSeed));
  return { device: requested.device, request: requested.request, card: paid.card, value: paid.value };
}

function total(card: SmartCard, device: MerchantDevice): string {
  return mondexValueBreakdown([card], [device], 'CNY').total.amount;
}

describe('a Mondex payment, end to end', () => {
  it('moves value from card to device, writing the pending log before the value leaves', () => {
    const card0 = newCard();
    const device0 = newDevice();
    const s = upToValue(card0, device0, '12.50', 'n1');
    expect(s.card).toMatchObject({ balance: '87.50', sequence: 1 });
    expect(s.card.pendingLog).toEqual([{ deviceId: 'pos:canteen-1', sequence: 1, nonce: s.request.payload.nonce, amount: '12.50', at: t0 }]);
    expect(s.value.payload).toMatchObject({ kind: 'mondex.value', cardId: 'card:0001', sequence: 1, amount: '12.50', nonce: s.request.payload.nonce });
    expect(total(s.card, s.device)).toBe('100.00');

    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    expect(accepted.device).toMatchObject({ balance: '12.50', pendingLog: [], lastSequenceByCard: { 'card:0001': 1 } });
    expect(total(s.card, accepted.device)).toBe('100.00');

    const settled = unwrap(mondexCardSettle(s.card, accepted.ack, ctx));
    expect(settled.outcome).toBe('cleared');
    expect(settled.card.pendingLog).toEqual([]);
    expect(settled.card.balance).toBe('87.50');
    expect(total(settled.card, accepted.device)).toBe('100.00');
    // The same ack again changes nothing.
    expect(mondexCardSettle(settled.card, accepted.ack, ctx)).toMatchObject({ ok: false, code: 'no_pending_entry' });
  });

  it('refuses to pay more than the card holds, and a lost card pays nothing', () => {
    const card = newCard('5.00');
    const device = newDevice();
    const hello = mondexCardHello(card, cardSeed);
    const requested = unwrap(mondexDeviceRequest(device, hello, { amount: '5.01', nonce: bytesOf('big', 32), now: t0 }, ctx, deviceSeed));
    expect(mondexCardPay(card, requested.request, ctx, cardSeed)).toMatchObject({ ok: false, code: 'insufficient_balance' });
    const lost = unwrap(reportSmartCardLost(card));
    expect(mondexCardPay(lost, requested.request, ctx, cardSeed)).toMatchObject({ ok: false, code: 'card_lost' });
    // The value stays on the lost chip: nobody gets it back (documented Mondex behaviour).
    expect(mondexValueBreakdown([lost], [device], 'CNY').onCards.amount).toBe('5.00');
    expect(mondexLoadCard(lost, { loadId: 'l', amount: '1', now: t0 })).toMatchObject({ code: 'card_lost' });
  });

  it('refuses malformed amounts by name, from the operator and inside a signed request', () => {
    const card = newCard();
    const device = newDevice();
    const hello = mondexCardHello(card, cardSeed);
    for (const amount of ['1.001', '-1', '1e3', '', ' 1']) {
      expect(mondexDeviceRequest(device, hello, { amount, nonce: bytesOf('m', 32), now: t0 }, ctx, deviceSeed)).toMatchObject({ code: 'amount_invalid' });
    }
    // A device that signs an amount with too many decimals gets a refusal, not a crash.
    const good = unwrap(mondexDeviceRequest(device, hello, { amount: '1.00', nonce: bytesOf('m2', 32), now: t0 }, ctx, deviceSeed));
    const odd = signDocument({ ...good.request.payload, amount: '1.001' }, deviceSeed, deviceCert);
    expect(mondexCardPay(card, odd, ctx, cardSeed)).toMatchObject({ ok: false, code: 'malformed_message' });
    expect(mondexLoadCard(card, { loadId: 'l', amount: '0.001', now: t0 })).toMatchObject({ code: 'amount_invalid' });
  });
});

describe('replay', () => {
  it('the device refuses a value message it has already accepted (by sequence number)', () => {
    const s = upToValue(newCard(), newDevice(), '3.00', 'r1');
    const first = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    expect(mondexDeviceAcceptValue(first.device, s.value, ctx, deviceSeed)).toEqual({
      ok: false,
      code: 'replay',
      detail: { cardId: 'card:0001', sequence: 1 },
    });
  });

  it('the card refuses a payment request it has already paid, pending or completed', () => {
    const s = upToValue(newCard(), newDevice(), '3.00', 'r2');
    expect(mondexCardPay(s.card, s.request, ctx, cardSeed)).toMatchObject({ ok: false, code: 'replay' });
    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    const settled = unwrap(mondexCardSettle(s.card, accepted.ack, ctx));
    expect(mondexCardPay(settled.card, s.request, ctx, cardSeed)).toMatchObject({ ok: false, code: 'replay' });
  });

  it('a value message meant for another device is refused there', () => {
    const s = upToValue(newCard(), newDevice(), '3.00', 'r3');
    const otherSeed = seedOf('pos 2');
    const other = createMerchantDevice({
      deviceId: 'pos:shop-2',
      merchantId: 'seller:shop',
      acquirerId: 'bank:icbc',
      currency: 'CNY',
      keyRef: 'k',
      certificate: deviceCertificate('pos:shop-2', otherSeed),
    });
    expect(mondexDeviceAcceptValue(other, s.value, ctx, otherSeed)).toMatchObject({ ok: false, code: 'wrong_device' });
  });
});

describe('interrupted transfers: recovery keeps card + device + pending log constant', () => {
  it('value message lost: the device aborts the request, the card gets the value back, a late copy is refused', () => {
    const s = upToValue(newCard(), newDevice(), '20.00', 'lost-value');
    // The value left the chip but never reached the device.
    expect(mondexValueBreakdown([s.card], [s.device], 'CNY')).toMatchObject({
      onCards: { amount: '80.00' },
      onDevices: { amount: '0.00' },
      inFlight: { amount: '20.00' },
      total: { amount: '100.00' },
    });
    const recovered = unwrap(mondexRecover(s.card, s.device, ctx, deviceSeed));
    expect(recovered.outcomes).toEqual([{ sequence: 1, outcome: 'refunded' }]);
    expect(recovered.card).toMatchObject({ balance: '100.00', pendingLog: [] });
    expect(recovered.device.pendingLog).toEqual([]);
    expect(total(recovered.card, recovered.device)).toBe('100.00');
    // The lost message turns up after recovery: refused, so the value is not credited twice.
    expect(mondexDeviceAcceptValue(recovered.device, s.value, ctx, deviceSeed)).toMatchObject({ ok: false, code: 'unknown_request' });
    // The sequence number is spent: the next payment is sequence 2.
    const next = upToValue(recovered.card, recovered.device, '1.00', 'after');
    expect(next.value.payload.sequence).toBe(2);
  });

  it('ack lost: the device answers with the ack again, the card clears its entry and keeps its balance', () => {
    const s = upToValue(newCard(), newDevice(), '20.00', 'lost-ack');
    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    expect(mondexValueBreakdown([s.card], [accepted.device], 'CNY')).toMatchObject({ inFlight: { amount: '0.00' }, total: { amount: '100.00' } });
    const recovered = unwrap(mondexRecover(s.card, accepted.device, ctx, deviceSeed));
    expect(recovered.outcomes).toEqual([{ sequence: 1, outcome: 'cleared' }]);
    expect(recovered.card).toMatchObject({ balance: '80.00', pendingLog: [] });
    expect(recovered.device.balance).toBe('20.00');
    expect(total(recovered.card, recovered.device)).toBe('100.00');
  });

  it('ack lost and takings already deposited: recovery still answers ack (receipts are kept)', () => {
    const s = upToValue(newCard(), newDevice(), '20.00', 'lost-ack-deposited');
    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    const deposited = unwrap(mondexDepositTakings(accepted.device, { depositId: 'dep', now: t0 + 1 }, ctx, new Set()));
    const query = mondexRecoveryQuery(s.card, s.card.pendingLog[0]!);
    const answer = unwrap(mondexDeviceResolve(deposited.device, query, deviceSeed));
    expect(answer.statement.payload.kind).toBe('mondex.ack');
  });

  it('request lost: no value moved; the device closes the stale request', () => {
    const card = newCard();
    const device = newDevice();
    const requested = unwrap(mondexDeviceRequest(device, mondexCardHello(card, cardSeed), { amount: '2.00', nonce: bytesOf('rl', 32), now: t0 }, ctx, deviceSeed));
    expect(total(card, requested.device)).toBe('100.00');
    expect(mondexDeviceCloseStaleRequests(requested.device, t0 + 59_000, 60_000).pendingLog).toHaveLength(1);
    expect(mondexDeviceCloseStaleRequests(requested.device, t0 + 60_000, 60_000).pendingLog).toHaveLength(0);
  });

  it('an abort for an entry the card no longer has changes nothing', () => {
    const s = upToValue(newCard(), newDevice(), '4.00', 'abort-twice');
    const answer = unwrap(mondexDeviceResolve(s.device, mondexRecoveryQuery(s.card, s.card.pendingLog[0]!), deviceSeed));
    const once = unwrap(mondexCardSettle(s.card, answer.statement, ctx));
    expect(once.outcome).toBe('refunded');
    expect(mondexCardSettle(once.card, answer.statement, ctx)).toMatchObject({ ok: false, code: 'no_pending_entry' });
    expect(once.card.balance).toBe('100.00');
  });
});

describe('mutual authentication failures are named', () => {
  it('a revoked card certificate: the device refuses the card before any value moves', () => {
    const revoked = context([{ serial: cardCert.body.serial, reason: 'key_compromise', revokedAt: t0 - 1 }]);
    const card = newCard();
    expect(mondexDeviceRequest(newDevice(), mondexCardHello(card, cardSeed), { amount: '1.00', nonce: bytesOf('rv', 32), now: t0 }, revoked, deviceSeed)).toMatchObject({
      ok: false,
      code: 'certificate_revoked',
      detail: { serial: cardCert.body.serial },
    });
  });

  it('a card revoked mid-transfer: the device refuses its value, recovery returns the value to the chip', () => {
    const s = upToValue(newCard(), newDevice(), '9.90', 'mid');
    const revoked = context([{ serial: cardCert.body.serial, reason: 'key_compromise', revokedAt: t0 - 1 }]);
    expect(mondexDeviceAcceptValue(s.device, s.value, revoked, deviceSeed)).toMatchObject({ ok: false, code: 'certificate_revoked' });
    const recovered = unwrap(mondexRecover(s.card, s.device, revoked, deviceSeed));
    expect(recovered.card.balance).toBe('100.00');
    expect(total(recovered.card, recovered.device)).toBe('100.00');
  });

  it('an unknown device (certificate from a CA the card does not trust)', () => {
    const card = newCard();
    const rogue = createMerchantDevice({
      deviceId: 'pos:rogue',
      merchantId: 'seller:rogue',
      acquirerId: 'bank:icbc',
      currency: 'CNY',
      keyRef: 'k',
      certificate: rogueDeviceCert,
    });
    const rogueCtx: MondexAuthContext = { roots: [root, rogueRoot], crl: [], now: t0 };
    const requested = unwrap(mondexDeviceRequest(rogue, mondexCardHello(card, cardSeed), { amount: '50.00', nonce: bytesOf('rogue', 32), now: t0 }, rogueCtx, rogueDeviceSeed));
    expect(mondexCardPay(card, requested.request, ctx, cardSeed)).toMatchObject({ ok: false, code: 'unknown_device' });
  });

  it('a revoked device certificate, a card posing as a device, and a tampered amount', () => {
    const s = upToValue(newCard(), newDevice(), '1.00', 'auth');
    const card = newCard();
    const deviceRevoked = context([{ serial: deviceCert.body.serial, reason: 'cessation_of_operation', revokedAt: t0 - 1 }]);
    const fresh = unwrap(mondexDeviceRequest(newDevice(), mondexCardHello(card, cardSeed), { amount: '1.00', nonce: bytesOf('dr', 32), now: t0 }, ctx, deviceSeed));
    expect(mondexCardPay(card, fresh.request, deviceRevoked, cardSeed)).toMatchObject({ code: 'certificate_revoked' });
    // The card's own key signs a "request" naming a device: the signer is not that device.
    const posing = signDocument({ ...fresh.request.payload }, cardSeed, cardCert);
    expect(mondexCardPay(card, posing, ctx, cardSeed)).toMatchObject({ code: 'wrong_party' });
    const tampered = { ...s.value, payload: { ...s.value.payload, amount: '0.01' } };
    expect(mondexDeviceAcceptValue(s.device, tampered, ctx, deviceSeed)).toMatchObject({ code: 'bad_signature' });
    expect(mondexDeviceAcceptValue(s.device, { ...s.value, payload: { kind: 'mondex.value' } } as never, ctx, deviceSeed)).toMatchObject({
      code: 'malformed_message',
    });
  });
});

describe('loading and depositing', () => {
  it('a load debits the holder at the issuer into the smart-card float, within the purse limit', () => {
    const card = createSmartCard({ cardId: 'card:0001', issuerId: 'bank:icbc', holderId: 'buyer:zhang', currency: 'CNY', balanceMax: '100', keyRef: 'k', certificate: cardCert });
    const loaded = unwrap(mondexLoadCard(card, { loadId: 'L1', amount: '60', now: t0 }));
    expect(loaded.card.balance).toBe('60.00');
    expect(loaded.effects).toEqual([
      {
        kind: 'ledger',
        transferId: 'smartcard:load:L1',
        bookId: 'bank:icbc',
        from: { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'buyer:zhang' },
        to: { role: 'smartcard_float', issuerId: 'bank:icbc' },
        amount: { amount: '60.00', currency: 'CNY' },
        code: 'smartcard.load',
        refs: { cardId: 'card:0001', loadId: 'L1' },
      },
    ]);
    expect(mondexLoadCard(loaded.card, { loadId: 'L2', amount: '40.01', now: t0 })).toMatchObject({ code: 'balance_limit_exceeded' });
    expect(mondexLoadCard(loaded.card, { loadId: 'L2', amount: '0', now: t0 })).toMatchObject({ code: 'amount_not_positive' });
  });

  it('deposits takings at the acquirer (two books when the acquirer is not the issuer) and refuses a second deposit', () => {
    const s = upToValue(newCard(), newDevice('bank:ccb'), '7.30', 'dep');
    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    const deposit = unwrap(mondexDepositTakings(accepted.device, { depositId: 'D1', now: t0 + 5 }, ctx, new Set()));
    expect(deposit.total).toEqual({ amount: '7.30', currency: 'CNY' });
    expect(deposit.device.balance).toBe('0.00');
    expect(deposit.rows).toEqual([
      {
        depositId: 'D1',
        deviceId: 'pos:canteen-1',
        merchantId: 'seller:canteen',
        acquirerId: 'bank:ccb',
        issuerId: 'bank:icbc',
        cardId: 'card:0001',
        sequence: 1,
        amount: '7.30',
        paidAt: t0,
        depositedAt: t0 + 5,
      },
    ]);
    expect(deposit.effects.map((e) => [e.bookId, e.from, e.to])).toEqual([
      ['bank:icbc', { role: 'smartcard_float', issuerId: 'bank:icbc' }, { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'bank:ccb' }],
      ['bank:ccb', { role: 'institution_at_bank', institutionId: 'bank:ccb', bankId: 'bank:icbc' }, { role: 'bank_deposit', bankId: 'bank:ccb', partyId: 'seller:canteen' }],
    ]);
    expect(mondexDepositTakings(deposit.device, { depositId: 'D2', now: t0 + 6 }, ctx, new Set())).toMatchObject({ code: 'nothing_to_deposit' });
    // A device record restored from a backup tries the same payment again: the acquirer refuses it.
    const already = new Set(deposit.rows.map((r) => mondexPaymentKey(r.cardId, r.sequence)));
    expect(mondexDepositTakings(accepted.device, { depositId: 'D3', now: t0 + 7 }, ctx, already)).toMatchObject({ code: 'duplicate_payment' });
  });

  it('refuses inflated takings and a receipt whose signed value does not match', () => {
    const s = upToValue(newCard(), newDevice(), '7.30', 'inflate');
    const accepted = unwrap(mondexDeviceAcceptValue(s.device, s.value, ctx, deviceSeed));
    expect(mondexDepositTakings({ ...accepted.device, balance: '70.30' }, { depositId: 'D', now: t0 }, ctx, new Set())).toMatchObject({
      code: 'takings_mismatch',
    });
    const receipts = accepted.device.receipts.map((r) => ({ ...r, amount: '73.00' }));
    expect(mondexDepositTakings({ ...accepted.device, receipts, balance: '73.00' }, { depositId: 'D', now: t0 }, ctx, new Set())).toMatchObject({
      code: 'invalid_receipt',
    });
  });
});
