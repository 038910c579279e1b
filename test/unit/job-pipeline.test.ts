import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { orderById, orderJobAttemptsMax, placeOrders, requestRefund, retryParkedOrderJob } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { issueStoredValue, joinStoredValueScheme, topUpStoredValue } from '../../src/app/storedvalue/storedvalue.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { marketplaceJobKinds, ok } from '../../src/domain/index.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { parkedJobs, registerJobHandler, runDueJobs } from '../../src/app/scheduler.ts';
import { runCommand } from '../../src/app/command.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// Scheduled jobs run through the same pipeline as user commands: one transaction, and a job that
// fails (a named refusal or a throw) leaves nothing half-written; its failure is recorded on the
// job row, and the job is retried or parked by its kind's policy.

/** Every row of every table except the job rows (which record the failure), for before/after checks. */
export async function dumpWorld(db: WorldDb, except: readonly string[] = ['jobs']): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) {
    if (except.includes(table.name)) continue;
    out[table.name] = await table.toArray();
  }
  return out;
}

/**
 * A seller with a bank account at bank-a and nothing in it, a ¥0.10 article (by post: ¥6.10), a buyer
 * whose one-card paid for it; shipped, and the buyer asks for the money back.
 */
async function storedValueOrderAwaitingRefund() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'newsdesk');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-a' }));
  unwrap(await approveBankApplication(db, meta('bank-a'), { applicationId: applied.id }));
  const article = unwrap(await listProduct(db, meta(seller), { product: { number: 'CT-0001', name: '今日新闻', category: 'content', spec: '单篇', unitPrice: '0.10', stock: 100 } }));
  const buyer = await customerAt(db, 'reader', 'bank-a');
  await fund(db, buyer, 'bank-a', '100.00');
  unwrap(await joinStoredValueScheme(db, meta(seller), { participating: true }));
  const card = unwrap(await issueStoredValue(db, meta(buyer)));
  unwrap(await topUpStoredValue(db, meta(buyer), { cardId: card.cardId, amount: '10' }));
  const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'post', paymentMethod: 'stored_value', buyNow: { productId: article.id, quantity: 1 } }));
  unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'stored_value', source: { cardId: card.cardId } }));
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));
  unwrap(await requestRefund(db, meta(buyer), { orderId: order!.id, reason: '内容有误' }));
  return { db, seller, buyer, orderId: order!.id };
}

describe('a scheduled refund whose money cannot move', () => {
  it('a stored-value refund the seller cannot pay changes nothing: the order stays open, the charge unrefunded, the job records why', async () => {
    const w = await storedValueOrderAwaitingRefund();
    // The one-card's takings wait in the scheme's payable: the seller's bank account is empty.
    expect(await depositBalance(w.db, 'bank-a', w.seller)).toBe('0.00');
    // Day 5: the seller stayed silent, so the refund is agreed by the timer; it cannot be paid.
    unwrap(await advanceClock(w.db, meta('platform'), { kind: 'days', days: 5 }));
    const before = await dumpWorld(w.db, ['jobs', 'commands', 'commandLog']);
    const logged = await w.db.commandLog.count();
    const commandsBefore = await w.db.commands.count();
    const report = await runDueJobs(w.db, 'test-leader');
    expect(report.failed.map((j) => j.kind)).toEqual([marketplaceJobKinds.sellerResponseTimeout]);
    // Every table is as it was; only the attempt's own record (and its failure's) were added.
    expect(await dumpWorld(w.db, ['jobs', 'commands', 'commandLog'])).toEqual(before);
    // The log gained only the failure written on the job row (the attempt itself rolled back).
    expect((await w.db.commandLog.toArray()).slice(logged).map((r) => r.name)).toEqual(['jobFailed']);
    expect(await w.db.commands.count()).toBe(commandsBefore + 2);
    const order = (await orderById(w.db, w.orderId))!;
    expect(order).toMatchObject({ state: 'WAIT_BUYER_CONFIRM_GOODS', refund: { status: 'WAIT_SELLER_AGREE' }, settlement: null });
    expect((await chargesOfOrder(w.db, w.orderId)).map((c) => c.status)).toEqual(['succeeded']);
    const job = await w.db.jobs.where('kind').equals(marketplaceJobKinds.sellerResponseTimeout).first();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: { code: 'insufficient_funds' } });
    // Not tried again until the clock moves.
    expect((await runDueJobs(w.db, 'test-leader')).failed).toEqual([]);
    await expectBooksSound(w.db);
  });

  it('is retried at the next clock move and succeeds once the seller has the money', async () => {
    const w = await storedValueOrderAwaitingRefund();
    await advanceDays(w.db, 5);
    // A second move of the clock without money: a second failed attempt.
    await advanceDays(w.db, 1);
    let job = await w.db.jobs.where('kind').equals(marketplaceJobKinds.sellerResponseTimeout).first();
    expect(job).toMatchObject({ status: 'pending', attempts: 2 });
    await fund(w.db, w.seller, 'bank-a', '20.00');
    await advanceDays(w.db, 1);
    job = await w.db.jobs.where('kind').equals(marketplaceJobKinds.sellerResponseTimeout).first();
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
    expect(await orderById(w.db, w.orderId)).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'refunded' });
    expect((await chargesOfOrder(w.db, w.orderId)).map((c) => c.status)).toEqual(['refunded']);
    expect(await depositBalance(w.db, 'bank-a', w.seller)).toBe('13.90');
    await expectBooksSound(w.db);
  });
});

