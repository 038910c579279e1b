import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../src/domain/crypto/index.ts';
import { makeRootCertificate, signDocument, issueCertificate, makeCertificateRequest } from '../../src/domain/identity/index.ts';
import {
  acceptChequeStopOrder,
  alterChequeAmount,
  checkChequePresentment,
  chequeEndorsementBodyOf,
  chequePaymentNoticeBodyOf,
  chequePresentableFrom,
  chequePresentableUntil,
  chequePresentmentCheckNames,
  chequeReturnReasons,
  makeChequeStopOrder,
  makeEchequeConfig,
  presentCheque,
  type ChequeBody,
  type ChequePresentmentCheckName,
  type ChequePresentmentDecision,
  type ChequePresentmentInput,
  type ChequeReturnReason,
  type SignedCheque,
} from '../../src/domain/payments/echeque/index.ts';
import { dayMs, hourMs } from '../../src/domain/world/clock.ts';
import {
  book,
  chequeDate,
  config,
  depositTo,
  drawerAccount,
  drawerCert,
  drawerSeed,
  endorse,
  goodCheque,
  goodEndorsed,
  goodNotice,
  issue,
  malloryCert,
  mallorySeed,
  notify,
  payeeCert,
  presentedAt,
  presentment,
  revocations,
  seedOf,
  signBody,
  t0,
  trust,
  write,
  year,
} from './echeque-fixtures.ts';

function flipHex(hex: string, at = 10): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

/** The presentment of a body the drawer itself signed (with its own notice and endorsement). */
function presentBody(body: ChequeBody, overrides: Partial<ChequePresentmentInput> = {}, seed = drawerSeed, cert = drawerCert): ChequePresentmentInput {
  const cheque = signBody(body, seed, cert);
  // The notice comes from whoever signed the cheque, as a forger would send one too.
  const notice = signDocument(chequePaymentNoticeBodyOf(cheque, chequeDate), seed, cert);
  return presentment({ notice, ...overrides }, cheque);
}

function returned(decision: ChequePresentmentDecision): Extract<ChequePresentmentDecision, { outcome: 'returned' }> {
  if (decision.outcome !== 'returned') throw new Error('expected the cheque to be returned');
  return decision;
}

type Case = {
  readonly name: string;
  readonly reason: ChequeReturnReason;
  readonly check: ChequePresentmentCheckName;
  readonly cause?: string;
  readonly input: () => ChequePresentmentInput;
};

const rogueSeed = seedOf('rogue ca');
const rogueRoot = makeRootCertificate(rogueSeed, { name: 'Rogue CA', partyId: 'rogue-ca' }, t0 - year, 10 * year);
const rogueDrawer = (() => {
  const r = issueCertificate(makeCertificateRequest({ name: '张三', role: 'buyer', partyId: 'buyer-1' }, seedOf('rogue key'), t0 - dayMs), rogueSeed, rogueRoot, 2, t0 - dayMs);
  if (!r.ok) throw new Error(r.code);
  return r.value;
})();
/** Valid from t0 - 30 days for 20 days: expired before the cheque's date. */
const expiredDrawerCert = issue({ name: '张三', role: 'buyer', partyId: 'buyer-1' }, drawerSeed, t0 - 30 * dayMs, 20 * dayMs);
const deviceCert = issue({ name: '张三', role: 'device', partyId: 'buyer-1' }, drawerSeed);
const otherCheque = write({ chequeNumber: '10203002' });

