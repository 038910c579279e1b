import { expect, inject } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { newPage, partyUrl, teacherPasswords, type Profile } from './browser.ts';

// Steps the end-to-end tests share: moving a tab to a page, a user's registration, activation and
// login, a certificate from the CA's tab, a bank account with cash paid in and online banking, a
// wallet top-up, an order's state, shipping through the logistics tab.

const baseUrl = inject('baseUrl');

/** Every test user's password. */
export const password = 'correct horse 42';

/** Same-document navigation: the tab keeps its logins (keys live in the tab's memory). */
export async function go(page: Page, worldId: string, partyId: string, ...path: string[]): Promise<void> {
  const hash = `#/w/${worldId}/p/${partyId}${path.map((p) => '/' + encodeURIComponent(p)).join('')}`;
  await page.evaluate((h) => (location.hash = h), hash);
}

/**
 * Signs the tab in as the world's teacher from the world header (the password createWorld was
 * shown, unless one is given). With `playsEveryone` the teacher may act as every party in this tab.
 * Returns at once when the tab is the teacher already (the tab that created the world is).
 */
export async function signInAsTeacher(page: Page, worldId: string, options: { readonly password?: string; readonly playsEveryone?: boolean } = {}): Promise<void> {
  const badge = page.getByTestId('teacher-badge');
  await page.getByTestId('teacher-bar').waitFor();
  if ((await badge.count()) > 0) {
    if (options.playsEveryone === true && (await badge.getAttribute('data-plays-everyone')) !== 'true') await page.getByTestId('teacher-plays-everyone-toggle').click();
    return;
  }
  const teacherPassword = options.password ?? teacherPasswords.get(worldId);
  expect(teacherPassword, 'a world made by createWorld in this run').toBeDefined();
  if ((await page.getByTestId('teacher-sign-in').count()) === 0) await page.getByTestId('teacher-sign-in-open').click();
  await page.getByTestId('teacher-password').fill(teacherPassword!);
  if (options.playsEveryone === true) await page.getByTestId('teacher-plays-everyone').check();
  await page.getByTestId('teacher-sign-in-submit').click();
  await badge.waitFor({ timeout: 30_000 });
}

/** An institution's first password, from the world's lab sheet rows (read from IndexedDB). */
export async function labPassword(page: Page, worldId: string, partyId: string): Promise<string> {
  const found = await page.evaluate(
    async ([world, party]) => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const get = (db: IDBDatabase, store: string, key: string) =>
        new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).get(key);
          r.onsuccess = () => resolve(r.result as Record<string, unknown> | undefined);
          r.onerror = () => reject(r.error);
        });
      const registry = await open('settlelab-registry');
      const entry = await get(registry, 'worlds', world);
      registry.close();
      const db = await open(String(entry?.dbName));
      const row = await get(db, 'labSheet', party);
      db.close();
      return typeof row?.password === 'string' ? row.password : null;
    },
    [worldId, partyId] as const,
  );
  expect(found, `a lab-sheet password for ${partyId}`).not.toBeNull();
  return found!;
}

/**
 * Signs this tab in as the party (every party signs in once per tab before it can act): on its
 * Account page, with the test users' password or, for an institution, its lab-sheet password.
 * Does nothing when the tab is signed in as the party already. Ends on `path` when given.
 */
export async function signIn(page: Page, worldId: string, partyId: string, ...path: string[]): Promise<void> {
  await go(page, worldId, partyId, 'account');
  const loggedIn = page.getByTestId('logged-in');
  await page.locator('[data-testid="logged-in"], [data-testid="login-password"]').first().waitFor({ timeout: 30_000 });
  if ((await loggedIn.count()) === 0) {
    await page.getByTestId('login-password').fill(partyId.startsWith('u-') ? password : await labPassword(page, worldId, partyId));
    await page.getByTestId('login-submit').click();
    await loggedIn.waitFor({ timeout: 30_000 });
  }
  if (path.length > 0) await go(page, worldId, partyId, ...path);
}

/** A new tab showing the party; an institution's tab is signed in as it (a user signs in when registering). */
export async function tab(p: Profile, worldId: string, partyId: string, ...path: string[]): Promise<Page> {
  const page = await newPage(p, `${partyUrl(baseUrl, worldId, partyId)}${path.map((s) => '/' + s).join('')}`);
  if (!partyId.startsWith('u-')) await signIn(page, worldId, partyId, ...path);
  return page;
}

