// Random sequences of e-cash withdrawals, payments, deposits, double-spend attempts and pay-backs,
// Mondex card loads, payments, interrupted transfers (value or ack lost), late deliveries,
// recoveries and device deposits, and stored-value top-ups and purchases, run against a real
// MemoryLedger. After every step:
//   - the ledger's trial balance is zero (debits = credits);
//   - the bank's e-cash liability equals the value of distinct, undeposited coins anywhere;
//   - the issuer's smart-card float equals value on cards + on devices + in flight (pending logs);
//   - the stored-value float equals the sum of card balances;
//   - the world's value (parties' bank money + coins + card values + pending logs + stored value +
//     what issuers owe merchants) never changes;
//   - every institution's book balances on its own, and what ICBC owes through clearing for coins
//     seller y deposited at its own bank (CCB) equals the open interbank positions, until a
//     clearing batch nets and settles them through the banks' reserves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import { issueCertificate, makeCertificateRequest, makeRootCertificate, type SignedDocument } from '../../src/domain/identity/index.ts';
import { MemoryLedger, amountToMinor, balanceOf, trialBalance, type AccountInput, type MoveRequest } from '../../src/domain/ledger/index.ts';
import { bankingAccountIds, netPositions, settlementRequests, type InterbankPayment } from '../../src/domain/payments/banking/index.ts';
import { add, fromMinorUnits, money, toMinorUnits, toStored, zero, type Money } from '../../src/domain/money/index.ts';
import {
  createMerchantDevice,
  createSmartCard,
  createStoredValueIssuer,
  denominationMinor,
  ecashBankCommitNonce,
  ecashBankDeposit,
  ecashBankKeysFromSeed,
  ecashBankSignBlinded,
  ecashBlindChallenge,
  ecashDenominations,
  ecashMerchantCheckPayment,
  ecashPlanPayment,
  ecashPublicKeyOf,
  ecashRemoveCoins,
  ecashStartWithdrawal,
  ecashUnblind,
  ecashWithdrawalRandomLength,
  findEcashKey,
  issueStoredValueCard,
  mondexCardHello,
  mondexCardPay,
  mondexCardSettle,
  mondexDepositTakings,
  mondexDeviceAcceptValue,
  mondexDeviceRequest,
  mondexLoadCard,
  mondexPaymentKey,
  mondexRecover,
  mondexValueBreakdown,
  paymentAccountId,
  storedValueSpend,
  storedValueTopUp,
  type EcashCoin,
  type EcashDenomination,
  type MerchantDevice,
  type MondexAuthContext,
  type PaymentLedgerEffect,
  type SmartCard,
  type StoredValueCard,
} from '../../src/domain/payments/index.ts';

const t0 = Date.UTC(2026, 0, 5, 1);
const day = 86_400_000;
const icbc = 'bank:icbc';
const ccb = 'bank:ccb';
const buyers = ['buyer:a', 'buyer:b'] as const;
const sellers = ['seller:x', 'seller:y'] as const;
const campusId = 'campus:u';
const fundingPerBuyer = '500.00';

function bytesOf(label: string, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(sha256(utf8Encode(`${label}#${i}`)));
  return concatBytes(...blocks).slice(0, length);
}
function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

// --- fixed infrastructure (built once: certificates and keys are slow to make) ---------------------
const keys = ecashBankKeysFromSeed(icbc, bytesOf('icbc ecash', 32));
const publicKeys = keys.map(ecashPublicKeyOf);
const caSeed = bytesOf('ca', 32);
const root = makeRootCertificate(caSeed, { name: 'CA', partyId: 'ca:root' }, t0 - day, 3650 * day);
// Bare revocation entries (none): the unit tests cover signed lists; here it saves a check per message.
const authContext: MondexAuthContext = { roots: [root], crl: [], now: t0 };
let certSerial = 2;
function deviceCert(partyId: string, seed: Uint8Array) {
  return unwrap(issueCertificate(makeCertificateRequest({ name: partyId, role: 'device', partyId }, seed, t0 - day), caSeed, root, certSerial++, t0 - day));
}
const cardSeeds = buyers.map((b) => bytesOf(`card seed ${b}`, 32));
const cardCerts = buyers.map((b, i) => deviceCert(`card:${b}`, cardSeeds[i]!));
const deviceSeeds = sellers.map((s) => bytesOf(`device seed ${s}`, 32));
const deviceCerts = sellers.map((s, i) => deviceCert(`pos:${s}`, deviceSeeds[i]!));
const campus = createStoredValueIssuer({ issuerId: campusId, name: 'Campus card', kind: 'campus', currency: 'CNY', balanceMax: '500', participants: [...sellers] });

