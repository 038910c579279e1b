import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Remedy from '../../src/ui/common/Remedy.svelte';
import BankAccountNotice from '../../src/ui/common/BankAccountNotice.svelte';
import OrderDetail from '../../src/ui/market/OrderDetail.svelte';
import { remedyRules, type Failure } from '../../src/ui/common/remedies.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { goodPassword, loggedInTab, registerActive } from '../helpers/identity.ts';
import { address, approvedSeller, caTab, unwrap } from '../helpers/market.ts';
import { applyForCertificate, issueRequestedCertificate, latestCertificateOf } from '../../src/app/identity/ca.ts';
import { tabKeys } from '../../src/app/identity/keys.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { walletId } from '../../src/app/market/accounts.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { formatFingerprint, type Party, type PartyKind } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { fundWallet } from '../helpers/market.ts';

// Issue 14, item 4: a refusal with a remedy links to it (one map, one component), a customer
// without a bank account is told before anything needs one, and confirming receipt shows what is
// signed, by whom, and what follows, before it signs.

/** The parts of a tab's world model these views read (no session, leader or channel needed). */
function fakeWorld(id: string, db: WorldDb, parties: Party[]): WorldModel {
  return { entry: { id }, session: { db, env: {} }, parties: { current: parties }, clock: { current: 0 } } as unknown as WorldModel;
}

/** A failure each rule answers (its detail satisfying the rule's condition for `party`). */
function failureFor(code: string, partyId: string): Failure {
  const detail: Record<string, Record<string, string>> = {
    insufficient_funds: { channel: 'escrow', accountId: walletId(partyId) },
    ecash_no_bank_account: { bankId: 'bank-a', partyId },
    payer_account_not_found: { bankId: 'bank-a' },
  };
  return { code, detail: detail[code] ?? {} };
}

describe('the remedy link', () => {
  it('renders, for each code of the map, a link to its page in the party’s own tab with its words', async () => {
    await loadAllMessages();
    for (const rule of remedyRules) {
      const kind: PartyKind = rule.kinds[0]!;
      const party = { id: `u-${kind}`, kind };
      const { unmount } = render(Remedy, { worldId: 'w-1', party, failure: failureFor(rule.code, party.id) });
      const link = screen.getByTestId('remedy-link') as HTMLAnchorElement;
      expect(link.getAttribute('href'), rule.code).toBe(`#/w/w-1/p/u-${kind}/${rule.page.join('/')}`);
      expect(link.textContent, rule.code).toContain(en[rule.label]);
      expect(screen.getByTestId('remedy').getAttribute('data-code')).toBe(rule.code);
      unmount();
    }
  });

  it('renders nothing for a refusal without a remedy, or none at all', async () => {
    await loadAllMessages();
    render(Remedy, { worldId: 'w-1', party: { id: 'u-b', kind: 'buyer' }, failure: { code: 'quantity_invalid' } });
    render(Remedy, { worldId: 'w-1', party: { id: 'u-b', kind: 'buyer' }, failure: null });
    // A short bank deposit is not fixed by topping up the wallet.
    render(Remedy, { worldId: 'w-1', party: { id: 'u-b', kind: 'buyer' }, failure: { code: 'insufficient_funds', detail: { accountId: 'bank-a:deposit:u-b' } } });
    expect(screen.queryByTestId('remedy')).toBeNull();
  });
});

