import { describe, expect, it } from 'vitest';
import {
  assessCardDue,
  captureCharge,
  channelLedgerEffectsOf,
  closeCardCycle,
  createCharge,
  creditCardChannel,
  dayMs,
  interestOnStatement,
  makeCardConfig,
  minimumPaymentOf,
  money,
  nextBillingAt,
  openCard,
  parseWorldDate,
  refundCharge,
  repayCard,
  worldDateLabel,
  type CardConfig,
  type CardRow,
  type CardStatementRow,
  type ChannelEffect,
} from '../../src/domain/index.ts';

function at(text: string): number {
  const r = parseWorldDate(text);
  if (!r.ok) throw new Error(text);
  return r.value;
}

function must<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

const cny = (amount: string) => ({ amount, currency: 'CNY' as const });
const config = makeCardConfig();
const payee = { partyId: 'seller-1', bankId: 'bank-b' };
const holderBank = { bankId: 'bank-a', partyId: 'buyer-1' };

/** A credit card opened on 5 January with billing day 20, and its first (empty) statement of 20 January. */
function freshCard(cfg: CardConfig = config, limit = '10000.00'): { card: CardRow; statement: CardStatementRow } {
  const opened = openCard({ id: 'cc-1', kind: 'credit', holderId: 'buyer-1', limit: cny(limit), billingDay: 20 }, at('2026-01-05T09:00'), cfg);
  expect(opened.card.nextStatementAt).toBe(at('2026-01-20'));
  expect(opened.effects).toEqual([{ kind: 'job.schedule', job: { id: 'cc-1:statement:2026-01-20', kind: 'card.statement', dueAt: at('2026-01-20'), payload: { cardId: 'cc-1', closingAt: at('2026-01-20') } } }]);
  const first = closeCardCycle(opened.card, null, at('2026-01-20'), cfg);
  expect(first.statement.newBalance).toEqual(cny('0.00'));
  expect(first.statement.minimumPayment).toEqual(cny('0.00'));
  return { card: first.card, statement: first.statement };
}

/** Buys `amount` with the card at `when` (authorized and captured at once). */
function buy(card: CardRow, id: string, amount: string, when: number): CardRow {
  const ctx = { now: when, actorId: 'buyer-1' };
  const held = must(createCharge(null, { id, orderId: `o-${id}`, amount: cny(amount), channel: 'credit_card', payerId: 'buyer-1', payee, source: { cardId: card.id } }, creditCardChannel, card, ctx));
  expect(held.charge.status).toBe('pending');
  const captured = must(captureCharge(held.charge, null, creditCardChannel, held.state, ctx));
  return captured.state;
}

function pay(card: CardRow, id: string, amount: string, when: number): CardRow {
  return must(repayCard(card, { id, amount: cny(amount), from: holderBank }, when)).card;
}

function ledgerOf(effects: readonly ChannelEffect[]) {
  return channelLedgerEffectsOf(effects).map((e) => [e.transferId, e.from.role, e.to.role, e.amount.amount]);
}

/** ¥1,000 bought on 25 January; the 20 February statement. */
function februaryStatement(cfg: CardConfig = config) {
  const start = freshCard(cfg);
  const card = buy(start.card, 'ch-1', '1000.00', at('2026-01-25T10:00'));
  const closed = closeCardCycle(card, start.statement, at('2026-02-20'), cfg);
  return closed;
}