// --- the world one run mutates ----------------------------------------------------------------------
type World = {
  ledger: MemoryLedger;
  purses: EcashCoin[][];
  /** Coins merchants were paid and have not deposited yet. */
  held: EcashCoin[][];
  /** Copies of coins buyers already spent (what a double spender keeps). */
  copies: EcashCoin[][];
  spent: Set<string>;
  cards: SmartCard[];
  devices: MerchantDevice[];
  depositedPayments: Set<string>;
  /** Value messages and acks that were "lost" and may turn up later. */
  lostValues: { device: number; value: SignedDocument }[];
  lostAcks: { card: number; ack: SignedDocument }[];
  svCards: StoredValueCard[];
  counter: number;
  now: number;
  /** The world's value after set-up: every later state must have exactly this much. */
  initialValue: Money | null;
  /** Coins deposited through another bank than their issuer, not yet settled by a clearing batch. */
  positions: InterbankPayment[];
  batches: number;
};

function creditAccount(id: string, partyId: string, bookId: string, floor: boolean): AccountInput {
  return { id, partyId, bookId, code: 'test', name: id, currency: 'CNY', normal: 'credit', flags: floor ? { debitsMustNotExceedCredits: true } : {} };
}
function debitAccount(id: string, partyId: string, bookId: string): AccountInput {
  return { id, partyId, bookId, code: 'test', name: id, currency: 'CNY', normal: 'debit', flags: {} };
}

const partyDepositIds = [
  ...buyers.map((b) => paymentAccountId({ role: 'bank_deposit', bankId: icbc, partyId: b })),
  ...sellers.map((s) => paymentAccountId({ role: 'bank_deposit', bankId: icbc, partyId: s })),
  paymentAccountId({ role: 'bank_deposit', bankId: ccb, partyId: sellers[1] }),
];
const ecashOutstandingId = paymentAccountId({ role: 'ecash_outstanding', bankId: icbc });
const smartcardFloatId = paymentAccountId({ role: 'smartcard_float', issuerId: icbc });
const svFloatId = paymentAccountId({ role: 'stored_value_float', issuerId: campusId });
const svPayableIds = sellers.map((s) => paymentAccountId({ role: 'stored_value_payable', issuerId: campusId, merchantId: s }));
/** Seller y banks at CCB too: it deposits ICBC coins there, and ICBC pays CCB through clearing. */
const acquirerOf = (seller: number, ownBank: boolean): string => (seller === 1 && ownBank ? ccb : icbc);
const clearingBook = 'clearing';
// Reserves start at zero without a floor: this test is about conservation, not the net debit cap.
const clearingAccountInputs: AccountInput[] = [icbc, ccb].flatMap((bank) => [
  creditAccount(bankingAccountIds.clearingOut(bank), bank, bank, false),
  debitAccount(bankingAccountIds.clearingIn(bank), bank, bank),
  debitAccount(bankingAccountIds.reserve(bank), bank, bank),
  creditAccount(bankingAccountIds.centralReserve(bank), bank, clearingBook, false),
]);

