import { describe, expect, it } from 'vitest';
import {
  createRecurringBill,
  createStoredValueIssuer,
  issueStoredValueCard,
  payRecurringBill,
  recurringBillJob,
  setStoredValueParticipant,
  storedValueSettleMerchant,
  storedValueSpend,
  storedValueTopUp,
  type StoredValueCard,
} from '../../src/domain/payments/index.ts';

const t0 = Date.UTC(2026, 0, 5, 1);

/** A card as the issuer keeps it once blocked (lost, the holder's request): the balance stays. */
function blockedCard(card: StoredValueCard, reason: string, now: number): StoredValueCard {
  return { ...card, status: 'blocked', blockedReason: reason, updatedAt: now };
}
const day = 86_400_000;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

const campus = createStoredValueIssuer({
  issuerId: 'campus:pku',
  name: '校园一卡通',
  kind: 'campus',
  currency: 'CNY',
  balanceMax: '1000',
  participants: ['merchant:canteen', 'merchant:printshop', 'merchant:mobile'],
});

function fundedCard(amount = '100'): StoredValueCard {
  const card = issueStoredValueCard(campus, { cardId: 'sv:001', holderId: 'buyer:zhang', now: t0 });
  return unwrap(storedValueTopUp(card, campus, { topUpId: 'top-0', amount, bankId: 'bank:icbc', now: t0 })).card;
}

describe('top-up', () => {
  it('moves money from the holder bank account to the issuer float in two books', () => {
    const card = issueStoredValueCard(campus, { cardId: 'sv:001', holderId: 'buyer:zhang', now: t0 });
    const topped = unwrap(storedValueTopUp(card, campus, { topUpId: 'T1', amount: '50', bankId: 'bank:icbc', now: t0 + 1 }));
    expect(topped.card.balance).toBe('50.00');
    expect(topped.txn).toMatchObject({ kind: 'top_up', amount: '50.00', balanceAfter: '50.00', merchantId: null });
    expect(topped.effects.map((e) => [e.transferId, e.bookId, e.from, e.to, e.amount.amount])).toEqual([
      ['storedvalue:top_up:T1:bank', 'bank:icbc', { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'buyer:zhang' }, { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'campus:pku' }, '50.00'],
      ['storedvalue:top_up:T1:book', 'campus:pku', { role: 'institution_at_bank', institutionId: 'campus:pku', bankId: 'bank:icbc' }, { role: 'stored_value_float', issuerId: 'campus:pku' }, '50.00'],
    ]);
  });

  it('refuses above the card limit, zero, and on a blocked card', () => {
    const card = fundedCard('990');
    expect(storedValueTopUp(card, campus, { topUpId: 'T', amount: '10.01', bankId: 'bank:icbc', now: t0 })).toMatchObject({ code: 'balance_limit_exceeded' });
    expect(storedValueTopUp(card, campus, { topUpId: 'T', amount: '0', bankId: 'bank:icbc', now: t0 })).toMatchObject({ code: 'amount_not_positive' });
    expect(storedValueTopUp(card, campus, { topUpId: 'T', amount: '1.005', bankId: 'bank:icbc', now: t0 })).toMatchObject({ code: 'amount_invalid' });
    expect(storedValueSpend(card, campus, { paymentId: 'P', merchantId: 'merchant:canteen', amount: 'abc', reference: '', now: t0 })).toMatchObject({
      code: 'amount_invalid',
    });
    const blocked = blockedCard(card, 'lost', t0 + 1);
    expect(storedValueTopUp(blocked, campus, { topUpId: 'T', amount: '1', bankId: 'bank:icbc', now: t0 + 2 })).toMatchObject({
      code: 'card_blocked',
      detail: { reason: 'lost' },
    });
  });
});