describe('credit card: the statement', () => {
  it('lists the cycle, the new balance, 10% minimum and the due date 20 days after the billing day', () => {
    const { card, statement, effects } = februaryStatement();
    expect(statement.id).toBe('cc-1:2026-02-20');
    expect(statement.cycleStartAt).toBe(at('2026-01-20'));
    expect(statement.closingAt).toBe(at('2026-02-20'));
    expect(worldDateLabel(statement.dueAt)).toBe('2026-03-12');
    expect(statement.payByAt).toBe(at('2026-03-13'));
    expect(statement.previousBalance).toEqual(cny('0.00'));
    expect(statement.purchases).toEqual(cny('1000.00'));
    expect(statement.interest).toEqual(cny('0.00'));
    expect(statement.newBalance).toEqual(cny('1000.00'));
    expect(statement.minimumPayment).toEqual(cny('100.00'));
    expect(statement.entries.map((e) => [e.kind, e.amount.amount, worldDateLabel(e.postedAt)])).toEqual([['purchase', '1000.00', '2026-01-25']]);
    expect(card.entries).toEqual([]);
    expect(card.cycleStartAt).toBe(at('2026-02-20'));
    expect(card.nextStatementAt).toBe(at('2026-03-20'));
    expect(effects).toContainEqual({ kind: 'notice', to: 'buyer-1', key: 'payments.notice.card_statement', params: { cardId: 'cc-1', statementId: 'cc-1:2026-02-20', newBalance: '1000.00', minimumPayment: '100.00', dueDate: '2026-03-12' } });
    expect(effects).toContainEqual({ kind: 'job.schedule', job: { id: 'cc-1:2026-02-20:due', kind: 'card.due', dueAt: at('2026-03-13'), payload: { cardId: 'cc-1', statementId: 'cc-1:2026-02-20' } } });
    expect(effects).toContainEqual({ kind: 'job.schedule', job: { id: 'cc-1:statement:2026-03-20', kind: 'card.statement', dueAt: at('2026-03-20'), payload: { cardId: 'cc-1', closingAt: at('2026-03-20') } } });
  });

  it('a purchase posted on the billing day itself belongs to the next statement (cut-off at 00:00)', () => {
    const start = freshCard();
    const card = buy(start.card, 'ch-1', '10.00', at('2026-02-19T23:59'));
    const s = closeCardCycle(card, start.statement, at('2026-02-20'), config);
    const later = buy(s.card, 'ch-2', '20.00', at('2026-02-20T00:00'));
    expect(s.statement.purchases).toEqual(cny('10.00'));
    expect(later.entries.map((e) => e.amount.amount)).toEqual(['20.00']);
  });

  it('minimum payment: 10%, the ¥50 floor, or the whole balance when smaller; both configurable', () => {
    const m = (amount: string, cfg: CardConfig = config) => minimumPaymentOf(money(amount, 'CNY'), 'credit', cfg).amount.toFixed(2);
    expect(m('1000.00')).toBe('100.00');
    expect(m('926.05')).toBe('92.61'); // 92.605 rounds half-up
    expect(m('300.00')).toBe('50.00'); // 30.00 is below the floor
    expect(m('500.00')).toBe('50.00'); // exactly at the floor
    expect(m('40.00')).toBe('40.00'); // the whole balance is below the floor
    expect(m('0.00')).toBe('0.00');
    expect(m('-20.00')).toBe('0.00'); // a credit balance owes nothing
    const strict = makeCardConfig({ minimumPaymentRate: '0.05', minimumPaymentFloor: '100.00' });
    expect(m('3000.00', strict)).toBe('150.00');
    expect(m('1000.00', strict)).toBe('100.00');
    expect(minimumPaymentOf(money('300.00', 'CNY'), 'charge', config).amount.toFixed(2)).toBe('300.00');
  });

  it('the billing day rolls over the year end', () => {
    expect(worldDateLabel(nextBillingAt(at('2026-12-20'), 20))).toBe('2027-01-20');
    expect(worldDateLabel(nextBillingAt(at('2026-12-19T23:00'), 20))).toBe('2026-12-20');
  });
});

