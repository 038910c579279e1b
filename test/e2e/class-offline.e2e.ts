import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Profile } from './browser.ts';
import { go, orderState } from './flows.ts';
import { appliedHere, balances, classLab, bannerState, buyerId, fingerprint, joinFromStartPage, labUserPassword, openClass, settledSeq, signIn, worldRows } from './class-steps.ts';

// A class tab that goes offline and comes back (#20, "Offline"): two Chromium profiles in one
// class on a real nats-server. The teacher's PC opens the class; the buyer's PC joins, signs in and
// checks the lab's textbook out (both PCs see the order). The buyer's PC loses its network
// (context.setOffline): its banner says offline within a few seconds, the order still shows, and
// paying it waits in the tab's queue (the banner counts it) while the teacher's PC still sees the
// order unpaid. Back online, the payment goes out, applies once on both PCs, and both show the
// same balances and equal fingerprints.

const baseUrl = inject('baseUrl');
const lab = classLab();
/** Quick detection is the point: the browser's offline event, not the NATS pings' minutes. */
const offlineNoticedWithinMs = 5_000;

async function stateOf(page: Page, worldId: string, orderId: string): Promise<unknown> {
  return (await worldRows(page, worldId, 'orders')).find((o) => o.id === orderId)?.state ?? null;
}

/** How many payments of the order this PC's command log holds (one, however often it was sent). */
async function paymentsLogged(page: Page, worldId: string, orderId: string): Promise<number> {
  return (await worldRows(page, worldId, 'commandLog')).filter((r) => r.name === 'payOrderWith' && (r.input as { orderId?: string } | undefined)?.orderId === orderId).length;
}

describe('class mode: a tab offline and back', () => {
  it('queues the offline buyer\'s payment, shows it waiting, and applies it once on both PCs when the network is back', async () => {
    const [pc1, pc2] = (await lab.launch(2)) as [Profile, Profile];
    const server = lab.server();
    const { page: teacher, worldId: w1 } = await openClass(pc1, baseUrl, server);
    const { page: buyer, worldId: w2 } = await joinFromStartPage(pc2, baseUrl, server);
    await signIn(buyer, w2, buyerId, labUserPassword);

    // Online: the buyer checks the lab's textbook out; the teacher's PC has the order too.
    const textbook = (await worldRows(buyer, w2, 'products')).find((p) => String(p.name).includes('电子商务概论'));
    await go(buyer, w2, buyerId, 'shop', 'checkout', String(textbook?.id), '1');
    await buyer.getByTestId('checkout-submit').click();
    await buyer.getByTestId('order-detail').waitFor({ timeout: 30_000 });
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    await expect.poll(() => stateOf(teacher, w1, orderId), { timeout: 30_000 }).toBe('WAIT_BUYER_PAY');

    // Offline: the banner says so at once, the world is still shown, and the payment waits.
    await pc2.context.setOffline(true);
    await expect.poll(() => bannerState(buyer), { timeout: offlineNoticedWithinMs }).toBe('offline');
    expect(await orderState(buyer)).toBe('WAIT_BUYER_PAY');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => buyer.getByTestId('class-banner').getAttribute('data-queued'), { timeout: 10_000 }).toBe('1');
    expect(await buyer.getByTestId('class-banner').textContent()).toMatch(/1/);
    expect(await stateOf(teacher, w1, orderId)).toBe('WAIT_BUYER_PAY');
    expect(await paymentsLogged(teacher, w1, orderId)).toBe(0);

    // Back online: the queued payment goes out and applies on both PCs, once.
    await pc2.context.setOffline(false);
    await expect.poll(() => bannerState(buyer), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await expect.poll(() => stateOf(teacher, w1, orderId), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await buyer.getByTestId('class-banner').getAttribute('data-queued')).toBe('0');

    const last = await settledSeq(teacher, w1, 2, await appliedHere(teacher, w1));
    const views = [];
    for (const pc of [
      { page: teacher, worldId: w1 },
      { page: buyer, worldId: w2 },
    ]) {
      views.push({ payments: await paymentsLogged(pc.page, pc.worldId, orderId), digest: await fingerprint(pc.page, pc.worldId, last), balances: await balances(pc.page, pc.worldId) });
    }
    expect(views[0]!.payments).toBe(1);
    expect(views[1]).toEqual(views[0]);
  });
});