const cases: readonly Case[] = [
  {
    name: 'a body with a field writeCheque never writes',
    reason: 'altered_or_fictitious',
    check: 'cheque_well_formed',
    cause: 'cheque_malformed',
    input: () => {
      const cheque = signBody({ ...goodCheque.payload, note: 'pay double' } as unknown as ChequeBody);
      return presentment({ presented: { cheque, endorsement: goodEndorsed.endorsement } });
    },
  },
  {
    name: 'capitals that do not say the figures, though the drawer signed them',
    reason: 'altered_or_fictitious',
    check: 'amount_in_words',
    cause: 'amount_words_mismatch',
    input: () => presentBody({ ...goodCheque.payload, amountInWords: '人民币壹元整' }),
  },
  {
    name: 'the lab alters the figures but not the capitals',
    reason: 'altered_or_fictitious',
    check: 'amount_in_words',
    input: () => presentment({ presented: { cheque: alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' }, { rewriteWords: false }), endorsement: goodEndorsed.endorsement } }),
  },
  {
    name: 'the lab alters figures and capitals together: only the signature tells',
    reason: 'altered_or_fictitious',
    check: 'drawer_signature',
    cause: 'bad_signature',
    input: () => presentment({ presented: { cheque: alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' }), endorsement: goodEndorsed.endorsement } }),
  },
  {
    name: 'signed under a certificate from a CA the bank does not trust',
    reason: 'altered_or_fictitious',
    check: 'certificate_chain',
    cause: 'unknown_issuer',
    input: () => presentBody(goodCheque.payload, {}, seedOf('rogue key'), rogueDrawer),
  },
  {
    name: 'drawn on an account the bank does not keep',
    reason: 'altered_or_fictitious',
    check: 'drawer_account',
    cause: 'no_such_account',
    input: () => presentment({ drawerAccount: null, books: [] }),
  },
  {
    name: 'naming another bank as the drawer\'s',
    reason: 'altered_or_fictitious',
    check: 'drawer_account',
    cause: 'not_drawn_on_this_bank',
    input: () => presentBody({ ...goodCheque.payload, drawer: { ...goodCheque.payload.drawer, bank: 'bank-c' } }),
  },
  {
    name: 'dated before the drawer was certified (back-dated)',
    reason: 'altered_or_fictitious',
    check: 'certificate_valid_at_date',
    cause: 'certificate_not_yet_valid',
    input: () => presentBody({ ...goodCheque.payload, date: drawerCert.body.notBefore - dayMs }),
  },
  {
    name: 'signed under a certificate that had expired by the cheque\'s date',
    reason: 'certificate_expired',
    check: 'certificate_valid_at_date',
    input: () => presentBody(goodCheque.payload, {}, drawerSeed, expiredDrawerCert),
  },
  {
    name: 'signed under a certificate revoked before the cheque\'s date',
    reason: 'certificate_revoked',
    check: 'certificate_not_revoked',
    cause: 'certificate_revoked',
    input: () => presentment({ trust: { roots: trust.roots, crl: revocations([{ serial: drawerCert.body.serial, reason: 'key_compromise', revokedAt: chequeDate - hourMs }]) } }),
  },
  {
    name: 'a revocation list whose signature fails (revocation cannot be established)',
    reason: 'certificate_revoked',
    check: 'certificate_not_revoked',
    cause: 'revocation_list_invalid',
    input: () => presentment({ trust: { roots: trust.roots, crl: { ...revocations([]), signature: flipHex(revocations([]).signature) } } }),
  },
  {
    name: 'signed under a role that may not draw (a device certificate)',
    reason: 'not_authorized',
    check: 'drawer_authority',
    cause: 'role_may_not_draw',
    input: () => presentBody(goodCheque.payload, {}, drawerSeed, deviceCert),
  },
  {
    name: 'signed by someone other than the drawer it names',
    reason: 'not_authorized',
    check: 'drawer_authority',
    cause: 'signer_not_drawer',
    input: () => presentBody(goodCheque.payload, {}, mallorySeed, malloryCert),
  },
  {
    name: 'a genuine drawer writing on somebody else\'s account',
    reason: 'not_authorized',
    check: 'drawer_authority',
    cause: 'drawer_not_account_holder',
    input: () => presentBody({ ...goodCheque.payload, drawer: { ...goodCheque.payload.drawer, partyId: 'buyer-9', name: '王五' } }, {}, mallorySeed, malloryCert),
  },
  {
    name: 'on an account no longer enabled for cheques',
    reason: 'not_authorized',
    check: 'drawer_authority',
    cause: 'account_not_cheque_enabled',
    input: () => presentment({ drawerAccount: { ...drawerAccount, chequeEnabled: false } }),
  },
  {
    name: 'deposited without the payee\'s endorsement',
    reason: 'endorsement_missing',
    check: 'endorsement_present',
    input: () => presentment({ presented: { cheque: goodCheque, endorsement: null } }),
  },
  {
    name: 'endorsed by someone other than the payee',
    reason: 'endorsement_irregular',
    check: 'endorsement_regular',
    cause: 'endorser_not_payee',
    input: () => presentment({ presented: { cheque: goodCheque, endorsement: signDocument(chequeEndorsementBodyOf(goodCheque, malloryCert, depositTo, chequeDate), mallorySeed, malloryCert) } }),
  },
  {
    name: 'carrying the endorsement of another cheque',
    reason: 'endorsement_irregular',
    check: 'endorsement_regular',
    cause: 'endorsement_for_another_cheque',
    input: () => presentment({ presented: { cheque: goodCheque, endorsement: endorse(otherCheque).endorsement } }),
  },
  {
    name: 'an endorsement whose deposit account was changed after signing',
    reason: 'endorsement_irregular',
    check: 'endorsement_regular',
    cause: 'bad_signature',
    input: () => {
      const e = goodEndorsed.endorsement;
      return presentment({ presented: { cheque: goodCheque, endorsement: { ...e, payload: { ...e.payload, depositTo: { bank: 'bank-b', account: 'bank-b:deposit:buyer-9' } } } } });
    },
  },
  {
    name: 'presented by a bank the endorsement does not deposit at',
    reason: 'endorsement_irregular',
    check: 'endorsement_regular',
    cause: 'deposit_bank_mismatch',
    input: () => presentment({ collectingBankId: 'bank-c' }),
  },
  {
    name: 'an endorsement dated after the presentment',
    reason: 'endorsement_irregular',
    check: 'endorsement_regular',
    cause: 'endorsed_after_presentment',
    input: () => presentment({ presented: endorse(goodCheque, presentedAt + hourMs) }),
  },
  {
    name: 'a number the bank never issued to this account',
    reason: 'not_from_chequebook',
    check: 'from_chequebook',
    input: () => presentBody({ ...goodCheque.payload, chequeNumber: '10209999' }),
  },
  {
    name: 'a number paid before',
    reason: 'duplicate_presentment',
    check: 'not_presented_before',
    input: () => presentment({ books: [{ ...book, paidNumbers: ['10203001'] }] }),
  },
  {
    name: 'presented on the first minute after the ten-day period',
    reason: 'stale_dated',
    check: 'within_presentment_period',
    input: () => presentment({ now: chequePresentableUntil(chequeDate, 10) }),
  },
  {
    name: 'presented the day before its date',
    reason: 'post_dated',
    check: 'not_post_dated',
    input: () => presentment({ now: chequePresentableFrom(chequeDate) - 1, presented: endorse(goodCheque, chequePresentableFrom(chequeDate) - 2 * hourMs) }),
  },
  {
    name: 'stopped by the drawer',
    reason: 'payment_stopped',
    check: 'not_stopped',
    input: () => presentment({ books: [{ ...book, stoppedNumbers: ['10203001'] }] }),
  },
  {
    name: 'the drawer never sent a payment notice',
    reason: 'not_authorized',
    check: 'payment_notice',
    cause: 'payment_notice_missing',
    input: () => presentment({ notice: null }),
  },
  {
    name: 'a payment notice signed by someone other than the drawer',
    reason: 'not_authorized',
    check: 'payment_notice',
    cause: 'notice_not_from_drawer',
    input: () => presentment({ notice: signDocument(goodNotice.payload, mallorySeed, malloryCert) }),
  },
  {
    name: 'a payment notice whose signature fails',
    reason: 'not_authorized',
    check: 'payment_notice',
    cause: 'bad_signature',
    input: () => presentment({ notice: { ...goodNotice, signature: flipHex(goodNotice.signature) } }),
  },
  {
    name: 'the drawer\'s notice names another amount',
    reason: 'payment_notice_mismatch',
    check: 'payment_notice',
    cause: 'amount',
    input: () => presentment({ notice: signDocument({ ...goodNotice.payload, amount: { amount: '104.05', currency: 'CNY' } }, drawerSeed, drawerCert) }),
  },
  {
    name: 'the drawer\'s notice is for another cheque with the same number and amount',
    reason: 'payment_notice_mismatch',
    check: 'payment_notice',
    cause: 'chequeHash',
    input: () => presentment({ notice: notify(write({ memo: '另一张' })) }),
  },
  {
    name: 'more than the drawer has',
    reason: 'insufficient_funds',
    check: 'funds',
    input: () => presentment({ availableBalance: { amount: '1004.04', currency: 'CNY' } }),
  },
];

describe('presentment: each return reason', () => {
  it('the cases cover every return reason and every check that can fail', () => {
    expect(new Set(cases.map((c) => c.reason))).toEqual(new Set(chequeReturnReasons));
    expect(new Set(cases.map((c) => c.check))).toEqual(new Set(chequePresentmentCheckNames));
  });

  it('the fixtures\' good cheque passes every check and is paid', () => {
    const decision = presentCheque(presentment(), config);
    expect(decision.outcome).toBe('paid');
    expect(decision.trace.map((t) => t.check)).toEqual(chequePresentmentCheckNames);
    expect(decision.trace.every((t) => t.pass)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.reason} (${c.check}): ${c.name}`, () => {
      const decision = returned(presentCheque(c.input(), config));
      expect(decision.reason).toBe(c.reason);
      expect(decision.detail.check).toBe(c.check);
      if (c.cause !== undefined) expect(decision.detail.cause).toBe(c.cause);
      // Every earlier check passed, in the documented order, and the failing one is last.
      const index = chequePresentmentCheckNames.indexOf(c.check);
      expect(decision.trace.map((t) => t.check)).toEqual(chequePresentmentCheckNames.slice(0, index + 1));
      expect(decision.trace.slice(0, -1).every((t) => t.pass)).toBe(true);
      expect(decision.trace.at(-1)).toEqual({ check: c.check, pass: false });
      expect(decision.effects.some((e) => e.kind === 'bank_transfer')).toBe(false);
    });
  }
});

describe('presentment: a good cheque pays once', () => {
  it('pays through clearing, records the number, and a second presentment is a duplicate', () => {
    const first = presentCheque(presentment(), config);
    if (first.outcome !== 'paid') throw new Error('expected paid');
    expect(first.book.paidNumbers).toEqual(['10203001']);
    expect(first.chequeId).toBe(`echeque:bank-a:${drawerAccount.accountNumber}:10203001`);
    const transfers = first.effects.filter((e) => e.kind === 'bank_transfer');
    expect(transfers).toEqual([
      {
        kind: 'bank_transfer',
        id: `${first.chequeId}:pay`,
        payer: { bankId: 'bank-a', partyId: 'buyer-1' },
        payee: { bankId: 'bank-b', partyId: 'seller-1' },
        amount: { amount: '1004.05', currency: 'CNY' },
        code: 'echeque.pay',
        refs: { chequeId: first.chequeId, chequeNumber: '10203001', presentmentId: 'presentment-1', orderId: 'order-1' },
        interbank: true,
      },
    ]);
    expect(first.effects.filter((e) => e.kind === 'notice').map((e) => (e.kind === 'notice' ? [e.to, e.key] : []))).toEqual([
      ['buyer-1', 'echeque.notice.paid_drawer'],
      ['seller-1', 'echeque.notice.paid_payee'],
    ]);

    const second = returned(presentCheque(presentment({ presentmentId: 'presentment-2', books: [first.book] }), config));
    expect(second.reason).toBe('duplicate_presentment');
    // The payee side presented twice: the drawer is not charged for it.
    expect(second.fee).toBeNull();
    expect(second.effects.filter((e) => e.kind === 'bank_transfer' || e.kind === 'bank_fee')).toEqual([]);
    expect(second.effects.filter((e) => e.kind === 'notice').map((e) => (e.kind === 'notice' ? e.to : ''))).toEqual(['buyer-1', 'seller-1']);
  });

  it('pays within one bank without clearing', () => {
    const samePayee = { ...goodCheque.payload.payee, bank: 'bank-a', account: 'bank-a:deposit:seller-1' };
    const cheque = write({ payee: samePayee });
    const decision = presentCheque(
      presentment({ collectingBankId: 'bank-a', presented: endorse(cheque, chequeDate + hourMs, { bank: 'bank-a', account: samePayee.account }), notice: notify(cheque) }, cheque),
      config,
    );
    if (decision.outcome !== 'paid') throw new Error(`expected paid, got ${JSON.stringify(decision)}`);
    const transfer = decision.effects.find((e) => e.kind === 'bank_transfer');
    expect(transfer).toMatchObject({ payer: { bankId: 'bank-a', partyId: 'buyer-1' }, payee: { bankId: 'bank-a', partyId: 'seller-1' }, interbank: false });
  });

  it('pays exactly the available balance, and on the last day of the period', () => {
    expect(presentCheque(presentment({ availableBalance: { amount: '1004.05', currency: 'CNY' } }), config).outcome).toBe('paid');
    expect(presentCheque(presentment({ now: chequePresentableUntil(chequeDate, 10) - 1 }), config).outcome).toBe('paid');
    expect(presentCheque(presentment({ now: chequePresentableFrom(chequeDate), presented: endorse(goodCheque, chequePresentableFrom(chequeDate)) }), config).outcome).toBe('paid');
  });

  it('a certificate revoked or expired after the cheque\'s date does not matter', () => {
    const lateRevocation = revocations([{ serial: drawerCert.body.serial, reason: 'key_compromise', revokedAt: chequeDate + hourMs }]);
    expect(presentCheque(presentment({ trust: { roots: trust.roots, crl: lateRevocation } }), config).outcome).toBe('paid');
    // Valid until an hour after the date: expired at presentment, good at the date.
    const shortCert = issue({ name: '张三', role: 'buyer', partyId: 'buyer-1' }, drawerSeed, t0 - dayMs, 2 * dayMs + 2 * hourMs);
    expect(shortCert.body.notAfter).toBeLessThan(presentedAt);
    const cheque = signBody(goodCheque.payload, drawerSeed, shortCert);
    const notice = signDocument(notify(cheque).payload, drawerSeed, shortCert);
    expect(presentCheque(presentment({ notice }, cheque), config).outcome).toBe('paid');
  });

  it('a longer configured period keeps a cheque presentable', () => {
    const late = chequePresentableUntil(chequeDate, 10) + dayMs;
    expect(returned(presentCheque(presentment({ now: late }), config)).reason).toBe('stale_dated');
    expect(presentCheque(presentment({ now: late }), makeEchequeConfig({ presentmentPeriodDays: 30 })).outcome).toBe('paid');
  });
});

describe('presentment: the returned-cheque fee', () => {
  it('charges the drawer the fee when it caused the return, and tells both sides', () => {
    const decision = returned(presentCheque(presentment({ availableBalance: { amount: '1000.00', currency: 'CNY' } }), config));
    expect(decision.fee).toEqual({ amount: '20.00', currency: 'CNY' });
    expect(decision.effects[0]).toEqual({
      kind: 'bank_fee',
      id: 'presentment-1:returned-fee',
      payer: { bankId: 'bank-a', partyId: 'buyer-1' },
      amount: { amount: '20.00', currency: 'CNY' },
      code: 'echeque.returned_fee',
      refs: { presentmentId: 'presentment-1', reason: 'insufficient_funds', chequeId: `echeque:bank-a:${drawerAccount.accountNumber}:10203001` },
    });
    const notices = decision.effects.filter((e) => e.kind === 'notice');
    expect(notices).toEqual([
      { kind: 'notice', to: 'buyer-1', key: 'echeque.notice.returned_drawer', params: { chequeNumber: '10203001', amount: '1004.05', reason: 'insufficient_funds', fee: '20.00' } },
      { kind: 'notice', to: 'seller-1', key: 'echeque.notice.returned_payee', params: { chequeNumber: '10203001', amount: '1004.05', reason: 'insufficient_funds', fee: '20.00' } },
    ]);
    expect(decision.effects.at(-1)).toMatchObject({ kind: 'event', event: { type: 'echeque.returned', actor: 'bank-a', payload: { reason: 'insufficient_funds', check: 'funds' } } });
  });

  it('never charges more than the account holds, and nothing from an empty account', () => {
    expect(returned(presentCheque(presentment({ availableBalance: { amount: '7.50', currency: 'CNY' } }), config)).fee).toEqual({ amount: '7.50', currency: 'CNY' });
    const empty = returned(presentCheque(presentment({ availableBalance: { amount: '0.00', currency: 'CNY' } }), config));
    expect(empty.fee).toBeNull();
    expect(empty.effects.some((e) => e.kind === 'bank_fee')).toBe(false);
  });

  it('does not charge the account holder for a forgery, and the fee and its reasons are configurable', () => {
    const forged = presentment({ presented: { cheque: alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' }), endorsement: goodEndorsed.endorsement } });
    const decision = returned(presentCheque(forged, config));
    expect(decision.fee).toBeNull();
    // ... but the account holder hears that someone presented a cheque on its account.
    expect(decision.effects.some((e) => e.kind === 'notice' && e.to === 'buyer-1')).toBe(true);
    const strict = makeEchequeConfig({ feeReasons: ['altered_or_fictitious'], returnedChequeFee: { amount: '5.00', currency: 'CNY' } });
    expect(returned(presentCheque(forged, strict)).fee).toEqual({ amount: '5.00', currency: 'CNY' });
  });

  it('a return on an unknown account notifies only the depositor', () => {
    const decision = returned(presentCheque(presentment({ drawerAccount: null, books: [] }), makeEchequeConfig({ feeReasons: ['altered_or_fictitious'] })));
    expect(decision.fee).toBeNull();
    expect(decision.effects.filter((e) => e.kind === 'notice').map((e) => (e.kind === 'notice' ? e.to : ''))).toEqual(['seller-1']);
  });
});

describe('stop payment', () => {
  const stopOrder = (() => {
    const r = makeChequeStopOrder(book, '10203001', '支票邮寄丢失', drawerSeed, drawerCert, presentedAt - hourMs);
    if (!r.ok) throw new Error(r.code);
    return r.value;
  })();

  it('an accepted stop order makes the presentment return payment_stopped', () => {
    const accepted = acceptChequeStopOrder(stopOrder, drawerAccount, [book], trust, presentedAt - hourMs, config);
    if (!accepted.ok) throw new Error(accepted.code);
    expect(accepted.value.book.stoppedNumbers).toEqual(['10203001']);
    expect(accepted.value.effects[0]).toEqual({ kind: 'notice', to: 'buyer-1', key: 'echeque.notice.stopped', params: { chequeNumber: '10203001' } });
    expect(returned(presentCheque(presentment({ books: [accepted.value.book] }), config)).reason).toBe('payment_stopped');
  });

  it('is refused once the cheque was presented and paid, and a second time', () => {
    const paid = presentCheque(presentment(), config);
    if (paid.outcome !== 'paid') throw new Error('expected paid');
    expect(acceptChequeStopOrder(stopOrder, drawerAccount, [paid.book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'already_presented' });
    const stopped = acceptChequeStopOrder(stopOrder, drawerAccount, [book], trust, presentedAt, config);
    if (!stopped.ok) throw new Error(stopped.code);
    expect(acceptChequeStopOrder(stopOrder, drawerAccount, [stopped.value.book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'already_stopped' });
  });

  it('only the account holder can stop its cheques, and only numbers from its books', () => {
    const forged = signDocument(stopOrder.payload, mallorySeed, malloryCert);
    expect(acceptChequeStopOrder(forged, drawerAccount, [book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'not_authorized', detail: { cause: 'not_account_holder' } });
    const tampered = { ...stopOrder, payload: { ...stopOrder.payload, chequeNumber: '10203002' } };
    expect(acceptChequeStopOrder(tampered, drawerAccount, [book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'not_authorized', detail: { cause: 'bad_signature' } });
    const outside = makeChequeStopOrder(book, '10209999', '', drawerSeed, drawerCert, presentedAt);
    if (!outside.ok) throw new Error(outside.code);
    expect(acceptChequeStopOrder(outside.value, drawerAccount, [book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'not_from_chequebook' });
    const future = makeChequeStopOrder(book, '10203001', '', drawerSeed, drawerCert, presentedAt + hourMs);
    if (!future.ok) throw new Error(future.code);
    expect(acceptChequeStopOrder(future.value, drawerAccount, [book], trust, presentedAt, config)).toMatchObject({ ok: false, code: 'stop_order_malformed' });
  });
});

describe('presentment: the trace for the bank\'s view', () => {
  it('checkChequePresentment gives the same verdict as presentCheque, and its accepted cheque', () => {
    const verdict = checkChequePresentment(presentment(), config);
    expect(verdict.result.ok).toBe(true);
    if (verdict.result.ok) {
      expect(verdict.result.value.depositTo).toEqual(depositTo);
      expect(verdict.result.value.endorsement.signerCertificate).toEqual(payeeCert);
    }
  });

  it('a cheque that is not even an object is returned as altered, without throwing', () => {
    const junk = { payload: 'x', signature: 'zz', signerCertificate: null } as unknown as SignedCheque;
    const decision = returned(presentCheque(presentment({ presented: { cheque: junk, endorsement: null } }), config));
    expect(decision.reason).toBe('altered_or_fictitious');
    expect(decision.chequeId).toBeNull();
    const badKey = { ...goodCheque, signerCertificate: { ...drawerCert, body: { ...drawerCert.body, publicKey: bytesToHex(hexToBytes(drawerCert.body.publicKey).map((b) => b ^ 1)) } } };
    expect(returned(presentCheque(presentment({ presented: { cheque: badKey, endorsement: goodEndorsed.endorsement } }), config)).reason).toBe('altered_or_fictitious');
    // An upper-cased signature verifies the same but would hash as another instrument.
    const upper = { ...goodCheque, signature: goodCheque.signature.toUpperCase() };
    expect(returned(presentCheque(presentment({ presented: { cheque: upper, endorsement: goodEndorsed.endorsement } }), config)).detail).toMatchObject({ check: 'drawer_signature' });
  });
});
