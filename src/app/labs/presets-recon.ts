import { assert, bankingAccountIds, billDateOf, billWindowOf } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { decideStore, storeIdOf } from '../identity/stores.ts';
import { login } from '../identity/login.ts';
import { onlineBankingLogin } from '../identity/banking-login.ts';
import { KeyRing } from '../identity/keys.ts';
import { counterDeposit, giveCash } from '../banking/cash.ts';
import { bankAccountsOf } from '../banking/accounts.ts';
import { listProduct } from '../market/products.ts';
import { placeOrders } from '../market/orders.ts';
import { topUpWallet } from '../market/wallet.ts';
import { payOrderWith } from '../payments/checkout.ts';
import { labArmFault } from '../reconciliation/lab.ts';
import { advanceClock } from '../clock.ts';
import { readClock } from '../clock-read.ts';
import type { PresetContext } from '../worlds.ts';
import { bankAccountAt, form, labUserPassword, metaOf, must, registerActiveUser, type Preset } from './presets.ts';
import { caKeyRing, markLab } from './presets-identity.ts';
import { applyForCertificate, issueRequestedCertificate } from '../identity/ca.ts';

// The preset of the reconciliation lab (对账): one day of trade through three channels, built by
// the app's real commands. The teacher's lab tools (src/app/reconciliation/lab.ts) arm two faults
// first: online banking's payment callback is lost (the bank takes the money, the platform never
// hears: a 长款 on the desk) and the debit card's notification is delivered twice (the buyer pays
// twice: a duplicate). The buyer then pays one textbook order through the escrow wallet, one
// through online banking and one by debit card, and the world clock moves past the day's 23:59
// cut-off so the channels' bills are out. Reconciling that day is the lab.

const presetId = 'reconciliation';
const orderAddress = { recipient: '李雷', phone: '13812345678', address: '北京市海淀区中关村大街1号', postcode: '100080' };

/** A customer of `bankId` with cash paid in, a certificate from the CA and an online-banking session in `keys`. */
async function bankingBuyer(db: WorldDb, ctx: PresetContext, keys: KeyRing): Promise<string> {
  const buyer = await registerActiveUser(db, presetId, ctx, form('lab_recon_buyer', 'buyer', '李雷'));
  await bankAccountAt(db, presetId, buyer, 'bank-a');
  must(await giveCash(db, ctx.teacher, metaOf(presetId, 'give-cash', 'clearing'), { partyId: buyer, amount: '500.00' }), 'give cash');
  must(await counterDeposit(db, metaOf(presetId, 'deposit', 'bank-a'), { accountId: bankingAccountIds.deposit('bank-a', buyer), amount: '500.00' }), 'deposit');
  must(await login(db, ctx.worldId, { loginName: 'lab_recon_buyer', password: labUserPassword }, { keyRing: keys, commandId: `lab:${presetId}:login:buyer` }), 'buyer login');
  const caKeys = await caKeyRing(db, presetId, ctx);
  const request = must(await applyForCertificate(db, ctx.worldId, buyer, { keyRing: keys, random: ctx.random, commandId: `lab:${presetId}:cert-apply` }), 'apply for a certificate');
  must(await issueRequestedCertificate(db, ctx.worldId, 'ca', { requestId: request.requestId }, { keyRing: caKeys, random: ctx.random, commandId: `lab:${presetId}:cert-issue` }), 'issue the certificate');
  caKeys.forgetWorld(ctx.worldId);
  must((await onlineBankingLogin(db, ctx.worldId, { bankId: 'bank-a', partyId: buyer }, { keyRing: keys, random: ctx.random })).result, 'online banking');
  must(await topUpWallet(db, metaOf(presetId, 'top-up', buyer), { bankId: 'bank-a', amount: '100.00' }, { keyRing: keys }), 'top-up');
  return buyer;
}

const reconciliation: Preset = async (db, ctx) => {
  const seller = await registerActiveUser(db, presetId, ctx, form('lab_recon_seller', 'seller', '王掌柜'));
  must(await decideStore(db, metaOf(presetId, 'approve-store', 'platform'), { storeId: storeIdOf(seller), decision: 'approve' }), 'approve the store');
  await bankAccountAt(db, presetId, seller, 'bank-b');
  const book = must(await listProduct(db, metaOf(presetId, 'list-book', seller), { product: { number: 'BK-0001', name: '会计学教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }), 'list the textbook');

  // The buyer's own key ring (not this tab's): the tab that builds the lab is not left signed in.
  const keys = new KeyRing();
  const buyer = await bankingBuyer(db, ctx, keys);
  const card = (await bankAccountsOf(db, buyer))[0]?.cardNumber;
  assert(typeof card === 'string', 'the bank account comes with a debit card');

  // The teacher's lab tools: the next online-banking payment's callback is lost, the next debit
  // card payment's notification comes twice.
  must(await labArmFault(db, ctx.teacher, metaOf(presetId, 'arm-lost-callback', 'platform'), { channel: 'online_banking', kind: 'lose_callback' }), 'arm the lost callback');
  must(await labArmFault(db, ctx.teacher, metaOf(presetId, 'arm-deliver-twice', 'platform'), { channel: 'debit_card', kind: 'deliver_twice' }), 'arm the duplicate notification');

  const pay = async (step: string, paymentMethod: string, source: Readonly<Record<string, string>>) => {
    const [order] = must(await placeOrders(db, metaOf(presetId, `order-${step}`, buyer), { address: orderAddress, deliveryMethod: 'express', paymentMethod, buyNow: { productId: book.id, quantity: 1 } }), `order ${step}`);
    assert(order !== undefined, 'one order placed');
    must(await payOrderWith(db, metaOf(presetId, `pay-${step}`, buyer), { orderId: order.id, channel: paymentMethod, source }, { keyRing: keys }), `pay ${step}`);
  };
  await pay('escrow', 'escrow', {});
  await pay('online-banking', 'online_banking', { bankId: 'bank-a' });
  await pay('debit-card', 'debit_card', { cardId: card });
  keys.forgetWorld(ctx.worldId);

  // Past the day's 23:59 cut-off: the channels' bills of the day are out, the desk may run it
  // (and the lost order's pay deadline has not passed yet).
  const now = await readClock(db);
  must(await advanceClock(db, metaOf(presetId, 'past-cut-off', 'platform'), { kind: 'to', at: billWindowOf(billDateOf(now)).to + 60_000 }), 'move past the cut-off');
  await markLab(db, presetId);
};

export const reconPresets: Readonly<Record<string, Preset>> = { reconciliation };