export async function register(p: Profile, worldId: string, role: 'buyer' | 'seller', loginName: string, realName: string): Promise<{ page: Page; partyId: string }> {
  const page = await newPage(p, `${baseUrl}#/w/${worldId}`);
  return { page, partyId: await registerHere(page, role, loginName, realName) };
}

/**
 * Registers from the party picker this tab shows, activates with the mailbox's code and signs the
 * tab in; returns the new party's id. In class mode the tab is signed in by registering (the key
 * opened to sign the registration), so there is no login form to fill.
 */
export async function registerHere(page: Page, role: 'buyer' | 'seller', loginName: string, realName: string): Promise<string> {
  await page.getByTestId(`register-${role}`).click();
  await page.getByTestId('registration-form').waitFor();
  const values: Record<string, string> = {
    loginName,
    password,
    passwordAgain: password,
    realName,
    deliveryAddress: '北京市海淀区中关村大街1号',
    deliveryPhone: '13812345678',
    email: `${loginName}@example.com`,
    postcode: '100080',
  };
  if (role === 'seller') Object.assign(values, { storeName: `${realName}的小店`, storeDescription: '正品保证，当天发货' });
  for (const [name, value] of Object.entries(values)) await page.getByTestId(`reg-${name}`).fill(value);
  await page.getByTestId('reg-submit').click();
  // Activation: the code from the in-world mailbox.
  await page.getByTestId('check-mailbox').waitFor({ timeout: 30_000 });
  const mail = page.locator('[data-testid="mail"][data-subject="mail.activation.subject"]');
  await mail.locator('summary').click();
  const code = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await mail.getByTestId('mail-body').textContent())!)?.[0];
  expect(code).toBeDefined();
  await page.getByTestId('activation-code-input').fill(code!);
  await page.getByTestId('activation-submit').click();
  await expect.poll(() => page.getByTestId('check-mailbox').count()).toBe(0);
  // Log in in this tab: the key opened here signs receipt confirmations and the U盾 login.
  await page.getByTestId('page-account').click();
  await expect.poll(() => page.getByTestId('account-status').getAttribute('data-status')).toBe('active');
  const loggedIn = page.getByTestId('logged-in');
  await loggedIn.or(page.getByTestId('login-password')).first().waitFor();
  if ((await loggedIn.count()) === 0) {
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await loggedIn.waitFor({ timeout: 30_000 });
  }
  return `u-${loginName.toLowerCase()}`;
}

