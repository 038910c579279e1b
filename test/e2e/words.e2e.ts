import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { en as enCatalog } from '../../src/ui/i18n/en.ts';
import { zhCN as zhCatalog } from '../../src/ui/i18n/zh-CN.ts';
import { institutionSeeds } from '../../src/domain/world/parties.ts';
import { bankAccount, certify, confirmReceipt, endorseAndDeposit, go, issueCard, openStore, orderState, payOnPanel, presentCheque, register, sellerAccount, ship, signIn, signInAsTeacher, tab, topUp, writeChequeTo } from './flows.ts';

// Every word in the student's language (issue #15): a world that used every payment method of the
// seed (the escrow wallet with a partial and a full refund and a dispute, a debit card, a credit
// card with its statement, a charge card, e-cash with a refused double spend, e-cheques paid,
// stopped and altered, remittance matched by reference, online banking (an order and an interbank
// transfer), cash on delivery, a Mondex smart card, a one-card and mobile payment) and the clearing
// batch is read page by page, as every
// party, in English and in Chinese. Any raw identifier (party id, account id, event type, catalog
// key, snake_case status), doubled punctuation or amount without separators on any page, in any
// statement, order page or toast fails the test, with every finding listed.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** Every toast any tab shows, recorded as it appears (toasts go after a few seconds). */
const recordToasts = () => {
  const seen: string[] = [];
  (window as unknown as { __toasts: string[] }).__toasts = seen;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="toast"]')) {
      const text = (el as HTMLElement).innerText;
      if (!seen.includes(text)) seen.push(text);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
};

const worldName = 'Words lesson';

type Finding = { readonly where: string; readonly rule: string; readonly match: string; readonly context: string };

// What a student should never read. Emails and web addresses are taken out first (they have dots).
const rules: readonly { readonly rule: string; readonly re: RegExp }[] = [
  { rule: 'party id', re: /(?<![\w-])(?:u-[a-z0-9_]+|bank-[ab])(?![\w-])/g },
  { rule: 'account id', re: /(?<![\w-])[a-z][a-z0-9_-]*:[a-z0-9][a-z0-9_:-]*/g },
  { rule: 'dotted code or catalog key', re: /(?<![\w.])[a-z][a-zA-Z]*(?:\.[a-zA-Z_]+)+(?![\w.])/g },
  { rule: 'snake_case code', re: /(?<![\w-])[a-z]+(?:_[a-z]+)+(?![\w-])/g },
  { rule: 'doubled punctuation', re: /[。，；、：][。，；、：]|[。！？][）)]。|\.\)\.|(?<!\.)\.\.(?!\.)|,[,.]/g },
  { rule: 'amount without separators', re: /\d{5,}\.\d\d(?!\d)/g },
  { rule: 'unfilled placeholder', re: /\{[A-Za-z_][\w.]*\}/g },
];

// English the catalogs translate, left on a Chinese page: the institutions' names and every short
// catalog value (an account kind, a status, a channel, a button) whose Chinese is different. Only
// values of a word of 3+ letters count, matched as whole words, longest first; formats and
// standards the Chinese catalog keeps as they are (its value holds the English) never count.
const catalogEnglish: readonly string[] = (() => {
  const zh = zhCatalog as Record<string, string>;
  const words = new Set<string>(institutionSeeds.map((p) => p.name.en));
  for (const [key, value] of Object.entries(enCatalog as Record<string, string>)) {
    const short = value.split(/\s+/).length <= 4 && !/[{}]/.test(value) && /[A-Za-z]{3,}/.test(value);
    if (short && !(zh[key] ?? '').includes(value)) words.add(value.replace(/[.:…]+$/, '').trim());
  }
  return [...words].filter((w) => /[A-Za-z]{3,}/.test(w)).sort((a, b) => b.length - a.length);
})();
const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const catalogEnglishRe = new RegExp(`(?<![A-Za-z])(?:${catalogEnglish.map(escapeRe).join('|')})(?![A-Za-z])`, 'gi');

// Latin words a Chinese page may show: the app's name, formats, standards and what users typed.
const latinAllowed = /AES-GCM|PBKDF2-SHA256|\b[0-9A-Fa-f]{3,4}\b|SettleLab|CSV|PDF|PNG|SVG|SHA-256|RFC \d+|PBKDF2|ed25519|Ed25519|CN¥|U盾|PWA|IndexedDB|BroadcastChannel|Web Locks|[A-Z]{2}\d+|Bluetooth earphones/g;