describe('credit card: grace period and interest', () => {
  it('paid in full by the due date: no interest, whatever the day of payment', () => {
    const { card, statement } = februaryStatement();
    const paid = pay(card, 'p1', '1000.00', at('2026-03-12T23:59'));
    const due = must(assessCardDue(paid, statement.id, at('2026-03-13'), config));
    expect(due.lateFee).toBeNull();
    expect(due.effects).toEqual([]);
    const march = closeCardCycle(due.card, statement, at('2026-03-20'), config);
    expect(march.statement.interest).toEqual(cny('0.00'));
    expect(march.statement.interestBasis).toBeNull();
    expect(march.statement.newBalance).toEqual(cny('0.00'));
    expect(march.statement.payments).toEqual(cny('1000.00'));
    expect(ledgerOf(march.effects)).toEqual([]);
  });

  it('paid in full one day late loses the grace period: interest from the posting day to the payment day', () => {
    const { card, statement } = februaryStatement();
    const paid = pay(card, 'p1', '1000.00', at('2026-03-13T00:00'));
    const march = closeCardCycle(paid, statement, at('2026-03-20'), config);
    // 25 Jan .. 12 Mar = 7 + 28 + 12 = 47 days at ¥1,000: 0.05% × 47,000 = ¥23.50.
    expect(march.statement.interestBasis?.runs).toEqual([{ fromDate: '2026-01-25', days: 47, balance: cny('1000.00') }]);
    expect(march.statement.interest).toEqual(cny('23.50'));
    expect(march.statement.newBalance).toEqual(cny('23.50'));
  });

  it('partially paid: interest day by day on the full amount until the repayment, then on the rest (hand-checked)', () => {
    const { card, statement } = februaryStatement();
    const paid = pay(card, 'p1', '100.00', at('2026-03-01T15:00'));
    const due = must(assessCardDue(paid, statement.id, at('2026-03-13'), config));
    expect(due.lateFee).toBeNull(); // the minimum was paid
    const march = closeCardCycle(due.card, statement, at('2026-03-20'), config);
    // ¥1,000 × 35 days (25 Jan .. 28 Feb) + ¥900 × 19 days (1 Mar .. 19 Mar) = 52,100; × 0.05% = ¥26.05.
    expect(march.statement.interestBasis).toEqual({
      onStatementId: 'cc-1:2026-02-20',
      dailyRate: '0.0005',
      runs: [
        { fromDate: '2026-01-25', days: 35, balance: cny('1000.00') },
        { fromDate: '2026-03-01', days: 19, balance: cny('900.00') },
      ],
      balanceDays: cny('52100.00'),
      interest: cny('26.05'),
    });
    expect(march.statement.previousBalance).toEqual(cny('1000.00'));
    expect(march.statement.payments).toEqual(cny('100.00'));
    expect(march.statement.newBalance).toEqual(cny('926.05'));
    expect(march.statement.minimumPayment).toEqual(cny('92.61'));
    expect(march.card.balance).toEqual(cny('926.05'));
    expect(ledgerOf(march.effects)).toEqual([['cc-1:2026-03-20:interest', 'card_account', 'card_income', '26.05']]);
    expect(march.statement.entries.map((e) => [e.kind, e.amount.amount])).toEqual([
      ['payment', '100.00'],
      ['interest', '26.05'],
    ]);
  });

  it('the textbook case: ¥1,000 on 5/1, bill 5/20, ¥100 repaid 6/1, next bill 6/20 → ¥24.05', () => {
    const opened = openCard({ id: 'cc-2', kind: 'credit', holderId: 'buyer-1', limit: cny('5000.00'), billingDay: 20 }, at('2026-04-21T09:00'), config);
    const card = buy(opened.card, 'ch-t', '1000.00', at('2026-05-01T12:00'));
    const may = closeCardCycle(card, null, at('2026-05-20'), config);
    const paid = pay(may.card, 'p1', '100.00', at('2026-06-01T09:00'));
    const june = closeCardCycle(must(assessCardDue(paid, may.statement.id, at('2026-06-10'), config)).card, may.statement, at('2026-06-20'), config);
    expect(june.statement.interestBasis?.runs).toEqual([
      { fromDate: '2026-05-01', days: 31, balance: cny('1000.00') },
      { fromDate: '2026-06-01', days: 19, balance: cny('900.00') },
    ]);
    expect(june.statement.interest).toEqual(cny('24.05'));
  });

  it('a configurable daily rate', () => {
    const cfg = makeCardConfig({ dailyInterestRate: '0.0003' });
    const { card, statement } = februaryStatement(cfg);
    const march = closeCardCycle(pay(card, 'p1', '100.00', at('2026-03-01T15:00')), statement, at('2026-03-20'), cfg);
    expect(march.statement.interest).toEqual(cny('15.63')); // 52,100 × 0.03% = 15.63
  });

  it('a refund after the statement counts towards paying it in full', () => {
    const start = freshCard();
    const ctx = { now: at('2026-01-25T10:00'), actorId: 'buyer-1' };
    const held = must(createCharge(null, { id: 'ch-r', orderId: 'o-r', amount: cny('1000.00'), channel: 'credit_card', payerId: 'buyer-1', payee, source: { cardId: 'cc-1' } }, creditCardChannel, start.card, ctx));
    const captured = must(captureCharge(held.charge, null, creditCardChannel, held.state, ctx));
    const feb = closeCardCycle(captured.state, start.statement, at('2026-02-20'), config);
    const refunded = must(refundCharge(captured.charge, { id: 'r1', amount: cny('400.00'), reason: '退货' }, creditCardChannel, feb.card, { now: at('2026-02-25'), actorId: 'seller-1' }));
    const paid = pay(refunded.state, 'p1', '600.00', at('2026-03-10'));
    const march = closeCardCycle(paid, feb.statement, at('2026-03-20'), config);
    expect(march.statement.interest).toEqual(cny('0.00'));
    expect(march.statement.refunds).toEqual(cny('400.00'));
    expect(march.statement.newBalance).toEqual(cny('0.00'));
  });

  it('interestOnStatement is null for a statement that owed nothing', () => {
    const start = freshCard();
    expect(interestOnStatement(start.statement, [], at('2026-02-20'), '0.0005')).toBeNull();
  });
});

