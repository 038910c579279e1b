import { describe, expect, it } from 'vitest';
import {
  captureCharge,
  channelLedgerEffectsOf,
  createCharge,
  decideRemittance,
  matchRemittanceByHand,
  parseWorldDate,
  processIncomingTransfers,
  remittanceChannel,
  remittanceInstructionOf,
  remittanceReferenceTokens,
  returnRemittance,
  voidCharge,
  type Charge,
  type GatewayContext,
  type IncomingTransfer,
  type RemittanceExceptionRow,
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
const payee = { partyId: 'seller-1', bankId: 'bank-b' };
const state = { receivingAccountNumber: '6210950000000000001', refundTo: null };
const checkout: GatewayContext = { now: at('2026-01-25T10:00'), actorId: 'buyer-1' };
const system: GatewayContext = { now: at('2026-01-26T09:00'), actorId: 'system' };
const sellerCtx: GatewayContext = { now: at('2026-01-26T15:00'), actorId: 'seller-1' };

function charge(orderId: string, amount: string): Charge {
  return must(createCharge(null, { id: `ch-${orderId}`, orderId, amount: cny(amount), channel: 'remittance', payerId: 'buyer-1', payee }, remittanceChannel, state, checkout)).charge;
}

/** O-1 ¥100 and O-2 ¥250 awaiting; O-3 ¥80 already paid; O-4 ¥60 cancelled. */
function charges(): Charge[] {
  const paid = must(captureCharge(charge('O-3', '80.00'), null, remittanceChannel, state, system)).charge;
  const cancelled = must(voidCharge(charge('O-4', '60.00'), 'cancelled', remittanceChannel, state, checkout)).charge;
  return [charge('O-1', '100.00'), charge('O-2', '250.00'), paid, cancelled];
}

let seq = 0;
function transfer(memo: string, amount: string, overrides: Partial<IncomingTransfer> = {}): IncomingTransfer {
  seq += 1;
  return { id: `tx-${seq}`, bankId: 'bank-b', payeeId: 'seller-1', fromBankId: 'bank-a', fromPartyId: 'buyer-1', amount: cny(amount), memo, at: at('2026-01-26T08:00') + seq, ...overrides };
}

describe('remittance: the order shows the receiving account and the reference', () => {
  it('the reference is the order number', () => {
    expect(remittanceInstructionOf(charge('O-1', '100.00'), '6210950000000000001')).toEqual({
      chargeId: 'ch-O-1',
      orderId: 'O-1',
      reference: 'O-1',
      amount: cny('100.00'),
      payeeId: 'seller-1',
      bankId: 'bank-b',
      accountNumber: '6210950000000000001',
    });
  });
});

describe('remittance: automatic matching by reference and amount', () => {
  it('exact reference and amount: matched, the charge captured, a match row that remembers where the money came from', () => {
    const run = processIncomingTransfers([transfer('订单O-1货款', '100.00')], charges(), new Set(), system);
    expect(run.exceptions).toEqual([]);
    expect(run.charges.map((c) => [c.orderId, c.status])).toEqual([['O-1', 'succeeded']]);
    expect(run.matches).toEqual([{ transferId: `tx-${seq}`, chargeId: 'ch-O-1', orderId: 'O-1', amount: cny('100.00'), fromBankId: 'bank-a', fromPartyId: 'buyer-1', matchedAt: system.now, by: 'auto' }]);
    expect(run.effects.filter((e) => e.kind === 'event').map((e) => e.kind === 'event' && e.event.type)).toEqual(['charge.succeeded']);
    expect(channelLedgerEffectsOf(run.effects)).toEqual([]); // the money is already in the payee's account
  });

  it('wrong amount (short or over): an exception pointing at the order', () => {
    for (const amount of ['249.99', '250.01']) {
      const t = transfer('O-2', amount);
      expect(decideRemittance(t, charges())).toEqual({ kind: 'exception', reason: 'wrong_amount', chargeId: 'ch-O-2' });
    }
  });

  it('missing reference: no order of this payee is named', () => {
    expect(decideRemittance(transfer('货款', '100.00'), charges())).toEqual({ kind: 'exception', reason: 'missing_reference', chargeId: null });
    expect(decideRemittance(transfer('', '100.00'), charges()).kind).toBe('exception');
    // O-12 is not O-1: a reference is a whole token.
    expect(decideRemittance(transfer('O-12', '100.00'), charges())).toEqual({ kind: 'exception', reason: 'missing_reference', chargeId: null });
    // Another payee's order, or the same payee at another bank, does not count.
    expect(decideRemittance(transfer('O-1', '100.00', { payeeId: 'seller-2' }), charges()).kind).toBe('exception');
    expect(decideRemittance(transfer('O-1', '100.00', { bankId: 'bank-a' }), charges()).kind).toBe('exception');
  });

  it('duplicate: the order was already paid, or a second transfer arrives for it in the same run', () => {
    expect(decideRemittance(transfer('O-3', '80.00'), charges())).toEqual({ kind: 'exception', reason: 'duplicate', chargeId: 'ch-O-3' });
    const first = transfer('O-1', '100.00');
    const second = transfer('O-1 again', '100.00');
    const run = processIncomingTransfers([second, first], charges(), new Set(), system);
    expect(run.matches.map((m) => m.transferId)).toEqual([first.id]);
    expect(run.exceptions.map((x) => [x.id, x.reason, x.chargeId])).toEqual([[second.id, 'duplicate', 'ch-O-1']]);
    expect(run.effects).toContainEqual({ kind: 'notice', to: 'seller-1', key: 'payments.notice.remittance_exception', params: { transferId: second.id, reason: 'duplicate', amount: '100.00', payerId: 'buyer-1', bankId: 'bank-a', at: second.at } });
  });

  it('two orders named, or a cancelled order named, are exceptions too', () => {
    for (const memo of ['O-1 O-2', 'O-1,O-2', '订单O-2和O-1']) {
      expect(decideRemittance(transfer(memo, '100.00'), charges())).toEqual({ kind: 'exception', reason: 'ambiguous_reference', chargeId: null });
    }
    // The same order named twice is still one order.
    expect(decideRemittance(transfer('O-1 / O-1', '100.00'), charges())).toEqual({ kind: 'matched', chargeId: 'ch-O-1' });
    expect(decideRemittance(transfer('O-4', '60.00'), charges())).toEqual({ kind: 'exception', reason: 'charge_closed', chargeId: 'ch-O-4' });
  });

  it('the reference is read through full-width characters and case', () => {
    expect([...remittanceReferenceTokens('订单ｏ－１，谢谢')]).toEqual(['O-1']);
    expect(decideRemittance(transfer('ｏ－１', '100.00'), charges())).toEqual({ kind: 'matched', chargeId: 'ch-O-1' });
  });

  it('a transfer already processed is skipped (idempotent run)', () => {
    const t = transfer('O-1', '100.00');
    const run = processIncomingTransfers([t, t], charges(), new Set([t.id]), system);
    expect(run).toEqual({ charges: [], matches: [], exceptions: [], effects: [] });
  });
});

describe('remittance: the exceptions queue', () => {
  function queued(memo: string, amount: string): { row: RemittanceExceptionRow; all: Charge[] } {
    const all = charges();
    const run = processIncomingTransfers([transfer(memo, amount)], all, new Set(), system);
    const row = run.exceptions[0];
    if (row === undefined) throw new Error('expected an exception');
    return { row, all };
  }

  it('the payee matches a transfer without reference by hand: the charge is captured', () => {
    const { row, all } = queued('货款', '250.00');
    expect(row.status).toBe('open');
    const o2 = all.find((c) => c.orderId === 'O-2');
    if (o2 === undefined) throw new Error('O-2');
    const step = must(matchRemittanceByHand(row, o2, sellerCtx));
    expect(step.charge.status).toBe('succeeded');
    expect(step.exception).toMatchObject({ status: 'matched', resolvedBy: 'seller-1', matchedChargeId: 'ch-O-2', returned: null });
    expect(step.match.by).toBe('seller-1');
    expect(channelLedgerEffectsOf(step.effects)).toEqual([]);
    const twice = matchRemittanceByHand(step.exception, o2, sellerCtx);
    expect(twice.ok ? 'ok' : twice.code).toBe('exception_not_open');
  });

  it('an overpayment matched by hand sends the excess back to the sender', () => {
    const { row, all } = queued('O-2', '260.00');
    expect(row.reason).toBe('wrong_amount');
    const o2 = all.find((c) => c.orderId === 'O-2');
    if (o2 === undefined) throw new Error('O-2');
    const step = must(matchRemittanceByHand(row, o2, sellerCtx));
    expect(step.exception.returned).toEqual(cny('10.00'));
    expect(channelLedgerEffectsOf(step.effects).map((e) => [e.transferId, e.from, e.to, e.amount.amount, e.code])).toEqual([
      [`${row.id}:excess`, { role: 'deposit', bankId: 'bank-b', partyId: 'seller-1' }, { role: 'deposit', bankId: 'bank-a', partyId: 'buyer-1' }, '10.00', 'remittance.return'],
    ]);
  });

  it('a short payment cannot be matched (return it instead); nor can a charge that is not awaiting; only the payee works the queue', () => {
    const { row, all } = queued('O-2', '200.00');
    const o2 = all.find((c) => c.orderId === 'O-2');
    const o3 = all.find((c) => c.orderId === 'O-3');
    if (o2 === undefined || o3 === undefined) throw new Error('charges');
    const short = matchRemittanceByHand(row, o2, sellerCtx);
    expect(short.ok ? 'ok' : short.code).toBe('amount_short');
    if (!short.ok) expect(short.detail).toEqual({ missing: '50.00' });
    const paid = matchRemittanceByHand(row, o3, sellerCtx);
    expect(paid.ok ? 'ok' : paid.code).toBe('charge_not_awaiting_remittance');
    const stranger = matchRemittanceByHand(row, o2, { ...sellerCtx, actorId: 'buyer-1' });
    expect(stranger.ok ? 'ok' : stranger.code).toBe('not_authorized');
  });

  it('returning sends the whole amount back and closes the entry', () => {
    const { row } = queued('O-3', '80.00');
    expect(row.reason).toBe('duplicate');
    const step = must(returnRemittance(row, sellerCtx));
    expect(step.exception).toMatchObject({ status: 'returned', returned: cny('80.00'), resolvedAt: sellerCtx.now });
    expect(channelLedgerEffectsOf(step.effects).map((e) => [e.transferId, e.from.role, e.to, e.amount.amount])).toEqual([[`${row.id}:return`, 'deposit', { role: 'deposit', bankId: 'bank-a', partyId: 'buyer-1' }, '80.00']]);
    const again = returnRemittance(step.exception, sellerCtx);
    expect(again.ok ? 'ok' : again.code).toBe('exception_not_open');
    const stranger = returnRemittance(row, { ...sellerCtx, actorId: 'buyer-1' });
    expect(stranger.ok ? 'ok' : stranger.code).toBe('not_authorized');
  });
});
