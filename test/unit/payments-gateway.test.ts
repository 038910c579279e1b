import { describe, expect, it } from 'vitest';
import {
  captureCharge,
  chargeStatuses,
  chargeTransitions,
  channelLedgerEffectsOf,
  createCharge,
  creditCardChannel,
  debitCardChannel,
  legalChargeActions,
  makeCardConfig,
  openCard,
  parseWorldDate,
  refundCharge,
  remittanceChannel,
  voidCharge,
  type CardRow,
  type ChannelEffect,
  type Charge,
  type ChargeInput,
  type ChargeStatus,
  type ChargeTransition,
  type DebitCardView,
  type GatewayContext,
} from '../../src/domain/index.ts';

function at(text: string): number {
  const r = parseWorldDate(text);
  if (!r.ok) throw new Error(text);
  return r.value;
}

const t0 = at('2026-01-25T10:00');
const buyer: GatewayContext = { now: t0, actorId: 'buyer-1' };
const seller: GatewayContext = { now: t0 + 3_600_000, actorId: 'seller-1' };
const payee = { partyId: 'seller-1', bankId: 'bank-b' };
const cny = (amount: string) => ({ amount, currency: 'CNY' as const });
const config = makeCardConfig();

function debitView(available: string, status: DebitCardView['status'] = 'active'): DebitCardView {
  return { cardId: '6230580000079193', bankId: 'bank-a', holderId: 'buyer-1', status, available: cny(available) };
}

function debitInput(id: string, amount: string): ChargeInput {
  return { id, orderId: `o-${id}`, amount: cny(amount), channel: 'debit_card', payerId: 'buyer-1', payee, source: { cardId: '6230580000079193' } };
}

function creditCard(limit = '1000.00'): CardRow {
  return openCard({ id: 'cc-1', kind: 'credit', holderId: 'buyer-1', limit: cny(limit), billingDay: 20 }, at('2026-01-21T09:00'), config).card;
}

function creditInput(id: string, amount: string): ChargeInput {
  return { id, orderId: `o-${id}`, amount: cny(amount), channel: 'credit_card', payerId: 'buyer-1', payee, source: { cardId: 'cc-1' } };
}

function eventTypes(effects: readonly ChannelEffect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'event' ? [e.event.type] : []));
}

function must<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

describe('gateway: immediate channel (debit card)', () => {
  it('debits the deposit account at once: charge succeeded, one transfer, charge.succeeded', () => {
    const step = must(createCharge(null, debitInput('ch-1', '80.00'), debitCardChannel, debitView('100.00'), buyer));
    expect(step.charge.status).toBe('succeeded');
    expect(step.charge.captured).toEqual(cny('80.00'));
    expect(step.charge.paidAt).toBe(t0);
    expect(step.state.available).toEqual(cny('20.00'));
    const ledger = channelLedgerEffectsOf(step.effects);
    expect(ledger).toEqual([
      {
        kind: 'ledger',
        op: 'transfer',
        transferId: 'ch-1:debit',
        from: { role: 'deposit', bankId: 'bank-a', partyId: 'buyer-1' },
        to: { role: 'merchant_unsettled', bankId: 'bank-b', merchantId: 'seller-1' },
        amount: cny('80.00'),
        code: 'card.debit_sale',
        refs: { chargeId: 'ch-1', orderId: 'o-ch-1', channel: 'debit_card' },
      },
    ]);
    expect(eventTypes(step.effects)).toEqual(['charge.succeeded']);
  });

  it('never overdraws: insufficient_funds becomes the failure reason of a stored failed charge, no money moves', () => {
    const step = must(createCharge(null, debitInput('ch-2', '100.01'), debitCardChannel, debitView('100.00'), buyer));
    expect(step.charge.status).toBe('failed');
    expect(step.charge.failureReason).toBe('insufficient_funds');
    expect(step.charge.failedAt).toBe(t0);
    expect(channelLedgerEffectsOf(step.effects)).toEqual([]);
    expect(eventTypes(step.effects)).toEqual(['charge.failed']);
    const failedEvent = step.effects.find((e) => e.kind === 'event');
    expect(failedEvent?.kind === 'event' && failedEvent.event.payload.reason).toBe('insufficient_funds');
    expect(step.state.available).toEqual(cny('100.00'));
  });

  it('exactly the available balance is fine; a frozen card or someone else\'s card is refused by name', () => {
    expect(must(createCharge(null, debitInput('ch-3', '100.00'), debitCardChannel, debitView('100.00'), buyer)).state.available).toEqual(cny('0.00'));
    expect(must(createCharge(null, debitInput('ch-4', '1.00'), debitCardChannel, debitView('100.00', 'frozen'), buyer)).charge.failureReason).toBe('card_not_active');
    const stranger = { ...debitInput('ch-5', '1.00'), payerId: 'buyer-2' };
    expect(must(createCharge(null, stranger, debitCardChannel, debitView('100.00'), buyer)).charge.failureReason).toBe('card_not_owned');
  });

  it('a refund puts the money back into the deposit account', () => {
    const paid = must(createCharge(null, debitInput('ch-6', '80.00'), debitCardChannel, debitView('100.00'), buyer));
    const refunded = must(refundCharge(paid.charge, { id: 'r1', amount: cny('30.00'), reason: '退货' }, debitCardChannel, paid.state, seller));
    expect(refunded.charge.status).toBe('partially_refunded');
    expect(refunded.state.available).toEqual(cny('50.00'));
    expect(channelLedgerEffectsOf(refunded.effects).map((e) => [e.transferId, e.from.role, e.to.role, e.amount.amount])).toEqual([['ch-6:refund:r1', 'merchant_unsettled', 'deposit', '30.00']]);
    expect(eventTypes(refunded.effects)).toEqual(['refund.succeeded']);
  });
});

