import type { CommandEnv, CommandMeta } from '../../src/app/command.ts';
import type { Random } from '../../src/app/identity/common.ts';
import type { KeyRing } from '../../src/app/identity/keys.ts';
import type { TeacherToken } from '../../src/app/teacher.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { Result } from '../../src/domain/index.ts';
import { execute } from '../../src/app/pipeline.ts';
import { commandByName } from '../../src/app/commands.ts';
import { readClock } from '../../src/app/clock.ts';
import { createWallet, type UnlockedWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payBackCoins, payWithEcash } from '../../src/app/ecash/spend.ts';
import { payOrderFromWallet, removeCardFromWallet, saveCardToWallet, walletSavedCards } from '../../src/app/ecash/wallet-cards.ts';
import { depositDeviceTakings, devicesOf, issueSmartCard, loadSmartCard, payWithSmartCard, recoverSmartCard, registerMerchantDevice, reportCardLost, smartCardsOf } from '../../src/app/smartcard/smartcard.ts';
import { addRecurringBill, issueStoredValue, joinStoredValueScheme, payWithStoredValue, settleStoredValue, storedValueCardsOf, topUpStoredValue } from '../../src/app/storedvalue/storedvalue.ts';
import { chargePaymentCode, confirmMobilePayment, declineMobilePayment, merchantCodeOf, mobilePaymentsOf, mobileWalletOf, openMobileWallet, payMerchantCode, setMobileFreeLimit, setMobilePin } from '../../src/app/mobile/mobile.ts';
import { chequebooksOf, enableChequeAccount, issueChequebookAtBank } from '../../src/app/echeque/chequebooks.ts';
import { writeAndSendCheque } from '../../src/app/echeque/write.ts';
import { depositCheque, endorseReceivedCheque, verifyReceivedCheque } from '../../src/app/echeque/payee.ts';
import { decidePresentment, presentDepositedCheque, presentmentQueue } from '../../src/app/echeque/presentment.ts';
import { stopChequePayment } from '../../src/app/echeque/stop.ts';
import { chequesReceivedBy } from '../../src/app/echeque/queries.ts';