describe('a refund job that keeps failing', () => {
  it('is parked after its attempts, with the reason, and no longer tried', async () => {
    const w = await storedValueOrderAwaitingRefund();
    await advanceDays(w.db, 5);
    await advanceDays(w.db, 1);
    await advanceDays(w.db, 1);
    const parked = await parkedJobs(w.db);
    expect(parked).toMatchObject([{ kind: marketplaceJobKinds.sellerResponseTimeout, status: 'parked', attempts: orderJobAttemptsMax, lastError: { code: 'insufficient_funds' } }]);
    await fund(w.db, w.seller, 'bank-a', '20.00');
    await advanceDays(w.db, 1);
    expect(await orderById(w.db, w.orderId)).toMatchObject({ state: 'WAIT_BUYER_CONFIRM_GOODS', settlement: null });
    await expectBooksSound(w.db);
  });
});

describe('a job that throws midway', () => {
  it('leaves every store as before, records the crash on the job, runs the other due jobs, then rethrows', async () => {
    const { db } = await freshWorld();
    registerJobHandler('test.throws_midway', async (tx, job) => {
      // Writes in several stores (the clock's meta row, the feed, the ledger, a new job), then a bug.
      await tx.appendEvent({ type: 'test.midway', actor: 'system', payload: {} });
      await tx.db.meta.put({ key: 'test.midway', value: 1 });
      await tx.db.table('accounts').update('escrow:vault', { flags: 99 });
      await tx.schedule({ id: `${job.id}:next`, kind: 'notice.deliver', dueAt: job.dueAt, payload: { text: 'x', from: 'platform' } });
      throw new Error('bug after writing');
    });
    registerJobHandler('test.fine', async (tx) => {
      await tx.appendEvent({ type: 'test.fine', actor: 'system', payload: {} });
    });
    unwrap(await runCommand(db, 'testScheduleJobs', meta('platform'), async (tx) => {
      await tx.schedule({ id: 'j1', kind: 'test.throws_midway', dueAt: tx.now + 1000, payload: {} });
      await tx.schedule({ id: 'j2', kind: 'test.fine', dueAt: tx.now + 2000, payload: {} });
      return ok(null);
    }));
    unwrap(await advanceClock(db, meta('platform'), { kind: 'hours', hours: 1 }));
    const before = await dumpWorld(db, ['jobs']);
    await expect(runDueJobs(db, 'test-leader')).rejects.toThrow('bug after writing');
    const after = await dumpWorld(db, ['jobs']);
    // The other due job ran (its event and its attempt's record); nothing of the crashed one stayed.
    const fine = after.events!.slice(before.events!.length);
    expect(fine).toMatchObject([{ type: 'test.fine' }]);
    // The log and the command records gain j2's run and j1's failure (written on its job row), nothing else.
    const notTheseJobs = (id: string) => !id.startsWith('job:j2') && !id.startsWith('job-failed:j1');
    expect(after.commandLog!.slice(before.commandLog!.length).map((r) => (r as { name: string }).name)).toEqual(['jobFailed', 'job:test.fine']);
    expect({ ...after, events: after.events!.slice(0, before.events!.length), commands: after.commands!.filter((c) => notTheseJobs((c as { id: string }).id)), commandLog: after.commandLog!.slice(0, before.commandLog!.length) }).toEqual(before);
    expect(await db.jobs.get('j1')).toMatchObject({ status: 'pending', attempts: 1, lastError: { code: 'job_crashed', detail: { message: 'bug after writing' } } });
    expect(await db.jobs.get('j1:next')).toBeUndefined();
    expect(await db.jobs.get('j2')).toMatchObject({ status: 'done', attempts: 1 });
  });
});

describe('a command declares the stores it touches', () => {
  it('an undeclared store is an assertion naming the command', async () => {
    const { db } = await freshWorld();
    const touching = runCommand(db, 'testUndeclared', meta('platform'), async (tx) => {
      await tx.db.table('accounts').get('escrow:vault');
      return ok(null);
    }, {}, { stores: ['parties'] });
    await expect(touching).rejects.toThrow(/command testUndeclared touched a store outside its declared stores \[parties\]/);
    const declared = await runCommand(db, 'testDeclared', meta('platform'), async (tx) => ok(((await tx.db.table('accounts').get('escrow:vault')) as { id: string } | undefined)?.id), {}, { stores: ['accounts'] });
    expect(declared).toEqual({ ok: true, value: 'escrow:vault' });
  });
});

describe('a parked order timer', () => {
  it('the escrow agent tries it again once the seller can pay: the refund goes through', async () => {
    const w = await storedValueOrderAwaitingRefund();
    for (let day = 0; day < 3; day++) await advanceDays(w.db, day === 0 ? 5 : 1);
    const [parked] = await parkedJobs(w.db);
    expect(parked).toMatchObject({ status: 'parked' });
    expect(await retryParkedOrderJob(w.db, meta(w.buyer), { jobId: parked!.id })).toMatchObject({ ok: false, code: 'not_authorized' });
    await fund(w.db, w.seller, 'bank-a', '20.00');
    unwrap(await retryParkedOrderJob(w.db, meta('escrow'), { jobId: parked!.id }));
    expect(await retryParkedOrderJob(w.db, meta('escrow'), { jobId: parked!.id })).toMatchObject({ ok: false, code: 'job_not_parked' });
    await advanceDays(w.db, 1);
    expect(await orderById(w.db, w.orderId)).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'refunded' });
    expect(await parkedJobs(w.db)).toEqual([]);
    await expectBooksSound(w.db);
  });
});