function newWorld(): World {
  const ledger = new MemoryLedger();
  const inputs: AccountInput[] = [
    debitAccount(`${icbc}:vault`, icbc, icbc),
    ...partyDepositIds.map((id) => creditAccount(id, id, id.startsWith(ccb) ? ccb : icbc, true)),
    creditAccount(ecashOutstandingId, icbc, icbc, true),
    creditAccount(smartcardFloatId, icbc, icbc, true),
    creditAccount(paymentAccountId({ role: 'bank_deposit', bankId: icbc, partyId: ccb }), ccb, icbc, true),
    debitAccount(paymentAccountId({ role: 'institution_at_bank', institutionId: ccb, bankId: icbc }), ccb, ccb),
    creditAccount(paymentAccountId({ role: 'bank_deposit', bankId: icbc, partyId: campusId }), campusId, icbc, true),
    debitAccount(paymentAccountId({ role: 'institution_at_bank', institutionId: campusId, bankId: icbc }), campusId, campusId),
    creditAccount(svFloatId, campusId, campusId, true),
    ...svPayableIds.map((id) => creditAccount(id, campusId, campusId, true)),
    ...clearingAccountInputs,
    creditAccount(bankingAccountIds.settlement, clearingBook, clearingBook, false),
  ];
  for (const input of inputs) unwrap(ledger.addAccount(input, t0));
  const funding: MoveRequest[] = buyers.map((b) => ({
    id: `fund:${b}`,
    kind: 'single',
    debitAccountId: `${icbc}:vault`,
    creditAccountId: paymentAccountId({ role: 'bank_deposit', bankId: icbc, partyId: b }),
    amount: fundingPerBuyer,
    currency: 'CNY',
    code: 'test.fund',
  }));
  const funded = unwrap(ledger.apply(funding, t0));
  expect(funded.results.every((r) => r.status === 'created')).toBe(true);
  const cards = buyers.map((b, i) =>
    createSmartCard({ cardId: `card:${b}`, issuerId: icbc, holderId: b, currency: 'CNY', balanceMax: '200', keyRef: 'k', certificate: cardCerts[i]! }),
  );
  const devices = sellers.map((s, i) =>
    createMerchantDevice({ deviceId: `pos:${s}`, merchantId: s, acquirerId: i === 0 ? icbc : ccb, currency: 'CNY', keyRef: 'k', certificate: deviceCerts[i]! }),
  );
  const world: World = {
    ledger,
    purses: buyers.map(() => []),
    held: sellers.map(() => []),
    copies: buyers.map(() => []),
    spent: new Set(),
    cards,
    devices,
    depositedPayments: new Set(),
    lostValues: [],
    lostAcks: [],
    svCards: buyers.map((b) => issueStoredValueCard(campus, { cardId: `sv:${b}`, holderId: b, now: t0 })),
    counter: 0,
    now: t0,
    initialValue: null,
    positions: [],
    batches: 0,
  };
  // Every card starts with ¥100 on its chip, so payments have something to move from the first step.
  for (let b = 0; b < buyers.length; b++) {
    const loaded = unwrap(mondexLoadCard(world.cards[b]!, { loadId: `initial ${b}`, amount: '100.00', now: t0 }));
    expect(applyEffects(world, loaded.effects)).toBe(true);
    world.cards[b] = loaded.card;
  }
  return world;
}

/** Applies one command's effects as one linked batch: all or nothing, like the app's transaction. */
function applyEffects(world: World, effects: readonly PaymentLedgerEffect[]): boolean {
  const requests: MoveRequest[] = effects.map((e, i) => ({
    id: e.transferId,
    kind: 'single',
    debitAccountId: paymentAccountId(e.from),
    creditAccountId: paymentAccountId(e.to),
    amount: e.amount.amount,
    currency: e.amount.currency,
    code: e.code,
    refs: e.refs,
    linked: i < effects.length - 1,
  }));
  const applied = unwrap(world.ledger.apply(requests, world.now));
  const created = applied.results.every((r) => r.status === 'created');
  // A refusal may only be the money running out; anything else is a bug in the effects.
  if (!created) {
    for (const r of applied.results) if (r.status === 'failed') expect(['insufficient_funds', 'linked_event_failed']).toContain(r.code);
  }
  return created;
}