/** The buyer applies for a certificate and the CA's tab issues it. */
export async function certify(buyer: Page, ca: Page, partyId: string): Promise<void> {
  await buyer.getByTestId('page-account').click();
  await buyer.getByTestId('apply-certificate').click();
  const application = ca.locator(`[data-testid="application"][data-party="${partyId}"]`);
  await application.getByTestId('issue').click({ timeout: 10_000 });
  await expect.poll(() => buyer.getByTestId('certificate').first().getByTestId('cert-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('valid');
}

/** A bank account at bank-a with ¥`cash` paid in at the counter, and an online-banking session. */
export async function bankAccount(buyer: Page, bank: Page, worldId: string, partyId: string, cash: string): Promise<void> {
  await go(buyer, worldId, partyId, 'my-bank');
  await buyer.getByTestId('apply-bank').selectOption('bank-a');
  await buyer.getByTestId('apply-submit').click();
  await bank.locator(`[data-testid="application-row"][data-party="${partyId}"]`).getByTestId('application-approve').click({ timeout: 10_000 });
  await buyer.locator('[data-testid="my-account-row"][data-bank="bank-a"]').waitFor({ timeout: 10_000 });
  // Cash in hand (the lab's banknotes, the teacher's tool), paid in at the bank's counter.
  await signInAsTeacher(buyer, worldId);
  await buyer.getByTestId('give-cash-amount').fill(cash);
  await buyer.getByTestId('give-cash-submit').click();
  await buyer.getByTestId('give-cash-result').waitFor();
  await bank.getByTestId('counter-account').selectOption(`bank-a:deposit:${partyId}`);
  await bank.getByTestId('counter-amount').fill(cash);
  await bank.getByTestId('counter-deposit').click();
  await bank.getByTestId('counter-result').waitFor();
  // Online banking with the certificate (U盾).
  await go(buyer, worldId, partyId, 'online-banking');
  await buyer.getByTestId('bank-login-bank-a').click();
  await expect.poll(() => buyer.getByTestId('bank-status-bank-a').getAttribute('data-open'), { timeout: 10_000 }).toBe('true');
}

export async function topUp(buyer: Page, worldId: string, partyId: string, amount: string): Promise<void> {
  await go(buyer, worldId, partyId, 'wallet');
  await buyer.getByTestId('wallet-bank-select').selectOption('bank-a');
  await buyer.getByTestId('wallet-amount').fill(amount);
  await buyer.getByTestId('wallet-topup').click();
  await expect.poll(() => buyer.getByTestId('wallet-amount').inputValue()).toBe('');
  expect(await buyer.getByTestId('wallet-error').count()).toBe(0);
}

/**
 * The buyer confirms receipt on the order's page: the button asks first, showing what is signed
 * and by whom (#14), and signing it there sends the signed confirmation.
 */
export async function confirmReceipt(buyer: Page): Promise<void> {
  await buyer.getByTestId('order-confirm').click();
  await buyer.getByTestId('receipt-sign').waitFor();
  await buyer.getByTestId('receipt-sign-submit').click();
}

export async function orderState(page: Page): Promise<string | null> {
  return page.getByTestId('order-detail').getAttribute('data-state');
}

/** The seller books the courier; the logistics tab picks the parcel up (the order ships). */
export async function ship(seller: Page, logistics: Page, worldId: string, sellerId: string, orderId: string): Promise<void> {
  await go(seller, worldId, sellerId, 'orders', orderId);
  await seller.getByTestId('order-ship').click();
  await seller.getByTestId('order-booked').waitFor();
  const row = logistics.locator(`[data-testid="shipment-row"][data-order="${orderId}"]`);
  await row.getByTestId('shipment-pickup').click({ timeout: 10_000 });
  await expect.poll(() => row.getAttribute('data-status')).toBe('picked_up');
}

/**
 * Hands an image to a page the way a person would: dropped onto (or pasted into) the element with
 * `testid`, as a PNG file made from `png` (e.g. a screenshot of another tab's QR code).
 */
export async function giveImage(page: Page, testid: string, png: Buffer, how: 'drop' | 'paste'): Promise<void> {
  await page.getByTestId(testid).evaluate(
    (el, [base64, way]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      if (way === 'drop') el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      else el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [png.toString('base64'), how] as const,
  );
}

/**
 * A seller registered and logged in, its store approved by the platform's tab, and the demo
 * catalogue listed (the first product, `${partyId}-demo-01`, is 《电子商务概论》教材 at ¥45.00).
 */
export async function openStore(p: Profile, platform: Page, worldId: string, loginName: string, realName: string): Promise<{ page: Page; partyId: string }> {
  const seller = await register(p, worldId, 'seller', loginName, realName);
  const { page, partyId } = seller;
  await platform.locator(`[data-testid="store-application"][data-seller="${partyId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
  await go(page, worldId, partyId, 'store');
  await expect.poll(() => page.getByTestId('store-status').getAttribute('data-status')).toBe('approved');
  await page.getByTestId('store-demo').click();
  await expect.poll(() => page.getByTestId('store-product').count()).toBeGreaterThan(10);
  return seller;
}

/** The seller applies for an account at `bankId` and that bank's counter tab approves it. */
export async function sellerAccount(seller: Page, bankTab: Page, worldId: string, partyId: string, bankId = 'bank-b'): Promise<void> {
  await go(seller, worldId, partyId, 'my-bank');
  await seller.getByTestId('apply-bank').selectOption(bankId);
  await seller.getByTestId('apply-submit').click();
  await bankTab.locator(`[data-testid="application-row"][data-party="${partyId}"]`).getByTestId('application-approve').click({ timeout: 10_000 });
  await seller.locator(`[data-testid="my-account-row"][data-bank="${bankId}"]`).waitFor({ timeout: 10_000 });
}

/** Buy now: checkout for one product (express, escrow wallet); returns the order id from the order page. */
export async function buyNow(buyer: Page, worldId: string, partyId: string, productId: string): Promise<string> {
  await go(buyer, worldId, partyId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  return (await detail.getAttribute('data-order'))!;
}

/** The arrows of the sequence diagram `diagram` (a seq-diagram locator): [step, stored amount or ''] each, top to bottom. */
export async function diagramArrows(diagram: Locator): Promise<string[][]> {
  return diagram.getByTestId('seq-arrow').evaluateAll((els) => els.map((el) => [el.getAttribute('data-step') ?? '', el.getAttribute('data-amount') ?? '']));
}

// ---- steps for worlds that use every payment method (the words sweep, #15) ------------------

/** The buyer applies for a card of `kind` on the Cards page; the card company's tab issues it with `billingDay` (1-28) when given. */
export async function issueCard(buyer: Page, card: Page, worldId: string, buyerId: string, kind: 'credit' | 'charge', billingDay?: number): Promise<void> {
  await go(buyer, worldId, buyerId, 'cards');
  await buyer.getByTestId('card-apply-kind').selectOption(kind);
  await buyer.getByTestId('card-apply').click();
  const application = card.locator(`[data-testid="card-application"][data-applicant="${buyerId}"]`);
  await application.waitFor({ timeout: 10_000 });
  // The buyer's list of applications (one live query) shows this one pending, then approved.
  const listed = (status: string) => buyer.locator(`[data-testid="card-applications"] li[data-status="${status}"]`).count();
  await expect.poll(() => listed('pending'), { timeout: 10_000 }).toBe(1);
  const approved = await listed('approved');
  if (billingDay !== undefined) await application.getByTestId('card-billing-day').fill(String(billingDay));
  await application.getByTestId('card-approve').click();
  await expect.poll(() => listed('approved'), { timeout: 10_000 }).toBe(approved + 1);
}

/** Pays the order on its page through its pay panel for `channel`; the order then waits for shipping. */
export async function payOnPanel(buyer: Page, worldId: string, buyerId: string, orderId: string, channel: string): Promise<void> {
  await go(buyer, worldId, buyerId, 'orders', orderId);
  const panel = buyer.locator(`[data-testid="pay-panel"][data-channel="${channel}"]`);
  await panel.waitFor();
  await panel.getByTestId('pay-submit').click();
  await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
  expect(await buyer.getByTestId('pay-error').count()).toBe(0);
}

/** The buyer signs and sends a cheque to the payee from his chequebook page. */
export async function writeChequeTo(buyer: Page, worldId: string, buyerId: string, payeeId: string, amount: string, memo: string): Promise<void> {
  await go(buyer, worldId, buyerId, 'chequebook');
  await buyer.getByTestId('cheque-payee-select').selectOption(payeeId);
  await buyer.getByTestId('cheque-amount').fill(amount);
  await buyer.getByTestId('cheque-memo').fill(memo);
  const before = await buyer.getByTestId('written-row').count();
  await buyer.getByTestId('cheque-write-submit').click();
  await expect.poll(() => buyer.getByTestId('written-row').count(), { timeout: 10_000 }).toBe(before + 1);
  expect(await buyer.getByTestId('cheque-write-error').count()).toBe(0);
}

/** The payee opens cheque `number` from its inbox, runs the checklist (passing or not as `passes`), endorses and deposits it. */
export async function endorseAndDeposit(payee: Page, worldId: string, payeeId: string, number: string, passes: boolean): Promise<void> {
  await go(payee, worldId, payeeId, 'cheques');
  const row = payee.locator(`[data-testid="inbox-row"][data-number="${number}"]`);
  await row.waitFor({ timeout: 10_000 });
  if ((await payee.locator(`[data-testid="inbox-detail"] [data-cheque$=":${number}"]`).count()) === 0) await row.getByTestId('inbox-open').click();
  await payee.getByTestId('inbox-detail').waitFor();
  await payee.getByTestId('inbox-verify').click();
  await expect.poll(() => payee.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe(String(passes));
  await payee.getByTestId('inbox-endorse').click();
  await payee.getByTestId('cheque-endorsement').waitFor({ timeout: 10_000 });
  await payee.getByTestId('inbox-deposit').click();
  await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('deposited');
}

/** The payee's bank (`presenterId`) presents the deposited cheque, the drawer's bank decides it; returns its outcome and reason. */
export async function presentCheque(worldId: string, presenter: Page, presenterId: string, payer: Page, payerId: string, number: string): Promise<{ outcome: string; reason: string }> {
  await go(presenter, worldId, presenterId, 'cheque-desk');
  await go(payer, worldId, payerId, 'cheque-desk');
  await presenter.locator(`[data-testid="present-row"][data-number="${number}"]`).getByTestId('desk-present').click({ timeout: 10_000 });
  await payer.locator(`[data-testid="decide-row"][data-number="${number}"]`).getByTestId('desk-decide').click({ timeout: 10_000 });
  const decided = payer.locator(`[data-testid="decided-row"][data-number="${number}"]`).first();
  await decided.waitFor({ timeout: 10_000 });
  return { outcome: (await decided.getAttribute('data-outcome')) ?? '', reason: (await decided.getAttribute('data-reason')) ?? '' };
}