describe('credit card: late fee', () => {
  it('minimum not paid by the due date: 5% of the unpaid minimum, and interest compounds on the next statement', () => {
    const { card, statement } = februaryStatement();
    const early = assessCardDue(card, statement.id, at('2026-03-12T23:59'), config);
    expect(early.ok ? 'ok' : early.code).toBe('deadline_not_reached');
    const due = must(assessCardDue(card, statement.id, at('2026-03-13'), config));
    expect(due.lateFee).toBe('5.00');
    expect(ledgerOf(due.effects)).toEqual([['cc-1:2026-02-20:late-fee', 'card_account', 'card_income', '5.00']]);
    expect(due.effects).toContainEqual({ kind: 'notice', to: 'buyer-1', key: 'payments.notice.card_minimum_missed', params: { cardId: 'cc-1', statementId: 'cc-1:2026-02-20', unpaidMinimum: '100.00', lateFee: '5.00' } });
    // The check runs once per statement.
    const again = must(assessCardDue(due.card, statement.id, at('2026-03-14'), config));
    expect(again.replayed).toBe(true);
    expect(again.effects).toEqual([]);

    // March: interest on February's ¥1,000 for 54 days (25 Jan .. 19 Mar) = 54,000 × 0.05% = ¥27.00.
    const march = closeCardCycle(due.card, statement, at('2026-03-20'), config);
    expect(march.statement.interest).toEqual(cny('27.00'));
    expect(march.statement.fees).toEqual(cny('5.00'));
    expect(march.statement.newBalance).toEqual(cny('1032.00'));
    expect(march.statement.minimumPayment).toEqual(cny('103.20'));

    // April, still nothing paid: late fee 5% × 103.20 = ¥5.16 on 10 April; interest on March's
    // statement: its own new item (the ¥5 fee, 13..19 Mar = 7 days → 35) plus its whole ¥1,032 from
    // the cut-off (20 Mar .. 19 Apr = 31 days → 31,992): 32,027 × 0.05% = 16.0135 → ¥16.01.
    const aprilDue = must(assessCardDue(march.card, march.statement.id, at('2026-04-10'), config));
    expect(aprilDue.lateFee).toBe('5.16');
    const april = closeCardCycle(aprilDue.card, march.statement, at('2026-04-20'), config);
    expect(april.statement.interestBasis?.runs).toEqual([
      { fromDate: '2026-03-13', days: 7, balance: cny('5.00') },
      { fromDate: '2026-03-20', days: 31, balance: cny('1032.00') },
    ]);
    expect(april.statement.interestBasis?.balanceDays).toEqual(cny('32027.00'));
    expect(april.statement.interest).toEqual(cny('16.01'));
    expect(april.statement.newBalance).toEqual(cny('1053.17'));
  });

  it('part of the minimum paid: the fee is on the unpaid part only, rounded half-up', () => {
    const { card, statement } = februaryStatement();
    const paid = pay(card, 'p1', '90.10', at('2026-03-05'));
    const due = must(assessCardDue(paid, statement.id, at('2026-03-13'), config));
    expect(due.lateFee).toBe('0.50'); // 5% of 9.90 = 0.495 → 0.50
  });

  it('a configurable late fee rate; zero means no fee', () => {
    const cfg = makeCardConfig({ lateFeeRate: '0' });
    const { card, statement } = februaryStatement(cfg);
    const due = must(assessCardDue(card, statement.id, at('2026-03-13'), cfg));
    expect(due.lateFee).toBeNull();
    expect(ledgerOf(due.effects)).toEqual([]);
  });
});