function ledgerBalance(world: World, id: string): Money {
  const account = world.ledger.accounts.get(id);
  expect(account).toBeDefined();
  return balanceOf(account!);
}

function withdrawCoin(world: World, buyer: number, denomination: EcashDenomination): boolean {
  const key = findEcashKey(keys, icbc, denomination)!;
  const label = `run ${world.counter++}`;
  const wallet = ecashStartWithdrawal(icbc, denomination, bytesOf(`w ${label}`, ecashWithdrawalRandomLength));
  const opened = unwrap(ecashBankCommitNonce([], { sessionId: label, account: buyers[buyer]!, key, nonceRandom: bytesOf(`k ${label}`, 64), now: world.now }));
  const blinded = unwrap(ecashBlindChallenge(wallet, opened.commitment, ecashPublicKeyOf(key)));
  const signed = unwrap(ecashBankSignBlinded(opened.session, blinded.request, key, world.now));
  // Insufficient funds: the app rolls the command back; the response never reaches the wallet.
  if (!applyEffects(world, signed.effects)) return false;
  world.purses[buyer]!.push(unwrap(ecashUnblind(blinded.withdrawal, signed.response, ecashPublicKeyOf(key))));
  return true;
}

function bankDeposit(world: World, coins: readonly EcashCoin[], payee: string, purpose: 'deposit' | 'pay_back', acquirerId = icbc) {
  const result = ecashBankDeposit({ depositId: `dep ${world.counter++}`, bankId: icbc, acquirerId, purpose, payee, coins, now: world.now }, publicKeys, world.spent);
  if (!result.ok) return result;
  expect(applyEffects(world, result.value.effects)).toBe(true);
  for (const row of result.value.rows) world.spent.add(row.serial);
  expect(result.value.interbank === null).toBe(acquirerId === icbc);
  if (result.value.interbank !== null) world.positions.push(result.value.interbank);
  return result;
}

/** The night's clearing batch: nets the open positions and settles them through the reserves. */
function settleClearing(world: World): void {
  if (world.positions.length === 0) return;
  const requests = settlementRequests(`batch:${world.batches++}`, netPositions(world.positions, 'CNY'), 'CNY');
  const applied = unwrap(world.ledger.apply(requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 })), world.now));
  expect(applied.results.every((r) => r.status === 'created')).toBe(true);
  world.positions = [];
}

/** Pays `minor` fen from a buyer's purse to a merchant, following the change plan. */
function spendCoins(world: World, buyer: number, seller: number, minor: bigint, keepCopies: boolean): void {
  const price = toStored(fromMinorUnits(minor, 'CNY'));
  const plan = unwrap(ecashPlanPayment(world.purses[buyer]!, price));
  let pay: EcashCoin[] = [...plan.pay];
  if (plan.kind === 'split') {
    const back = bankDeposit(world, [plan.exchange], buyers[buyer]!, 'pay_back');
    expect(back.ok).toBe(true);
    world.purses[buyer] = ecashRemoveCoins(world.purses[buyer]!, [plan.exchange.serial]);
    const before = world.purses[buyer]!.length;
    for (const d of [...plan.withdrawForPayment, ...plan.withdrawForWallet]) expect(withdrawCoin(world, buyer, d)).toBe(true);
    pay = [...pay, ...world.purses[buyer]!.slice(before, before + plan.withdrawForPayment.length)];
  } else if (plan.kind === 'withdraw') {
    const before = world.purses[buyer]!.length;
    for (const d of plan.withdraw) if (!withdrawCoin(world, buyer, d)) return; // ran out of money: no payment
    pay = [...pay, ...world.purses[buyer]!.slice(before)];
  }
  unwrap(ecashMerchantCheckPayment(pay, price, publicKeys));
  world.purses[buyer] = ecashRemoveCoins(world.purses[buyer]!, pay.map((c) => c.serial));
  world.held[seller]!.push(...pay);
  if (keepCopies) world.copies[buyer]!.push(...pay);
}