describe('gateway: idempotency per charge id', () => {
  it('the same id with the same content returns the first result, no effects, nothing charged again', () => {
    const first = must(createCharge(null, debitInput('ch-7', '80.00'), debitCardChannel, debitView('100.00'), buyer));
    const again = must(createCharge(first.charge, debitInput('ch-7', '80.0'), debitCardChannel, first.state, { now: t0 + 5000, actorId: 'buyer-1' }));
    expect(again.replayed).toBe(true);
    expect(again.charge).toBe(first.charge);
    expect(again.effects).toEqual([]);
    expect(again.state.available).toEqual(cny('20.00'));
  });

  it('a failed charge replays as failed (the retry must use a new id)', () => {
    const first = must(createCharge(null, debitInput('ch-8', '500.00'), debitCardChannel, debitView('100.00'), buyer));
    const again = must(createCharge(first.charge, debitInput('ch-8', '500.00'), debitCardChannel, debitView('1000.00'), buyer));
    expect(again.replayed).toBe(true);
    expect(again.charge.status).toBe('failed');
  });

  it('the same id with different content is charge_id_conflict', () => {
    const first = must(createCharge(null, debitInput('ch-9', '80.00'), debitCardChannel, debitView('100.00'), buyer));
    const variants: ChargeInput[] = [
      debitInput('ch-9', '80.01'),
      { ...debitInput('ch-9', '80.00'), orderId: 'other' },
      { ...debitInput('ch-9', '80.00'), payerId: 'buyer-2' },
      { ...debitInput('ch-9', '80.00'), payee: { partyId: 'seller-2', bankId: 'bank-b' } },
      { ...debitInput('ch-9', '80.00'), payee: { partyId: 'seller-1', bankId: 'bank-a' } },
      { ...debitInput('ch-9', '80.00'), source: { cardId: 'other' } },
      { ...debitInput('ch-9', '80.00'), source: {} },
    ];
    for (const input of variants) {
      const r = createCharge(first.charge, input, debitCardChannel, first.state, buyer);
      expect(r.ok ? 'ok' : r.code).toBe('charge_id_conflict');
    }
  });

  it('a refund id repeated with the same amount is the first refund (even once fully refunded); another amount is refund_id_conflict', () => {
    const paid = must(createCharge(null, debitInput('ch-10', '80.00'), debitCardChannel, debitView('100.00'), buyer));
    const full = must(refundCharge(paid.charge, { id: 'r1', amount: cny('80.00'), reason: '' }, debitCardChannel, paid.state, seller));
    expect(full.charge.status).toBe('refunded');
    const again = must(refundCharge(full.charge, { id: 'r1', amount: cny('80.00'), reason: '' }, debitCardChannel, full.state, seller));
    expect(again.replayed).toBe(true);
    expect(again.effects).toEqual([]);
    expect(again.charge).toBe(full.charge);
    const conflict = refundCharge(full.charge, { id: 'r1', amount: cny('10.00'), reason: '' }, debitCardChannel, full.state, seller);
    expect(conflict.ok ? 'ok' : conflict.code).toBe('refund_id_conflict');
  });
});