function findIn(text: string, where: string, locale: 'en' | 'zh-CN'): Finding[] {
  // What users typed is theirs (the world's name, here in English); emails and addresses have dots.
  // An institution's login name is what its students type to sign in (the lab sheet's): shown on purpose.
  // An activation code (Crockford base32, "ABCD-EFGH") is typed back by the student: random letters, not words.
  const clean = text.replaceAll(worldName, ' ').replace(/(Login name|登录名)\s+\S+/g, ' ').replace(/\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/g, ' ').replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
  const found: Finding[] = [];
  const check = (rule: string, re: RegExp) => {
    for (const m of clean.matchAll(re)) {
      found.push({ where, rule, match: m[0], context: clean.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40).replace(/\s+/g, ' ') });
    }
  };
  for (const r of rules) check(r.rule, r.re);
  // English left on a Chinese page: two Latin words in a row.
  if (locale === 'zh-CN') check('English on a Chinese page', new RegExp(/[A-Za-z]{3,}[ -][A-Za-z]{3,}/.source, 'g'));
  if (locale === 'zh-CN') check('catalog English on a Chinese page', catalogEnglishRe);
  return found.filter((f) => !(f.rule.includes('English on a Chinese page') && f.match.replace(latinAllowed, '') !== f.match));
}

/** Waits until the page's text stops changing (live queries answered) and returns it. */
async function settledText(page: Page): Promise<string> {
  // What a student can unfold is read too (a mail's body, a lab's panel, a cheque's details).
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await page.waitForFunction(
    () =>
      new Promise<boolean>((ok) => {
        const before = document.body.innerText;
        let frames = 0;
        const tick = () => (++frames < 5 ? requestAnimationFrame(tick) : ok(before === document.body.innerText && !/Loading…|加载中/.test(before)));
        requestAnimationFrame(tick);
      }),
    undefined,
    { timeout: 15_000 },
  );
  return page.evaluate(() => document.body.innerText);
}