/** Every cheque a simulated seller received (a simulated world holds far fewer). */
const simChequesReadMax = 10_000;
import { activateAccount, register, resendActivationCode } from '../../src/app/identity/registration.ts';
import { changePassword, login, logout } from '../../src/app/identity/login.ts';
import { applyForStore, decideStore, storeIdOf } from '../../src/app/identity/stores.ts';
import { applyForCertificate, allCertificates, rejectCertificateRequest, renewIssuedCertificate, revokeCertificate } from '../../src/app/identity/ca.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf, rejectBankApplication } from '../../src/app/banking/accounts.ts';
import { logoutOnlineBanking, onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { applyForCard, cardsOf, rejectCardApplication } from '../../src/app/payments/cards.ts';
import { awaitingRemittances, matchExceptionByHand, matchRemittances, remittanceExceptionsOf, returnException } from '../../src/app/payments/channel-remittance.ts';
import { onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { cartView, setCartQuantity } from '../../src/app/market/cart.ts';
import { postTracking, trackingStatuses } from '../../src/app/market/shipping.ts';
import { retryParkedOrderJob } from '../../src/app/market/orders.ts';
import { parkedJobs } from '../../src/app/scheduler.ts';
import { fillDemoCatalogue, setListed, updateProduct } from '../../src/app/market/products.ts';
import { setCommissionRates, setMarketRules } from '../../src/app/market/config.ts';
import { mailOf, markMailRead } from '../../src/app/mailbox.ts';
import { scheduleNotice } from '../../src/app/notices.ts';
import { deskDay, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { openAccount, verifyLedger } from '../../src/app/ledger.ts';
import { auditWorld, recordAudit } from '../../src/app/identity/audit.ts';
import { drawTrialBalance, recordLedgerVerify } from '../../src/app/ledger-audit.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { bankingAccountIds, billDateOf, categoryIds, paymentCodeOf, resolutionActions, walletSavedCardKinds } from '../../src/domain/index.ts';
import { activationCodeFromMailbox, buyerForm, goodPassword, registerActive } from '../helpers/identity.ts';
import type { Prng } from './simulator.ts';

// The simulator's steps beyond the escrow market (issue #19 item 4: "ALL commands, registration to
// e-cash, every payment channel"): e-cash, Mondex smart cards, the stored-value card, mobile
// payment, e-cheques, identity housekeeping, bank and card refusals, remittance exceptions, the
// seller's and operator's settings, the mailbox, notices, reconciliation and the auditor. Each
// generator calls the app's public command functions (the same wrappers the pages call, so inputs a
// tab prepares, keys, signatures, nonces, are prepared the same way, from the simulator's seeded
// bytes where the wrapper takes them), with valid inputs mostly and invalid ones on purpose, which
// must be refused by name. `commands` names every registered command a generator can submit: the
// coverage test (test/unit/sim-coverage.test.ts) compares the union with the registry.

export type SimBuyer = { readonly partyId: string; readonly loginName: string; readonly ring: KeyRing; readonly env: CommandEnv; readonly banked: boolean };
export type SimSeller = { readonly partyId: string; readonly card: string; readonly products: string[]; readonly ring: KeyRing };

/** How a generator submits one command: counted, refusals tallied; `keyed` when `run` uses the meta's id (so a duplicate may repeat it). */
export type Submit = (name: string, actor: string, run: (meta: CommandMeta) => Promise<Result<unknown, string>>, keyed?: boolean) => Promise<Result<unknown, string>>;

export type StepContext = {
  readonly db: WorldDb;
  readonly worldId: string;
  readonly teacher: TeacherToken;
  readonly ca: KeyRing;
  readonly rng: Prng;
  /** The simulator's seeded bytes, for the wrappers that draw salts, keys and nonces. */
  readonly random: Random;
  readonly submit: Submit;
  readonly buyer: SimBuyer;
  readonly seller: SimSeller;
  readonly buyers: readonly SimBuyer[];
  readonly sellers: readonly SimSeller[];
  readonly publishEnv: CommandEnv;
  /** An order for the step, mostly in one of these states (see the simulator's orderAt). */
  readonly orderAt: (states?: readonly string[]) => Promise<string | null>;
  /** Per-run memory of what only a tab holds (unlocked e-cash wallets, changed passwords). */
  readonly tabs: TabMemory;
};

export type TabMemory = {
  readonly wallets: Map<string, UnlockedWallet>;
  readonly passwords: Map<string, string>;
  /** Registered, not yet activated (their codes may be sent again). */
  readonly unactivated: string[];
  /** Sellers whose store the operator has not approved yet. */
  readonly pendingShops: string[];
  newcomers: number;
};

/** Bounds on the parties the identity steps register (a step past them works with those there are). */
const unactivatedMax = 2;
const newcomersMax = 12;

export function newTabMemory(): TabMemory {
  return { wallets: new Map(), passwords: new Map(), unactivated: [], pendingShops: [], newcomers: 0 };
}

export type StepGenerator = { readonly name: string; readonly weight: number; readonly commands: readonly string[]; readonly run: (c: StepContext) => Promise<void> };

const walletPassword = 'sim purse 77';
const mobilePin = '246810';
/** Amounts offered to e-cash: payable in coins mostly, one not (no set of denominations makes 0.15), one beyond any balance. */
const ecashAmounts = ['0.10', '0.50', '1.00', '1.60', '2.00', '5.00', '0.15', '100000.00'] as const;

/** Mostly a buyer with a bank account (the channels below draw on one); now and then the one drawn, whose attempts may be refused by name. */
function payingBuyer(c: StepContext): SimBuyer {
  const banked = c.buyers.filter((b) => b.banked);
  return c.buyer.banked || banked.length === 0 || c.rng.chance(0.15) ? c.buyer : c.rng.pick(banked);
}

/** An amount up to `max` yuan (at least 0.01 when max allows), or now and then a little beyond it. */
function amountUpTo(c: StepContext, max: string, slack = 5): string {
  const top = Math.max(0, Math.floor(Number(max)));
  return c.rng.chance(0.85) && top >= 1 ? c.rng.amount(0.01, top) : c.rng.amount(0, top + slack);
}

const ecash: StepGenerator = {
  name: 'ecash',
  weight: 4,
  commands: ['ecash.createWallet', 'ecash.openSession', 'ecash.signBlinded', 'ecash.storeCoin', 'ecash.abandon', 'ecash.pay', 'ecash.deposit', 'ecash.payBack', 'ecash.saveCard', 'ecash.removeCard', 'ecash.payOrderFromWallet'],
  run: async (c) => {
    const { db, rng, submit, seller } = c;
    const buyer = payingBuyer(c);
    const wallet = c.tabs.wallets.get(buyer.partyId);
    if (wallet === undefined || rng.chance(0.03)) {
      // A second wallet for the same owner is refused by name, and so is a short password.
      const password = rng.chance(0.1) ? 'short' : walletPassword;
      const r = await submit('ecash.createWallet', buyer.partyId, (m) => createWallet(db, m, { password }, buyer.env, c.random));
      if (r.ok) c.tabs.wallets.set(buyer.partyId, r.value as UnlockedWallet);
      return;
    }
    const coins = await heldCoins(db, wallet);
    const roll = coins.length === 0 ? 0 : rng.int(0, 19);
    if (roll < 4) {
      // Blind withdrawal: ecash.openSession, ecash.signBlinded and ecash.storeCoin per coin, under ids the wrapper makes.
      const amount = rng.pick(ecashAmounts);
      await submit('ecash.withdraw', buyer.partyId, () => withdrawEcash(db, wallet, { bankId: 'bank-a', amount }, buyer.env, c.random), false);
    } else if (roll < 10) {
      // Paying a merchant (the bank gives change for a larger coin).
      const [amount, reference] = [rng.pick(['0.10', '0.20', '0.50', '1.00', '0.15', '50.00']), `sim-${rng.int(1, 999)}`];
      await submit('ecash.pay', buyer.partyId, () => payWithEcash(db, wallet, { merchantId: seller.partyId, payee: 'sim shop', amount, reference }, buyer.env, c.random), false);
    } else if (roll < 13) {
      await submit('ecash.deposit', seller.partyId, (m) => depositTill(db, m, {}, c.publishEnv));
    } else if (roll < 14) {
      const some = coins.filter(() => rng.chance(0.5));
      await submit('ecash.payBack', buyer.partyId, (m) => payBackCoins(db, m, { coins: some }, buyer.env));
    } else if (roll < 16) {
      // One of the owner's real cards (a credit or charge card, or the bank card), now and then one that is not theirs.
      const own = await cardsOf(db, buyer.partyId);
      const account = (await bankAccountsOf(db, buyer.partyId))[0];
      const card = own.length > 0 && rng.chance(0.6) ? rng.pick(own) : undefined;
      const pick = card !== undefined ? { kind: card.kind === 'credit' ? ('credit_card' as const) : ('charge_card' as const), cardRef: card.id } : { kind: 'debit_card' as const, cardRef: account?.cardNumber ?? 'no-card' };
      const saved = rng.chance(0.9) ? pick : { kind: rng.pick(walletSavedCardKinds), cardRef: c.seller.card };
      await submit('ecash.saveCard', buyer.partyId, (m) => saveCardToWallet(db, m, wallet, saved, buyer.env));
    } else if (roll < 19) {
      // An order waiting for its buyer's payment, paid from that buyer's wallet (another's order is refused by name).
      const orderId = await c.orderAt(['WAIT_BUYER_PAY']);
      const order = orderId === null ? undefined : await marketTables(db).orders.get(orderId);
      const payer = order !== undefined && c.tabs.wallets.has(order.buyerId) && rng.chance(0.9) ? c.buyers.find((x) => x.partyId === order.buyerId) : undefined;
      const payerWallet = payer === undefined ? wallet : (c.tabs.wallets.get(payer.partyId) ?? wallet);
      const who = payer ?? buyer;
      const saved = await walletSavedCards(db, who.partyId);
      const savedCardId = saved.length > 0 ? rng.pick(saved).id : 'no-saved-card';
      const account = (await bankAccountsOf(db, who.partyId))[0];
      if (saved.length === 0 && account !== undefined && c.tabs.wallets.has(who.partyId)) {
        // Nothing saved yet: the buyer saves the bank card first.
        await submit('ecash.saveCard', who.partyId, (m) => saveCardToWallet(db, m, payerWallet, { kind: 'debit_card', cardRef: account.cardNumber }, who.env));
        return;
      }
      if (orderId !== null && rng.chance(0.75)) await submit('ecash.payOrderFromWallet', who.partyId, (m) => payOrderFromWallet(db, m, payerWallet, { orderId, savedCardId }, who.env));
      else await submit('ecash.removeCard', who.partyId, (m) => removeCardFromWallet(db, m, { savedCardId }, who.env));
    } else {
      // A withdrawal the tab gives up on: closes a session only if it is open, drops a row only if it is still withdrawing.
      const abandon = commandByName('ecash.abandon');
      if (abandon === undefined) throw new Error('ecash.abandon is not registered');
      const input = { rowId: `coin-none-${rng.int(1, 99)}`, sessionId: `session-none-${rng.int(1, 99)}` };
      await submit('ecash.abandon', buyer.partyId, (m) => execute(db, abandon, m, input, buyer.env));
    }
  },
};

const smartCard: StepGenerator = {
  name: 'smartcard',
  weight: 3,
  commands: ['smartcard.issue', 'smartcard.registerDevice', 'smartcard.load', 'smartcard.pay', 'smartcard.recover', 'smartcard.deposit', 'smartcard.lost'],
  run: async (c) => {
    const { db, rng, submit, seller } = c;
    const buyer = payingBuyer(c);
    const cards = (await smartCardsOf(db, buyer.partyId)).filter((card) => card.status !== 'lost' || rng.chance(0.1));
    const devices = await devicesOf(db, seller.partyId);
    if (cards.length === 0 || rng.chance(0.03)) {
      const issuerId = rng.chance(0.9) ? 'bank-a' : 'no-such-bank';
      await submit('smartcard.issue', buyer.partyId, (m) => issueSmartCard(db, m, { issuerId }, c.publishEnv));
      return;
    }
    if (devices.length === 0 || rng.chance(0.03)) {
      // The sellers bank at bank-b: a device acquired by bank-a is refused by name (no account there).
      const acquirerId = rng.chance(0.85) ? 'bank-b' : 'bank-a';
      await submit('smartcard.registerDevice', seller.partyId, (m) => registerMerchantDevice(db, m, { acquirerId }, c.publishEnv));
      return;
    }
    const card = rng.pick(cards);
    const device = rng.pick(devices);
    const roll = Number(card.balance) < 5 && rng.chance(0.6) ? 0 : rng.int(0, 29);
    if (roll < 6) {
      const amount = rng.amount(0, 120);
      await submit('smartcard.load', buyer.partyId, (m) => loadSmartCard(db, m, { cardId: card.cardId, amount }, c.publishEnv));
    } else if (roll < 20) {
      // Now and then a message of the exchange is lost: value in flight, or an unacknowledged log entry.
      const interrupt = rng.pick(['none', 'none', 'none', 'none', 'value_lost', 'ack_lost'] as const);
      const amount = amountUpTo(c, card.balance);
      await submit('smartcard.pay', buyer.partyId, (m) => payWithSmartCard(db, m, { cardId: card.cardId, deviceId: device.deviceId, amount, ...(interrupt === 'none' ? {} : { interrupt }) }, c.publishEnv));
    } else if (roll < 24) await submit('smartcard.recover', buyer.partyId, (m) => recoverSmartCard(db, m, { cardId: card.cardId, deviceId: device.deviceId }, c.publishEnv));
    else if (roll < 28) await submit('smartcard.deposit', seller.partyId, (m) => depositDeviceTakings(db, m, { deviceId: device.deviceId }, c.publishEnv));
    else await submit('smartcard.lost', buyer.partyId, (m) => reportCardLost(db, m, { cardId: card.cardId }, c.publishEnv));
  },
};

const storedValue: StepGenerator = {
  name: 'storedvalue',
  weight: 3,
  commands: ['storedvalue.join', 'storedvalue.issue', 'storedvalue.topUp', 'storedvalue.pay', 'storedvalue.settle', 'storedvalue.addBill'],
  run: async (c) => {
    const { db, rng, submit, seller } = c;
    const buyer = payingBuyer(c);
    const cards = await storedValueCardsOf(db, buyer.partyId);
    if (cards.length === 0 || rng.chance(0.03)) {
      await submit('storedvalue.issue', buyer.partyId, (m) => issueStoredValue(db, m, c.publishEnv));
      return;
    }
    const card = rng.pick(cards);
    const roll = Number(card.balance) < 5 ? rng.int(3, 8) : rng.int(0, 24);
    if (roll < 3) {
      // Mostly joining; leaving the scheme now and then (its card payments are then refused by name).
      const participating = rng.chance(0.85);
      await submit('storedvalue.join', seller.partyId, (m) => joinStoredValueScheme(db, m, { participating }, c.publishEnv));
    } else if (roll < 8) {
      const amount = rng.amount(0, 150);
      await submit('storedvalue.topUp', buyer.partyId, (m) => topUpStoredValue(db, m, { cardId: card.cardId, amount }, c.publishEnv));
    } else if (roll < 18) {
      const amount = amountUpTo(c, card.balance);
      const paid = await submit('storedvalue.pay', buyer.partyId, (m) => payWithStoredValue(db, m, { cardId: card.cardId, merchantId: seller.partyId, amount, reference: '午餐' }, c.publishEnv));
      // The shop, told at the till that it does not take the card, joins the scheme.
      if (!paid.ok && paid.code === 'merchant_not_participating' && rng.chance(0.8)) await submit('storedvalue.join', seller.partyId, (m) => joinStoredValueScheme(db, m, { participating: true }, c.publishEnv));
    } else if (roll < 22) {
      const settled = await submit('storedvalue.settle', seller.partyId, (m) => settleStoredValue(db, m, c.publishEnv));
      // The scheme pays takings into an account at its own bank: a shop without one opens one there.
      if (!settled.ok && settled.code === 'account_not_found' && rng.chance(0.7)) {
        const applied = await submit('applyForBankAccount', seller.partyId, (m) => applyForBankAccount(db, m, { bankId: 'bank-a' }, c.publishEnv));
        if (applied.ok) await submit('approveBankApplication', 'bank-a', (m) => approveBankApplication(db, m, { applicationId: (applied.value as { id: string }).id }, c.publishEnv));
      }
    }
    else {
      const account = rng.chance(0.9) ? `138${rng.int(10_000_000, 99_999_999)}` : ' ';
      const [amount, intervalDays] = [rng.amount(0, 30), rng.pick([0, 7, 30])];
      await submit('storedvalue.addBill', buyer.partyId, (m) => addRecurringBill(db, m, { cardId: card.cardId, payeeId: seller.partyId, kind: 'phone', account, amount, intervalDays }, c.publishEnv));
    }
  },
};

const mobile: StepGenerator = {
  name: 'mobile',
  weight: 3,
  commands: ['mobile.openWallet', 'mobile.setPin', 'mobile.setFreeLimit', 'mobile.chargeCode', 'mobile.pinWrong', 'mobile.confirm', 'mobile.decline', 'mobile.payMerchant'],
  run: async (c) => {
    const { db, rng, submit, buyer, seller } = c;
    const [mine, shop] = [await mobileWalletOf(db, buyer.partyId), await mobileWalletOf(db, seller.partyId)];
    if (mine === undefined || rng.chance(0.02)) {
      await submit('mobile.openWallet', buyer.partyId, (m) => openMobileWallet(db, m, c.random, c.publishEnv));
      return;
    }
    if (shop === undefined) {
      await submit('mobile.openWallet', seller.partyId, (m) => openMobileWallet(db, m, c.random, c.publishEnv));
      return;
    }
    const waiting = (await mobilePaymentsOf(db, buyer.partyId)).filter((p) => p.status === 'awaiting_pin' && p.payerId === buyer.partyId);
    const roll = mine.pin === null && rng.chance(0.7) ? 0 : waiting.length > 0 && rng.chance(0.6) ? 10 : rng.int(2, 19);
    const amount = rng.amount(0, 60);
    if (roll < 2) {
      const pin = rng.chance(0.9) ? mobilePin : '12';
      await submit('mobile.setPin', buyer.partyId, (m) => setMobilePin(db, m, { pin }, c.random, c.publishEnv));
    } else if (roll < 5) {
      // A low limit makes the cashier's larger charges wait for the buyer's PIN.
      const limit = rng.pick(['0', '10', '20', '50', '200', '-5']);
      await submit('mobile.setFreeLimit', buyer.partyId, (m) => setMobileFreeLimit(db, m, { amount: limit }, c.publishEnv));
    } else if (roll < 10) {
      // The cashier scans the buyer's code: a fresh one mostly, now and then one already stale or made up.
      const now = await readClock(db);
      const code = rng.chance(0.85) ? paymentCodeOf(mine, now) : rng.chance(0.5) ? paymentCodeOf(mine, now - 3_600_000) : '000000000000000000';
      await submit('mobile.chargeCode', seller.partyId, (m) => chargePaymentCode(db, m, { code, amount }, c.publishEnv));
    } else if (roll < 16) {
      // A wrong PIN is counted by mobile.pinWrong; the payment is refused and still waits.
      const paymentId = waiting.length > 0 ? rng.pick(waiting).id : 'no-such-payment';
      const typed = rng.chance(0.8) ? mobilePin : '999999';
      if (rng.chance(0.75)) await submit('mobile.confirm', buyer.partyId, (m) => confirmMobilePayment(db, m, { paymentId, pin: typed }, c.publishEnv));
      else await submit('mobile.decline', buyer.partyId, (m) => declineMobilePayment(db, m, { paymentId }, c.publishEnv));
    } else {
      const merchantCode = rng.chance(0.9) ? merchantCodeOf(shop) : 'not a merchant code';
      const typed = rng.chance(0.6) ? mobilePin : rng.chance(0.5) ? '999999' : null;
      await submit('mobile.payMerchant', buyer.partyId, (m) => payMerchantCode(db, m, { merchantCode, amount, pin: typed }, c.publishEnv));
    }
  },
};

const echeque: StepGenerator = {
  name: 'echeque',
  weight: 4,
  commands: ['enableChequeAccount', 'issueChequebook', 'writeCheque', 'verifyCheque', 'endorseCheque', 'depositCheque', 'presentCheque', 'decidePresentment', 'stopCheque'],
  run: async (c) => {
    const { db, worldId, rng, submit, seller } = c;
    const buyer = payingBuyer(c);
    const books = await chequebooksOf(db, buyer.partyId);
    const accountId = bankingAccountIds.deposit('bank-a', buyer.partyId);
    if (books.length === 0 || rng.chance(0.02)) {
      // The bank enables the account for cheques (once; again is refused by name), then issues a book.
      await submit('enableChequeAccount', 'bank-a', (m) => enableChequeAccount(db, m, { accountId }, c.publishEnv));
      const count = rng.pick([5, 10, 0]);
      await submit('issueChequebook', 'bank-a', (m) => issueChequebookAtBank(db, m, { accountId, count }, c.publishEnv));
      return;
    }
    const book = rng.pick(books);
    const received = (await chequesReceivedBy(db, seller.partyId, simChequesReadMax)).filter((q) => ['delivered', 'verified', 'endorsed'].includes(q.status) || rng.chance(0.05));
    const [b, a] = [await presentmentQueue(db, 'bank-b'), await presentmentQueue(db, 'bank-a')];
    const roll = rng.int(0, 19);
    // The writers' tabs sign with the ids the simulator gives; their pre-checks read the tab's state, so no duplicate repeats them.
    const options = (m: CommandMeta) => ({ keyRing: buyer.ring, commandId: m.id, random: c.random, env: buyer.env });
    if (roll < 4) {
      const amount = rng.chance(0.9) ? rng.amount(1, 150) : '0';
      await submit('writeCheque', buyer.partyId, (m) => writeAndSendCheque(db, worldId, buyer.partyId, { bookId: book.id, payeePartyId: seller.partyId, amount, memo: '货款' }, options(m)), false);
    } else if (roll < 6) {
      // A number of the book mostly; one past its end now and then (refused by name).
      const chequeNumber = String(Number(book.firstNumber) + rng.int(0, book.count)).padStart(book.firstNumber.length, '0');
      await submit('stopCheque', buyer.partyId, (m) => stopChequePayment(db, worldId, buyer.partyId, { bookId: book.id, chequeNumber, reason: '遗失' }, options(m)), false);
    } else if (roll < 14 && received.length > 0) {
      // The payee takes the cheque's next step mostly (verify, endorse, deposit), now and then another, refused by name.
      const cheque = rng.pick(received.slice(-6));
      const next = cheque.status === 'delivered' ? 0 : cheque.status === 'verified' ? 1 : 2;
      const step = rng.chance(0.85) ? next : rng.int(0, 2);
      if (step === 0) await submit('verifyCheque', seller.partyId, (m) => verifyReceivedCheque(db, m, { chequeId: cheque.id }, c.publishEnv));
      else if (step === 1) await submit('endorseCheque', seller.partyId, (m) => endorseReceivedCheque(db, worldId, seller.partyId, { chequeId: cheque.id }, { keyRing: seller.ring, commandId: m.id, random: c.random, env: c.publishEnv }), false);
      else await submit('depositCheque', seller.partyId, (m) => depositCheque(db, m, { chequeId: cheque.id }, c.publishEnv));
    } else if (b.toPresent.length > 0 && rng.chance(0.6)) {
      // The payee's bank presents; the drawer's bank decides (a cheque its drawer cannot cover is returned).
      const p = rng.pick(b.toPresent);
      await submit('presentCheque', 'bank-b', (m) => presentDepositedCheque(db, m, { presentmentId: p.id }, c.publishEnv));
    } else {
      const p = a.toDecide.length > 0 ? rng.pick(a.toDecide).id : 'no-such-presentment';
      await submit('decidePresentment', 'bank-a', (m) => decidePresentment(db, m, { presentmentId: p }, c.publishEnv));
    }
  },
};

const identity: StepGenerator = {
  name: 'identity',
  weight: 3,
  commands: ['resendActivationCode', 'changePasswordAttempt', 'changePassword', 'logout', 'applyForStore', 'decideStore', 'rejectCertificateRequest', 'revokeCertificate', 'renewCertificate'],
  run: async (c) => {
    const { db, worldId, rng, submit, buyer, seller } = c;
    const roll = rng.int(0, 19);
    const password = c.tabs.passwords.get(buyer.partyId) ?? goodPassword;
    if (roll < 3) {
      // A newcomer registers and asks for the code again, or types it from the mail; an active
      // account (or one that does not exist) asking for a code is refused by name.
      if (c.tabs.unactivated.length < unactivatedMax && c.tabs.newcomers < newcomersMax) {
        c.tabs.newcomers += 1;
        const form = buyerForm(`simnew${c.tabs.newcomers}`);
        const r = await submit('register', 'platform', (m) => register(db, form, { commandId: m.id, random: c.random, env: c.publishEnv }), false);
        if (r.ok) c.tabs.unactivated.push((r.value as { partyId: string }).partyId);
        return;
      }
      const newcomer = rng.pick(c.tabs.unactivated.length > 0 ? c.tabs.unactivated : [buyer.partyId]);
      const partyId = rng.chance(0.8) ? newcomer : rng.chance(0.5) ? buyer.partyId : 'u-nobody';
      if (rng.chance(0.6)) {
        await submit('resendActivationCode', 'platform', (m) => resendActivationCode(db, m, { partyId }, { random: c.random, env: c.publishEnv }));
        return;
      }
      const code = partyId === newcomer && c.tabs.unactivated.includes(newcomer) ? await activationCodeFromMailbox(db, newcomer) : 'ABCD-EFGH';
      const r = await submit('activateAccount', partyId, (m) => activateAccount(db, m, { partyId, code }, c.publishEnv));
      if (r.ok) c.tabs.unactivated.splice(c.tabs.unactivated.indexOf(partyId), 1);
    } else if (roll < 5) {
      // The right old password changes it (and the tab remembers the new one); a wrong one is counted.
      const right = rng.chance(0.7);
      const next = `${goodPassword} v${rng.int(1, 99)}`;
      const r = await submit('changePassword', buyer.partyId, (m) => changePassword(db, { partyId: buyer.partyId, oldPassword: right ? password : 'not my password', newPassword: next, newPasswordAgain: next }, { keyRing: buyer.ring, commandId: m.id, random: c.random, env: buyer.env }), false);
      if (r.ok) c.tabs.passwords.set(buyer.partyId, next);
    } else if (roll < 8) {
      // Log out and in again in the same tab (a wrong password first now and then); the bank session is reopened.
      const out = await submit('logout', buyer.partyId, (m) => logout(db, worldId, buyer.partyId, { keyRing: buyer.ring, commandId: m.id, env: buyer.env }), false);
      if (!out.ok) return;
      if (rng.chance(0.2)) await submit('login', buyer.partyId, () => login(db, worldId, { loginName: buyer.loginName, password: 'wrong password 1' }, { keyRing: buyer.ring, random: c.random, env: buyer.env }), false);
      const back = await submit('login', buyer.partyId, () => login(db, worldId, { loginName: buyer.loginName, password }, { keyRing: buyer.ring, random: c.random, env: buyer.env }), false);
      if (back.ok && buyer.banked) await submit('onlineBankingLogin', buyer.partyId, async () => (await onlineBankingLogin(db, worldId, { bankId: 'bank-a', partyId: buyer.partyId }, { keyRing: buyer.ring, random: c.random, env: buyer.env })).result, false);
    } else if (roll < 10) {
      // A new seller's store waits for the operator, who rejects it (the seller applies again) or
      // approves it; an approved store applying again, or a buyer's, is refused by name.
      if (c.tabs.pendingShops.length === 0 && c.tabs.newcomers < newcomersMax) {
        c.tabs.newcomers += 1;
        const loginName = `simnewshop${c.tabs.newcomers}`;
        const partyId = await registerActive(db, loginName, { role: 'seller', realName: '赵掌柜', store: { name: `${loginName}的店`, description: '新开张' } });
        c.tabs.pendingShops.push(partyId);
        return;
      }
      const shop = c.tabs.pendingShops[0] ?? seller.partyId;
      if (rng.chance(0.4)) {
        const applicant = rng.chance(0.85) ? shop : seller.partyId;
        await submit('applyForStore', applicant, (m) => applyForStore(db, m, { name: `${applicant}的新店`, description: '正品保证' }, c.publishEnv));
      } else if (rng.chance(0.85)) {
        const decision = rng.chance(0.5) ? ('approve' as const) : ('reject' as const);
        const r = await submit('decideStore', 'platform', (m) => decideStore(db, m, { storeId: storeIdOf(shop), decision, reason: '资料不全' }, c.publishEnv));
        if (r.ok && decision === 'approve') c.tabs.pendingShops.splice(c.tabs.pendingShops.indexOf(shop), 1);
      } else {
        const storeId = storeIdOf(rng.pick([seller.partyId, buyer.partyId]));
        await submit('decideStore', 'platform', (m) => decideStore(db, m, { storeId, decision: 'approve' }, c.publishEnv));
      }
    } else if (roll < 14) {
      // A second certificate request the CA refuses (the buyer keeps the certificate it has).
      const applied = await submit('applyForCertificate', buyer.partyId, (m) => applyForCertificate(db, worldId, buyer.partyId, { keyRing: buyer.ring, commandId: m.id, random: c.random, env: buyer.env }));
      const requestId = applied.ok ? (applied.value as { requestId: string }).requestId : 'no-such-request';
      const reason = rng.chance(0.9) ? '资料不全' : ' ';
      await submit('rejectCertificateRequest', 'ca', (m) => rejectCertificateRequest(db, 'ca', { requestId, reason }, { keyRing: c.ca, commandId: m.id, env: c.publishEnv }));
    } else {
      // The CA revokes a certificate (its holder's signatures are refused from now on) or renews one.
      const certificates = (await allCertificates(db)).filter((cert) => cert.partyId !== 'ca');
      const serial = certificates.length > 0 && rng.chance(0.9) ? rng.pick(certificates).serial : 999_999;
      const reason = rng.pick(['key_compromise', 'superseded'] as const);
      if (rng.chance(0.3)) await submit('revokeCertificate', 'ca', (m) => revokeCertificate(db, worldId, 'ca', { serial, reason }, { keyRing: c.ca, commandId: m.id, random: c.random, env: c.publishEnv }), false);
      else await submit('renewCertificate', 'ca', (m) => renewIssuedCertificate(db, worldId, 'ca', { serial }, { keyRing: c.ca, commandId: m.id, random: c.random, env: c.publishEnv }), false);
    }
  },
};

const refusals: StepGenerator = {
  name: 'bank and card refusals, remittance exceptions',
  weight: 3,
  commands: ['rejectBankApplication', 'logoutOnlineBanking', 'rejectCardApplication', 'matchRemittanceByHand', 'returnRemittance'],
  run: async (c) => {
    const { db, worldId, rng, submit, buyer, seller } = c;
    const roll = rng.int(0, 9);
    if (roll < 2) {
      const applied = await submit('applyForBankAccount', buyer.partyId, (m) => applyForBankAccount(db, m, { bankId: 'bank-b' }, c.publishEnv));
      const applicationId = applied.ok ? (applied.value as { id: string }).id : 'no-such-application';
      await submit('rejectBankApplication', 'bank-b', (m) => rejectBankApplication(db, m, { applicationId, reason: '资料不符' }, c.publishEnv));
    } else if (roll < 4) {
      await submit('logoutOnlineBanking', buyer.partyId, (m) => logoutOnlineBanking(db, worldId, { bankId: 'bank-a', partyId: buyer.partyId }, { keyRing: buyer.ring, commandId: m.id, env: buyer.env }), false);
      if (rng.chance(0.8)) await submit('onlineBankingLogin', buyer.partyId, async () => (await onlineBankingLogin(db, worldId, { bankId: 'bank-a', partyId: buyer.partyId }, { keyRing: buyer.ring, random: c.random, env: buyer.env })).result, false);
    } else if (roll < 6) {
      const kind = rng.pick(['credit', 'charge'] as const);
      const applied = await submit('applyForCard', buyer.partyId, (m) => applyForCard(db, m, { kind }, c.publishEnv));
      const applicationId = applied.ok ? (applied.value as { id: string }).id : 'no-such-application';
      await submit('rejectCardApplication', 'card', (m) => rejectCardApplication(db, m, { applicationId, reason: '信用记录不足' }, c.publishEnv));
    } else {
      // The payee's clerk settles a remittance the matcher queued: by hand against an awaiting order, or sent back.
      const exceptions = (await remittanceExceptionsOf(db, seller.partyId)).filter((e) => e.status === 'open');
      const payer = payingBuyer(c);
      if (exceptions.length === 0 && rng.chance(0.7)) {
        // A transfer the matcher cannot match (no order's reference, an odd amount) becomes an exception.
        const amount = rng.amount(1, 30);
        const t = await submit('onlineBankingTransfer', payer.partyId, (m) => onlineBankingTransfer(db, m, { bankId: 'bank-a', payeeCard: seller.card, amount, memo: `汇款 ${rng.int(1, 999)}` }, payer.env));
        if (t.ok) await submit('matchRemittances', seller.partyId, (m) => matchRemittances(db, m, { payeeId: seller.partyId }, c.publishEnv));
        return;
      }
      const exceptionId = exceptions.length > 0 ? rng.pick(exceptions).id : 'no-such-exception';
      if (rng.chance(0.5)) {
        const awaiting = await awaitingRemittances(db, seller.partyId);
        const chargeId = awaiting.length > 0 ? rng.pick(awaiting).id : 'no-such-charge';
        await submit('matchRemittanceByHand', seller.partyId, (m) => matchExceptionByHand(db, m, { exceptionId, chargeId }, c.publishEnv));
      } else await submit('returnRemittance', seller.partyId, (m) => returnException(db, m, { exceptionId }, c.publishEnv));
    }
  },
};

const shopKeeping: StepGenerator = {
  name: 'cart, tracking, parked timers, products, settings',
  weight: 4,
  commands: ['setCartQuantity', 'postTracking', 'retryParkedOrderJob', 'setListed', 'updateProduct', 'fillDemoCatalogue', 'setCommissionRates', 'setMarketRules'],
  run: async (c) => {
    const { db, rng, submit, buyer, seller } = c;
    const roll = rng.int(0, 29);
    const all = c.sellers.flatMap((s) => s.products);
    if (roll < 7) {
      const lines = (await cartView(db, buyer.partyId)).lines.map((l) => l.productId);
      const productId = lines.length > 0 && rng.chance(0.85) ? rng.pick(lines) : all.length === 0 ? 'no-such-product' : rng.pick(all);
      const quantity = rng.int(0, 4);
      await submit('setCartQuantity', buyer.partyId, (m) => setCartQuantity(db, m, { productId, quantity }, c.publishEnv));
    } else if (roll < 13) {
      const moving = (await marketTables(db).shipments.toArray()).filter((s) => s.status !== 'delivered' && s.status !== 'booked');
      const shipmentId = moving.length > 0 ? rng.pick(moving).id : 'no-such-shipment';
      const status = rng.pick(trackingStatuses);
      await submit('postTracking', 'logistics', (m) => postTracking(db, m, { shipmentId, status, place: '中转站' }, c.publishEnv));
    } else if (roll < 15) {
      const parked = await parkedJobs(db);
      const jobId = parked.length > 0 ? rng.pick(parked).id : 'no-such-job';
      const who = rng.pick(['escrow', 'platform', buyer.partyId]);
      await submit('retryParkedOrderJob', who, (m) => retryParkedOrderJob(db, m, { jobId }, c.publishEnv));
    } else if (roll < 19) {
      // Mostly listed again; a product taken off sale is refused at the cart by name.
      const productId = seller.products.length > 0 ? rng.pick(seller.products) : 'no-such-product';
      const listed = rng.chance(0.7);
      await submit('setListed', seller.partyId, (m) => setListed(db, m, { productId, listed }, c.publishEnv));
    } else if (roll < 24) {
      const productId = seller.products.length > 0 ? rng.pick(seller.products) : 'no-such-product';
      const unitPrice = rng.chance(0.9) ? rng.amount(1, 120) : '-1';
      const spec = rng.pick(['标准', '大号', '礼盒']);
      await submit('updateProduct', seller.partyId, (m) => updateProduct(db, m, { productId, edit: { unitPrice, spec } }, c.publishEnv));
    } else if (roll < 25) {
      // Once per store (a second fill is refused); its products are the demo's, not the simulator's list.
      await submit('fillDemoCatalogue', seller.partyId, (m) => fillDemoCatalogue(db, m, {}, c.publishEnv));
    } else if (roll < 28) {
      const category = rng.pick(categoryIds);
      const rate = rng.pick(['0.02', '0.035', '0.05', '0.125', '1.5']);
      await submit('setCommissionRates', 'platform', (m) => setCommissionRates(db, c.teacher, m, { [category]: rate }, c.publishEnv));
    } else {
      const rules = rng.pick([{ payTimeoutHours: '24' }, { payTimeoutHours: '72' }, { sellerResponseDays: '3' }, { refundRequestsMax: '2' }, { deliveryFeeExpress: '12.00' }, { payTimeoutHours: 'soon' }]);
      await submit('setMarketRules', 'platform', (m) => setMarketRules(db, c.teacher, m, rules, c.publishEnv));
    }
  },
};

const desk: StepGenerator = {
  name: 'mail, notices, reconciliation, audit',
  weight: 3,
  commands: ['markMailRead', 'scheduleNotice', 'reconcileDay', 'resolveDifference', 'openAccount', 'drawTrialBalance', 'recordLedgerVerify', 'recordAudit'],
  run: async (c) => {
    const { db, rng, submit, buyer, seller } = c;
    const roll = rng.int(0, 19);
    const now = await readClock(db);
    if (roll < 4) {
      const mail = await mailOf(db, buyer.partyId);
      const mailId = mail.length > 0 && rng.chance(0.9) ? (rng.pick(mail).id ?? 0) : 999_999;
      await submit('markMailRead', buyer.partyId, (m) => markMailRead(db, m, mailId, c.publishEnv));
    } else if (roll < 7) {
      // A reminder for later (delivered by a due job), or one in the past (refused by name).
      const dueAt = now + rng.pick([-1, 1, 5, 30]) * 3_600_000;
      await submit('scheduleNotice', buyer.partyId, (m) => scheduleNotice(db, m, { text: '记得确认收货', dueAt }, c.publishEnv));
    } else if (roll < 11) {
      // Yesterday's day (cut off), or today's (not cut yet: refused by name); the platform's books or a seller's.
      const date = billDateOf(now - rng.pick([1, 1, 2, 0]) * 86_400_000);
      const scope = rng.chance(0.7) ? 'platform' : seller.partyId;
      await submit('reconcileDay', scope === 'platform' ? 'platform' : seller.partyId, (m) => reconcileDay(db, m, { scope, date }, c.publishEnv));
    } else if (roll < 13) {
      // The clerk resolves a difference of yesterday's match (matched first when it was not).
      const date = billDateOf(now - 86_400_000);
      let day = await deskDay(db, 'platform', date);
      if (day.row === null) {
        await submit('reconcileDay', 'platform', (m) => reconcileDay(db, m, { scope: 'platform', date }, c.publishEnv));
        day = await deskDay(db, 'platform', date);
      }
      const differenceId = day.open.length > 0 ? rng.pick(day.open).id : 'no-such-difference';
      const action = rng.pick(resolutionActions);
      await submit('resolveDifference', 'platform', (m) => resolveDifference(db, m, { scope: 'platform', date, differenceId, action, reason: '已核实' }, c.publishEnv));
    } else if (roll < 15) {
      // A new account in a party's own book (a second with the same id is refused by name).
      const id = `${seller.partyId}:sim:${rng.int(1, 6)}`;
      const currency = rng.chance(0.8) ? 'CNY' : 'USD';
      await submit('openAccount', seller.partyId, (m) => openAccount(db, m, { id, partyId: seller.partyId, bookId: seller.partyId, code: '1001', name: '模拟备用金', currency, normal: 'debit' }, c.publishEnv));
    } else if (roll < 16) await submit('drawTrialBalance', 'auditor', (m) => drawTrialBalance(db, m, c.publishEnv));
    else if (roll < 18) {
      const report = await verifyLedger(db);
      await submit('recordLedgerVerify', 'auditor', (m) => recordLedgerVerify(db, m, report, c.publishEnv));
    } else {
      const audit = await auditWorld(db);
      if (!audit.ok) return;
      await submit('recordAudit', 'auditor', (m) => recordAudit(db, m, audit.value, c.publishEnv));
    }
  },
};

/** The generators the simulator draws from beyond its market steps, with their relative weights. */
export const moreSteps: readonly StepGenerator[] = [ecash, smartCard, storedValue, mobile, echeque, identity, refusals, shopKeeping, desk];