describe('gateway: two-phase channel (credit card)', () => {
  it('authorize holds, capture posts part and releases the rest, the sale reaches the acquirer', () => {
    const held = must(createCharge(null, creditInput('ch-20', '600.00'), creditCardChannel, creditCard(), buyer));
    expect(held.charge.status).toBe('pending');
    expect(held.charge.authorized).toEqual(cny('600.00'));
    expect(eventTypes(held.effects)).toEqual([]);
    expect(channelLedgerEffectsOf(held.effects).map((e) => [e.op, e.transferId, e.from.role, e.to.role, e.amount.amount])).toEqual([['hold', 'ch-20:card-hold', 'card_account', 'card_settlement', '600.00']]);
    expect(held.state.holds).toHaveLength(1);

    const tooMuch = captureCharge(held.charge, cny('600.01'), creditCardChannel, held.state, seller);
    expect(tooMuch.ok ? 'ok' : tooMuch.code).toBe('capture_exceeds_authorized');
    const zero = captureCharge(held.charge, cny('0.00'), creditCardChannel, held.state, seller);
    expect(zero.ok ? 'ok' : zero.code).toBe('capture_amount_invalid');

    const captured = must(captureCharge(held.charge, cny('550.00'), creditCardChannel, held.state, seller));
    expect(captured.charge.status).toBe('succeeded');
    expect(captured.charge.captured).toEqual(cny('550.00'));
    expect(captured.charge.authorized).toBeNull();
    expect(captured.state.holds).toEqual([]);
    expect(captured.state.balance).toEqual(cny('550.00'));
    expect(channelLedgerEffectsOf(captured.effects).map((e) => [e.op, e.transferId, e.pendingId ?? null, e.from.role, e.to.role, e.amount.amount])).toEqual([
      ['post', 'ch-20:card-capture', 'ch-20:card-hold', 'card_account', 'card_settlement', '550.00'],
      ['transfer', 'ch-20:to-acquirer', null, 'card_settlement', 'merchant_unsettled', '550.00'],
    ]);
    expect(eventTypes(captured.effects)).toEqual(['charge.succeeded']);
  });

  it('an authorization above the available credit fails the charge credit_limit_exceeded; a void frees the line', () => {
    const first = must(createCharge(null, creditInput('ch-21', '600.00'), creditCardChannel, creditCard(), buyer));
    const second = must(createCharge(null, creditInput('ch-22', '500.00'), creditCardChannel, first.state, buyer));
    expect(second.charge.status).toBe('failed');
    expect(second.charge.failureReason).toBe('credit_limit_exceeded');
    expect(second.state).toBe(first.state);
    const voided = must(voidCharge(first.charge, 'cancelled', creditCardChannel, first.state, buyer));
    expect(voided.charge.status).toBe('failed');
    expect(voided.charge.failureReason).toBe('cancelled');
    expect(voided.state.holds).toEqual([]);
    expect(channelLedgerEffectsOf(voided.effects).map((e) => [e.op, e.pendingId, e.amount.amount])).toEqual([['void', 'ch-21:card-hold', '600.00']]);
    expect(eventTypes(voided.effects)).toEqual(['charge.failed']);
    const third = must(createCharge(null, creditInput('ch-23', '1000.00'), creditCardChannel, voided.state, buyer));
    expect(third.charge.status).toBe('pending');
  });

  it('refunds are limited by what was captured, not by the charge amount', () => {
    const held = must(createCharge(null, creditInput('ch-24', '600.00'), creditCardChannel, creditCard(), buyer));
    const captured = must(captureCharge(held.charge, cny('400.00'), creditCardChannel, held.state, seller));
    const over = refundCharge(captured.charge, { id: 'r1', amount: cny('400.01'), reason: '' }, creditCardChannel, captured.state, seller);
    expect(over.ok ? 'ok' : over.code).toBe('refund_exceeds_captured');
    if (!over.ok) expect(over.detail).toEqual({ refundable: '400.00' });
    const negative = refundCharge(captured.charge, { id: 'r1', amount: cny('0.00'), reason: '' }, creditCardChannel, captured.state, seller);
    expect(negative.ok ? 'ok' : negative.code).toBe('refund_amount_invalid');
    const part = must(refundCharge(captured.charge, { id: 'r1', amount: cny('150.00'), reason: '' }, creditCardChannel, captured.state, seller));
    expect(part.state.balance).toEqual(cny('250.00'));
    const rest = must(refundCharge(part.charge, { id: 'r2', amount: cny('250.00'), reason: '' }, creditCardChannel, part.state, seller));
    expect(rest.charge.status).toBe('refunded');
    expect(rest.charge.refunded).toEqual(cny('400.00'));
    expect(rest.state.balance).toEqual(cny('0.00'));
    expect(channelLedgerEffectsOf(rest.effects).map((e) => [e.transferId, e.from.role, e.to.role])).toEqual([['ch-24:refund:r2', 'merchant_unsettled', 'card_account']]);
  });
});

