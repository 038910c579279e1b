import { expect } from 'vitest';
import { bankingAccountIds as ids, dateStartMs, hourMs, nextDate, paymentCodeOf, worldDateOf } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { systemRandom } from '../../src/app/identity/common.ts';
import type { KeyRing } from '../../src/app/identity/keys.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment, postTracking } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { topUpWallet } from '../../src/app/market/wallet.ts';
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
import {
  decidePresentment,
  depositCheque,
  enableChequeAccount,
  endorseReceivedCheque,
  issueChequebookAtBank,
  presentDepositedCheque,
  stopChequePayment,
  verifyReceivedCheque,
  writeAndSendCheque,
} from '../../src/app/echeque/index.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payBackCoins, payCoins } from '../../src/app/ecash/spend.ts';
import { depositDeviceTakings, issueSmartCard, loadSmartCard, payWithSmartCard, registerMerchantDevice } from '../../src/app/smartcard/smartcard.ts';
import { chargePaymentCode, confirmMobilePayment, mobileWalletOf, openMobileWallet, setMobileFreeLimit, setMobilePin } from '../../src/app/mobile/mobile.ts';
import { issueStoredValue, joinStoredValueScheme, payWithStoredValue, settleStoredValue, topUpStoredValue } from '../../src/app/storedvalue/storedvalue.ts';
import { customerAt, fund, onlineBanking } from './banking.ts';
import { address, advanceDays, approvedSeller, caTab, certifiedBuyer, unwrap } from './market.ts';
import { snapshot, type Snapshot } from './replay-snapshot.ts';
import { freshWorld, meta, teacherOf } from './world.ts';

// The stories the replay tests run (issue #19 item 3), one per group of payment methods. Each acts
// on a world it is given (or a fresh one), with its parties' login names as parameters, so the
// per-channel replay tests run them alone and world-file-replay.test.ts runs them all in one world.

export type StoryWorld = { readonly db: WorldDb; readonly id: string };

/**
 * The escrow story: a seller with an approved store lists a textbook; a buyer with a bank account
 * pays cash in at the counter, gets a certificate, logs in to online banking and tops the wallet
 * up; checkout, escrow payment, pick-up and tracking, the signed receipt, and T+1 by the jobs.
 */
export async function escrowStory(world?: StoryWorld, names = { seller: 'shop1', buyer: 'buyer1', productNumber: 'BK-0001' }) {
  const { db, id } = world ?? (await freshWorld());
  const seller = await approvedSeller(db, names.seller);
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: names.productNumber, name: '《电子商务概论》', category: 'books', spec: '第5版 · 平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, names.buyer, 'bank-a');
  await fund(db, buyer, 'bank-a', '300.00');
  const ring = await onlineBanking(db, id, names.buyer, buyer, 'bank-a');
  unwrap(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '200.00' }));
  unwrap(await addToCart(db, meta(buyer), { productId: book.id, quantity: 2 }));
  const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
  unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
  unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }));
  const doc = unwrap(await signReceiptConfirmation(db, id, order!.id, { keyRing: ring }));
  unwrap(await confirmReceipt(db, meta(buyer), { orderId: order!.id, confirmation: doc }));
  await advanceDays(db, 1);
  return { db, seller, buyer, orderId: order!.id };
}

/** An order of one unit of `productId`, placed to be paid by `paymentMethod`. */
export async function placeOne(db: WorldDb, buyer: string, productId: string, paymentMethod: string) {
  const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId, quantity: 1 } }));
  return o!;
}

/** The seller books the order's parcel and the courier picks it up. */
export async function ship(db: WorldDb, seller: string, orderId: string) {
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
}

/**
 * The payment channels' story: the parties set up (a snapshot is taken after), then a credit card,
 * an interbank online-banking transfer, a COD parcel and a remittance, and two days for the night's
 * jobs. It expects to be the first to use these channels in its world (it counts their batches).
 */
export async function paymentsStory(world?: StoryWorld, names = { seller: 'shop1', buyer: 'buyer1' }) {
  const { db, id: worldId } = world ?? (await freshWorld());
  const seller = await approvedSeller(db, names.seller);
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const ca = await caTab(db, worldId);
  const { partyId: buyer, ring } = await certifiedBuyer(db, worldId, names.buyer, ca);
  const before: Snapshot = await snapshot(db);

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

  return { db, before, worldId, seller, buyer, ring, bookId: book.id, sellerCard };
}

export type InstrumentParties = { readonly drawer: string; readonly payee: string; readonly drawerRing: KeyRing; readonly payeeRing: KeyRing };

/**
 * The instruments' story, between a drawer with online banking at bank-a and a payee at bank-b:
 * e-cheques (one paid, one returned for insufficient funds, one stopped), e-cash (a wallet, a blind
 * withdrawal, a payment, the merchant's deposit, the same coins again refused as a double spend,
 * the rest paid back) and a Mondex card paying the payee's device, whose takings are deposited.
 */
