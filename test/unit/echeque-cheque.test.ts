import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/domain/assert.ts';
import { verifySignedDocument, roles } from '../../src/domain/identity/index.ts';
import {
  alterChequeAmount,
  chequeHash,
  chequeIdOf,
  chequeKind,
  chequePayeeCheckNames,
  chequePayeeChecklist,
  endorseCheque,
  isWellFormedChequeBody,
  newChequeRecord,
  chequePlaceOf,
  isChequeRecordStopped,
  recordChequeStatus,
  recordEndorsement,
  writeCheque,
  chequeHistoryMax,
  type ChequeRecord,
  type ChequeStatus,
} from '../../src/domain/payments/echeque/index.ts';
import { dayMs, hourMs } from '../../src/domain/world/clock.ts';
import {
  book,
  chequeDate,
  config,
  depositTo,
  draft,
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
  payee,
  payeeCert,
  payeeSeed,
  presentedAt,
  revocations,
  signBody,
  trust,
  write,
} from './echeque-fixtures.ts';

describe('writeCheque', () => {
  it('fills in the drawer from its certificate and book, and the capitals from the figures', () => {
    expect(goodCheque.payload).toEqual({
      kind: chequeKind,
      chequeNumber: '10203001',
      drawer: { partyId: 'buyer-1', name: '张三', bank: 'bank-a', account: drawerAccount.accountNumber },
      payee,
      amount: { amount: '1004.05', currency: 'CNY' },
      amountInWords: '人民币壹仟零肆元零伍分',
      date: chequeDate,
      memo: '订单货款',
      orderId: 'order-1',
    });
    expect(verifySignedDocument(goodCheque, { ...trust, now: chequeDate, role: 'buyer' }).ok).toBe(true);
    expect(chequeIdOf(goodCheque.payload)).toBe(`echeque:bank-a:${drawerAccount.accountNumber}:10203001`);
  });

  it('writes the PBOC capitals on the cheque', () => {
    const capitals: [string, string][] = [
      ['1409.50', '人民币壹仟肆佰零玖元伍角整'],
      ['6007.14', '人民币陆仟零柒元壹角肆分'],
      ['16409.02', '人民币壹万陆仟肆佰零玖元零贰分'],
      ['107000.53', '人民币壹拾万柒仟元零伍角叁分'],
      ['10.00', '人民币壹拾元整'],
      ['0.05', '人民币伍分'],
    ];
    for (const [amount, words] of capitals) {
      expect(write({ amount: { amount, currency: 'CNY' }, orderId: null }).payload.amountInWords).toBe(words);
    }
  });

  it('refuses what a form should not send', () => {
    const attempt = (overrides: Partial<typeof draft>) => writeCheque({ ...draft, ...overrides }, book, drawerSeed, drawerCert);
    expect(attempt({ chequeNumber: '123' })).toMatchObject({ ok: false, code: 'cheque_number_invalid' });
    expect(attempt({ chequeNumber: '10209999' })).toMatchObject({ ok: false, code: 'not_from_chequebook' });
    expect(writeCheque(draft, { ...book, paidNumbers: ['10203001'] }, drawerSeed, drawerCert)).toMatchObject({ ok: false, code: 'cheque_already_paid' });
    expect(writeCheque(draft, { ...book, stoppedNumbers: ['10203001'] }, drawerSeed, drawerCert)).toMatchObject({ ok: false, code: 'cheque_stopped' });
    expect(attempt({ payee: { ...payee, name: ' 李四' } })).toMatchObject({ ok: false, code: 'payee_invalid', detail: { field: 'name' } });
    expect(attempt({ payee: { ...payee, account: 'has space' } })).toMatchObject({ ok: false, code: 'payee_invalid', detail: { field: 'account' } });
    expect(attempt({ amount: { amount: '10.00', currency: 'USD' } })).toMatchObject({ ok: false, code: 'currency_not_supported' });
    expect(attempt({ amount: { amount: '10.0', currency: 'CNY' } })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(attempt({ amount: { amount: '0.00', currency: 'CNY' } })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(attempt({ amount: { amount: '-5.00', currency: 'CNY' } })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(attempt({ amount: { amount: '10000000000.01', currency: 'CNY' } })).toMatchObject({ ok: false, code: 'amount_too_large' });
    expect(attempt({ memo: 'x'.repeat(201) })).toMatchObject({ ok: false, code: 'memo_invalid' });
    expect(attempt({ memo: 'line\u0007' })).toMatchObject({ ok: false, code: 'memo_invalid' });
    expect(attempt({ orderId: 'with space' })).toMatchObject({ ok: false, code: 'order_id_invalid' });
    expect(attempt({ orderId: null }).ok).toBe(true);
    // Signing on somebody else's book is a wiring bug, not a form error.
    expect(() => writeCheque(draft, book, mallorySeed, malloryCert)).toThrow(AssertionError);
  });

  it('a body with any field missing, extra or of the wrong form is not well formed', () => {
    const body = goodCheque.payload as unknown as Record<string, unknown>;
    expect(isWellFormedChequeBody(body)).toBe(true);
    expect(isWellFormedChequeBody({ ...body, extra: 1 })).toBe(false);
    const { memo: _memo, ...withoutMemo } = body;
    expect(isWellFormedChequeBody(withoutMemo)).toBe(false);
    expect(isWellFormedChequeBody({ ...body, amount: { amount: '1004.050', currency: 'CNY' } })).toBe(false);
    expect(isWellFormedChequeBody({ ...body, date: 1.5 })).toBe(false);
    expect(isWellFormedChequeBody({ ...body, drawer: { ...goodCheque.payload.drawer, extra: 'x' } })).toBe(false);
  });

  it('the cheque hash covers body and signature', () => {
    expect(chequeHash(goodCheque)).toMatch(/^[0-9a-f]{64}$/);
    expect(chequeHash(write())).toBe(chequeHash(goodCheque)); // deterministic signatures
    expect(chequeHash(write({ memo: '另' }))).not.toBe(chequeHash(goodCheque));
    expect(chequeHash({ ...goodCheque, signature: goodCheque.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) })).not.toBe(chequeHash(goodCheque));
  });
});

describe('payment notice and endorsement', () => {
  it('the notice repeats the cheque and names its hash, signed by the drawer', () => {
    expect(goodNotice.payload).toMatchObject({ chequeNumber: '10203001', amount: goodCheque.payload.amount, payee, chequeHash: chequeHash(goodCheque) });
    expect(verifySignedDocument(goodNotice, { ...trust, now: chequeDate, role: 'buyer' }).ok).toBe(true);
  });

  it('the payee endorses over the cheque hash for deposit to its account; nobody else may', () => {
    expect(goodEndorsed.endorsement.payload).toMatchObject({ chequeHash: chequeHash(goodCheque), endorser: { partyId: 'seller-1', name: '李四商行' }, depositTo });
    expect(verifySignedDocument(goodEndorsed.endorsement, { ...trust, now: presentedAt, role: roles }).ok).toBe(true);
    expect(endorseCheque(goodCheque, depositTo, mallorySeed, malloryCert, chequeDate)).toMatchObject({ ok: false, code: 'not_the_payee' });
    expect(endorseCheque(goodCheque, { bank: 'bank b', account: 'x' }, payeeSeed, payeeCert, chequeDate)).toMatchObject({ ok: false, code: 'deposit_account_invalid' });
    const junk = { ...goodCheque, payload: { ...goodCheque.payload, payee: 'nobody' } } as unknown as typeof goodCheque;
    expect(endorseCheque(junk, depositTo, payeeSeed, payeeCert, chequeDate)).toMatchObject({ ok: false, code: 'cheque_malformed' });
    expect(endorseCheque({ ...goodCheque, signature: 'x' }, depositTo, payeeSeed, payeeCert, chequeDate)).toMatchObject({ ok: false, code: 'cheque_malformed' });
  });
});

describe('the payee\'s verification checklist', () => {
  const passing = (list: ReturnType<typeof chequePayeeChecklist>) => Object.fromEntries(list.checks.map((c) => [c.check, c.pass]));

  it('a good cheque passes every named check', () => {
    const list = chequePayeeChecklist(goodCheque, 'seller-1', trust, presentedAt, config);
    expect(list.checks.map((c) => c.check)).toEqual(chequePayeeCheckNames);
    expect(list.allPassed).toBe(true);
  });

  it('an altered amount fails the signature only: the certificate is fine', () => {
    const altered = alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' });
    const list = chequePayeeChecklist(altered, 'seller-1', trust, presentedAt, config);
    expect(list.allPassed).toBe(false);
    expect(list.checks.filter((c) => !c.pass)).toEqual([{ check: 'drawer_signature', pass: false, cause: 'bad_signature' }]);
    const wordsLeft = chequePayeeChecklist(alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' }, { rewriteWords: false }), 'seller-1', trust, presentedAt, config);
    expect(wordsLeft.checks.filter((c) => !c.pass).map((c) => c.check)).toEqual(['amount_in_words', 'drawer_signature']);
  });

  it('reports certificate validity and revocation at the cheque\'s date, each on its own', () => {
    const revoked = revocations([{ serial: drawerCert.body.serial, reason: 'key_compromise', revokedAt: chequeDate - hourMs }]);
    const r = passing(chequePayeeChecklist(goodCheque, 'seller-1', { roots: trust.roots, crl: revoked }, presentedAt, config));
    expect(r).toMatchObject({ certificate_chain: true, certificate_valid_at_date: true, certificate_not_revoked: false, drawer_signature: true });
    const expiredCert = issue({ name: '张三', role: 'buyer', partyId: 'buyer-1' }, drawerSeed, chequeDate - 20 * dayMs, 10 * dayMs);
    const e = passing(chequePayeeChecklist(signBody(goodCheque.payload, drawerSeed, expiredCert), 'seller-1', trust, presentedAt, config));
    expect(e).toMatchObject({ certificate_chain: true, certificate_valid_at_date: false, certificate_not_revoked: true, drawer_signature: true });
  });

  it('says whether the cheque is made out to me, signed by the drawer it names, and presentable now', () => {
    expect(passing(chequePayeeChecklist(goodCheque, 'buyer-9', trust, presentedAt, config)).payee_is_me).toBe(false);
    const forged = passing(chequePayeeChecklist(signBody(goodCheque.payload, mallorySeed, malloryCert), 'seller-1', trust, presentedAt, config));
    expect(forged).toMatchObject({ drawer_signature: true, certificate_chain: true, drawer_is_certificate_holder: false });
    expect(passing(chequePayeeChecklist(goodCheque, 'seller-1', trust, chequeDate - dayMs, config)).not_post_dated).toBe(false);
    expect(passing(chequePayeeChecklist(goodCheque, 'seller-1', trust, chequeDate + 12 * dayMs, config)).within_presentment_period).toBe(false);
  });

  it('a malformed cheque fails everything that needs its body, without throwing', () => {
    const junk = { ...goodCheque, payload: { ...goodCheque.payload, amount: 'lots' } } as unknown as typeof goodCheque;
    const list = chequePayeeChecklist(junk, 'seller-1', trust, presentedAt, config);
    expect(list.checks.every((c) => !c.pass)).toBe(true);
    expect(list.checks[0]).toEqual({ check: 'cheque_well_formed', pass: false, cause: 'cheque_malformed' });
  });
});

describe('the lab tool', () => {
  it('changes the amount and keeps the drawer\'s signature', () => {
    const altered = alterChequeAmount(goodCheque, { amount: '9004.05', currency: 'CNY' });
    expect(altered.payload.amount.amount).toBe('9004.05');
    expect(altered.payload.amountInWords).toBe('人民币玖仟零肆元零伍分');
    expect(altered.signature).toBe(goodCheque.signature);
    expect(goodCheque.payload.amount.amount).toBe('1004.05');
    expect(() => alterChequeAmount(goodCheque, { amount: '1004.05', currency: 'CNY' })).toThrow(AssertionError);
  });
});

describe('status history', () => {
  const at = (h: number) => chequeDate + h * hourMs;
  function through(statuses: readonly ChequeStatus[]): ChequeRecord {
    let record = newChequeRecord(goodCheque, 'buyer-1', at(0));
    statuses.forEach((status, i) => {
      const next = recordChequeStatus(record, { status, at: at(i + 1), by: 'bank-a', reason: status === 'returned' ? 'insufficient_funds' : null });
      if (!next.ok) throw new Error(`${status}: ${next.code}`);
      record = next.value;
    });
    return record;
  }

  it('follows written → delivered → verified → endorsed → deposited → presented → paid', () => {
    const record = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid']);
    expect(record.status).toBe('paid');
    expect(record.history.map((h) => h.status)).toEqual(['written', 'delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid']);
    expect(record.id).toBe(chequeIdOf(goodCheque.payload));
  });

  it('refuses skipped steps, and a stop once presented', () => {
    const written = newChequeRecord(goodCheque, 'buyer-1', at(0));
    expect(recordChequeStatus(written, { status: 'paid', at: at(1), by: 'bank-a', reason: null })).toMatchObject({ ok: false, code: 'illegal_status_transition' });
    const presented = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented']);
    expect(recordChequeStatus(presented, { status: 'stopped', at: at(9), by: 'buyer-1', reason: null })).toMatchObject({ ok: false, code: 'already_presented' });
    const paid = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid']);
    expect(recordChequeStatus(paid, { status: 'stopped', at: at(9), by: 'buyer-1', reason: null })).toMatchObject({ ok: false, code: 'already_presented' });
    const stopped = through(['delivered', 'stopped']);
    expect(recordChequeStatus(stopped, { status: 'stopped', at: at(9), by: 'buyer-1', reason: null })).toMatchObject({ ok: false, code: 'already_stopped' });
  });

  it('a stop is logged where the cheque is: it keeps travelling and is returned when presented', () => {
    // Stopped before the payee even checked it: still endorsed, deposited, presented and returned.
    const early = through(['delivered', 'stopped']);
    expect(early.status).toBe('delivered');
    expect(isChequeRecordStopped(early)).toBe(true);
    expect(isChequeRecordStopped(through(['delivered']))).toBe(false);
    const returned = recordChequeStatus(through(['delivered', 'stopped', 'verified', 'endorsed', 'deposited', 'presented']), {
      status: 'returned',
      at: at(9),
      by: 'bank-a',
      reason: 'payment_stopped',
    });
    if (!returned.ok) throw new Error(returned.code);
    expect(returned.value.status).toBe('returned');
    expect(returned.value.history.map((h) => h.status)).toEqual(['written', 'delivered', 'stopped', 'verified', 'endorsed', 'deposited', 'presented', 'returned']);
    expect(isChequeRecordStopped(returned.value)).toBe(true);
    // Stopped after deposit: the presentment goes on.
    expect(through(['delivered', 'verified', 'endorsed', 'deposited', 'stopped', 'presented']).status).toBe('presented');
  });

  it('reads a row stored with the old terminal status stopped at its last place', () => {
    const old = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'returned']);
    const legacy: ChequeRecord = { ...old, status: 'stopped', history: [...old.history, { status: 'stopped', at: at(7), by: 'bank-a', reason: null }] };
    expect(chequePlaceOf(legacy)).toBe('returned');
    expect(isChequeRecordStopped(legacy)).toBe(true);
    const again = recordChequeStatus(legacy, { status: 'deposited', at: at(8), by: 'seller-1', reason: null });
    expect(again.ok && again.value.status).toBe('deposited');
    expect(recordChequeStatus(legacy, { status: 'stopped', at: at(8), by: 'bank-a', reason: null })).toMatchObject({ ok: false, code: 'already_stopped' });
  });

  it('a returned cheque may be deposited again or stopped; a paid one logs later presentments but stays paid', () => {
    const returned = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'returned']);
    expect(returned.status).toBe('returned');
    expect(returned.history.at(-1)?.reason).toBe('insufficient_funds');
    expect(through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'returned', 'deposited', 'presented', 'paid']).status).toBe('paid');
    const stoppedAfterReturn = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'returned', 'stopped']);
    expect(stoppedAfterReturn.status).toBe('returned');
    expect(isChequeRecordStopped(stoppedAfterReturn)).toBe(true);
    const paid = through(['delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid']);
    let again = recordChequeStatus(paid, { status: 'presented', at: at(20), by: 'bank-b', reason: null });
    if (!again.ok) throw new Error(again.code);
    again = recordChequeStatus(again.value, { status: 'returned', at: at(21), by: 'bank-a', reason: 'duplicate_presentment' });
    if (!again.ok) throw new Error(again.code);
    expect(again.value.status).toBe('paid');
    expect(again.value.history.at(-1)).toEqual({ status: 'returned', at: at(21), by: 'bank-a', reason: 'duplicate_presentment' });
    expect(recordChequeStatus(paid, { status: 'verified', at: at(20), by: 'seller-1', reason: null })).toMatchObject({ ok: false, code: 'illegal_status_transition' });
  });

  it('keeps the endorsement with the record, bounds the history, and asserts its entries', () => {
    const verified = through(['delivered', 'verified']);
    const endorsed = recordEndorsement(verified, goodEndorsed.endorsement, 'seller-1', at(5));
    expect(endorsed.ok && endorsed.value.endorsement).toEqual(goodEndorsed.endorsement);
    expect(endorsed.ok && endorsed.value.status).toBe('endorsed');
    expect(() => recordEndorsement(verified, endorse(write({ memo: '另' })).endorsement, 'seller-1', at(5))).toThrow(AssertionError);
    const cycle: ChequeStatus[] = ['delivered', 'verified', 'endorsed'];
    for (let i = 0; i < 20; i++) cycle.push('deposited', 'presented', 'returned');
    expect(() => through(cycle)).toThrow(/cheque_history_full/);
    expect(cycle.length + 1).toBeGreaterThan(chequeHistoryMax);
    const written = newChequeRecord(goodCheque, 'buyer-1', at(5));
    expect(() => recordChequeStatus(written, { status: 'delivered', at: at(4), by: 'buyer-1', reason: null })).toThrow(AssertionError);
    expect(() => recordChequeStatus(written, { status: 'delivered', at: at(6), by: 'buyer-1', reason: 'stale_dated' })).toThrow(AssertionError);
  });
});