describe('gateway: offline channel (remittance)', () => {
  const state = { receivingAccountNumber: '6210950000000000001', refundTo: null };
  const input: ChargeInput = { id: 'ch-30', orderId: 'O-30', amount: cny('250.00'), channel: 'remittance', payerId: 'buyer-1', payee };

  it('authorize moves nothing and tells the buyer the account and the reference; capture must be the whole amount', () => {
    const waiting = must(createCharge(null, input, remittanceChannel, state, buyer));
    expect(waiting.charge.status).toBe('pending');
    expect(waiting.charge.authorized).toBeNull();
    expect(channelLedgerEffectsOf(waiting.effects)).toEqual([]);
    expect(waiting.effects).toContainEqual({ kind: 'notice', to: 'buyer-1', key: 'payments.notice.remittance_instructions', params: { orderId: 'O-30', reference: 'O-30', amount: '250.00', bankId: 'bank-b', holderId: 'seller-1', accountNumber: '6210 9500 0000 0000 001' } });
    const short = captureCharge(waiting.charge, cny('249.99'), remittanceChannel, state, seller);
    expect(short.ok ? 'ok' : short.code).toBe('capture_amount_mismatch');
    const paid = must(captureCharge(waiting.charge, null, remittanceChannel, state, seller));
    expect(paid.charge.status).toBe('succeeded');
    expect(channelLedgerEffectsOf(paid.effects)).toEqual([]);
  });

  it('a refund needs the account to send it back to; without one the command fails and the charge is unchanged', () => {
    const waiting = must(createCharge(null, input, remittanceChannel, state, buyer));
    const paid = must(captureCharge(waiting.charge, null, remittanceChannel, state, seller));
    const noAccount = refundCharge(paid.charge, { id: 'r1', amount: cny('50.00'), reason: '' }, remittanceChannel, state, seller);
    expect(noAccount.ok ? 'ok' : noAccount.code).toBe('refund_account_missing');
    const back = must(refundCharge(paid.charge, { id: 'r1', amount: cny('50.00'), reason: '' }, remittanceChannel, { ...state, refundTo: { bankId: 'bank-a', partyId: 'buyer-1' } }, seller));
    expect(channelLedgerEffectsOf(back.effects).map((e) => [e.from, e.to, e.amount.amount])).toEqual([
      [{ role: 'deposit', bankId: 'bank-b', partyId: 'seller-1' }, { role: 'deposit', bankId: 'bank-a', partyId: 'buyer-1' }, '50.00'],
    ]);
  });
});

describe('gateway: every illegal charge transition', () => {
  // One real charge in each status, reached through the credit card channel.
  function chargeIn(status: ChargeStatus): { charge: Charge; card: CardRow } {
    const held = must(createCharge(null, creditInput(`ch-${status}`, '100.00'), creditCardChannel, creditCard(), buyer));
    if (status === 'pending') return { charge: held.charge, card: held.state };
    if (status === 'failed') {
      const v = must(voidCharge(held.charge, 'expired', creditCardChannel, held.state, buyer));
      return { charge: v.charge, card: v.state };
    }
    const c = must(captureCharge(held.charge, null, creditCardChannel, held.state, seller));
    if (status === 'succeeded') return { charge: c.charge, card: c.state };
    const amount = status === 'refunded' ? '100.00' : '10.00';
    const r = must(refundCharge(c.charge, { id: 'r0', amount: cny(amount), reason: '' }, creditCardChannel, c.state, seller));
    return { charge: r.charge, card: r.state };
  }

  function attempt(action: ChargeTransition, charge: Charge, card: CardRow) {
    switch (action) {
      case 'capture':
        return captureCharge(charge, null, creditCardChannel, card, seller);
      case 'void':
        return voidCharge(charge, 'cancelled', creditCardChannel, card, buyer);
      case 'refund':
        return refundCharge(charge, { id: 'r-new', amount: cny('1.00'), reason: '' }, creditCardChannel, card, seller);
    }
  }

  for (const status of chargeStatuses) {
    for (const action of chargeTransitions) {
      const legal = legalChargeActions[status].includes(action);
      it(`${action} on ${status} is ${legal ? 'legal' : 'illegal_charge_transition'}`, () => {
        const { charge, card } = chargeIn(status);
        expect(charge.status).toBe(status);
        const r = attempt(action, charge, card);
        if (legal) {
          expect(r.ok).toBe(true);
        } else {
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.code).toBe('illegal_charge_transition');
            expect(r.detail).toEqual({ status, action });
          }
        }
      });
    }
  }

  it('the table allows exactly capture/void when pending and refund after capture', () => {
    expect(legalChargeActions).toEqual({ pending: ['capture', 'void'], succeeded: ['refund'], partially_refunded: ['refund'], refunded: [], failed: [] });
  });

  it('every step appends to the history, ending in the current status', () => {
    const { charge } = chargeIn('partially_refunded');
    expect(charge.history.map((h) => [h.action, h.status])).toEqual([
      ['create', 'pending'],
      ['authorize', 'pending'],
      ['capture', 'succeeded'],
      ['refund', 'partially_refunded'],
    ]);
  });
});
