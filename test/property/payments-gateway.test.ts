import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  captureCharge,
  channelLedgerEffectsOf,
  createCharge,
  creditCardChannel,
  debitCardChannel,
  fromMinorUnits,
  fromStored,
  makeCardConfig,
  openCard,
  parseWorldDate,
  refundCharge,
  toMinorUnits,
  toStored,
  type CardRow,
  type Charge,
  type DebitCardView,
} from '../../src/domain/index.ts';

function at(text: string): number {
  const r = parseWorldDate(text);
  if (!r.ok) throw new Error(text);
  return r.value;
}

const t0 = at('2026-01-25T10:00');
const payee = { partyId: 'seller-1', bankId: 'bank-b' };
const minor = (amount: string): bigint => toMinorUnits(fromStored({ amount, currency: 'CNY' }));
const cny = (m: bigint) => toStored(fromMinorUnits(m, 'CNY'));

type Attempt = { idIndex: number; amountMinor: number };

const scenarioArb = fc.record({
  channel: fc.constantFrom('credit_card' as const, 'debit_card' as const),
  amountMinor: fc.integer({ min: 1, max: 100_000_000 }),
  // The part of the authorization captured (credit card), in [1, amount].
  captureShare: fc.double({ min: 0, max: 1, noNaN: true }),
  // Refund attempts: a few ids, so repeats (replays and conflicts) happen; amounts around the remainder.
  attempts: fc.array(fc.record({ idIndex: fc.integer({ min: 0, max: 5 }), amountMinor: fc.integer({ min: 0, max: 120_000_000 }) }), { maxLength: 25 }),
  smallAmounts: fc.boolean(),
});

/** Pays a charge through the chosen channel; returns the paid charge and the channel state. */
function paid(channel: 'credit_card' | 'debit_card', amountMinor: bigint, captureShare: number): { charge: Charge; state: CardRow | DebitCardView } {
  const ctx = { now: t0, actorId: 'buyer-1' };
  if (channel === 'debit_card') {
    const view: DebitCardView = { cardId: 'd1', bankId: 'bank-a', holderId: 'buyer-1', status: 'active', available: cny(amountMinor) };
    const step = createCharge(null, { id: 'ch-p', orderId: 'o-p', amount: cny(amountMinor), channel, payerId: 'buyer-1', payee, source: { cardId: 'd1' } }, debitCardChannel, view, ctx);
    if (!step.ok) throw new Error(step.code);
    return { charge: step.value.charge, state: step.value.state };
  }
  const card = openCard({ id: 'cc-p', kind: 'credit', holderId: 'buyer-1', limit: cny(amountMinor), billingDay: 20 }, at('2026-01-21T09:00'), makeCardConfig()).card;
  const held = createCharge(null, { id: 'ch-p', orderId: 'o-p', amount: cny(amountMinor), channel, payerId: 'buyer-1', payee, source: { cardId: 'cc-p' } }, creditCardChannel, card, ctx);
  if (!held.ok) throw new Error(held.code);
  const take = BigInt(Math.max(1, Math.floor(Number(amountMinor) * captureShare)));
  const captured = captureCharge(held.value.charge, cny(take), creditCardChannel, held.value.state, ctx);
  if (!captured.ok) throw new Error(captured.code);
  return { charge: captured.value.charge, state: captured.value.state };
}

describe('gateway refund properties', () => {
  it('refunds never exceed the captured amount, partial refunds add up, and status, ledger and card agree at every step', () => {
    fc.assert(
      fc.property(scenarioArb, ({ channel, amountMinor, captureShare, attempts, smallAmounts }) => {
        const total = BigInt(amountMinor);
        const start = paid(channel, total, captureShare);
        let charge = start.charge;
        let state = start.state;
        const capturedMinor = minor(charge.captured.amount);
        expect(capturedMinor >= 1n && capturedMinor <= total).toBe(true);
        let refundedByLedger = 0n;
        const firstAmountOfId = new Map<string, bigint>();

        for (const attempt of attempts as Attempt[]) {
          const id = `r${attempt.idIndex}`;
          // Small amounts make many partial refunds fit; large ones probe the ceiling.
          const amount = smallAmounts ? BigInt(attempt.amountMinor) % (capturedMinor + 2n) : BigInt(attempt.amountMinor);
          const before = charge;
          const remaining = capturedMinor - minor(before.refunded.amount);
          const ctx = { now: t0 + 1000, actorId: 'seller-1' };
          const input = { id, amount: cny(amount), reason: '' };
          const r = channel === 'credit_card' ? refundCharge(before, input, creditCardChannel, state as CardRow, ctx) : refundCharge(before, input, debitCardChannel, state as DebitCardView, ctx);

          const known = firstAmountOfId.get(id);
          if (known !== undefined) {
            // A repeated id: the first refund again, or a conflict; nothing changes either way.
            if (known === amount) expect(r.ok && r.value.replayed).toBe(true);
            else expect(r.ok ? 'ok' : r.code).toBe('refund_id_conflict');
            if (r.ok) {
              expect(r.value.charge).toBe(before);
              expect(r.value.effects).toEqual([]);
            }
          } else if (before.status === 'refunded') {
            expect(r.ok ? 'ok' : r.code).toBe('illegal_charge_transition');
          } else if (amount === 0n) {
            expect(r.ok ? 'ok' : r.code).toBe('refund_amount_invalid');
          } else if (amount > remaining) {
            expect(r.ok ? 'ok' : r.code).toBe('refund_exceeds_captured');
          } else {
            expect(r.ok).toBe(true);
            if (r.ok) {
              expect(r.value.replayed).toBe(false);
              const ledger = channelLedgerEffectsOf(r.value.effects);
              expect(ledger).toHaveLength(1);
              expect(minor(ledger[0]?.amount.amount ?? '0')).toBe(amount);
              refundedByLedger += amount;
              firstAmountOfId.set(id, amount);
              charge = r.value.charge;
              state = r.value.state;
            }
          }

          // Invariants after every attempt, whatever happened.
          const refunded = minor(charge.refunded.amount);
          expect(refunded <= capturedMinor).toBe(true);
          expect(charge.refunds.reduce((sum, x) => sum + minor(x.amount.amount), 0n)).toBe(refunded);
          expect(refundedByLedger).toBe(refunded);
          expect(charge.status).toBe(refunded === 0n ? 'succeeded' : refunded === capturedMinor ? 'refunded' : 'partially_refunded');
          if (channel === 'credit_card') expect(minor((state as CardRow).balance.amount)).toBe(capturedMinor - refunded);
          else expect(minor((state as DebitCardView).available.amount)).toBe(refunded);
        }
      }),
      { numRuns: 300 },
    );
  });
});
