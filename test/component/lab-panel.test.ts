import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import LabPanel from '../../src/ui/labs/LabPanel.svelte';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { pageRefusals } from '../../src/ui/labs/page-refusals.svelte.ts';
import { readClock } from '../../src/app/clock-read.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { address, unwrap } from '../helpers/market.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The lab panel of a B2C escrow lab world (issue #14): steps tick from the world's state (the
// commands below act as the other tabs would; nothing in the panel is clicked), a refused attempt
// of this party's step is named in plain words, and a wrong answer is not accepted and shows the hint.

let n = 0;
async function labWorld(labId = 'b2c-escrow'): Promise<{ world: WorldModel; db: WorldDb; parties: Party[] }> {
  n += 1;
  const id = `lab-panel-${n}-${Date.now().toString(36)}`;
  const r = unwrap(await createLabWorld({ labId, id, name: 'lab', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } }));
  const db = openWorldDb(r.entry);
  await db.open();
  await loadAllMessages();
  const parties = await db.parties.toArray();
  const world = { entry: { id }, session: { db, env: {} }, parties: { current: parties } } as unknown as WorldModel;
  return { world, db, parties };
}

const step = (id: string) => screen.getByTestId(`lab-step-${id}`);

describe('the lab panel', () => {
  it('ticks steps when the world shows them done, highlights the step due now, and names a refused attempt', async () => {
    const { world, db, parties } = await labWorld();
    const buyer = parties.find((p) => p.id === 'u-lab_buyer')!;
    render(LabPanel, { world, party: buyer, lab: labById('b2c-escrow') });
    await waitFor(() => expect(step('pay').dataset.current).toBe('true'));
    expect(step('pay').dataset.done).toBe('false');
    expect(screen.getByTestId('lab-now').textContent).toContain('Your turn');
    await waitFor(() => expect(screen.getByTestId('lab-password-buyer').textContent).toBe('settlelab 2026'));
    // An institution's password is the teacher's to hand out: this tab has no teacher sign-in.
    expect(screen.queryByTestId('lab-password-logistics')).toBeNull();
    expect(screen.getByTestId('lab-sign-in-logistics').textContent).toContain('lab sheet');

    // Placing the order is not paying: no tick. Paying an order that is not there is refused, and
    // the panel says why in words, with the step's hint.
    unwrap(await addToCart(db, meta(buyer.id), { productId: 'u-lab_seller-demo-01', quantity: 1 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer.id), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
    expect(await payOrder(db, meta(buyer.id), { orderId: 'no-such-order' })).toMatchObject({ ok: false });
    await waitFor(() => expect(screen.getByTestId('lab-failure').textContent).toMatch(/refused: .+What to do: Your wallet already holds money/));
    expect(screen.getByTestId('lab-failure').textContent).not.toContain('order_not_found');
    expect(step('pay').dataset.done).toBe('false');

    unwrap(await payOrder(db, meta(buyer.id), { orderId: order!.id }));
    await waitFor(() => expect(step('pay').dataset.done).toBe('true'));
    expect(screen.queryByTestId('lab-failure')).toBeNull();
    // Now it is the seller's turn: the buyer's tab says so and links to the seller's tab.
    await waitFor(() => expect(step('book').dataset.current).toBe('true'));
    expect(screen.getByTestId('lab-open-seller').getAttribute('href')).toContain('/p/u-lab_seller/orders');

    // Booking the courier changes only the waybills (not the order): the tick follows all the same.
    const booking = unwrap(await bookShipment(db, meta('u-lab_seller'), { orderId: order!.id }));
    await waitFor(() => expect(step('book').dataset.done).toBe('true'));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));
    await waitFor(() => expect(step('pickup').dataset.done).toBe('true'));
    expect(step('deliver').dataset.current).toBe('true');
  });

  it('names a refusal a page made before any command ran (a cheque for ¥0.00) with the step’s hint, in en and zh-CN, until an attempt gets through', async () => {
    const { world, db, parties } = await labWorld('echeque');
    const drawer = parties.find((p) => p.id === 'u-lab_drawer')!;
    render(LabPanel, { world, party: drawer, lab: labById('echeque') });
    await waitFor(() => expect(step('write').dataset.current).toBe('true'));
    const at = await readClock(db);
    // Not this step's commands, or another party's attempt: not this tab's news for this step.
    pageRefusals.report(world.entry.id, drawer.id, 'depositCheque', { code: 'endorsement_missing' }, at);
    pageRefusals.report(world.entry.id, 'u-lab_payee', 'writeCheque', { code: 'payee_is_drawer' }, at);
    expect(screen.queryByTestId('lab-failure')).toBeNull();

    pageRefusals.report(world.entry.id, drawer.id, 'writeCheque', { code: 'amount_invalid' }, at);
    const failure = await screen.findByTestId('lab-failure');
    expect(failure.dataset.code).toBe('amount_invalid');
    expect(failure.textContent).toMatch(/refused: That amount cannot be used.+What to do: .*such as 200\.00/);
    expect(failure.textContent).not.toContain('amount_invalid');
    expect(step('write').dataset.done).toBe('false');
    try {
      i18n.locale = 'zh-CN';
      await waitFor(() => expect(screen.getByTestId('lab-failure').textContent).toMatch(/这个金额无法使用.+例如 200\.00/));
    } finally {
      i18n.locale = 'en';
    }

    // The next attempt got through: the page says so and the panel no longer shows the refusal.
    pageRefusals.report(world.entry.id, drawer.id, 'writeCheque', null, at);
    await waitFor(() => expect(screen.queryByTestId('lab-failure')).toBeNull());
  });

  it('does not accept a wrong answer and shows the hint; the world’s answer is accepted however the amount is typed', async () => {
    const { world, db, parties } = await labWorld();
    const seller = parties.find((p) => p.id === 'u-lab_seller')!;
    render(LabPanel, { world, party: seller, lab: labById('b2c-escrow') });
    await screen.findByTestId('lab-question-tracking');
    // Before the parcel ships the world has no tracking number: nothing to compare with.
    await fireEvent.input(screen.getByTestId('lab-answer-tracking'), { target: { value: 'SD0000000001' } });
    await fireEvent.click(screen.getByTestId('lab-check-tracking'));
    await screen.findByTestId('lab-not-yet-tracking');

    const buyer = 'u-lab_buyer';
    unwrap(await addToCart(db, meta(buyer), { productId: 'u-lab_seller-demo-01', quantity: 1 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
    unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
    const booking = unwrap(await bookShipment(db, meta(seller.id), { orderId: order!.id }));
    const picked = unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));

    await fireEvent.input(screen.getByTestId('lab-answer-tracking'), { target: { value: 'SD9999999999' } });
    await fireEvent.click(screen.getByTestId('lab-check-tracking'));
    const wrong = await screen.findByTestId('lab-wrong-tracking');
    expect(wrong.textContent).toContain('It is shown on the order');
    expect(screen.queryByTestId('lab-correct-tracking')).toBeNull();

    await fireEvent.input(screen.getByTestId('lab-answer-tracking'), { target: { value: ` ${picked.trackingNumber!.toLowerCase()} ` } });
    await fireEvent.click(screen.getByTestId('lab-check-tracking'));
    await screen.findByTestId('lab-correct-tracking');
    expect(screen.queryByTestId('lab-wrong-tracking')).toBeNull();
  });
});
