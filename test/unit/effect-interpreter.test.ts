import { describe, expect, it } from 'vitest';
import { availableOf, bankingAccountIds as ids, ok, toStored, type ChannelEffect, type ChequeEffect, type MarketplaceEffect, type PaymentLedgerEffect } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { bankingTables } from '../../src/storage/banking-tables.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { runCommand } from '../../src/app/command.ts';
import { clearingJobKind } from '../../src/app/banking/clearing.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { escrowHoldingId, walletId } from '../../src/app/market/accounts.ts';
import { channelEffects, chequeEffects, effectsPerCommandMax, feeIncomeAccountId, interpretEffects, marketEffects, paymentEffects, type Effect } from '../../src/app/effects/interpret.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { approvedSeller, fundWallet, unwrap } from '../helpers/market.ts';
import { balances, customerAt, fund } from '../helpers/banking.ts';

// The one effect interpreter (src/app/effects/interpret.ts): every kind of effect a domain step can
// return is carried out inside the command's transaction; a named error anywhere in the list
// leaves every store as it was.

const cny = (amount: string) => ({ amount, currency: 'CNY' as const });

/** Every row of every table but `except`, for before/after checks. */
async function dumpWorld(db: WorldDb, except: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) if (!except.includes(table.name)) out[table.name] = await table.toArray();
  return out;
}

/** A world with a listed product, a buyer with an escrow wallet and three bank customers. */
async function setUp() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'seller1');
  const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const li = await customerAt(db, 'lilei', 'bank-a'); // pays: bank-a, and an escrow wallet
  const han = await customerAt(db, 'hanmeimei', 'bank-a');
  const mei = await customerAt(db, 'meimei', 'bank-b');
  await fund(db, li, 'bank-a', '100.00');
  await fundWallet(db, li, '60.00');
  // A pending job the list cancels.
  const scheduled = await runCommand(db, 'testSchedule', meta('platform'), async (tx) => {
    await tx.schedule({ id: 'test-job-old', kind: 'notice.deliver', dueAt: tx.now + 1000, payload: {} });
    return ok(null);
  });
  expect(scheduled.ok).toBe(true);
  return { db, seller, product, li, han, mei };
}

type World = Awaited<ReturnType<typeof setUp>>;

/** One effect of every kind, through each domain's translation. `liPays` is what li's payment moves. */
function everyKind(w: World, liPays = '7.00'): Effect[] {
  const market: MarketplaceEffect[] = [
    { kind: 'stock', op: 'reserve', productId: w.product.id, quantity: 3 },
    { kind: 'stock', op: 'release', productId: w.product.id, quantity: 1 },
    { kind: 'ledger', op: 'hold', transferId: 'order-t:hold', from: { role: 'buyer_wallet', partyId: w.li }, to: { role: 'escrow_holding' }, amount: cny('20.00'), code: 'escrow.hold', refs: { orderId: 'order-t' } },
    { kind: 'job.schedule', job: { id: 'test-job-new', kind: 'notice.deliver', dueAt: 5_000_000_000_000, payload: {} } },
    { kind: 'job.cancel', jobId: 'test-job-old' },
    { kind: 'event', event: { type: 'test.effect', actor: 'platform', parties: [w.li], payload: { n: 1 } } },
    { kind: 'notice', to: w.li, key: 'market.notice.paid', params: { orderId: 'order-t' } },
    { kind: 'review', review: { id: 'review:order-t', orderId: 'order-t', buyerId: w.li, sellerId: w.seller, productIds: [w.product.id], rating: 5, text: '好', at: 0 } },
  ];
  const channel: ChannelEffect[] = [
    // Across two banks: linked legs through clearing, and an open interbank position.
    { kind: 'ledger', op: 'transfer', transferId: 'test-cross', from: { role: 'deposit', bankId: 'bank-a', partyId: w.li }, to: { role: 'deposit', bankId: 'bank-b', partyId: w.mei }, amount: cny('5.00'), code: 'remittance.refund', refs: {} },
  ];
  const cheque: ChequeEffect[] = [
    { kind: 'bank_fee', id: 'test-fee', payer: { bankId: 'bank-a', partyId: w.li }, amount: cny('2.00'), code: 'echeque.returned_fee', refs: {} },
    { kind: 'bank_transfer', id: 'test-cheque', payer: { bankId: 'bank-a', partyId: w.li }, payee: { bankId: 'bank-a', partyId: w.han }, amount: cny('50.00'), code: 'echeque.pay', refs: {}, interbank: false },
  ];
  const payment: PaymentLedgerEffect[] = [
    { kind: 'ledger', transferId: 'test-payment', bookId: 'bank-a', from: { role: 'bank_deposit', bankId: 'bank-a', partyId: w.li }, to: { role: 'bank_deposit', bankId: 'bank-a', partyId: w.han }, amount: cny(liPays), code: 'ecash.deposit', refs: {} },
  ];
  return [
    ...marketEffects(market),
    ...channelEffects(channel, 'card-co'),
    ...chequeEffects(cheque, 'bank-a', 'cheque-1'),
    ...paymentEffects(payment),
    { kind: 'transfers', requests: [{ id: 'test-raw', kind: 'single', debitAccountId: ids.deposit('bank-a', w.li), creditAccountId: ids.deposit('bank-a', w.han), amount: '1.00', currency: 'CNY', code: 'test.raw' }] },
    { kind: 'order.entries', orderId: 'order-u', transferIds: ['test-raw'] },
  ];
}