describe('spending', () => {
  it('pays a participating merchant: float -> payable to that merchant', () => {
    const paid = unwrap(storedValueSpend(fundedCard(), campus, { paymentId: 'P1', merchantId: 'merchant:canteen', amount: '12.5', reference: 'lunch', now: t0 + 5 }));
    expect(paid.card.balance).toBe('87.50');
    expect(paid.txn).toEqual({
      id: 'P1',
      cardId: 'sv:001',
      issuerId: 'campus:pku',
      kind: 'spend',
      amount: '12.50',
      merchantId: 'merchant:canteen',
      reference: 'lunch',
      balanceAfter: '87.50',
      at: t0 + 5,
    });
    expect(paid.effects).toEqual([
      {
        kind: 'ledger',
        transferId: 'storedvalue:spend:P1',
        bookId: 'campus:pku',
        from: { role: 'stored_value_float', issuerId: 'campus:pku' },
        to: { role: 'stored_value_payable', issuerId: 'campus:pku', merchantId: 'merchant:canteen' },
        amount: { amount: '12.50', currency: 'CNY' },
        code: 'storedvalue.spend',
        refs: { cardId: 'sv:001', paymentId: 'P1', reference: 'lunch' },
      },
    ]);
  });

  it('names each refusal: insufficient balance, merchant not participating, card blocked', () => {
    const card = fundedCard('10');
    expect(storedValueSpend(card, campus, { paymentId: 'P', merchantId: 'merchant:canteen', amount: '10.01', reference: '', now: t0 })).toMatchObject({
      code: 'insufficient_balance',
      detail: { balance: '10.00', amount: '10.01' },
    });
    expect(storedValueSpend(card, campus, { paymentId: 'P', merchantId: 'seller:elsewhere', amount: '1', reference: '', now: t0 })).toMatchObject({
      code: 'merchant_not_participating',
      detail: { merchantId: 'seller:elsewhere' },
    });
    const blocked = blockedCard(card, 'holder_request', t0 + 1);
    expect(storedValueSpend(blocked, campus, { paymentId: 'P', merchantId: 'merchant:canteen', amount: '1', reference: '', now: t0 + 1 })).toMatchObject({
      code: 'card_blocked',
    });
  });

  it('a merchant leaving the scheme is refused from then on', () => {
    const without = setStoredValueParticipant(campus, 'merchant:printshop', false);
    expect(storedValueSpend(fundedCard(), without, { paymentId: 'P', merchantId: 'merchant:printshop', amount: '1', reference: '', now: t0 })).toMatchObject({
      code: 'merchant_not_participating',
    });
  });

  it('settles what the issuer owes a merchant into its bank account (two books)', () => {
    const effects = unwrap(storedValueSettleMerchant(campus, { settlementId: 'S1', merchantId: 'merchant:canteen', bankId: 'bank:icbc', amount: '12.50' }));
    expect(effects.map((e) => [e.bookId, e.from, e.to])).toEqual([
      ['campus:pku', { role: 'stored_value_payable', issuerId: 'campus:pku', merchantId: 'merchant:canteen' }, { role: 'institution_at_bank', institutionId: 'campus:pku', bankId: 'bank:icbc' }],
      ['bank:icbc', { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'campus:pku' }, { role: 'bank_deposit', bankId: 'bank:icbc', partyId: 'merchant:canteen' }],
    ]);
  });
});

describe('recurring bills', () => {
  const card = fundedCard('40');
  const bill = unwrap(
    createRecurringBill(
      { billId: 'B1', cardId: 'sv:001', payeeId: 'merchant:mobile', kind: 'phone', account: '13800000000', amount: '30', intervalDays: 30, firstDueAt: t0 + day },
      card,
    ),
  );

  it('schedules one job per due date', () => {
    expect(recurringBillJob(bill)).toEqual({ id: `storedvalue.bill_due:B1:${t0 + day}`, kind: 'storedvalue.bill_due', dueAt: t0 + day, payload: { billId: 'B1' } });
  });

  it('pays from the card and moves the due date one interval on', () => {
    const outcome = payRecurringBill(bill, card, campus, t0 + day);
    expect(outcome.paid).toBe(true);
    if (!outcome.paid) return;
    expect(outcome.card.balance).toBe('10.00');
    expect(outcome.txn).toMatchObject({ kind: 'bill', merchantId: 'merchant:mobile', reference: 'phone:13800000000', amount: '30.00' });
    expect(outcome.effects[0]).toMatchObject({ code: 'storedvalue.bill', transferId: `storedvalue:bill:B1:${t0 + day}` });
    expect(outcome.bill).toMatchObject({ nextDueAt: t0 + 31 * day, lastPaidAt: t0 + day, failures: 0 });
    // Next month the card is short: the bill stays due and counts the failure.
    const second = payRecurringBill(outcome.bill, outcome.card, campus, t0 + 31 * day);
    expect(second).toMatchObject({ paid: false, problem: 'insufficient_balance', bill: { nextDueAt: t0 + 31 * day, failures: 1, lastFailure: 'insufficient_balance' } });
  });

  it('validates the bill', () => {
    const base = { billId: 'B2', cardId: 'sv:001', payeeId: 'merchant:mobile', kind: 'internet' as const, account: 'acct', amount: '0', intervalDays: 30, firstDueAt: t0 };
    expect(createRecurringBill(base, card)).toMatchObject({ code: 'amount_not_positive' });
    expect(createRecurringBill({ ...base, amount: '5', intervalDays: 0 }, card)).toMatchObject({ code: 'interval_invalid' });
  });
});
