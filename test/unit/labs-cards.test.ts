import { describe, expect, it } from 'vitest';
import { createLabWorld, labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { checkAnswer, labProgress, lastTickAt, latestFailure } from '../../src/app/labs/progress.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { cardsOf, repayCardFromBank, statementsOf } from '../../src/app/payments/cards.ts';
import { bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { parseWorldDate } from '../../src/domain/index.ts';
import { address, advanceDays, expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The card lab (信用卡与签账卡, issue #14): its preset issues the buyer a credit card and a charge
// card by the real commands and replays to the same ledger head; its steps tick from the world as
// the cards are used, billed, repaid, suspended and charged interest; its questions are answered
// by the statements and the acquirer's batch.

let n = 0;
async function cardsWorld(): Promise<WorldDb> {
  n += 1;
  const r = await createLabWorld({ labId: 'cards', id: `lab-cards-${n}-${Date.now().toString(36)}`, name: 'cards', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return db;
}

async function head(db: WorldDb): Promise<{ seq: number; hash: string }> {
  return (await db.meta.get(journalHeadKey))?.value as { seq: number; hash: string };
}

async function stepsDone(db: WorldDb): Promise<string[]> {
  return (await labProgress(db, labById('cards')!)).steps.filter((s) => s.done).map((s) => s.step.id);
}

async function toDate(db: WorldDb, date: string): Promise<void> {
  const at = parseWorldDate(date);
  if (!at.ok) throw new Error(at.code);
  unwrap(await advanceClock(db, meta('u-lab_buyer'), { kind: 'to', at: at.value }));
  await runDueJobs(db, 'test-leader');
}

const buyer = 'u-lab_buyer';
const seller = 'u-lab_seller';

describe('the card lab', () => {
  it('builds its preset by real commands the same way twice: a credit card and a charge card, billing day the 10th', async () => {
    const a = await cardsWorld();
    const b = await cardsWorld();
    expect((await head(a)).seq).toBeGreaterThan(0);
    expect(await head(b)).toEqual(await head(a));
    expect((await labOfWorld(a))?.id).toBe('cards');
    const cards = await cardsOf(a, buyer);
    expect(cards.map((c) => [c.kind, c.limit.amount, c.billingDay, c.status])).toEqual([
      ['credit', '5000.00', 10, 'active'],
      ['charge', '3000.00', 10, 'active'],
    ]);
    const types = new Set((await a.events.toArray()).map((e) => e.type));
    for (const t of ['identity.registered', 'market.demo_catalogue', 'card.issued']) expect(types, t).toContain(t);
    expect(await stepsDone(a)).toEqual([]);
    await expectLedgerSound(a);
  });

  it('ticks hold, shipping, capture, T+1 settlement, statements, the minimum repaid, suspension, reinstatement and interest from the world', async () => {
    const db = await cardsWorld();
    const lab = labById('cards')!;
    const [credit, charge] = await cardsOf(db, buyer);
    const buy = async (product: string, quantity: number, channel: string, cardId: string) => {
      unwrap(await addToCart(db, meta(buyer), { productId: `${seller}-${product}`, quantity }));
      const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: channel }));
      unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel, source: { cardId } }));
      return order!;
    };
    // Three earphones at ¥199.00 on the credit card (free shipping above ¥99).
    const earphones = await buy('demo-03', 3, 'credit_card', credit!.id);
    expect(await stepsDone(db)).toEqual(['pay-credit']);
    expect(await checkAnswer(db, lab, 'minimum', '59.70')).toBe('not_yet');
    const tea = await buy('demo-06', 1, 'charge_card', charge!.id);
    expect(await stepsDone(db)).toEqual(['pay-credit', 'pay-charge']);
    const earphonesShipment = unwrap(await bookShipment(db, meta(seller), { orderId: earphones.id }));
    expect(await stepsDone(db)).toEqual(['pay-credit', 'pay-charge']);
    const teaShipment = unwrap(await bookShipment(db, meta(seller), { orderId: tea.id }));
    expect(await stepsDone(db)).toEqual(['pay-credit', 'pay-charge', 'ship']);
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: earphonesShipment.id, place: '杭州仓' }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: teaShipment.id, place: '杭州仓' }));
    expect(await stepsDone(db)).toEqual(['pay-credit', 'pay-charge', 'ship', 'capture']);
    expect(await checkAnswer(db, lab, 'merchant-net', '760.41')).toBe('not_yet');

    await advanceDays(db, 1);
    expect((await labProgress(db, lab)).current?.id).toBe('statement');
    // ¥597.00 + ¥168.00 less 0.6% of each (3.58 + 1.01): the seller's account at the acquirer.
    expect(await checkAnswer(db, lab, 'merchant-net', '760.41')).toBe('correct');
    expect((await bankAccountsOf(db, seller))[0]!.bankId).toBe('bank-b');

    await toDate(db, '2026-01-10');
    expect((await labProgress(db, lab)).current?.id).toBe('repay-minimum');
    const [first] = await statementsOf(db, credit!.id);
    expect([first!.newBalance.amount, first!.minimumPayment.amount]).toEqual(['597.00', '59.70']);
    expect((await statementsOf(db, charge!.id))[0]!.minimumPayment.amount).toBe('168.00');
    expect(await checkAnswer(db, lab, 'due-date', ' 2026-01-30 ')).toBe('correct');
    expect(await checkAnswer(db, lab, 'due-date', '2026-01-10')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'minimum', '59.70')).toBe('correct');
    expect(await checkAnswer(db, lab, 'minimum', '50.00')).toBe('wrong');

    // Less than the minimum ticks nothing; the rest of it does. A refused repayment is what the panel explains.
    expect(await repayCardFromBank(db, meta(buyer), { cardId: credit!.id, bankId: 'bank-a', amount: '5000.00' })).toMatchObject({ ok: false, code: 'repayment_exceeds_balance' });
    expect(await latestFailure(db, ['repayCard'])).toMatchObject({ code: 'repayment_exceeds_balance' });
    unwrap(await repayCardFromBank(db, meta(buyer), { cardId: credit!.id, bankId: 'bank-a', amount: '20.00' }));
    expect((await labProgress(db, lab)).current?.id).toBe('repay-minimum');
    unwrap(await repayCardFromBank(db, meta(buyer), { cardId: credit!.id, bankId: 'bank-a', amount: '39.70' }));
    expect((await labProgress(db, lab)).current?.id).toBe('due');

    await toDate(db, '2026-01-31');
    expect((await labProgress(db, lab)).current?.id).toBe('repay-charge');
    // The refusal of step 7 (same command) is older than the steps ticked since: not this step's news.
    const sinceTick = lastTickAt(await labProgress(db, lab));
    expect(await latestFailure(db, ['repayCard'])).toMatchObject({ code: 'repayment_exceeds_balance' });
    expect(await latestFailure(db, ['repayCard'], sinceTick)).toBeNull();
    const [creditNow, chargeNow] = await cardsOf(db, buyer);
    expect(chargeNow!.status).toBe('suspended');
    // The minimum was paid: no late fee on the credit card.
    expect(creditNow!.entries.some((e) => e.kind === 'late_fee')).toBe(false);
    unwrap(await repayCardFromBank(db, meta(buyer), { cardId: charge!.id, bankId: 'bank-a', amount: '168.00' }));
    expect((await cardsOf(db, buyer))[1]!.status).toBe('active');
    expect((await labProgress(db, lab)).current?.id).toBe('interest');
    expect(await checkAnswer(db, lab, 'interest', '9.82')).toBe('not_yet');

    await toDate(db, '2026-02-10');
    const progress = await labProgress(db, lab);
    expect(progress.current).toBeNull();
    expect(progress.steps.every((s) => s.done && typeof s.at === 'number')).toBe(true);
    // 0.05% a day: ¥597.00 for 5 days (1/5-1/9), then ¥537.30 for 31 days (1/10-2/9) = ¥9.82.
    const second = (await statementsOf(db, credit!.id))[0]!;
    expect(second.interest.amount).toBe('9.82');
    expect(await checkAnswer(db, lab, 'interest', '9.82')).toBe('correct');
    expect(await checkAnswer(db, lab, 'interest', '0')).toBe('wrong');
    await expectLedgerSound(db);
  });

  it('does not tick the minimum step when the statement is paid in full: no interest follows', async () => {
    const db = await cardsWorld();
    const [credit] = await cardsOf(db, buyer);
    unwrap(await addToCart(db, meta(buyer), { productId: `${seller}-demo-03`, quantity: 1 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'credit_card' }));
    unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'credit_card', source: { cardId: credit!.id } }));
    const shipment = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: shipment.id, place: '杭州仓' }));
    await toDate(db, '2026-01-10');
    const lab = labById('cards')!;
    expect((await labProgress(db, lab)).steps.find((s) => s.step.id === 'repay-minimum')?.done).toBe(false);
    unwrap(await repayCardFromBank(db, meta(buyer), { cardId: credit!.id, bankId: 'bank-a', amount: '199.00' }));
    expect((await labProgress(db, lab)).steps.find((s) => s.step.id === 'repay-minimum')?.done).toBe(false);
  });
});