function merchantDeposit(world: World, seller: number, ownBank: boolean): void {
  // A refused coin (double spend) is dropped by the merchant, who deposits the rest.
  for (let attempt = 0; attempt <= 1000 && world.held[seller]!.length > 0; attempt++) {
    const result = bankDeposit(world, world.held[seller]!, sellers[seller]!, 'deposit', acquirerOf(seller, ownBank));
    if (result.ok) {
      world.held[seller] = [];
      return;
    }
    expect(result.code).toBe('double_spend');
    const serial = String(result.detail?.serial);
    if (world.spent.has(serial)) {
      // Deposited before (by whoever was paid first): the merchant holding the copy lost it.
      world.held[seller] = world.held[seller]!.filter((c) => c.serial !== serial);
    } else {
      // The same coin twice in this merchant's batch: keep one, drop the duplicate.
      const at = world.held[seller]!.findIndex((c) => c.serial === serial);
      expect(world.held[seller]!.filter((c) => c.serial === serial).length).toBeGreaterThan(1);
      world.held[seller]!.splice(at, 1);
    }
  }
}

type Op =
  | { t: 'withdraw'; buyer: number; denomination: number }
  | { t: 'spend'; buyer: number; seller: number; tenths: number; copy: boolean }
  | { t: 'doubleSpend'; buyer: number; seller: number }
  | { t: 'deposit'; seller: number; ownBank: boolean }
  | { t: 'settle' }
  | { t: 'payBack'; buyer: number; copies: boolean }
  | { t: 'cardLoad'; buyer: number; fen: number }
  | { t: 'cardPay'; buyer: number; seller: number; fen: number; lose: 'none' | 'value' | 'ack' }
  | { t: 'late'; pick: number; ack: boolean }
  | { t: 'interrupted'; buyer: number; seller: number; fen: number; lose: 'value' | 'ack'; order: 'recover_then_late' | 'late_then_recover' | 'recover_only' }
  | { t: 'recover'; buyer: number; seller: number; all: boolean }
  | { t: 'deviceDeposit'; seller: number }
  | { t: 'svTopUp'; buyer: number; fen: number }
  | { t: 'svSpend'; buyer: number; seller: number; fen: number };

const buyerArb = fc.integer({ min: 0, max: buyers.length - 1 });
const sellerArb = fc.integer({ min: 0, max: sellers.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('withdraw' as const), buyer: buyerArb, denomination: fc.integer({ min: 0, max: ecashDenominations.length - 1 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('spend' as const), buyer: buyerArb, seller: sellerArb, tenths: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 400 })), copy: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('doubleSpend' as const), buyer: buyerArb, seller: sellerArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deposit' as const), seller: sellerArb, ownBank: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('settle' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('payBack' as const), buyer: buyerArb, copies: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cardLoad' as const), buyer: buyerArb, fen: fc.integer({ min: 1, max: 10_000 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('cardPay' as const),
      buyer: buyerArb,
      seller: sellerArb,
      fen: fc.integer({ min: 1, max: 3_000 }),
      lose: fc.constantFrom('none' as const, 'none' as const, 'value' as const, 'ack' as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('late' as const), pick: fc.nat(), ack: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('interrupted' as const),
      buyer: buyerArb,
      seller: sellerArb,
      fen: fc.integer({ min: 1, max: 3_000 }),
      lose: fc.constantFrom('value' as const, 'ack' as const),
      order: fc.constantFrom('recover_then_late' as const, 'late_then_recover' as const, 'recover_only' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('recover' as const), buyer: buyerArb, seller: sellerArb, all: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('deviceDeposit' as const), seller: sellerArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('svTopUp' as const), buyer: buyerArb, fen: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('svSpend' as const), buyer: buyerArb, seller: sellerArb, fen: fc.integer({ min: 1, max: 5_000 }) }) },
);

const fen = (n: number): string => toStored(fromMinorUnits(BigInt(n), 'CNY')).amount;

