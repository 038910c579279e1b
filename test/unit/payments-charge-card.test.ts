import { describe, expect, it } from 'vitest';
import {
  assessCardDue,
  captureCharge,
  chargeCardChannel,
  closeCardCycle,
  createCharge,
  creditCardChannel,
  makeCardConfig,
  openCard,
  parseWorldDate,
  refundCharge,
  repayCard,
  type CardRow,
  type CardStatementRow,
  type Charge,
  type ChargeInput,
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

function input(id: string, amount: string): ChargeInput {
  return { id, orderId: `o-${id}`, amount: cny(amount), channel: 'charge_card', payerId: 'buyer-1', payee, source: { cardId: 'ax-1' } };
}

/** A charge card (spending limit ¥5,000, billing day 20) with ¥800 bought on 25 January and the 20 February statement. */
function february(): { card: CardRow; statement: CardStatementRow; charge: Charge } {
  const opened = openCard({ id: 'ax-1', kind: 'charge', holderId: 'buyer-1', limit: cny('5000.00'), billingDay: 20 }, at('2026-01-21T09:00'), config);
  const ctx = { now: at('2026-01-25T10:00'), actorId: 'buyer-1' };
  const held = must(createCharge(null, input('ch-1', '800.00'), chargeCardChannel, opened.card, ctx));
  const captured = must(captureCharge(held.charge, null, chargeCardChannel, held.state, ctx));
  const closed = closeCardCycle(captured.state, null, at('2026-02-20'), config);
  return { card: closed.card, statement: closed.statement, charge: captured.charge };
}

function pay(card: CardRow, id: string, amount: string, when: number): CardRow {
  return must(repayCard(card, { id, amount: cny(amount), from: holderBank }, when)).card;
}

describe('charge card', () => {
  it('the whole statement is due: the minimum payment is the new balance', () => {
    const { statement } = february();
    expect(statement.newBalance).toEqual(cny('800.00'));
    expect(statement.minimumPayment).toEqual(cny('800.00'));
  });

  it('paid in full by the due date: stays active, no fee', () => {
    const { card, statement } = february();
    const due = must(assessCardDue(pay(card, 'p1', '800.00', at('2026-03-12T20:00')), statement.id, at('2026-03-13'), config));
    expect(due.suspended).toBe(false);
    expect(due.card.status).toBe('active');
    expect(due.effects).toEqual([]);
  });

  it('unpaid past the due date: suspended; authorizations are refused card_suspended until it is paid, then reinstated', () => {
    const { card, statement } = february();
    const partly = pay(card, 'p1', '300.00', at('2026-03-01'));
    const due = must(assessCardDue(partly, statement.id, at('2026-03-13'), config));
    expect(due.suspended).toBe(true);
    expect(due.card.status).toBe('suspended');
    expect(due.effects).toContainEqual({ kind: 'notice', to: 'buyer-1', key: 'payments.notice.card_suspended', params: { cardId: 'ax-1', statementId: 'ax-1:2026-02-20', unpaid: '500.00' } });
    // No late fee on a charge card: the consequence is the suspension.
    expect(due.effects.some((e) => e.kind === 'ledger')).toBe(false);
    expect(due.card.balance).toEqual(cny('500.00'));

    const refused = must(createCharge(null, input('ch-2', '10.00'), chargeCardChannel, due.card, { now: at('2026-03-14'), actorId: 'buyer-1' }));
    expect(refused.charge.status).toBe('failed');
    expect(refused.charge.failureReason).toBe('card_suspended');

    const stillShort = pay(due.card, 'p2', '499.99', at('2026-03-15'));
    expect(stillShort.status).toBe('suspended');
    const reinstated = pay(stillShort, 'p3', '0.01', at('2026-03-15'));
    expect(reinstated.status).toBe('active');
    const accepted = must(createCharge(null, input('ch-3', '10.00'), chargeCardChannel, reinstated, { now: at('2026-03-16'), actorId: 'buyer-1' }));
    expect(accepted.charge.status).toBe('pending');
  });

  it('no revolving credit: an unpaid balance carries to the next statement without interest, and the card stays suspended', () => {
    const { card, statement } = february();
    const due = must(assessCardDue(card, statement.id, at('2026-03-13'), config));
    expect(due.card.status).toBe('suspended');
    const march = closeCardCycle(due.card, statement, at('2026-03-20'), config);
    expect(march.statement.interest).toEqual(cny('0.00'));
    expect(march.statement.interestBasis).toBeNull();
    expect(march.statement.newBalance).toEqual(cny('800.00'));
    expect(march.card.status).toBe('suspended');
    const aprilDue = must(assessCardDue(march.card, march.statement.id, at('2026-04-10'), config));
    expect(aprilDue.card.status).toBe('suspended');
    expect(pay(aprilDue.card, 'p1', '800.00', at('2026-04-11')).status).toBe('active');
  });

  it('a refund that covers what is owed reinstates the card too', () => {
    const { card, statement, charge } = february();
    const due = must(assessCardDue(card, statement.id, at('2026-03-13'), config));
    expect(due.card.status).toBe('suspended');
    const refunded = must(refundCharge(charge, { id: 'r1', amount: cny('800.00'), reason: '退货' }, chargeCardChannel, due.card, { now: at('2026-03-14'), actorId: 'seller-1' }));
    expect(refunded.state.status).toBe('active');
    expect(refunded.state.balance).toEqual(cny('0.00'));
  });

  it('the spending limit is enforced by name', () => {
    const { card } = february();
    const over = must(createCharge(null, input('ch-4', '4200.01'), chargeCardChannel, card, { now: at('2026-02-21'), actorId: 'buyer-1' }));
    expect(over.charge.failureReason).toBe('spending_limit_exceeded');
  });

  it('a charge card is not a credit card: the channels do not mix (a bug, not a refusal)', () => {
    const { card } = february();
    expect(() => createCharge(null, { ...input('ch-5', '1.00'), channel: 'credit_card' }, creditCardChannel, card, { now: at('2026-02-21'), actorId: 'buyer-1' })).toThrow();
  });
});