describe('credit card: repayment and limits', () => {
  it('repays from a bank account; refuses overpaying, a zero amount and a short account; a repeated id is the same repayment', () => {
    const { card } = februaryStatement();
    const step = must(repayCard(card, { id: 'p1', amount: cny('300.00'), from: holderBank, available: cny('500.00') }, at('2026-03-01')));
    expect(step.card.balance).toEqual(cny('700.00'));
    expect(ledgerOf(step.effects)).toEqual([['cc-1:repay:p1', 'deposit', 'card_account', '300.00']]);
    const again = must(repayCard(step.card, { id: 'p1', amount: cny('300.00'), from: holderBank }, at('2026-03-01')));
    expect(again.replayed).toBe(true);
    expect(again.effects).toEqual([]);
    const conflict = repayCard(step.card, { id: 'p1', amount: cny('301.00'), from: holderBank }, at('2026-03-01'));
    expect(conflict.ok ? 'ok' : conflict.code).toBe('repayment_id_conflict');
    const over = repayCard(step.card, { id: 'p2', amount: cny('700.01'), from: holderBank }, at('2026-03-01'));
    expect(over.ok ? 'ok' : over.code).toBe('repayment_exceeds_balance');
    const zero = repayCard(step.card, { id: 'p2', amount: cny('0.00'), from: holderBank }, at('2026-03-01'));
    expect(zero.ok ? 'ok' : zero.code).toBe('repayment_amount_invalid');
    const short = repayCard(step.card, { id: 'p2', amount: cny('200.00'), from: holderBank, available: cny('199.99') }, at('2026-03-01'));
    expect(short.ok ? 'ok' : short.code).toBe('insufficient_funds');
  });

  it('the available credit is the limit less the balance and the open holds', () => {
    const start = freshCard(config, '1500.00');
    const card = buy(start.card, 'ch-1', '1000.00', at('2026-01-25T10:00'));
    const ctx = { now: at('2026-01-26'), actorId: 'buyer-1' };
    const input = (id: string, amount: string) => ({ id, orderId: `o-${id}`, amount: cny(amount), channel: 'credit_card' as const, payerId: 'buyer-1', payee, source: { cardId: 'cc-1' } });
    const over = must(createCharge(null, input('ch-2', '500.01'), creditCardChannel, card, ctx));
    expect(over.charge.failureReason).toBe('credit_limit_exceeded');
    const exact = must(createCharge(null, input('ch-3', '500.00'), creditCardChannel, card, ctx));
    expect(exact.charge.status).toBe('pending');
    const none = must(createCharge(null, input('ch-4', '0.01'), creditCardChannel, exact.state, ctx));
    expect(none.charge.failureReason).toBe('credit_limit_exceeded');
    // Repaying frees the line again.
    const repaid = pay(exact.state, 'p1', '200.00', at('2026-01-27'));
    expect(must(createCharge(null, input('ch-5', '200.00'), creditCardChannel, repaid, ctx)).charge.status).toBe('pending');
  });

  it('a statement is only closed at the card\'s own cut-off, in order', () => {
    const { card, statement } = februaryStatement();
    expect(() => closeCardCycle(card, statement, at('2026-03-20') + dayMs, config)).toThrow();
    expect(() => closeCardCycle(card, null, at('2026-03-20'), config)).toThrow();
  });
});