function step(world: World, op: Op): void {
  world.now += 60_000;
  const ctx = { ...authContext, now: world.now };
  switch (op.t) {
    case 'withdraw':
      withdrawCoin(world, op.buyer, ecashDenominations[op.denomination]!);
      return;
    case 'spend':
      spendCoins(world, op.buyer, op.seller, BigInt(op.tenths) * 10n, op.copy);
      return;
    case 'doubleSpend': {
      const copy = world.copies[op.buyer]!.shift();
      if (copy === undefined) return;
      // Offline, the merchant cannot tell a copy from a coin: the signature is genuine.
      unwrap(ecashMerchantCheckPayment([copy], { amount: copy.denomination, currency: 'CNY' }, publicKeys));
      world.held[op.seller]!.push(copy);
      return;
    }
    case 'deposit':
      merchantDeposit(world, op.seller, op.ownBank);
      return;
    case 'settle':
      settleClearing(world);
      return;
    case 'payBack': {
      if (op.copies) {
        // Paying back copies of spent coins: refused whenever the original is already in.
        for (const copy of world.copies[op.buyer]!.splice(0)) {
          const result = bankDeposit(world, [copy], buyers[op.buyer]!, 'pay_back');
          if (!result.ok) expect(result).toMatchObject({ code: 'double_spend', detail: { serial: copy.serial } });
        }
        return;
      }
      if (world.purses[op.buyer]!.length === 0) return;
      const result = bankDeposit(world, world.purses[op.buyer]!, buyers[op.buyer]!, 'pay_back');
      // Purse coins were never handed to anyone, so nobody can have deposited them.
      expect(result.ok).toBe(true);
      world.purses[op.buyer] = [];
      return;
    }
    case 'cardLoad': {
      const loaded = mondexLoadCard(world.cards[op.buyer]!, { loadId: `load ${world.counter++}`, amount: fen(op.fen), now: world.now });
      if (loaded.ok && applyEffects(world, loaded.value.effects)) world.cards[op.buyer] = loaded.value.card;
      return;
    }
    case 'cardPay': {
      const card = world.cards[op.buyer]!;
      const device = world.devices[op.seller]!;
      const hello = mondexCardHello(card, cardSeeds[op.buyer]!);
      const requested = unwrap(mondexDeviceRequest(device, hello, { amount: fen(op.fen), nonce: bytesOf(`nonce ${world.counter++}`, 32), now: world.now }, ctx, deviceSeeds[op.seller]!));
      world.devices[op.seller] = requested.device;
      const paid = mondexCardPay(card, requested.request, ctx, cardSeeds[op.buyer]!);
      if (!paid.ok) {
        expect(['insufficient_balance', 'pending_log_full']).toContain(paid.code);
        return;
      }
      world.cards[op.buyer] = paid.value.card;
      if (op.lose === 'value') {
        world.lostValues.push({ device: op.seller, value: paid.value.value });
        return;
      }
      const accepted = unwrap(mondexDeviceAcceptValue(world.devices[op.seller]!, paid.value.value, ctx, deviceSeeds[op.seller]!));
      world.devices[op.seller] = accepted.device;
      if (op.lose === 'ack') {
        world.lostAcks.push({ card: op.buyer, ack: accepted.ack });
        return;
      }
      world.cards[op.buyer] = unwrap(mondexCardSettle(world.cards[op.buyer]!, accepted.ack, ctx)).card;
      return;
    }
    case 'late': {
      if (op.ack) {
        if (world.lostAcks.length === 0) return;
        const [lost] = world.lostAcks.splice(op.pick % world.lostAcks.length, 1);
        const settled = mondexCardSettle(world.cards[lost!.card]!, lost!.ack, ctx);
        if (settled.ok) world.cards[lost!.card] = settled.value.card;
        else expect(settled.code).toBe('no_pending_entry'); // recovery got there first
        return;
      }
      if (world.lostValues.length === 0) return;
      const [lost] = world.lostValues.splice(op.pick % world.lostValues.length, 1);
      const accepted = mondexDeviceAcceptValue(world.devices[lost!.device]!, lost!.value, ctx, deviceSeeds[lost!.device]!);
      if (accepted.ok) world.devices[lost!.device] = accepted.value.device; // the ack itself is lost too
      // Refused when recovery closed the request first, or a later payment of that card got in first.
      else expect(['unknown_request', 'replay']).toContain(accepted.code);
      return;
    }
    case 'interrupted': {
      // One transfer broken at a chosen point, then recovery and the lost message's late arrival
      // in either order: the interleavings where value could be created or lost.
      const lostBefore = op.lose === 'value' ? world.lostValues.length : world.lostAcks.length;
      step(world, { t: 'cardPay', buyer: op.buyer, seller: op.seller, fen: op.fen, lose: op.lose });
      const lostNow = op.lose === 'value' ? world.lostValues.length : world.lostAcks.length;
      if (lostNow === lostBefore) return; // the card refused to pay: nothing was interrupted
      checkInvariants(world, worldValueAtStart(world));
      const late: Op = { t: 'late', pick: lostNow - 1, ack: op.lose === 'ack' };
      const recover: Op = { t: 'recover', buyer: op.buyer, seller: op.seller, all: false };
      const order = op.order === 'recover_then_late' ? [recover, late] : op.order === 'late_then_recover' ? [late, recover] : [recover];
      for (const next of order) {
        step(world, next);
        checkInvariants(world, worldValueAtStart(world));
      }
      return;
    }
    case 'recover': {
      // One card meeting one device, or (all) every card meeting every device, as at the issuer.
      for (let b = 0; b < buyers.length; b++) {
        for (let s = 0; s < sellers.length; s++) {
          if (!op.all && (b !== op.buyer || s !== op.seller)) continue;
          const recovered = unwrap(mondexRecover(world.cards[b]!, world.devices[s]!, ctx, deviceSeeds[s]!));
          world.cards[b] = recovered.card;
          world.devices[s] = recovered.device;
        }
      }
      return;
    }
    case 'deviceDeposit': {
      const result = mondexDepositTakings(world.devices[op.seller]!, { depositId: `takings ${world.counter++}`, now: world.now }, authContext, world.depositedPayments);
      if (!result.ok) {
        expect(result.code).toBe('nothing_to_deposit');
        return;
      }
      expect(applyEffects(world, result.value.effects)).toBe(true);
      for (const row of result.value.rows) world.depositedPayments.add(mondexPaymentKey(row.cardId, row.sequence));
      world.devices[op.seller] = result.value.device;
      return;
    }
    case 'svTopUp': {
      const topped = storedValueTopUp(world.svCards[op.buyer]!, campus, { topUpId: `top ${world.counter++}`, amount: fen(op.fen), bankId: icbc, now: world.now });
      if (topped.ok && applyEffects(world, topped.value.effects)) world.svCards[op.buyer] = topped.value.card;
      return;
    }
    case 'svSpend': {
      const paid = storedValueSpend(world.svCards[op.buyer]!, campus, { paymentId: `sv ${world.counter++}`, merchantId: sellers[op.seller]!, amount: fen(op.fen), reference: 'r', now: world.now });
      if (!paid.ok) {
        expect(paid.code).toBe('insufficient_balance');
        return;
      }
      expect(applyEffects(world, paid.value.effects)).toBe(true);
      world.svCards[op.buyer] = paid.value.card;
      return;
    }
  }
}

