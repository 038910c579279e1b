import DecimalBase from 'decimal.js';
import { allAccounts, trialBalanceNow, verifyLedger } from '../../src/app/ledger.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { commandByName } from '../../src/app/commands.ts';
import { execute, type CommandDefinition, type CommandInput } from '../../src/app/pipeline.ts';
import type { CommandEnv, CommandMeta, Notice } from '../../src/app/command.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { listProduct, restock } from '../../src/app/market/products.ts';
import { addToCart, removeFromCart } from '../../src/app/market/cart.ts';
import { answerRefund, arbitrate, cancelOrder, cancelRefund, payOrder, placeOrders, requestRefund, reviewOrder } from '../../src/app/market/orders.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { topUpWallet, withdrawFromWallet } from '../../src/app/market/wallet.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { counterDeposit, counterWithdrawal, giveCash } from '../../src/app/banking/cash.ts';
import { onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { applyForCertificate, issueRequestedCertificate } from '../../src/app/identity/ca.ts';
import { onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { applyForCard, approveCardApplication, repayCardFromBank } from '../../src/app/payments/cards.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { codShipmentsOf, collectCod, refuseCod } from '../../src/app/payments/channel-cod.ts';
import { matchRemittances } from '../../src/app/payments/channel-remittance.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import { assertOrderRow, deliveryMethods, balancesOf, bankingAccountIds, categoryIds, limitViolation, orderPhase, orderPhases, type OrderRow, type Result } from '../../src/domain/index.ts';
import { freshWorld, teacherOf } from '../helpers/world.ts';
import { deleteWorld } from '../../src/app/worlds.ts';
import { address, approvedSeller } from '../helpers/market.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from '../helpers/identity.ts';
import { moreSteps, newTabMemory, type SimBuyer, type SimSeller, type StepContext, type Submit } from './more-steps.ts';

// A seeded deterministic simulator of a whole world (issue #19 item 4; TigerBeetle's VOPR is the
// model). From one seed a PRNG picks every step: which simulated tab (buyer, seller, bank, card
// company, courier, platform) runs which of the app's real commands on which order, with what
// amount, plus clock jumps that run due jobs, and injected faults: a duplicate submission (the same
// command id again), an aborted transaction (the command's own apply runs, then a throw or a quota
// error, so everything must roll back), a tab killed between preparing and submitting (the command
// never arrives), and notices delivered out of order. Every `checkEvery` steps the invariants run;
// every `replayEvery` steps (and at the end) the command log replays into a fresh database and must
// give the same digest. The first violation stops the run with its seed, step, command and
// invariant, so `npm run sim -- --seed N --steps M` replays the same choices to the same failure.
//
// What is seeded: every choice the simulator makes, every command id, and the bytes the generators
// of more-steps.ts hand to the wrappers that take them (wallet keys, nonces, TOTP secrets, PIN
// salts). What is not: the bytes the test helpers' registrations and logins draw (salts, activation
// codes, key seeds), which change no choice here.

export type SimOptions = {
  readonly seed: number;
  readonly steps: number;
  /** Invariants run after every this many steps (1: after each). */
  readonly checkEvery?: number;
  /** The replay digest is compared every this many steps (0: only at the end). */
  readonly replayEvery?: number;
  readonly log?: (line: string) => void;
};

export type Violation = { readonly seed: number; readonly step: number; readonly command: string; readonly invariant: string; readonly detail: string };

export type SimReport =
  | { readonly ok: true; readonly seed: number; readonly steps: number; readonly accepted: number; readonly refused: number; readonly faults: Readonly<Record<string, number>>; readonly commands: Readonly<Record<string, number>>; readonly refusals: Readonly<Record<string, number>>; readonly settled: number; readonly logRows: number; readonly logged: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly violation: Violation };

/** mulberry32: a small 32-bit PRNG, the same sequence for the same seed on every machine. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An amount in yuan with fen, e.g. '37.41', between min and max yuan. */
  amount(min: number, max: number): string {
    return (this.int(min * 100, max * 100) / 100).toFixed(2);
  }
}

/** One of the generators, drawn by weight. */
function pickWeighted<T extends { readonly weight: number }>(rng: Prng, items: readonly T[]): T {
  const total = items.reduce((sum, g) => sum + g.weight, 0);
  let left = rng.next() * total;
  for (const item of items) {
    left -= item.weight;
    if (left < 0) return item;
  }
  return rng.pick(items);
}

class SimViolation extends Error {
  constructor(
    readonly invariant: string,
    readonly detail: string,
  ) {
    super(`${invariant}: ${detail}`);
  }
}

/** A tab's name of the fault the simulator injects inside a command's transaction. */
class SimAbort extends Error {
  constructor(name: string) {
    super('simulated abort');
    this.name = name;
  }
}

type Buyer = SimBuyer & { cardId: string | null };
type Seller = SimSeller;

/**
 * The registered commands (src/app/commands.ts) the market steps below submit, the opening and a
 * new buyer's registration included; more-steps.ts lists its own generators' commands. The union
 * is what the simulator can generate (test/unit/sim-coverage.test.ts holds it against the registry).
 */
const marketStepCommands = [
  'register', 'activateAccount', 'login', 'applyForBankAccount', 'approveBankApplication', 'applyForCertificate', 'issueCertificate', 'startOnlineBankingLogin', 'completeOnlineBankingLogin',
  'giveCash', 'counterDeposit', 'counterWithdrawal', 'topUpWallet', 'withdrawFromWallet', 'onlineBankingTransfer',
  'listProduct', 'restock', 'addToCart', 'removeFromCart', 'placeOrders', 'payOrder', 'payOrderWith', 'cancelOrder',
  'applyForCard', 'approveCardApplication', 'repayCard', 'matchRemittances', 'collectCod', 'refuseCod',
  'bookShipment', 'pickUpShipment', 'confirmReceipt', 'requestRefund', 'cancelRefund', 'agreeRefund', 'refuseRefund', 'arbitrate', 'reviewOrder',
  'advanceClock',
] as const;

/** Every registered command name the simulator can generate. */
export const simulatedCommands: readonly string[] = [...new Set([...marketStepCommands, ...moreSteps.flatMap((g) => g.commands)])].sort();

/** Rolls 0..99 are the market steps and faults; rolls from 100 to this draw from more-steps.ts by weight. */
const rollMax = 159;

/** Bounds: parties and products the simulator creates (a step past them is skipped, not run). */
const buyersMax = 8;
const productsPerSellerMax = 12;
/** Notices a tab holds before the oldest are delivered regardless. */
const pendingNoticesMax = 200;
const paymentMethods = ['escrow', 'credit_card', 'cash_on_delivery', 'remittance'] as const;

export async function simulate(options: SimOptions): Promise<SimReport> {
  const { seed, steps } = options;
  const checkEvery = Math.max(1, options.checkEvery ?? 1);
  const replayEvery = options.replayEvery ?? 0;
  const log = options.log ?? (() => undefined);
  const rng = new Prng(seed);
  // The bytes the app's wrappers draw (salts, keys, nonces) come from their own seeded stream, so
  // how many a step draws changes no choice.
  const byteRng = new Prng(seed ^ 0x5eed_b17e);
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => byteRng.int(0, 255));
  const tabs = newTabMemory();
  let commandCount = 0;
  const nextMeta = (actor: string): CommandMeta => {
    commandCount += 1;
    return { id: `sim-${seed}-${commandCount}`, actor };
  };
  const faults: Record<string, number> = { duplicate: 0, abort: 0, quota: 0, killedTab: 0, outOfOrderNotice: 0 };
  const commands: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  let accepted = 0;
  let refused = 0;
  const pending: Notice[] = [];
  const publishEnv: CommandEnv = { publish: (n) => pending.push(...n) };

  const { db, id: worldId } = await freshWorld(`sim ${seed}`);
  const teacher = await teacherOf(db);
  const ca = await loggedInTab(db, worldId, 'ca', await labPassword(db, 'ca'));
  const buyers: Buyer[] = [];
  const sellers: Seller[] = [];
  const orders: string[] = [];

  const bankAccount = async (partyId: string, bankId: string): Promise<boolean> => {
    const applied = await applyForBankAccount(db, nextMeta(partyId), { bankId });
    if (!applied.ok) return false;
    return (await approveBankApplication(db, nextMeta(bankId), { applicationId: applied.value.id })).ok;
  };
  const newBuyer = async (): Promise<void> => {
    const n = buyers.length + 1;
    const partyId = await registerActive(db, `simbuyer${n}`);
    const ring = await loggedInTab(db, worldId, `simbuyer${n}`, goodPassword, new KeyRing());
    // Two buyers in three get a bank account, a certificate and an online-banking session; the rest
    // can shop but not pay from a bank (their attempts must be refused by name).
    const banked = n % 3 !== 0;
    if (banked) {
      await bankAccount(partyId, 'bank-a');
      const applied = await applyForCertificate(db, worldId, partyId, { keyRing: ring });
      if (applied.ok) await issueRequestedCertificate(db, worldId, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
      await onlineBankingLogin(db, worldId, { bankId: 'bank-a', partyId }, { keyRing: ring });
    }
    buyers.push({ partyId, loginName: `simbuyer${n}`, ring, env: { keyRing: ring, publish: publishEnv.publish }, cardId: null, banked });
  };

  // The world's opening: two approved sellers with accounts at bank-b, two buyers.
  for (const name of ['simshop1', 'simshop2']) {
    const partyId = await approvedSeller(db, name);
    await bankAccount(partyId, 'bank-b');
    const card = (await bankAccountsOf(db, partyId))[0]?.cardNumber ?? '';
    // The seller's tab is logged in with a certificate: it signs cheque endorsements.
    const ring = await loggedInTab(db, worldId, name, goodPassword, new KeyRing());
    const applied = await applyForCertificate(db, worldId, partyId, { keyRing: ring });
    if (applied.ok) await issueRequestedCertificate(db, worldId, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
    sellers.push({ partyId, card, products: [], ring });
  }
  await newBuyer();
  await newBuyer();
  await newBuyer();
  // A catalogue to start from: three products each, prices with odd fen (commission rounding shows).
  for (const seller of sellers) {
    for (let i = 0; i < 3; i += 1) {
      const number = `SIM-${seller.products.length + 1}`;
      const product = { number, name: `模拟商品 ${number}`, category: rng.pick(categoryIds), spec: '标准', unitPrice: rng.amount(1, 120), stock: rng.int(5, 30) };
      const r = await listProduct(db, nextMeta(seller.partyId), { product });
      if (r.ok) seller.products.push(r.value.id);
    }
  }

  let step = 0;
  let current = 'opening';
  /** The last submitted command, to submit again with the same id (the duplicate fault). */
  let last: { name: string; meta: CommandMeta; result: Result<unknown, string>; run: (meta: CommandMeta) => Promise<Result<unknown, string>> } | null = null;

  const submit: Submit = async (name, actor, run, keyed = true) => {
    const meta = nextMeta(actor);
    current = name;
    const r = await run(meta);
    commands[name] = (commands[name] ?? 0) + 1;
    if (r.ok) accepted += 1;
    else {
      refused += 1;
      refusals[`${name}:${r.code}`] = (refusals[`${name}:${r.code}`] ?? 0) + 1;
    }
    // A wrapper that makes its own command ids (or checks tab state before its command) is not
    // repeated by the duplicate fault: a repeat would be a new submission, not the same one.
    last = keyed ? { name, meta, result: r, run } : null;
    return r;
  };

  /**
   * An order for the next step: mostly one whose state the step fits (so stories go deep), else
   * any recent one (so illegal steps are tried too and must be refused by name).
   */
  const orderAt = async (states: readonly string[] = []): Promise<string | null> => {
    if (orders.length === 0) return null;
    if (states.length > 0 && rng.chance(0.8)) {
      const fitting = await marketTables(db).orders.where('state').anyOf([...states]).primaryKeys();
      if (fitting.length > 0) return rng.pick(fitting.sort());
    }
    return rng.pick(orders.slice(-12));
  };
  const orderRow = async (orderId: string): Promise<OrderRow | undefined> => marketTables(db).orders.get(orderId);
  const buyerOf = (partyId: string): Buyer | undefined => buyers.find((b) => b.partyId === partyId);
  const sellerOf = (partyId: string): Seller | undefined => sellers.find((s) => s.partyId === partyId);

  /** The buyer's tab pays an order by the channel it was placed with. */
  const pay = async (orderId: string, fallback: Buyer): Promise<void> => {
    const order = await orderRow(orderId);
    const payer = order === undefined ? fallback : (buyerOf(order.buyerId) ?? fallback);
    const method = order?.paymentMethod ?? 'escrow';
    if (method === 'escrow') {
      await submit('payOrder', payer.partyId, (m) => payOrder(db, m, { orderId }, payer.env));
    } else if (method === 'credit_card') {
      const source: Record<string, string> = payer.cardId === null ? {} : { cardId: payer.cardId };
      await submit('payOrderWith', payer.partyId, (m) => payOrderWith(db, m, { orderId, channel: 'credit_card', source }, payer.env));
    } else if (method === 'cash_on_delivery') {
      await submit('payOrderWith', payer.partyId, (m) => payOrderWith(db, m, { orderId, channel: 'cash_on_delivery' }, payer.env));
    } else {
      const r = await submit('payOrderWith', payer.partyId, (m) => payOrderWith(db, m, { orderId, channel: 'remittance' }, payer.env));
      const payee = order === undefined ? undefined : sellerOf(order.sellerId);
      if (r.ok && payee !== undefined && order !== undefined) {
        // Sometimes the buyer sends the wrong amount: the matcher must queue it as an exception.
        const amount = rng.chance(0.8) ? order.total.amount : rng.amount(1, 50);
        await submit('onlineBankingTransfer', payer.partyId, (m) => onlineBankingTransfer(db, m, { bankId: 'bank-a', payeeCard: payee.card, amount, memo: orderId }, payer.env));
        await submit('matchRemittances', payee.partyId, (m) => matchRemittances(db, m, { payeeId: payee.partyId }, publishEnv));
      }
    }
  };

  /** One random step: a command, a clock jump or a fault. */
  const oneStep = async (): Promise<void> => {
    const roll = rng.int(0, rollMax);
    const buyer = rng.pick(buyers);
    const seller = rng.pick(sellers);
    if (roll >= 100) {
      const generator = pickWeighted(rng, moreSteps);
      current = generator.name;
      const context: StepContext = { db, worldId, teacher, ca, rng, random, submit, buyer, seller, buyers, sellers, publishEnv, orderAt, tabs };
      await generator.run(context);
    } else if (roll < 5) {
      // Cash from the clearing house (the teacher's lab grant), paid in at the bank's counter.
      const amount = rng.amount(50, 800);
      await submit('giveCash', 'clearing', (m) => giveCash(db, teacher, m, { partyId: buyer.partyId, amount }, publishEnv));
      if (buyer.banked) await submit('counterDeposit', 'bank-a', (m) => counterDeposit(db, m, { accountId: bankingAccountIds.deposit('bank-a', buyer.partyId), amount }, publishEnv));
    } else if (roll < 7) {
      const amount = rng.amount(1, 100);
      await submit('counterWithdrawal', 'bank-a', (m) => counterWithdrawal(db, m, { accountId: bankingAccountIds.deposit('bank-a', buyer.partyId), amount }, publishEnv));
    } else if (roll < 13) {
      const amount = rng.amount(0, 300);
      await submit('topUpWallet', buyer.partyId, (m) => topUpWallet(db, m, { bankId: 'bank-a', amount }, buyer.env));
    } else if (roll < 15) {
      const who = rng.chance(0.5) ? seller.partyId : buyer.partyId;
      const bankId = who === seller.partyId ? 'bank-b' : 'bank-a';
      const amount = rng.amount(1, 200);
      await submit('withdrawFromWallet', who, (m) => withdrawFromWallet(db, m, { bankId, amount }, publishEnv));
    } else if (roll < 19) {
      if (seller.products.length >= productsPerSellerMax || rng.chance(0.3)) {
        const productId = seller.products.length === 0 ? 'no-such-product' : rng.pick(seller.products);
        const quantity = rng.int(0, 5);
        await submit('restock', seller.partyId, (m) => restock(db, m, { productId, quantity }, publishEnv));
        return;
      }
      const number = `SIM-${seller.products.length + 1}`;
      const product = { number, name: `模拟商品 ${number}`, category: rng.pick(categoryIds), spec: '标准', unitPrice: rng.amount(0, 120), stock: rng.int(0, 6) };
      const r = await submit('listProduct', seller.partyId, (m) => listProduct(db, m, { product }, publishEnv));
      if (r.ok) seller.products.push((r.value as { id: string }).id);
    } else if (roll < 27) {
      const all = sellers.flatMap((s) => s.products);
      const productId = all.length === 0 ? 'no-such-product' : rng.pick(all);
      if (rng.chance(0.8)) {
        const quantity = rng.int(0, 3);
        await submit('addToCart', buyer.partyId, (m) => addToCart(db, m, { productId, quantity }, publishEnv));
      } else await submit('removeFromCart', buyer.partyId, (m) => removeFromCart(db, m, { productId }, publishEnv));
    } else if (roll < 33) {
      const paymentMethod = rng.pick(paymentMethods);
      const all = sellers.flatMap((s) => s.products);
      const buyNow = rng.chance(0.4) && all.length > 0 ? { productId: rng.pick(all), quantity: rng.int(1, 2) } : undefined;
      const deliveryMethod = rng.pick(deliveryMethods);
      const r = await submit('placeOrders', buyer.partyId, (m) => placeOrders(db, m, { address, deliveryMethod, paymentMethod, ...(buyNow === undefined ? {} : { buyNow }) }, publishEnv));
      if (r.ok) {
        const placed = (r.value as OrderRow[]).map((o) => o.id);
        orders.push(...placed);
        // Most buyers pay at once, in the same tab (an order left unpaid closes at its timeout).
        for (const orderId of placed) if (rng.chance(0.7)) await pay(orderId, buyer);
      }
    } else if (roll < 41) {
      const orderId = await orderAt(['WAIT_BUYER_PAY']);
      if (orderId === null) return;
      await pay(orderId, buyer);
    } else if (roll < 44) {
      if (buyer.cardId !== null) {
        const cardId = buyer.cardId;
        const amount = rng.amount(1, 200);
        await submit('repayCard', buyer.partyId, (m) => repayCardFromBank(db, m, { cardId, bankId: 'bank-a', amount }, buyer.env));
        return;
      }
      const applied = await submit('applyForCard', buyer.partyId, (m) => applyForCard(db, m, { kind: 'credit' }, publishEnv));
      if (!applied.ok) return;
      const limit = rng.pick(['200.00', '500.00', '1000.00']);
      // Drawn before the closure: a duplicate submission repeats the same input.
      const billingDay = rng.int(1, 28);
      const approved = await submit('approveCardApplication', 'card', (m) => approveCardApplication(db, m, { applicationId: (applied.value as { id: string }).id, limit, billingDay }, publishEnv));
      if (approved.ok) buyer.cardId = (approved.value as { id: string }).id;
    } else if (roll < 52) {
      const waiting = rng.chance(0.5) ? (await marketTables(db).shipments.toArray()).filter((w) => w.status === 'booked') : [];
      if (waiting.length > 0) {
        // The courier picks up a parcel booked earlier (by a step that stopped after booking).
        const shipmentId = rng.pick(waiting).id;
        await submit('pickUpShipment', 'logistics', (m) => pickUpShipment(db, m, { shipmentId, place: '上海仓' }, publishEnv));
        return;
      }
      const orderId = await orderAt(['WAIT_SELLER_SEND_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const booked = await submit('bookShipment', order?.sellerId ?? seller.partyId, (m) => bookShipment(db, m, { orderId }, publishEnv));
      if (booked.ok && rng.chance(0.9)) {
        const shipmentId = (booked.value as { id: string }).id;
        await submit('pickUpShipment', 'logistics', (m) => pickUpShipment(db, m, { shipmentId, place: '杭州仓' }, publishEnv));
      }
    } else if (roll < 55) {
      const parcels = (await codShipmentsOf(db, 'logistics')).filter((p) => p.status === 'out_for_delivery');
      if (parcels.length === 0) return;
      const parcel = rng.pick(parcels);
      if (rng.chance(0.8)) await submit('collectCod', 'logistics', (m) => collectCod(db, m, { shipmentId: parcel.id }, publishEnv));
      else await submit('refuseCod', 'logistics', (m) => refuseCod(db, m, { shipmentId: parcel.id }, publishEnv));
    } else if (roll < 61) {
      const orderId = await orderAt(['WAIT_BUYER_CONFIRM_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const who = order === undefined ? buyer : (buyerOf(order.buyerId) ?? buyer);
      const doc = await signReceiptConfirmation(db, worldId, orderId, { keyRing: who.ring });
      if (!doc.ok) return;
      if (rng.chance(0.1)) {
        // The tab is killed after signing, before submitting: the command never arrives.
        faults.killedTab = (faults.killedTab ?? 0) + 1;
        current = 'confirmReceipt (killed before submit)';
        return;
      }
      await submit('confirmReceipt', who.partyId, (m) => confirmReceipt(db, m, { orderId, confirmation: doc.value }, who.env));
    } else if (roll < 66) {
      const orderId = await orderAt(['WAIT_BUYER_CONFIRM_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const amount = order !== undefined && rng.chance(0.5) ? rng.amount(0, Math.max(0, Math.floor(Number(order.total.amount)))) : null;
      await submit('requestRefund', order?.buyerId ?? buyer.partyId, (m) => requestRefund(db, m, { orderId, reason: '不想要了', amount }, publishEnv));
    } else if (roll < 71) {
      const orderId = await orderAt(['WAIT_BUYER_CONFIRM_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const agree = rng.chance(0.5);
      await submit(agree ? 'agreeRefund' : 'refuseRefund', order?.sellerId ?? seller.partyId, (m) => answerRefund(db, m, { orderId, agree, reason: '商品完好' }, publishEnv));
    } else if (roll < 74) {
      const orderId = await orderAt(['WAIT_BUYER_CONFIRM_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const outcome = rng.pick(['full_refund', 'partial_refund', 'release'] as const);
      const amount = outcome === 'partial_refund' && order !== undefined ? rng.amount(0, Math.max(0, Math.floor(Number(order.total.amount)))) : null;
      await submit('arbitrate', 'platform', (m) => arbitrate(db, m, { orderId, outcome, reason: '平台裁决', amount }, publishEnv));
    } else if (roll < 76) {
      const orderId = await orderAt(['WAIT_BUYER_CONFIRM_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      await submit('cancelRefund', order?.buyerId ?? buyer.partyId, (m) => cancelRefund(db, m, { orderId }, publishEnv));
    } else if (roll < 79) {
      const orderId = await orderAt(['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      await submit('cancelOrder', order?.buyerId ?? buyer.partyId, (m) => cancelOrder(db, m, { orderId }, publishEnv));
    } else if (roll < 81) {
      const orderId = await orderAt(['TRADE_FINISHED']);
      if (orderId === null) return;
      const order = await orderRow(orderId);
      const rating = rng.int(1, 5);
      await submit('reviewOrder', order?.buyerId ?? buyer.partyId, (m) => reviewOrder(db, m, { orderId, rating, text: '还行' }, publishEnv));
    } else if (roll < 84) {
      const payee = rng.pick(sellers);
      const amount = rng.amount(1, 80);
      await submit('onlineBankingTransfer', buyer.partyId, (m) => onlineBankingTransfer(db, m, { bankId: 'bank-a', payeeCard: payee.card, amount, memo: 'gift' }, buyer.env));
    } else if (roll < 85) {
      if (buyers.length < buyersMax) {
        current = 'register';
        await newBuyer();
      }
    } else if (roll < 90) {
      const hours = rng.pick([1, 1, 6, 6, 30, 24 * 4, 24 * 11]);
      await submit('advanceClock', 'platform', (m) => advanceClock(db, m, { kind: 'hours', hours }, publishEnv));
      current = `runDueJobs after +${hours}h`;
      await runDueJobs(db, 'sim-leader');
    } else if (roll < 93) {
      await duplicate();
    } else if (roll < 97) {
      await aborted();
    } else {
      await deliverNotices();
    }
  };

  /** The duplicate fault: the last command again with the same id gives the same result and logs nothing new. */
  const duplicate = async (): Promise<void> => {
    if (last === null) return;
    faults.duplicate = (faults.duplicate ?? 0) + 1;
    const { name, meta, result, run } = last;
    current = `${name} (duplicate of ${meta.id})`;
    const rowsBefore = await db.commandLog.count();
    const again = await run(meta);
    const rowsAfter = await db.commandLog.count();
    if (rowsAfter !== rowsBefore) throw new SimViolation('idempotent by command id', `a repeat of ${meta.id} appended ${rowsAfter - rowsBefore} log rows`);
    // An accepted command's repeat returns its first result; a refused one is refused again by name.
    if (again.ok !== result.ok || (!again.ok && !result.ok && again.code !== result.code)) throw new SimViolation('idempotent by command id', `${meta.id} gave ${again.ok ? 'ok' : again.code}, first ${result.ok ? 'ok' : result.code}`);
  };

  /**
   * The aborted-transaction fault: a command whose input the simulator knows runs its real apply
   * inside a wrapper that then throws (an Error, or a QuotaExceededError as a full disk gives):
   * nothing of it may stay (no log row, the same journal head, the same order row).
   */
  const aborted = async (): Promise<void> => {
    const orderId = await orderAt(['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS']);
    if (orderId === null) return;
    const order = await orderRow(orderId);
    if (order === undefined) return;
    const choices: readonly [string, string, CommandInput][] = [
      ['payOrder', order.buyerId, { orderId }],
      ['cancelOrder', order.buyerId, { orderId }],
      ['bookShipment', order.sellerId, { orderId }],
      ['agreeRefund', order.sellerId, { orderId }],
    ];
    const [name, actor, input] = rng.pick(choices);
    const definition = commandByName(name);
    if (definition === undefined) throw new SimViolation('registry', `${name} is not registered`);
    const quota = rng.chance(0.3);
    const faultName = quota ? 'QuotaExceededError' : 'SimAbort';
    faults[quota ? 'quota' : 'abort'] = (faults[quota ? 'quota' : 'abort'] ?? 0) + 1;
    current = `${name} aborted (${faultName}) on ${orderId}`;
    const wrapped: CommandDefinition = {
      ...definition,
      apply: async (tx, i) => {
        await definition.apply(tx, i);
        throw new SimAbort(faultName);
      },
    };
    const headOf = async () => JSON.stringify((await db.meta.get(journalHeadKey))?.value ?? null);
    const [rowsBefore, headBefore, orderBefore] = [await db.commandLog.count(), await headOf(), JSON.stringify(order)];
    // A throw comes back as the throw; a full disk comes back as the named result the user reads.
    let surfaced: boolean;
    try {
      const r = await execute(db, wrapped, nextMeta(actor), input, publishEnv);
      surfaced = quota && !r.ok && r.code === 'storage_quota_exceeded';
    } catch (e) {
      surfaced = !quota && e instanceof SimAbort;
    }
    if (!surfaced) throw new SimViolation('abort surfaces', `${name} did not report the ${faultName} thrown inside it`);
    if ((await db.commandLog.count()) !== rowsBefore) throw new SimViolation('abort rolls back', `${name} left a log row`);
    if ((await headOf()) !== headBefore) throw new SimViolation('abort rolls back', `${name} moved the journal head`);
    if (JSON.stringify(await orderRow(orderId)) !== orderBefore) throw new SimViolation('abort rolls back', `${name} changed order ${orderId}`);
  };

  /** Orders whose settlement the oracle has checked (the report's measure of depth). */
  const settled = new Set<string>();
  /** Out-of-order delivery: a random half of the pending notices, shuffled; each must name parties that exist. */
  const deliverNotices = async (): Promise<void> => {
    if (pending.length === 0) return;
    // The parties as they are now (a buyer registered since the last check gets notices too).
    const partyIds = new Set(await db.parties.toCollection().primaryKeys());
    faults.outOfOrderNotice = (faults.outOfOrderNotice ?? 0) + 1;
    current = 'deliver notices out of order';
    const count = Math.max(1, Math.min(pending.length, pending.length > pendingNoticesMax ? pending.length : rng.int(1, pending.length)));
    for (let i = 0; i < count; i += 1) {
      const [notice] = pending.splice(rng.int(0, pending.length - 1), 1);
      if (notice === undefined) break;
      for (const to of notice.to) if (!partyIds.has(to) && to !== '*') throw new SimViolation('notices name existing parties', `${notice.kind} to ${to}`);
    }
  };

  const checkInvariants = async (): Promise<void> => {
    // Money conserved per currency: debits equal credits over the whole world, posted and pending.
    for (const row of await trialBalanceNow(db)) if (!row.postedBalanced || !row.pendingBalanced) throw new SimViolation('money conserved per currency', JSON.stringify(row));
    const perBook = new Map<string, bigint>();
    for (const a of await allAccounts(db)) {
      const minor = (s: string) => BigInt(s.replace('.', ''));
      perBook.set(`${a.bookId} ${a.currency}`, (perBook.get(`${a.bookId} ${a.currency}`) ?? 0n) + minor(a.debitsPosted) - minor(a.creditsPosted));
      const beyond = limitViolation(a, balancesOf(a));
      if (beyond !== undefined) throw new SimViolation('no account beyond its limits', `${a.id}: ${beyond} (${JSON.stringify({ dp: a.debitsPosted, dq: a.debitsPending, cp: a.creditsPosted, cq: a.creditsPending, flags: a.flags })})`);
    }
    for (const [book, difference] of perBook) if (difference !== 0n) throw new SimViolation("each institution's books balance", `${book} is off by ${difference} fen`);
    const report = await verifyLedger(db);
    if (!report.ok) throw new SimViolation('the journal chain verifies', JSON.stringify({ firstBrokenSeq: report.firstBrokenSeq, mismatches: report.balanceMismatches.slice(0, 3) }));
    for (const order of await marketTables(db).orders.toArray()) {
      try {
        assertOrderRow(order);
      } catch (e) {
        throw new SimViolation('every order in a legal state', `${order.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!(orderPhases as readonly string[]).includes(orderPhase(order))) throw new SimViolation('every order in a legal state', `${order.id} in ${order.state}`);
      if (order.settlement !== null) {
        checkSettlement(order);
        settled.add(order.id);
      }
    }
  };

  const checkReplay = async (): Promise<void> => {
    current = 'replay';
    const fresh = new WorldDb(`settlelab-world-sim-${seed}-${step}-${Date.now().toString(36)}`);
    try {
      const r = await replay(await db.commandLog.toArray(), fresh);
      if (!r.ok) throw new SimViolation('replay digest equals the live one', `${r.code} ${JSON.stringify(r.detail ?? {})}`);
      const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
      if (live.digest !== again.digest) {
        const differ = Object.keys(live.tables).filter((t) => live.tables[t] !== again.tables[t]);
        throw new SimViolation('replay digest equals the live one', `tables differ: ${differ.join(', ')}`);
      }
    } finally {
      fresh.close();
      await fresh.delete();
    }
  };

  let lastCommand = 'opening';
  try {
    await checkInvariants();
    for (step = 1; step <= steps; step += 1) {
      await oneStep();
      lastCommand = current;
      if (step % checkEvery === 0 || step === steps) await checkInvariants();
      if (replayEvery > 0 && step % replayEvery === 0) await checkReplay();
    }
    step = steps;
    await checkReplay();
  } catch (e) {
    const invariant = e instanceof SimViolation ? e.invariant : 'no command throws (a programmer error)';
    const detail = e instanceof SimViolation ? e.detail : e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    const violation: Violation = { seed, step, command: current === 'replay' ? `replay after ${lastCommand}` : current, invariant, detail };
    log(`VIOLATION seed=${seed} step=${step} command=${violation.command}\n  invariant: ${invariant}\n  ${detail}\n  reproduce: npm run sim -- --seed ${seed} --steps ${step}`);
    db.close();
    return { ok: false, violation };
  }
  const logRows = await db.commandLog.count();
  // The command log's names (sub-commands a wrapper submits under its own ids included): what ran.
  const logged: Record<string, number> = {};
  await db.commandLog.each((row) => {
    logged[row.name] = (logged[row.name] ?? 0) + 1;
  });
  db.close();
  // Through the world list, not db.delete(): the registry holds at most worldsMax (200) worlds, and a
  // long run's 201st seed was refused worlds_too_many while each seed's entry stayed listed.
  const deleted = await deleteWorld(worldId);
  if (!deleted.ok) throw new Error(`the simulator could not delete its world: ${deleted.code}`);
  return { ok: true, seed, steps, accepted, refused, faults, commands, refusals, settled: settled.size, logRows, logged };
}

/**
 * The README's commission rule, computed here independently of the domain: each line's commission
 * is its released share times the line's rate, half-up to the fen; the order's is their sum; refund
 * + seller net + commission = total.
 */
/** The simulator's own Decimal (not the domain's clone), so a change in the domain's settings shows. */
const Decimal = DecimalBase.clone({ precision: 40 });

function checkSettlement(order: OrderRow): void {
  const s = order.settlement;
  if (s === null) return;
  let sum = new Decimal(0);
  for (const line of s.lines) {
    const expected = new Decimal(line.released.amount).times(line.rate).toDecimalPlaces(2, DecimalBase.ROUND_HALF_UP);
    if (!expected.equals(line.commission.amount)) throw new SimViolation('commission is the half-up fen of share × rate', `${order.id} line ${line.productId}: ${line.released.amount} × ${line.rate} = ${expected.toFixed(2)}, charged ${line.commission.amount}`);
    sum = sum.plus(line.commission.amount);
  }
  if (!sum.equals(s.commission.amount)) throw new SimViolation('commission is the sum of the lines', `${order.id}: ${sum.toFixed(2)} vs ${s.commission.amount}`);
  const parts = new Decimal(s.refund.amount).plus(s.sellerNet.amount).plus(s.commission.amount);
  if (!parts.equals(order.total.amount)) throw new SimViolation('refund + seller net + commission = total', `${order.id}: ${parts.toFixed(2)} vs ${order.total.amount}`);
}