/** A seller with a ¥45.00 textbook and a buyer logged in in this tab (tabKeys), optionally certified. */
async function trade(certified: boolean) {
  await loadAllMessages();
  const { id, db } = await freshWorld();
  const sellerId = await approvedSeller(db, 'shop1');
  const book = unwrap(await listProduct(db, meta(sellerId), { product: { number: 'BK-0001', name: '教材', nameEn: 'Textbook', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyerId = await registerActive(db, 'buyer1');
  await loggedInTab(db, id, 'buyer1', goodPassword, tabKeys);
  if (certified) {
    const ca = await caTab(db, id);
    const applied = unwrap(await applyForCertificate(db, id, buyerId, { keyRing: tabKeys }));
    unwrap(await issueRequestedCertificate(db, id, 'ca', { requestId: applied.requestId }, { keyRing: ca }));
  }
  const [order] = unwrap(await placeOrders(db, meta(buyerId), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: book.id, quantity: 1 } }));
  const parties = await db.parties.toArray();
  return { id, db, world: fakeWorld(id, db, parties), buyer: parties.find((p) => p.id === buyerId)!, seller: parties.find((p) => p.id === sellerId)!, orderId: order!.id };
}

describe('refusals on the order page', () => {
  it('paying from an empty wallet is refused with a link to top up the wallet', async () => {
    const { world, buyer, orderId, id } = await trade(false);
    render(OrderDetail, { world, party: buyer, orderId });
    await fireEvent.click(await screen.findByTestId('order-pay'));
    await waitFor(() => expect(screen.getByTestId('order-error').textContent).toBe('Payment failed: Not enough money in the account to pay this order.'));
    const link = screen.getByTestId('remedy-link');
    expect(link.getAttribute('href')).toBe(`#/w/${id}/p/${buyer.id}/wallet`);
    expect(link.textContent).toContain('Top up your wallet');
  });
});

describe('confirming receipt', () => {
  it('asks first, showing the document, the amount, the store, the signer and the certificate fingerprint; signs only when told', async () => {
    const { db, world, buyer, seller, orderId } = await trade(true);
    await fundWallet(db, buyer.id, '100.00');
    render(OrderDetail, { world, party: buyer, orderId });
    await fireEvent.click(await screen.findByTestId('order-pay'));
    await waitFor(() => expect(screen.getByTestId('order-detail').getAttribute('data-state')).toBe('WAIT_SELLER_SEND_GOODS'));
    const booking = unwrap(await bookShipment(db, meta(seller.id), { orderId }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));
    await fireEvent.click(await screen.findByTestId('order-confirm'));

    const step = await screen.findByTestId('receipt-sign');
    const cert = (await latestCertificateOf(db, buyer.id))!;
    expect(within(step).getByTestId('receipt-sign-document').textContent).toBe(`Receipt confirmation for order ${orderId}: the goods of this order have arrived.`);
    expect(within(step).getByTestId('receipt-sign-amount').textContent).toBe('CN¥57.00');
    expect(within(step).getByTestId('receipt-sign-seller').textContent).toBe('shop1的小店');
    expect(within(step).getByTestId('receipt-sign-signer').textContent).toBe(`${buyer.name.en} (the buyer), with the key of certificate no. ${cert.serial}`);
    expect(within(step).getByTestId('receipt-sign-fingerprint').textContent).toBe(formatFingerprint(cert.fingerprint));
    expect(within(step).getByTestId('receipt-sign-effect').textContent).toContain('the escrow agent releases CN¥57.00 to shop1的小店');

    // "Not yet" signs nothing.
    await fireEvent.click(within(step).getByTestId('receipt-sign-cancel'));
    expect(screen.queryByTestId('receipt-sign')).toBeNull();
    expect(screen.getByTestId('order-detail').getAttribute('data-state')).toBe('WAIT_BUYER_CONFIRM_GOODS');

    await fireEvent.click(screen.getByTestId('order-confirm'));
    await fireEvent.click(await screen.findByTestId('receipt-sign-submit'));
    await waitFor(() => expect(screen.getByTestId('order-detail').getAttribute('data-state')).toBe('TRADE_FINISHED'));
  });

  it('without a certificate the step says so, and signing is refused with a link to apply for one', async () => {
    const { db, world, buyer, seller, orderId, id } = await trade(false);
    await fundWallet(db, buyer.id, '100.00');
    render(OrderDetail, { world, party: buyer, orderId });
    await fireEvent.click(await screen.findByTestId('order-pay'));
    await waitFor(() => expect(screen.getByTestId('order-detail').getAttribute('data-state')).toBe('WAIT_SELLER_SEND_GOODS'));
    const booking = unwrap(await bookShipment(db, meta(seller.id), { orderId }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));
    await fireEvent.click(await screen.findByTestId('order-confirm'));
    expect((await screen.findByTestId('receipt-sign-signer')).textContent).toContain('you have no certificate');
    await fireEvent.click(screen.getByTestId('receipt-sign-submit'));
    await waitFor(() => expect(screen.getByTestId('remedy-link').getAttribute('href')).toBe(`#/w/${id}/p/${buyer.id}/account`));
  });
});

describe('a customer without a bank account', () => {
  it('a seller is told why it needs one, with the link to apply, until it has one', async () => {
    await loadAllMessages();
    const { id, db } = await freshWorld();
    const sellerId = await approvedSeller(db, 'shop2');
    const parties = await db.parties.toArray();
    const seller = parties.find((p) => p.id === sellerId)!;
    render(BankAccountNotice, { world: fakeWorld(id, db, parties), party: seller });
    const notice = await screen.findByTestId('no-bank-notice');
    expect(notice.textContent).toContain('open one before your first sale');
    expect(within(notice).getByTestId('remedy-link').getAttribute('href')).toBe(`#/w/${id}/p/${sellerId}/my-bank`);
    const applied = unwrap(await applyForBankAccount(db, meta(sellerId), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
    await waitFor(() => expect(screen.queryByTestId('no-bank-notice')).toBeNull());
  });
});