function worldValueAtStart(world: World): Money {
  expect(world.initialValue).not.toBeNull();
  return world.initialValue!;
}

function coinsOutstanding(world: World): Money {
  const serials = new Map<string, EcashCoin>();
  for (const group of [...world.purses, ...world.held, ...world.copies]) for (const c of group) if (!world.spent.has(c.serial)) serials.set(c.serial, c);
  const minor = [...serials.values()].reduce((t, c) => t + denominationMinor(c.denomination), 0n);
  return fromMinorUnits(minor, 'CNY');
}

function worldValue(world: World): Money {
  let total = zero('CNY');
  for (const id of partyDepositIds) total = add(total, ledgerBalance(world, id));
  for (const id of svPayableIds) total = add(total, ledgerBalance(world, id));
  total = add(total, coinsOutstanding(world));
  total = add(total, money(mondexValueBreakdown(world.cards, world.devices, 'CNY').total.amount, 'CNY'));
  for (const c of world.svCards) total = add(total, money(c.balance, 'CNY'));
  return total;
}

function checkInvariants(world: World, initial: Money): void {
  for (const row of trialBalance(world.ledger.accounts.values())) {
    expect(row.postedBalanced).toBe(true);
    expect(row.pendingBalanced).toBe(true);
  }
  const perBook = new Map<string, bigint>();
  for (const a of world.ledger.accounts.values()) {
    const net = amountToMinor(a.debitsPosted, 2)! - amountToMinor(a.creditsPosted, 2)!;
    perBook.set(a.bookId, (perBook.get(a.bookId) ?? 0n) + net);
  }
  for (const [book, net] of perBook) expect(net, `book ${book} balances`).toBe(0n);
  const open = world.positions.reduce((t, p) => t + amountToMinor(p.amount, 2)!, 0n);
  expect(toMinorUnits(ledgerBalance(world, bankingAccountIds.clearingOut(icbc)))).toBe(open);
  expect(toMinorUnits(ledgerBalance(world, bankingAccountIds.clearingIn(ccb)))).toBe(open);
  expect(toStored(ledgerBalance(world, ecashOutstandingId))).toEqual(toStored(coinsOutstanding(world)));
  expect(toStored(ledgerBalance(world, smartcardFloatId)).amount).toBe(mondexValueBreakdown(world.cards, world.devices, 'CNY').total.amount);
  const svCardsTotal = world.svCards.reduce((t, c) => add(t, money(c.balance, 'CNY')), zero('CNY'));
  expect(toStored(ledgerBalance(world, svFloatId))).toEqual(toStored(svCardsTotal));
  expect(toMinorUnits(worldValue(world))).toBe(toMinorUnits(initial));
  for (const card of world.cards) expect(money(card.balance, 'CNY').amount.isNegative()).toBe(false);
}