/** Reads every page of the party the tab can show, its statements and the given order pages. */
async function sweepParty(page: Page, worldId: string, partyId: string, locale: 'en' | 'zh-CN', orders: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  await go(page, worldId, partyId, 'activity');
  await page.getByTestId('page-activity').waitFor();
  const pageIds = await page.locator('a[data-testid^="page-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!.slice('page-'.length)));
  for (const id of pageIds) {
    await go(page, worldId, partyId, id);
    const where = `${locale} ${partyId} ${id}`;
    findings.push(...findIn(await settledText(page), where, locale));
    if (id === 'accounts') {
      const opens = page.getByTestId('open-statement');
      const count = Math.min(await opens.count(), 16);
      for (let i = 0; i < count; i++) {
        await opens.nth(i).click();
        await page.getByTestId('statement').waitFor();
        findings.push(...findIn(await page.getByTestId('statement').innerText(), `${where} statement ${i}`, locale));
      }
    }
  }
  for (const orderId of orders) {
    await go(page, worldId, partyId, 'orders', orderId);
    await page.getByTestId('order-detail').waitFor().catch(async (e: unknown) => {
      await page.screenshot({ path: `/tmp/words-order-${partyId}.png` });
      throw e;
    });
    findings.push(...findIn(await settledText(page), `${locale} ${partyId} order ${orderId}`, locale));
  }
  return findings;
}

/** Buy now: checkout for one product with `method`; returns the order id. */
async function buyNow(buyer: Page, worldId: string, buyerId: string, productId: string, method: string): Promise<string> {
  await go(buyer, worldId, buyerId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-payment').selectOption(method);
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  return (await detail.getAttribute('data-order'))!;
}

describe('every word in the student’s language', () => {
  it('a rich world read page by page as every party, in English and in Chinese, shows no raw code, id, key, doubled punctuation or unformatted amount; the language follows across tabs', async () => {
    const p = await launchProfile();
    profiles.push(p);
    await p.context.addInitScript(recordToasts);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, worldName);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');

    // A seller banking at bank-b (its acquirer), a buyer with a certificate, ¥1,000 at bank-a and ¥600 in escrow.
    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'wangshop', '王掌柜');
    await sellerAccount(seller, bankB, worldId, sellerId);
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'lilei', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '3000');
    await topUp(buyer, worldId, buyerId, '600');
    const book = `${sellerId}-demo-01`;

    // 1. Escrow, paid, shipped, confirmed with a signature.
    const finished = await buyNow(buyer, worldId, buyerId, book, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, finished);
    await go(buyer, worldId, buyerId, 'orders', finished);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer)).toBe('TRADE_FINISHED');

    // 2. Escrow, shipped, a ¥20 partial refund agreed by the seller.
    const partial = await buyNow(buyer, worldId, buyerId, book, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, partial);
    await go(buyer, worldId, buyerId, 'orders', partial);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('refund-reason').fill('封面有折痕');
    await buyer.getByTestId('refund-amount').fill('20');
    await buyer.getByTestId('refund-submit').click();
    await go(seller, worldId, sellerId, 'orders', partial);
    await seller.getByTestId('refund-agree').click({ timeout: 10_000 });
    await go(buyer, worldId, buyerId, 'orders', partial);
    // An agreed partial refund finishes the trade: the rest is released to the seller.
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');
    // The money trail adds up: the refund has its row, the commission one row on the pro-rated
    // share (2% of ¥29.21, the book's part of the ¥37.00 released), totals as in the settlement box.
    const steps = () => buyer.getByTestId('trail-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-step')} ${r.getAttribute('data-amount')}`));
    await expect.poll(steps).toEqual(['hold 57.00', 'partial_refund 20.00', 'release 37.00', 'payout 36.42', 'commission 0.58']);
    expect(await buyer.getByTestId('trail-totals').getAttribute('data-matches')).toBe('true');
    expect(await buyer.locator('[data-testid="trail-fee"][data-prorated="true"]').count()).toBe(1);

    // 3. Escrow, paid, shipped, sent back and refunded in full.
    const refunded = await buyNow(buyer, worldId, buyerId, book, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, refunded);
    await go(buyer, worldId, buyerId, 'orders', refunded);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('refund-reason').fill('拍错了');
    await buyer.getByTestId('refund-return-tracking').fill('SF1234567890');
    await buyer.getByTestId('refund-submit').click();
    await go(seller, worldId, sellerId, 'orders', refunded);
    await seller.getByTestId('refund-agree').click({ timeout: 10_000 });
    await go(buyer, worldId, buyerId, 'orders', refunded);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_CLOSED');

    // 4. Debit card at bank-a, acquired by bank-b.
    const carded = await buyNow(buyer, worldId, buyerId, book, 'debit_card');
    await buyer.locator('[data-testid="pay-panel"][data-channel="debit_card"]').getByTestId('pay-submit').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, carded);

    // 5. E-cash: a wallet and ¥13.00 of coins from bank-a.
    await go(buyer, worldId, buyerId, 'ewallet');
    await buyer.getByTestId('wallet-password').fill('purse secret 7');
    await buyer.getByTestId('wallet-create').click();
    await buyer.getByTestId('withdraw-bank').selectOption('bank-a');
    await buyer.getByTestId('withdraw-amount').fill('13.00');
    await buyer.getByTestId('withdraw-submit').click();
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 20_000 }).toBe('13.00');

    // 6. A credit card from the card company, authorized at checkout.
    // Its billing day is tomorrow, so the day that passes below cuts the statement (mailed, with
    // the captured charge), and so is the charge card's.
    const cardCompany = await tab(p, worldId, 'card', 'card-company');
    await go(platform, worldId, 'platform', 'activity');
    const today = /(\d{2})\/(\d{2})\/(\d{4})/.exec((await platform.getByTestId('world-time').textContent())!)!;
    const billingDay = new Date(Date.UTC(Number(today[3]), Number(today[1]) - 1, Number(today[2]) + 1)).getUTCDate();
    expect(billingDay).toBeLessThanOrEqual(28);
    await issueCard(buyer, cardCompany, worldId, buyerId, 'credit', billingDay);
    const credited = await buyNow(buyer, worldId, buyerId, book, 'credit_card');
    await payOnPanel(buyer, worldId, buyerId, credited, 'credit_card');
    await ship(seller, logistics, worldId, sellerId, credited);
    await issueCard(buyer, cardCompany, worldId, buyerId, 'charge', billingDay);
    const charged = await buyNow(buyer, worldId, buyerId, book, 'charge_card');
    await payOnPanel(buyer, worldId, buyerId, charged, 'charge_card');
    await ship(seller, logistics, worldId, sellerId, charged);

    // 7. An e-cheque: bank-a enables the buyer's account and issues a book; he signs one to the seller.
    await go(bank, worldId, 'bank-a', 'cheque-desk');
    const chequeAccount = bank.locator(`[data-testid="desk-account-row"][data-party="${buyerId}"]`);
    await chequeAccount.getByTestId('desk-enable').click({ timeout: 10_000 });
    await chequeAccount.getByTestId('desk-issue').click({ timeout: 10_000 });
    await chequeAccount.getByTestId('desk-book').waitFor({ timeout: 10_000 });
    await writeChequeTo(buyer, worldId, buyerId, sellerId, '88.00', '书款');
    // The seller (certified: endorsing signs) deposits it at bank-b, which presents it; bank-a pays.
    await certify(seller, ca, sellerId);
    await endorseAndDeposit(seller, worldId, sellerId, '10000001', true);
    expect(await presentCheque(worldId, bankB, 'bank-b', bank, 'bank-a', '10000001')).toEqual({ outcome: 'paid', reason: '' });
    // A second one is stopped by the buyer after the seller deposited it: returned as stopped.
    await writeChequeTo(buyer, worldId, buyerId, sellerId, '40.00', '定金');
    await endorseAndDeposit(seller, worldId, sellerId, '10000002', true);
    await go(buyer, worldId, buyerId, 'chequebook');
    await buyer.getByTestId('written-row').filter({ hasText: '10000002' }).getByTestId('written-stop').click();
    await buyer.getByTestId('stop-reason').fill('货未收到');
    await buyer.getByTestId('stop-submit').click();
    await buyer.getByTestId('written-row').filter({ hasText: '10000002' }).getByTestId('written-stopped').waitFor({ timeout: 10_000 });
    expect(await presentCheque(worldId, bankB, 'bank-b', bank, 'bank-a', '10000002')).toEqual({ outcome: 'returned', reason: 'payment_stopped' });
    // A third one's amount is altered in the lab after signing (the teacher's tool): returned as altered.
    await writeChequeTo(buyer, worldId, buyerId, sellerId, '30.00', '尾款');
    await go(seller, worldId, sellerId, 'cheques');
    await seller.locator('[data-testid="inbox-row"][data-number="10000003"]').getByTestId('inbox-open').click({ timeout: 10_000 });
    await signInAsTeacher(seller, worldId);
    await seller.getByTestId('cheque-lab').locator('summary').click();
    await seller.getByTestId('lab-amount').fill('300');
    await seller.getByTestId('lab-alter').click();
    await seller.getByTestId('cheque-altered').waitFor({ timeout: 10_000 });
    await endorseAndDeposit(seller, worldId, sellerId, '10000003', false);
    expect(await presentCheque(worldId, bankB, 'bank-b', bank, 'bank-a', '10000003')).toEqual({ outcome: 'returned', reason: 'altered_or_fictitious' });

    // 8. E-cash pays a ¥0.10 article (¥12.10 with express); the seller deposits the coins at bank-b
    // (forwarded to bank-a, the issuer) and a second deposit of the same coin is refused.
    const article = `${sellerId}-demo-12`;
    const coined = await buyNow(buyer, worldId, buyerId, article, 'ecash');
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await go(seller, worldId, sellerId, 'ewallet');
    const coin = seller.getByTestId('till-coin').first();
    await coin.waitFor({ timeout: 10_000 });
    await seller.getByTestId('till-deposit').click();
    await expect.poll(() => coin.getAttribute('data-status')).toBe('deposited');
    await coin.getByTestId('till-deposit-again').click();
    await seller.getByTestId('ewallet-error').waitFor({ timeout: 10_000 });

    // 9. Remittance at bank-a to the seller at bank-b, the order number as its reference: matched, paid.
    const remitted = await buyNow(buyer, worldId, buyerId, book, 'remittance');
    await buyer.locator('[data-testid="pay-panel"][data-channel="remittance"]').getByTestId('pay-submit').click();
    await buyer.getByTestId('remit-instruction').waitFor();
    await buyer.getByTestId('remit-transfer').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');

    // 10. Online banking: an order paid from bank-a, and a transfer to the seller's card at bank-b.
    const banked = await buyNow(buyer, worldId, buyerId, book, 'online_banking');
    await payOnPanel(buyer, worldId, buyerId, banked, 'online_banking');
    await go(seller, worldId, sellerId, 'my-bank');
    const sellerCard = (await seller.locator('[data-testid="my-account-row"][data-bank="bank-b"]').getByTestId('my-account-card').getAttribute('data-card'))!;
    await go(buyer, worldId, buyerId, 'my-bank');
    const online = buyer.getByTestId('online-bank-a');
    await online.getByTestId('transfer-payee').fill(sellerCard);
    await online.getByTestId('transfer-amount').fill('30');
    await online.getByTestId('transfer-memo').fill('运费补差');
    await online.getByTestId('transfer-submit').click();
    await online.getByTestId('transfer-result').waitFor();

    // 11. Cash on delivery: the courier collects at the door; the buyer confirms.
    await buyer.getByTestId('give-cash-amount').fill('100');
    await buyer.getByTestId('give-cash-submit').click();
    await buyer.getByTestId('give-cash-result').waitFor();
    const collected = await buyNow(buyer, worldId, buyerId, book, 'cash_on_delivery');
    await payOnPanel(buyer, worldId, buyerId, collected, 'cash_on_delivery');
    await ship(seller, logistics, worldId, sellerId, collected);
    await go(logistics, worldId, 'logistics', 'cod');
    const parcel = logistics.locator(`[data-testid="cod-parcel"][data-order="${collected}"]`);
    await parcel.getByTestId('cod-collect').click({ timeout: 10_000 });
    await expect.poll(() => parcel.getAttribute('data-status')).toBe('collected');
    await go(logistics, worldId, 'logistics', 'shipments');
    await go(buyer, worldId, buyerId, 'orders', collected);
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');

    // 12. A refused refund the platform decides (a dispute), for the buyer.
    const disputed = await buyNow(buyer, worldId, buyerId, book, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, disputed);
    await go(buyer, worldId, buyerId, 'orders', disputed);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('refund-reason').fill('书页破损严重');
    await buyer.getByTestId('refund-return-tracking').fill('SF1234567891');
    await buyer.getByTestId('refund-submit').click();
    await go(seller, worldId, sellerId, 'orders', disputed);
    await seller.getByTestId('refund-refuse-reason').fill('发货前已检查，包装完好');
    await seller.getByTestId('refund-refuse').click({ timeout: 10_000 });
    await go(platform, worldId, 'platform', 'disputes');
    await platform.locator(`[data-testid="dispute-row"][data-order="${disputed}"]`).getByTestId('dispute-link').click({ timeout: 10_000 });
    await platform.getByTestId('decision-full_refund').check();
    await platform.getByTestId('decision-reason').fill('物流记录显示外包装破损，支持买家');
    await platform.getByTestId('decision-submit').click();
    await go(buyer, worldId, buyerId, 'orders', disputed);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_CLOSED');

    // 13. A Mondex smart card: the seller's device (acquired by bank-b), the buyer's card from bank-a.
    await go(seller, worldId, sellerId, 'smart-card');
    await seller.getByTestId('sc-acquirer').selectOption('bank-b');
    await seller.getByTestId('sc-register').click();
    const device = seller.getByTestId('device-row');
    await device.waitFor();
    await go(buyer, worldId, buyerId, 'smart-card');
    await buyer.getByTestId('sc-issuer').selectOption('bank-a');
    await buyer.getByTestId('sc-issue').click();
    const smartCard = buyer.getByTestId('smart-card-row');
    await smartCard.getByTestId('sc-load-amount').fill('50');
    await smartCard.getByTestId('sc-load').click();
    await expect.poll(() => smartCard.getAttribute('data-balance')).toBe('50.00');
    await smartCard.getByTestId('sc-pay-device').selectOption((await device.getAttribute('data-device'))!);
    await smartCard.getByTestId('sc-pay-amount').fill('12.30');
    await smartCard.getByTestId('sc-pay').click();
    await expect.poll(() => device.getAttribute('data-takings'), { timeout: 10_000 }).toBe('12.30');
    await seller.getByTestId('sc-deposit').click();
    await expect.poll(() => device.getAttribute('data-takings')).toBe('0.00');

    // 14. A one-card (stored value): the seller joins, the buyer tops up and pays.
    await go(seller, worldId, sellerId, 'stored-value');
    await seller.getByTestId('sv-join').click();
    await seller.getByTestId('sv-participating').waitFor();
    await go(buyer, worldId, buyerId, 'stored-value');
    await buyer.getByTestId('sv-issue').click();
    const oneCard = buyer.getByTestId('sv-card');
    await oneCard.getByTestId('sv-topup-amount').fill('100');
    await oneCard.getByTestId('sv-topup').click();
    await expect.poll(() => oneCard.getAttribute('data-balance')).toBe('100.00');
    await oneCard.getByTestId('sv-pay-merchant').selectOption(sellerId);
    await oneCard.getByTestId('sv-pay-amount').fill('8.50');
    await oneCard.getByTestId('sv-pay').click();
    await expect.poll(() => oneCard.getAttribute('data-balance')).toBe('91.50');

    // 15. Mobile payment at the seller's counter: the phone's payment code, typed in at the cashier.
    await go(buyer, worldId, buyerId, 'phone');
    await buyer.getByTestId('phone-open').click();
    const payNumber = buyer.getByTestId('phone-pay-number');
    await payNumber.waitFor();
    await go(seller, worldId, sellerId, 'cashier');
    await seller.getByTestId('cashier-open').click();
    await seller.getByTestId('cashier-amount').fill('9.90');
    await seller.getByTestId('cashier-typed').fill((await payNumber.getAttribute('data-code'))!);
    await seller.getByTestId('cashier-typed-submit').click();
    await expect.poll(() => seller.getByTestId('cashier-result').getAttribute('data-status')).toBe('paid');

    // A day passes: T+1 settlement, the acquirer's batch and the clearing batch run.
    await go(platform, worldId, 'platform', 'activity');
    await platform.getByTestId('advance-days').fill('1');
    await platform.getByTestId('advance').click();
    await expect.poll(() => platform.locator('[data-testid="feed-item"][data-type="clearing.batch_settled"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The billing day's cut-off mailed both cards' statements.
    await go(buyer, worldId, buyerId, 'cards');
    await expect.poll(() => buyer.getByTestId('card-statements').getByTestId('statement-row').count(), { timeout: 15_000 }).toBe(2);

    // The sweep: one tab where the teacher plays everyone reads every page of every party.
    const reader = await newPage(p, `${baseUrl}#/w/${worldId}/p/platform/activity`);
    await signInAsTeacher(reader, worldId, { playsEveryone: true });
    const parties = await reader.evaluate(async (world) => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const registry = await open('settlelab-registry');
      const entry = await new Promise<{ dbName: string }>((resolve) => {
        const r = registry.transaction('worlds').objectStore('worlds').get(world);
        r.onsuccess = () => resolve(r.result as { dbName: string });
      });
      registry.close();
      const db = await open(entry.dbName);
      const rows = await new Promise<{ id: string }[]>((resolve) => {
        const r = db.transaction('parties').objectStore('parties').getAll();
        r.onsuccess = () => resolve(r.result as { id: string }[]);
      });
      db.close();
      return rows.map((r) => r.id);
    }, worldId);
    expect(parties).toContain(buyerId);

    const findings: Finding[] = [];
    for (const locale of ['en', 'zh-CN'] as const) {
      await reader.getByTestId('lang-select').selectOption(locale);
      // The language follows in the world's other tabs.
      await expect.poll(() => buyer.evaluate(() => document.documentElement.lang), { timeout: 5_000 }).toBe(locale);
      await expect.poll(() => buyer.getByTestId('lang-select').inputValue()).toBe(locale);
      for (const partyId of parties) {
        // A buyer's or seller's trading pages need its key opened in this tab (the teacher plays
        // the institutions); signing in once per tab is enough.
        if (partyId.startsWith('u-')) await signIn(reader, worldId, partyId);
        const orders = partyId === buyerId || partyId === sellerId ? [finished, partial, refunded, carded, credited, charged, coined, remitted, banked, collected, disputed] : [];
        findings.push(...(await sweepParty(reader, worldId, partyId, locale, orders)));
      }
    }
    for (const page of p.context.pages()) {
      const toasts = await page.evaluate(() => (window as unknown as { __toasts?: string[] }).__toasts ?? []);
      for (const text of toasts) findings.push(...findIn(text, `toast in ${page.url()}`, /[\u4e00-\u9fff]/.test(text) ? 'zh-CN' : 'en'));
    }
    const distinct = [...new Map(findings.map((f) => [`${f.rule}|${f.match}|${f.where.split(' ').slice(0, 3).join(' ')}`, f])).values()];
    if (distinct.length > 0) console.log(distinct.map((f) => `${f.where} · ${f.rule} · ${f.match} · …${f.context}…`).join('\n'));
    expect(distinct.map((f) => `${f.where}: ${f.rule} “${f.match}”`)).toEqual([]);
  }, 900_000);
});