export async function instrumentsStory(db: WorldDb, worldId: string, { drawer, payee, drawerRing, payeeRing }: InstrumentParties): Promise<void> {
  // E-cheques: the drawer's cheque account and book at bank-a, ¥1,000 paid in.
  await fund(db, drawer, 'bank-a', '1000.00');
  unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer) }));
  const book = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer), count: 10 }));
  const write = async (amount: string) =>
    unwrap(await writeAndSendCheque(db, worldId, drawer, { bookId: book.id, payeePartyId: payee, amount, memo: 'goods' }, { keyRing: drawerRing })).id;
  const presentAndDecide = async (chequeId: string) => {
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId }));
    unwrap(await endorseReceivedCheque(db, worldId, payee, { chequeId }, { keyRing: payeeRing }));
    const deposited = unwrap(await depositCheque(db, meta(payee), { chequeId }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
    return unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id })).presentment;
  };
  const paid = await presentAndDecide(await write('300.00'));
  expect(paid.status).toBe('paid');
  const bounced = await presentAndDecide(await write('2000.00'));
  expect([bounced.status, bounced.reason]).toEqual(['returned', 'insufficient_funds']);
  const stoppedId = await write('50.00');
  const stoppedNumber = (await db.table('cheques').get(stoppedId)).cheque.payload.chequeNumber as string;
  unwrap(await stopChequePayment(db, worldId, drawer, { bookId: book.id, chequeNumber: stoppedNumber, reason: 'goods never came' }, { keyRing: drawerRing }));
  const stopped = await presentAndDecide(stoppedId);
  expect([stopped.status, stopped.reason]).toEqual(['returned', 'payment_stopped']);

  // E-cash: the drawer's wallet, ¥1.60 withdrawn in blind coins, ¥0.60 paid to the payee, who
  // deposits; the same coins deposited again are a double spend; the rest paid back.
  const wallet = unwrap(await createWallet(db, meta(drawer), { password: 'purse secret 7' }));
  unwrap(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '1.60' }));
  const coins = await heldCoins(db, wallet);
  const paying = coins.filter((c) => c.coin.denomination === '0.50' || c.coin.denomination === '0.10');
  const payment = unwrap(await payCoins(db, meta(drawer), { merchantId: payee, payee: 'Lisi', amount: '0.60', reference: 'newspaper', coins: paying }));
  expect(unwrap(await depositTill(db, meta(payee), { bankId: 'bank-b' })).amount).toBe('0.60');
  expect(await depositTill(db, meta(payee), { serials: payment.serials, bankId: 'bank-b' })).toMatchObject({ ok: false, code: 'double_spend' });
  unwrap(await payBackCoins(db, meta(drawer), { coins: await heldCoins(db, wallet) }));

  // A Mondex card at bank-a pays the payee's device (acquired by bank-b), which deposits its takings.
  const card = unwrap(await issueSmartCard(db, meta(drawer), { issuerId: 'bank-a' }));
  const device = unwrap(await registerMerchantDevice(db, meta(payee), { acquirerId: 'bank-b' }));
  unwrap(await loadSmartCard(db, meta(drawer), { cardId: card.cardId, amount: '40' }));
  expect(unwrap(await payWithSmartCard(db, meta(drawer), { cardId: card.cardId, deviceId: device.deviceId, amount: '12.30' })).stage).toBe('completed');
  expect(unwrap(await depositDeviceTakings(db, meta(payee), { deviceId: device.deviceId })).amount).toBe('12.30');
}

/**
 * A counter payment by mobile wallet: both open wallets, on the next day at 10:00 the seller charges
 * the buyer's payment code ¥12.50 (under the free limit), then, the buyer's PIN set and free limit
 * zeroed, ¥30.00 awaits the PIN: a wrong one is refused, the right one pays. The buyer's market
 * wallet must hold ¥42.50.
 */
export async function mobileCounterStory(db: WorldDb, buyer: string, seller: string) {
  unwrap(await openMobileWallet(db, meta(buyer), systemRandom));
  unwrap(await openMobileWallet(db, meta(seller), systemRandom));
  const day1 = nextDate(worldDateOf(await readClock(db)));
  unwrap(await advanceClock(db, meta('platform'), { kind: 'to', at: dateStartMs(day1) + 10 * hourMs }));
  const charge = async (amount: string) => {
    const code = paymentCodeOf((await mobileWalletOf(db, buyer))!, await readClock(db));
    return unwrap(await chargePaymentCode(db, meta(seller), { code, amount }));
  };
  const small = await charge('12.50');
  expect(small.status).toBe('paid');
  unwrap(await setMobilePin(db, meta(buyer), { pin: '135790' }, systemRandom));
  unwrap(await setMobileFreeLimit(db, meta(buyer), { amount: '0' }));
  const asked = await charge('30.00');
  expect(asked.status).toBe('awaiting_pin');
  expect(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '000000' })).toMatchObject({ ok: false, code: 'mobile_pin_wrong' });
  expect(unwrap(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '135790' })).status).toBe('paid');
  return { small, day1 };
}

/**
 * The stored-value (one-card) card: the buyer's card issued and topped up ¥100 from the bank, the
 * merchant joins the scheme, ¥8.50 paid for lunch, the merchant settles. The buyer needs ¥100 at bank-a.
 */
export async function storedValueStory(db: WorldDb, buyer: string, merchant: string) {
  const card = unwrap(await issueStoredValue(db, meta(buyer)));
  unwrap(await topUpStoredValue(db, meta(buyer), { cardId: card.cardId, amount: '100' }));
  unwrap(await joinStoredValueScheme(db, meta(merchant), { participating: true }));
  unwrap(await payWithStoredValue(db, meta(buyer), { cardId: card.cardId, merchantId: merchant, amount: '8.50', reference: 'lunch' }));
  unwrap(await settleStoredValue(db, meta(merchant)));
  return card;
}
