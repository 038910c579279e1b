import { describe, expect, it } from 'vitest';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, caTab, certifiedBuyer, unwrap } from '../helpers/market.ts';
import { fund } from '../helpers/banking.ts';
import { onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { giveCash } from '../../src/app/banking/cash.ts';
import { clearingBatches } from '../../src/app/banking/clearing.ts';
import { onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { acquiringBatches } from '../../src/app/payments/acquiring.ts';
import { applyForCard, approveCardApplication, repayCardFromBank } from '../../src/app/payments/cards.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { codBatchesOf, codShipmentsOf, collectCod } from '../../src/app/payments/channel-cod.ts';
import { matchRemittances } from '../../src/app/payments/channel-remittance.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { replayAfter, replayDb, restore, snapshot, type Snapshot } from '../helpers/replay-snapshot.ts';

// Replay of the payment channels (issue #19 item 3): a world where a credit card pays (captured on
// shipping, settled T+1 by the acquirer, repaid from the bank), online banking moves money between
// two banks (settled by the night's clearing batch), a parcel is paid cash on delivery (remitted at
// day end) and an order is paid by remittance (matched by its reference) rebuilds from its command
// log into a fresh database with the same digest, table by table.
//
// Twice: from the genesis (the log alone, through replay()), and from a snapshot taken after the
// parties' registration, store, catalogue and certificates (every table copied), with only the
// later rows executed by name onto the copy, as replay() does after its genesis: that second form
// checks the banking and payment commands on their own, whatever set the parties up.

async function placeOne(db: WorldDb, buyer: string, productId: string, paymentMethod: string) {
  const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId, quantity: 1 } }));
  return o!;
}

async function ship(db: WorldDb, seller: string, orderId: string) {
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
}

/**
 * The story: the parties set up (a snapshot is taken after), then a credit card, an interbank
 * online-banking transfer, a COD parcel and a remittance, and two days for the night's jobs.
 */
async function paymentsStory(): Promise<{ db: WorldDb; before: Snapshot }> {
  const { db, id: worldId } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const ca = await caTab(db, worldId);
  const { partyId: buyer, ring } = await certifiedBuyer(db, worldId, 'buyer1', ca);
  const before = await snapshot(db);

  // Banking: accounts at two banks, cash paid in at the counter, a U盾 login.
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' })).id }));
  const sellerCard = (await bankAccountsOf(db, seller))[0]!.cardNumber;
  unwrap(await approveBankApplication(db, meta('bank-a'), { applicationId: unwrap(await applyForBankAccount(db, meta(buyer), { bankId: 'bank-a' })).id }));
  await fund(db, buyer, 'bank-a', '500.00');
  const env = { keyRing: ring };
  expect((await onlineBankingLogin(db, worldId, { bankId: 'bank-a', partyId: buyer }, { keyRing: ring })).result.ok).toBe(true);

  // A credit card: issued, authorized at checkout, captured when the parcel leaves, repaid.
  const application = unwrap(await applyForCard(db, meta(buyer), { kind: 'credit' }));
  const card = unwrap(await approveCardApplication(db, meta('card'), { applicationId: application.id, limit: '1000.00', billingDay: 5 }));
  const byCard = await placeOne(db, buyer, book.id, 'credit_card');
  unwrap(await payOrderWith(db, meta(buyer), { orderId: byCard.id, channel: 'credit_card', source: { cardId: card.id } }));
  await ship(db, seller, byCard.id);
  unwrap(await repayCardFromBank(db, meta(buyer), { cardId: card.id, bankId: 'bank-a', amount: '57.00' }));

  // Online banking, bank-a → bank-b: an open interbank position until the night's batch.
  unwrap(await onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: '20.00', memo: 'thanks' }, env));

  // Cash on delivery: the courier collects at the door.
  unwrap(await giveCash(db, await teacherOf(db), meta('clearing'), { partyId: buyer, amount: '100.00' }));
  const byCod = await placeOne(db, buyer, book.id, 'cash_on_delivery');
  unwrap(await payOrderWith(db, meta(buyer), { orderId: byCod.id, channel: 'cash_on_delivery' }));
  await ship(db, seller, byCod.id);
  const [parcel] = await codShipmentsOf(db, 'logistics');
  unwrap(await collectCod(db, meta('logistics'), { shipmentId: parcel!.id }));

  // Remittance: the buyer pays the seller's account with the order number as reference.
  const byRemittance = await placeOne(db, buyer, book.id, 'remittance');
  unwrap(await payOrderWith(db, meta(buyer), { orderId: byRemittance.id, channel: 'remittance' }));
  unwrap(await onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: '57.00', memo: byRemittance.id }, env));
  // The earlier gift (memo 'thanks', no order number) is queued as an exception.
  expect(unwrap(await matchRemittances(db, meta(seller), { payeeId: seller }))).toEqual({ matched: 1, exceptions: 1 });
  // A page that runs the matcher again with nothing new changes nothing, and logs nothing.
  expect(unwrap(await matchRemittances(db, meta(seller), { payeeId: seller }))).toEqual({ matched: 0, exceptions: 0 });
  expect(await db.commandLog.where('name').equals('matchRemittances').count()).toBe(1);

  // Midnight and the next: clearing, the acquirer's T+1 batch and the COD remittance run as jobs.
  await advanceDays(db, 2);
  expect((await chargesOfOrder(db, byCard.id))[0]!.status).toBe('succeeded');
  expect((await chargesOfOrder(db, byRemittance.id))[0]!.status).toBe('succeeded');
  expect((await clearingBatches(db)).length).toBeGreaterThan(0);
  expect((await acquiringBatches(db)).length).toBe(1);
  expect((await codBatchesOf(db, 'logistics')).length).toBe(1);
  expect((await db.commandLog.where('name').anyOf(['onlineBankingTransfer', 'payOrderWith', 'collectCod', 'matchRemittances', 'repayCard']).count())).toBe(8);
  expect(await db.commandLog.where('name').startsWith('job:').count()).toBeGreaterThan(0);

  return { db, before };
}

describe('replay of the payment channels', () => {
  it('card, interbank online banking settled by clearing, cash on delivery and remittance replay onto a snapshot to the same digest', async () => {
    const { db, before } = await paymentsStory();
    const log = await db.commandLog.toArray();
    const fresh = await restore(before);
    const replayed = await replayAfter(before, log, fresh);
    expect(replayed).toEqual(expect.arrayContaining(['onlineBankingTransfer', 'startOnlineBankingLogin', 'completeOnlineBankingLogin', 'payOrderWith', 'collectCod', 'matchRemittances', 'repayCard', 'approveCardApplication', 'counterDeposit', 'giveCash']));
    expect(replayed.filter((name) => name.startsWith('job:')).length).toBeGreaterThan(0);
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });

  it('the same world replays from its genesis (the log alone) to the same digest', async () => {
    const { db } = await paymentsStory();
    const log = await db.commandLog.toArray();
    const fresh = replayDb();
    expect(await replay(log, fresh)).toEqual({ ok: true, value: { commands: log.length - 1 } });
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });
});