async function interpret(db: WorldDb, effects: readonly Effect[], orderId: string | null) {
  return runCommand(db, 'testInterpret', meta('platform'), async (tx) => interpretEffects(tx, effects, { orderId }));
}

describe('the effect interpreter', () => {
  it('carries out every kind of effect in the command’s transaction', async () => {
    const w = await setUp();
    const { db } = w;
    const before = await balances(db);
    const applied = await interpret(db, everyKind(w), 'order-t');
    expect(applied).toEqual(ok(null));

    // stock: 3 reserved, 1 released.
    expect((await marketTables(db).products.get(w.product.id))?.stock).toBe(8);
    // money: the hold, the cross-bank move, the fee, the payment and the raw transfer.
    const after = await balances(db);
    expect(after.get(walletId(w.li))).toBe('60.00'); // a hold moves nothing yet...
    const wallet = await ledgerTables(db).accounts.get(walletId(w.li));
    expect(wallet === undefined ? null : toStored(availableOf(wallet)).amount).toBe('40.00'); // ...but 20.00 is held
    expect(after.get(escrowHoldingId) ?? '0.00').toBe(before.get(escrowHoldingId) ?? '0.00');
    expect(after.get(ids.deposit('bank-a', w.li))).toBe('85.00'); // 100 − 5 − 2 − 7 − 1
    expect(after.get(ids.deposit('bank-a', w.han))).toBe('8.00'); // 7 + 1 (the cheque itself is the banking module's)
    expect(after.get(ids.deposit('bank-b', w.mei))).toBe('5.00');
    expect(after.get(feeIncomeAccountId('bank-a'))).toBe('2.00');
    const positions = await bankingTables(db).bankTransfers.get('test-cross');
    expect(positions).toMatchObject({ payerBankId: 'bank-a', payeeBankId: 'bank-b', amount: '5.00', clearing: 'open' });
    // Every ledger request of the batch is indexed under the order; the raw transfer under order-u.
    const trail = await marketTables(db).orderEntries.where('orderId').equals('order-t').toArray();
    expect(trail.map((e) => e.transferId)).toContain('order-t:hold');
    expect(trail.map((e) => e.transferId)).toContain('test-payment');
    expect((await marketTables(db).orderEntries.where('orderId').equals('order-u').toArray()).map((e) => e.transferId)).toEqual(['test-raw']);
    // jobs: the new one pending, the old one cancelled; the clearing run scheduled.
    expect((await db.jobs.get('test-job-new'))?.status).toBe('pending');
    expect((await db.jobs.get('test-job-old'))?.status).toBe('cancelled');
    expect((await db.jobs.toArray()).some((j) => j.kind === clearingJobKind && j.status === 'pending')).toBe(true);
    // events, mail (the market's words from the platform; the cheque's from the bank, quoting it), review.
    expect((await db.events.toArray()).map((e) => e.type)).toContain('test.effect');
    const mail = await identityTables(db).mailbox.where('to').equals(w.li).toArray();
    expect(mail.find((m) => m.subject.key === 'market.notice.paid')).toMatchObject({ from: 'platform', body: { key: 'market.mail.body' }, ref: 'order-t' });
    expect(await marketTables(db).reviews.get('review:order-t')).toMatchObject({ rating: 5 });
  });

  for (const [where, change, code] of [
    // li's payment is the batch's fourth request: the error names it, not a partner's linked_event_failed.
    ['the ledger refuses a movement (after stock and accounts were written)', (w: World) => everyKind(w, '500.00'), 'insufficient_funds'],
    // The review comes after the money moved, the jobs, the event and the mail.
    ['the order is already reviewed (after everything else was written)', (w: World) => [...everyKind(w), ...everyKind(w).filter((e) => e.kind === 'review')], 'already_reviewed'],
  ] as const) {
    it(`a named error in the middle leaves every store as before: ${where}`, async () => {
      const w = await setUp();
      const before = await dumpWorld(w.db, ['commands']);
      const refused = await interpret(w.db, change(w), 'order-t');
      expect(refused).toMatchObject({ ok: false, code });
      expect(await dumpWorld(w.db, ['commands'])).toEqual(before);
    });
  }

  it('more effects than one command may carry is a programmer error', async () => {
    const w = await setUp();
    const many: Effect[] = Array.from({ length: effectsPerCommandMax + 1 }, (_, i) => ({ kind: 'event', event: { type: 'test.many', actor: 'platform', payload: { i } } }));
    await expect(interpret(w.db, many, null)).rejects.toThrow(/too many effects/);
  });
});
