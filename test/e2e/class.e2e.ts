import { describe, expect, inject, it } from 'vitest';
import type { Profile } from './browser.ts';
import { certify, go, labPassword, orderState, registerHere } from './flows.ts';
import { appliedHere, balances, buyerId, classLab, fingerprint, joinFromStartPage, labUserPassword, openClass, sellerId, settledSeq, signIn, worldRows } from './class-steps.ts';

// Class mode in Chromium (#20): a real nats-server on loopback ports (the shipped config) and
// three browser profiles as three PCs. The teacher opens the class on PC 1 from the start page;
// two students join on PC 2 and PC 3 through the start page (each PC imports the class's snapshot
// and follows the stream). PC 1 plays the seller, PC 2 the buyer, PC 3 the logistics company: the
// seller lists a book, the buyer buys it and pays through escrow, the seller books the courier, logistics picks up and
// delivers, the buyer confirms. Every action goes through the class stream; all three PCs end
// with the same order state, the same balances and equal world fingerprints. Then PC 3 registers a
// second buyer through the register page (signing with its own key until PC 1, as the CA, certifies
// it), and PC 2's buyer and PC 3's new buyer order the last item at the same moment: one order, one
// out_of_stock refusal in words, and on every PC one order of it and none left.

const baseUrl = inject('baseUrl');
const lab = classLab();