describe('value conservation across e-cash, Mondex and stored-value operations', () => {
  it('keeps the trial balance zero and every kind of value accounted for', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 8, maxLength: 25, size: 'max' }), (ops) => {
        const world = newWorld();
        const initial = worldValue(world);
        world.initialValue = initial;
        expect(toStored(initial).amount).toBe('1000.00');
        checkInvariants(world, initial);
        for (const op of ops) {
          step(world, op);
          checkInvariants(world, initial);
        }
        // Finally bring every lost message home: recovery leaves no value in flight.
        for (let b = 0; b < buyers.length; b++) {
          for (let s = 0; s < sellers.length; s++) {
            const recovered = unwrap(mondexRecover(world.cards[b]!, world.devices[s]!, { ...authContext, now: world.now }, deviceSeeds[s]!));
            world.cards[b] = recovered.card;
            world.devices[s] = recovered.device;
          }
        }
        expect(mondexValueBreakdown(world.cards, world.devices, 'CNY').inFlight.amount).toBe('0.00');
        expect(world.cards.every((c) => c.pendingLog.length === 0)).toBe(true);
        checkInvariants(world, initial);
        // And the last clearing batch leaves nothing in transit.
        settleClearing(world);
        checkInvariants(world, initial);
        for (const bank of [icbc, ccb]) {
          expect(toMinorUnits(ledgerBalance(world, bankingAccountIds.clearingOut(bank)))).toBe(0n);
          expect(toMinorUnits(ledgerBalance(world, bankingAccountIds.clearingIn(bank)))).toBe(0n);
        }
      }),
      { numRuns: 20 },
    );
  }, 180_000);
});