describe('class mode in the browser: three PCs, one world', () => {
  it('the teacher opens a class, two students join, and the B2C escrow story runs through the class stream to equal fingerprints', async () => {
    const [pc1, pc2, pc3] = (await lab.launch(3)) as [Profile, Profile, Profile];
    const server = lab.server();

    // PC 1: the teacher opens the class from the start page and lands on the roster.
    const { page: teacher, worldId: w1 } = await openClass(pc1, baseUrl, server);

    // PC 2 and PC 3 join with the address, the code and the class password.
    const { page: buyer, worldId: w2 } = await joinFromStartPage(pc2, baseUrl, server);
    const { page: logistics, worldId: w3 } = await joinFromStartPage(pc3, baseUrl, server);

    // Each PC picks its party and signs in (signing in is itself a command of the class).
    await signIn(teacher, w1, sellerId, labUserPassword);
    await signIn(buyer, w2, buyerId, labUserPassword);
    await signIn(logistics, w3, 'logistics', await labPassword(logistics, w3, 'logistics'));

    // The roster on PC 1 shows the three tabs: the students' with their parties, the teacher's own
    // tab (now on the roster page) with none.
    await teacher.evaluate((h) => (location.hash = h), `#/w/${w1}/class`);
    await expect.poll(async () => (await teacher.getByTestId('class-roster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-party')).sort())).join(','), { timeout: 30_000 }).toBe(['', 'logistics', buyerId].sort().join(','));

    // PC 1: the seller lists a new book (one in stock).
    await go(teacher, w1, sellerId, 'store', 'new');
    await teacher.getByTestId('form-number').fill('BK-CLASS');
    await teacher.getByTestId('form-name').fill('《网络支付》');
    await teacher.getByTestId('form-spec').fill('平装');
    await teacher.getByTestId('form-price').fill('40');
    await teacher.getByTestId('form-stock').fill('1');
    await teacher.getByTestId('form-submit').click();
    const productId = (await teacher.locator('[data-testid="store-product"][data-number="BK-CLASS"]').getAttribute('data-product', { timeout: 30_000 }))!;

    // PC 2: the buyer buys it (the listing arrived through the stream) and pays through escrow.
    await go(buyer, w2, buyerId, 'shop', 'checkout', productId, '1');
    await buyer.getByTestId('checkout-submit').click();
    await buyer.getByTestId('order-detail').waitFor({ timeout: 30_000 });
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');

    // PC 1: the seller sees the paid order (applied from the stream) and books the courier.
    await go(teacher, w1, sellerId, 'orders', orderId);
    await expect.poll(() => orderState(teacher), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await teacher.getByTestId('order-ship').click();
    await teacher.getByTestId('order-booked').waitFor({ timeout: 30_000 });

    // PC 3: logistics picks the parcel up and delivers it.
    await go(logistics, w3, 'logistics', 'shipments');
    const row = logistics.locator(`[data-testid="shipment-row"][data-order="${orderId}"]`);
    await row.getByTestId('shipment-pickup').click({ timeout: 30_000 });
    await row.getByTestId('shipment-status').selectOption('delivered', { timeout: 30_000 });
    await row.getByTestId('shipment-post').click();

    // PC 2: the buyer confirms receipt (signed in the buyer's tab).
    await go(buyer, w2, buyerId, 'orders', orderId);
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('order-confirm').click();
    const sign = buyer.getByTestId('receipt-sign-submit');
    await sign.or(buyer.locator('[data-testid="order-detail"][data-state="TRADE_FINISHED"]')).first().waitFor();
    if ((await sign.count()) > 0) await sign.click();
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('TRADE_FINISHED');

    // The last item: the seller lists one more of a book; on PC 3 a second buyer registers, activates
    // and signs in through the register page (no certificate yet: its commands are signed by its own
    // key), and both buyers place an order for it at the same moment. The stream's order decides: one
    // order, and on the other PC the refusal in words.
    await go(teacher, w1, sellerId, 'store', 'new');
    await teacher.getByTestId('form-number').fill('BK-LAST');
    await teacher.getByTestId('form-name').fill('《最后一本》');
    await teacher.getByTestId('form-spec').fill('精装');
    await teacher.getByTestId('form-price').fill('30');
    await teacher.getByTestId('form-stock').fill('1');
    await teacher.getByTestId('form-submit').click();
    const lastId = (await teacher.locator('[data-testid="store-product"][data-number="BK-LAST"]').getAttribute('data-product', { timeout: 30_000 }))!;
    await logistics.evaluate((h) => (location.hash = h), `#/w/${w3}`);
    const newcomerId = await registerHere(logistics, 'buyer', 'class_newcomer', '新同学');
    // Its certificate, as the lab's buyers have: it applies, and PC 1 signs in as the CA and issues it.
    await signIn(teacher, w1, 'ca', await labPassword(teacher, w1, 'ca'));
    await go(teacher, w1, 'ca', 'ca');
    await certify(logistics, teacher, newcomerId);
    const racers = [buyer, logistics];
    for (const [page, w, party] of [[buyer, w2, buyerId], [logistics, w3, newcomerId]] as const) {
      await go(page, w, party, 'shop', 'checkout', lastId, '1');
      await page.getByTestId('checkout-submit').waitFor({ timeout: 30_000 });
    }
    await Promise.all(racers.map((page) => page.getByTestId('checkout-submit').click()));
    const outcomes = await Promise.all(
      racers.map(async (page) => {
        const placed = page.getByTestId('order-detail');
        const refused = page.getByTestId('checkout-error');
        await placed.or(refused).first().waitFor({ timeout: 30_000 });
        return (await placed.count()) > 0 ? 'placed' : ((await refused.textContent()) ?? '');
      }),
    );
    expect(outcomes.filter((o) => o === 'placed')).toHaveLength(1);
    const refusal = outcomes.find((o) => o !== 'placed')!;
    expect(refusal).toContain('Out of stock');
    expect(refusal).not.toContain('out_of_stock');

    // Every PC: the same order state, the same balances, the same fingerprint after the same actions.
    // Both racers have applied their own order (each saw its outcome), so the later of the two is past both.
    const raced = Math.max(await appliedHere(buyer, w2), await appliedHere(logistics, w3));
    const last = await settledSeq(buyer, w2, 3, raced);
    expect(last).toBeGreaterThan(5);
    const pcs = [
      { page: teacher, worldId: w1 },
      { page: buyer, worldId: w2 },
      { page: logistics, worldId: w3 },
    ];
    const views = [];
    for (const pc of pcs) {
      await go(pc.page, pc.worldId, pc.page === logistics ? 'logistics' : pc.page === teacher ? sellerId : buyerId, 'orders', orderId);
      const digest = await fingerprint(pc.page, pc.worldId, last);
      const lastOrders = (await worldRows(pc.page, pc.worldId, 'orders')).filter((o) => (o.lines as { productId: string }[]).some((l) => l.productId === lastId)).length;
      const lastStock = (await worldRows(pc.page, pc.worldId, 'products')).find((p) => p.id === lastId)?.stock;
      views.push({ digest, balances: await balances(pc.page, pc.worldId), lastOrders, lastStock });
    }
    expect(Object.keys(views[0]!.balances).length).toBeGreaterThan(0);
    // The last item went to one order on every PC.
    expect(views[0]).toMatchObject({ lastOrders: 1, lastStock: 0 });
    for (const v of views) expect(v).toEqual(views[0]);
    for (const pc of pcs) expect(await pc.page.getByTestId('class-banner').getAttribute('data-state')).toBe('connected');
    // No tab leads a class world's jobs: the header says they run with the stream on every PC.
    for (const pc of pcs) expect(await pc.page.getByTestId('leader-state').textContent()).toContain('the same on every PC');
  });
});
