import { describe, expect, it } from 'vitest';
import { createLabWorld, labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { checkAnswer, labProgress, latestFailure } from '../../src/app/labs/progress.ts';
import { labUserPassword } from '../../src/app/labs/presets.ts';
import { answerLabQuestion, labAnswersOf, labReport, labReportFile, readLabReportFile } from '../../src/app/labs/report.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { answerRefund, arbitrate, cancelRefund, payOrder, placeOrders, requestRefund, reviewOrder } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment, postTracking } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { loggedInTab } from '../helpers/identity.ts';
import { address, advanceDays, expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import '../../src/app/features.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { applyForCertificate, issueRequestedCertificate, revokeCertificate } from '../../src/app/identity/ca.ts';
import { onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { collectCod } from '../../src/app/payments/channel-cod.ts';
import { paymentsTables } from '../../src/storage/payments-tables.ts';
import { matchExceptionByHand, matchRemittances } from '../../src/app/payments/channel-remittance.ts';
import { chequebooksOf, decidePresentment, depositCheque, endorseReceivedCheque, presentDepositedCheque, stopChequePayment, verifyReceivedCheque, writeAndSendCheque } from '../../src/app/echeque/index.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { labAlterChequeAmount } from '../../src/app/echeque/index.ts';
import { teacherOf } from '../helpers/world.ts';

// The B2C escrow lab's preset runs the real commands (so the world's journal shows how the money
// got there), replays to the same ledger head, and the lab's steps tick from the world's state as
// the trade goes on; its questions are answered by the world.

let n = 0;
async function labWorld(): Promise<{ db: WorldDb; id: string }> {
  n += 1;
  const id = `lab-world-${n}-${Date.now().toString(36)}`;
  const r = await createLabWorld({ labId: 'b2c-escrow', id, name: 'B2C lab', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return { db, id };
}

async function head(db: WorldDb): Promise<{ seq: number; hash: string }> {
  return (await db.meta.get(journalHeadKey))?.value as { seq: number; hash: string };
}

describe('the B2C escrow lab', () => {
  it('builds its preset by real commands, the same way twice (same ledger head hash)', async () => {
    const a = await labWorld();
    const b = await labWorld();
    expect((await head(a.db)).seq).toBeGreaterThan(0);
    expect(await head(b.db)).toEqual(await head(a.db));
    expect((await labOfWorld(a.db))?.id).toBe('b2c-escrow');
    // The money got there through the bank and online banking: events say so.
    const types = new Set((await a.db.events.toArray()).map((e) => e.type));
    for (const t of ['identity.registered', 'market.demo_catalogue', 'market.wallet_topup']) expect(types, t).toContain(t);
    expect(await walletOf(a.db, 'u-lab_buyer')).toMatchObject({ available: { amount: '300.00' } });
    await expectLedgerSound(a.db);
  });

  it('ticks each step only when the world shows it done, and answers its questions from the world', async () => {
    const { db, id } = await labWorld();
    const lab = labById('b2c-escrow')!;
    const done = async () => (await labProgress(db, lab)).steps.filter((s) => s.done).map((s) => s.step.id);
    expect(await done()).toEqual([]);
    expect((await labProgress(db, lab)).current?.id).toBe('pay');
    const buyer = 'u-lab_buyer';
    const seller = 'u-lab_seller';
    const ring = await loggedInTab(db, id, 'lab_buyer', labUserPassword);

    unwrap(await addToCart(db, meta(buyer), { productId: `${seller}-demo-01`, quantity: 1 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
    // Placed is not paid: no tick. A refused attempt is what the panel explains.
    expect(await done()).toEqual([]);
    expect(await reviewOrder(db, meta(buyer), { orderId: order!.id, rating: 5, text: '好' })).toMatchObject({ ok: false });
    expect(await latestFailure(db, ['reviewOrder'])).toMatchObject({ name: 'reviewOrder', code: expect.any(String) });
    expect(await checkAnswer(db, lab, 'commission', '0.90')).toBe('not_yet');

    unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
    expect(await done()).toEqual(['pay']);
    const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
    expect(await done()).toEqual(['pay', 'book']);
    const picked = unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
    unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }));
    expect(await done()).toEqual(['pay', 'book', 'pickup', 'deliver']);
    const doc = unwrap(await signReceiptConfirmation(db, id, order!.id, { keyRing: ring }));
    unwrap(await confirmReceipt(db, meta(buyer), { orderId: order!.id, confirmation: doc }));
    unwrap(await reviewOrder(db, meta(buyer), { orderId: order!.id, rating: 5, text: '书很新，发货快' }));
    expect((await labProgress(db, lab)).current?.id).toBe('settled');
    await advanceDays(db, 1);
    const progress = await labProgress(db, lab);
    expect(progress.current).toBeNull();
    expect(progress.steps.every((s) => s.done && typeof s.at === 'number')).toBe(true);

    // ¥45.00 textbook, 2% commission = ¥0.90; the seller gets the rest of goods and shipping.
    const settled = (await db.table('orders').get(order!.id)) as { settlement: { commission: { amount: string }; sellerNet: { amount: string } } };
    expect(await checkAnswer(db, lab, 'commission', `¥${settled.settlement.commission.amount}`)).toBe('correct');
    expect(await checkAnswer(db, lab, 'commission', '1.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'seller-net', settled.settlement.sellerNet.amount)).toBe('correct');
    expect(await checkAnswer(db, lab, 'tracking', picked.trackingNumber!.toLowerCase())).toBe('correct');

    // Answering: a wrong answer changes nothing; a right one is kept in the world, once.
    expect(unwrap(await answerLabQuestion(db, lab, meta(buyer), { questionId: 'commission', answer: '9.99' })).verdict).toBe('wrong');
    expect(await labAnswersOf(db)).toEqual({});
    expect(unwrap(await answerLabQuestion(db, lab, meta(buyer), { questionId: 'commission', answer: ' ¥0.90 ' })).verdict).toBe('correct');
    expect(unwrap(await answerLabQuestion(db, lab, meta(buyer), { questionId: 'commission', answer: '0.9' })).verdict).toBe('correct');
    expect(Object.keys(await labAnswersOf(db))).toEqual(['commission']);
    expect((await labAnswersOf(db)).commission?.answer).toBe('¥0.90');
    expect(await answerLabQuestion(db, lab, meta(buyer), { questionId: 'nope', answer: '1' })).toMatchObject({ ok: false, code: 'lab_question_not_found' });

    // The report: every step with its world time, the answers, the ledger head; a file with a checksum.
    const report = await labReport(db, lab);
    expect(report.steps.every((s) => s.done && typeof s.at === 'number')).toBe(true);
    expect(report.answers).toEqual([
      { id: 'commission', answer: '¥0.90', at: expect.any(Number) },
      { id: 'seller-net', answer: null, at: null },
      { id: 'tracking', answer: null, at: null },
    ]);
    expect(report.ledgerHead).toEqual(await head(db));
    const file = labReportFile(report);
    expect(readLabReportFile(file)).toEqual({ ok: true, value: report });
    expect(readLabReportFile(file.replace('¥0.90', '¥9.90'))).toMatchObject({ ok: false, code: 'report_checksum_mismatch' });
    expect(readLabReportFile('{"hello": 1}')).toMatchObject({ ok: false, code: 'report_not_a_report' });
    await expectLedgerSound(db);
  });
});

// The labs added after B2C (issue #14): each preset replays to the same ledger head hash, and each
// lab's steps tick from the world as its commands run; its questions are answered by the world.
async function presetWorld(labId: string): Promise<{ db: WorldDb; id: string }> {
  n += 1;
  const id = `lab-${labId}-${n}-${Date.now().toString(36)}`;
  const r = await createLabWorld({ labId, id, name: labId, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return { db, id };
}

async function stepsDone(db: WorldDb, labId: string): Promise<string[]> {
  return (await labProgress(db, labById(labId)!)).steps.filter((s) => s.done).map((s) => s.step.id);
}

describe.each(['certificate', 'online-banking', 'refund-dispute', 'cod', 'remittance'])('the %s lab preset', (labId) => {
  it('builds by real commands the same way twice (same ledger head hash)', async () => {
    const a = await presetWorld(labId);
    const b = await presetWorld(labId);
    expect((await head(a.db)).seq).toBeGreaterThan(0);
    expect(await head(b.db)).toEqual(await head(a.db));
    expect((await labOfWorld(a.db))?.id).toBe(labId);
    expect(await stepsDone(a.db, labId)).toEqual([]);
    await expectLedgerSound(a.db);
  });
});

describe('the certificate lab', () => {
  it('ticks apply, issue, sign, revoke and the refused signature from the world; answers from the world', async () => {
    const { db, id } = await presetWorld('certificate');
    const lab = labById('certificate')!;
    const applicant = 'u-lab_cert';
    const ring = await loggedInTab(db, id, 'lab_cert', labUserPassword);
    const caPassword = (await identityTables(db).labSheet.get('ca'))!.password;
    const caRing = await loggedInTab(db, id, 'ca', caPassword!);
    // Without a certificate the bank has nothing to check the signature against: no tick.
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: applicant }, { keyRing: ring })).result).toMatchObject({ ok: false, code: 'certificate_required' });
    expect(await checkAnswer(db, lab, 'serial', '1')).toBe('not_yet');

    const request = unwrap(await applyForCertificate(db, id, applicant, { keyRing: ring }));
    expect(await stepsDone(db, 'certificate')).toEqual(['apply']);
    const issued = unwrap(await issueRequestedCertificate(db, id, 'ca', { requestId: request.requestId }, { keyRing: caRing }));
    expect(await stepsDone(db, 'certificate')).toEqual(['apply', 'issue']);
    unwrap((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: applicant }, { keyRing: ring })).result);
    expect(await stepsDone(db, 'certificate')).toEqual(['apply', 'issue', 'sign']);
    expect(await checkAnswer(db, lab, 'crl-entries', '1')).toBe('not_yet');
    unwrap(await revokeCertificate(db, id, 'ca', { serial: issued.serial, reason: 'key_compromise' }, { keyRing: caRing }));
    expect(await stepsDone(db, 'certificate')).toEqual(['apply', 'issue', 'sign', 'revoke']);
    ring.closeBanking(id, applicant, 'bank-a');
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: applicant }, { keyRing: ring })).result).toMatchObject({ ok: false, code: 'certificate_revoked' });
    const progress = await labProgress(db, lab);
    expect(progress.current).toBeNull();

    expect(await checkAnswer(db, lab, 'serial', ` ${issued.serial} `)).toBe('correct');
    expect(await checkAnswer(db, lab, 'serial', String(issued.serial + 1))).toBe('wrong');
    const root = (await identityTables(db).certificates.where('partyId').equals('ca').toArray())[0]!;
    expect(await checkAnswer(db, lab, 'issuer-serial', String(root.serial))).toBe('correct');
    expect(await checkAnswer(db, lab, 'crl-entries', '1')).toBe('correct');
  });
});

describe('the online banking and clearing lab', () => {
  it('ticks the U盾 login, both interbank payments and the night batch; the batch moved the net', async () => {
    const { db, id } = await presetWorld('online-banking');
    const lab = labById('online-banking')!;
    const payer = 'u-lab_payer';
    const payee = 'u-lab_payee';
    const payerRing = await loggedInTab(db, id, 'lab_payer', labUserPassword);
    const payeeRing = await loggedInTab(db, id, 'lab_payee', labUserPassword);
    const cardOf = async (party: string) => (await bankAccountsOf(db, party))[0]!.cardNumber;
    // Without the U盾 login the bank refuses the payment: nothing ticks.
    expect(await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard: await cardOf(payee), amount: '300.00' }, { keyRing: payerRing })).toMatchObject({ ok: false });
    expect(await stepsDone(db, 'online-banking')).toEqual([]);

    unwrap((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: payer }, { keyRing: payerRing })).result);
    expect(await stepsDone(db, 'online-banking')).toEqual(['login']);
    unwrap(await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard: await cardOf(payee), amount: '300.00' }, { keyRing: payerRing }));
    expect(await stepsDone(db, 'online-banking')).toEqual(['login', 'pay']);
    unwrap((await onlineBankingLogin(db, id, { bankId: 'bank-b', partyId: payee }, { keyRing: payeeRing })).result);
    unwrap(await onlineBankingTransfer(db, meta(payee), { bankId: 'bank-b', payeeCard: await cardOf(payer), amount: '120.00' }, { keyRing: payeeRing }));
    expect(await stepsDone(db, 'online-banking')).toEqual(['login', 'pay', 'pay-back']);
    expect(await checkAnswer(db, lab, 'net', '180.00')).toBe('not_yet');
    await advanceDays(db, 1);
    expect((await labProgress(db, lab)).current).toBeNull();

    expect(await checkAnswer(db, lab, 'net', '¥180')).toBe('correct');
    expect(await checkAnswer(db, lab, 'net', '420.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'gross', '420.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'payments', '2')).toBe('correct');
    await expectLedgerSound(db);
  });
});

describe('the refund and dispute lab', () => {
  it('ticks the partial refund agreed, the refused refund and the arbitration; commission only on what was released', async () => {
    const { db } = await presetWorld('refund-dispute');
    const lab = labById('refund-dispute')!;
    const buyer = 'u-lab_buyer';
    const seller = 'u-lab_seller';
    const orders = (await db.table('orders').toArray()) as { id: string; state: string; lines: { productId: string }[]; total: { amount: string } }[];
    const textbook = orders.find((o) => o.lines[0]!.productId === `${seller}-demo-01`)!;
    const earphones = orders.find((o) => o.lines[0]!.productId === `${seller}-demo-03`)!;
    expect([textbook.state, earphones.state]).toEqual(['WAIT_BUYER_CONFIRM_GOODS', 'WAIT_BUYER_CONFIRM_GOODS']);
    // A full refund on the textbook is not the partial one the step asks for.
    unwrap(await requestRefund(db, meta(buyer), { orderId: textbook.id, reason: '封面破损', amount: textbook.total.amount }));
    expect(await stepsDone(db, 'refund-dispute')).toEqual([]);
    unwrap(await cancelRefund(db, meta(buyer), { orderId: textbook.id }));
    unwrap(await requestRefund(db, meta(buyer), { orderId: textbook.id, reason: '封面破损', amount: '10.00' }));
    expect(await stepsDone(db, 'refund-dispute')).toEqual(['ask-partial']);
    unwrap(await answerRefund(db, meta(seller), { orderId: textbook.id, agree: true }));
    expect(await stepsDone(db, 'refund-dispute')).toEqual(['ask-partial', 'agree']);
    unwrap(await requestRefund(db, meta(buyer), { orderId: earphones.id, reason: '无法充电' }));
    unwrap(await answerRefund(db, meta(seller), { orderId: earphones.id, agree: false, reason: '发货前测试可以充电' }));
    expect(await stepsDone(db, 'refund-dispute')).toEqual(['ask-partial', 'agree', 'ask-refund', 'refuse']);
    expect(await checkAnswer(db, lab, 'refund', '100.00')).toBe('not_yet');
    unwrap(await arbitrate(db, meta('platform'), { orderId: earphones.id, outcome: 'partial_refund', reason: '双方各担一部分', amount: '100.00' }));
    expect((await labProgress(db, lab)).current).toBeNull();

    // Textbook ¥45.00 + shipping; ¥10.00 back: commission 2% of the goods' part released only.
    const settled = (await db.table('orders').get(textbook.id)) as { settlement: { commission: { amount: string } } };
    expect(await checkAnswer(db, lab, 'commission', settled.settlement.commission.amount)).toBe('correct');
    expect(await checkAnswer(db, lab, 'commission', '0.90')).toBe(settled.settlement.commission.amount === '0.90' ? 'correct' : 'wrong');
    expect(await checkAnswer(db, lab, 'refund', '¥100')).toBe('correct');
    const disputed = (await db.table('orders').get(earphones.id)) as { settlement: { sellerNet: { amount: string } } };
    expect(await checkAnswer(db, lab, 'seller-net', disputed.settlement.sellerNet.amount)).toBe('correct');
    await expectLedgerSound(db);
  });
});

describe('the e-cheque lab', () => {
  it('builds by real commands the same way twice (same ledger head hash), with the drawer\'s chequebook', async () => {
    const a = await presetWorld('echeque');
    const b = await presetWorld('echeque');
    expect(await head(b.db)).toEqual(await head(a.db));
    expect((await labOfWorld(a.db))?.id).toBe('echeque');
    expect(await stepsDone(a.db, 'echeque')).toEqual([]);
    expect((await chequebooksOf(a.db, 'u-lab_drawer')).map((book) => book.count)).toEqual([10]);
    await expectLedgerSound(a.db);
  });

  it('ticks write, endorse, deposit, present and pay; then the stop returned as payment_stopped, and the amount the teacher\'s lab tool altered returned as altered; answers from the world', async () => {
    const { db, id } = await presetWorld('echeque');
    const lab = labById('echeque')!;
    const drawer = 'u-lab_drawer';
    const payee = 'u-lab_payee';
    const drawerRing = await loggedInTab(db, id, 'lab_drawer', labUserPassword);
    const payeeRing = await loggedInTab(db, id, 'lab_payee', labUserPassword);
    const [book] = await chequebooksOf(db, drawer);
    // A tab where the drawer never signed in cannot sign: refused, nothing ticks.
    const refused = await writeAndSendCheque(db, id, drawer, { bookId: book!.id, payeePartyId: payee, amount: '200.00' }, { keyRing: new KeyRing() });
    expect(refused).toMatchObject({ ok: false, code: 'login_required' });
    expect(await stepsDone(db, 'echeque')).toEqual([]);
    expect(await checkAnswer(db, lab, 'number', '1')).toBe('not_yet');

    const first = unwrap(await writeAndSendCheque(db, id, drawer, { bookId: book!.id, payeePartyId: payee, amount: '200.00' }, { keyRing: drawerRing }));
    expect(await stepsDone(db, 'echeque')).toEqual(['write']);
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId: first.id }));
    unwrap(await endorseReceivedCheque(db, id, payee, { chequeId: first.id }, { keyRing: payeeRing }));
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse']);
    const deposited = unwrap(await depositCheque(db, meta(payee), { chequeId: first.id }));
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse', 'deposit']);
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse', 'deposit', 'present']);
    expect(unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id })).decision.outcome).toBe('paid');
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse', 'deposit', 'present', 'pay']);

    const second = unwrap(await writeAndSendCheque(db, id, drawer, { bookId: book!.id, payeePartyId: payee, amount: '80.00' }, { keyRing: drawerRing }));
    // Written but not yet stopped: the stop step waits.
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse', 'deposit', 'present', 'pay']);
    unwrap(await stopChequePayment(db, id, drawer, { bookId: book!.id, chequeNumber: second.cheque.payload.chequeNumber, reason: '货物未到' }, { keyRing: drawerRing }));
    expect(await stepsDone(db, 'echeque')).toContain('stop');
    expect(await checkAnswer(db, lab, 'fee', '20.00')).toBe('not_yet');
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId: second.id }));
    unwrap(await endorseReceivedCheque(db, id, payee, { chequeId: second.id }, { keyRing: payeeRing }));
    const again = unwrap(await depositCheque(db, meta(payee), { chequeId: second.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: again.id }));
    expect(await stepsDone(db, 'echeque')).toEqual(['write', 'endorse', 'deposit', 'present', 'pay', 'stop', 'deposit-stopped', 'present-stopped']);
    const returned = unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: again.id }));
    expect(returned.presentment.reason).toBe('payment_stopped');
    expect((await labProgress(db, lab)).current?.id).toBe('write-third');

    // The third cheque, its amount changed after signing by the teacher's lab tool (teacher only).
    const third = unwrap(await writeAndSendCheque(db, id, drawer, { bookId: book!.id, payeePartyId: payee, amount: '50.00' }, { keyRing: drawerRing }));
    expect(await stepsDone(db, 'echeque')).toContain('write-third');
    expect(await labAlterChequeAmount(db, null, meta(payee), { chequeId: third.id, amount: '500.00' })).toMatchObject({ ok: false });
    expect(await stepsDone(db, 'echeque')).not.toContain('alter');
    expect(await checkAnswer(db, lab, 'signed-amount', '50.00')).toBe('not_yet');
    unwrap(await labAlterChequeAmount(db, await teacherOf(db), meta(payee), { chequeId: third.id, amount: '500.00' }));
    expect(await stepsDone(db, 'echeque')).toContain('alter');
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId: third.id }));
    unwrap(await endorseReceivedCheque(db, id, payee, { chequeId: third.id }, { keyRing: payeeRing }));
    const altered = unwrap(await depositCheque(db, meta(payee), { chequeId: third.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: altered.id }));
    expect(unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: altered.id })).presentment.reason).toBe('altered_or_fictitious');
    expect(await stepsDone(db, 'echeque')).toEqual(lab.steps.map((s) => s.id));
    expect((await labProgress(db, lab)).current).toBeNull();
    expect(await checkAnswer(db, lab, 'signed-amount', '50.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'signed-amount', '500.00')).toBe('wrong');

    expect(await checkAnswer(db, lab, 'number', first.cheque.payload.chequeNumber)).toBe('correct');
    expect(await checkAnswer(db, lab, 'number', second.cheque.payload.chequeNumber)).toBe('wrong');
    expect(await checkAnswer(db, lab, 'amount', '¥200')).toBe('correct');
    expect(await checkAnswer(db, lab, 'amount', '280.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'fee', '20.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'fee', '80.00')).toBe('wrong');
    await expectLedgerSound(db);
  });
});

describe('the cash-on-delivery lab', () => {
  it('ticks the COD order, the shipping, the cash collected at the door and the day-end remittance; fee and net from the world', async () => {
    const { db } = await presetWorld('cod');
    const lab = labById('cod')!;
    const buyer = 'u-lab_buyer';
    const seller = 'u-lab_seller';
    unwrap(await addToCart(db, meta(buyer), { productId: `${seller}-demo-03`, quantity: 2 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'cash_on_delivery' }));
    // Placed is not yet "pay at the door": no tick, no question answered.
    expect(await stepsDone(db, 'cod')).toEqual([]);
    expect(await checkAnswer(db, lab, 'fee', '3.98')).toBe('not_yet');
    unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'cash_on_delivery' }));
    expect(await stepsDone(db, 'cod')).toEqual(['order']);
    const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
    expect(await stepsDone(db, 'cod')).toEqual(['order', 'ship']);
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
    expect(await stepsDone(db, 'cod')).toEqual(['order', 'ship', 'pickup']);
    const [parcel] = await paymentsTables(db).codShipments.where('orderId').equals(order!.id).toArray();
    // Only the courier collects at the door: the buyer's own attempt is refused and ticks nothing.
    expect(await collectCod(db, meta(buyer), { shipmentId: parcel!.id })).toMatchObject({ ok: false });
    expect(await stepsDone(db, 'cod')).toEqual(['order', 'ship', 'pickup']);
    unwrap(await collectCod(db, meta('logistics'), { shipmentId: parcel!.id }));
    expect(await stepsDone(db, 'cod')).toEqual(['order', 'ship', 'pickup', 'collect']);
    expect(await checkAnswer(db, lab, 'fee', '3.98')).toBe('not_yet');
    await advanceDays(db, 1);
    expect((await labProgress(db, lab)).current).toBeNull();

    // Two earphones at ¥199.00 (express free at this total) = ¥398.00 collected; fee 1% = ¥3.98
    // (above the ¥2.00 minimum); the seller's bank account gets ¥394.02.
    expect(await checkAnswer(db, lab, 'collected', '¥398')).toBe('correct');
    expect(await checkAnswer(db, lab, 'fee', '3.98')).toBe('correct');
    expect(await checkAnswer(db, lab, 'fee', '2.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'remitted', '394.02')).toBe('correct');
    expect(await checkAnswer(db, lab, 'remitted', '398.00')).toBe('wrong');
    const sellerAccount = (await bankAccountsOf(db, seller))[0]!;
    expect(sellerAccount.bankId).toBe('bank-b');
    await expectLedgerSound(db);
  });
});

describe('the remittance lab', () => {
  it('ticks the instruction, the transfer queued without its reference, the match by hand and the automatic match; answers from the world', async () => {
    const { db, id } = await presetWorld('remittance');
    const lab = labById('remittance')!;
    const buyer = 'u-lab_buyer';
    const seller = 'u-lab_seller';
    const ring = await loggedInTab(db, id, 'lab_buyer', labUserPassword);
    const sellerCard = (await bankAccountsOf(db, seller))[0]!.cardNumber;
    const buy = async (product: string) => {
      unwrap(await addToCart(db, meta(buyer), { productId: `${seller}-${product}`, quantity: 1 }));
      const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'remittance' }));
      return order!;
    };
    const textbook = await buy('demo-01');
    expect(await stepsDone(db, 'remittance')).toEqual([]);
    unwrap(await payOrderWith(db, meta(buyer), { orderId: textbook.id, channel: 'remittance' }));
    expect(await stepsDone(db, 'remittance')).toEqual(['order']);
    unwrap((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: buyer }, { keyRing: ring })).result);
    unwrap(await onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: textbook.total.amount, memo: '' }, { keyRing: ring }));
    unwrap(await matchRemittances(db, meta(seller), { payeeId: seller }));
    expect(await stepsDone(db, 'remittance')).toEqual(['order', 'transfer']);
    expect(await checkAnswer(db, lab, 'hand-amount', textbook.total.amount)).toBe('not_yet');
    const [queued] = await paymentsTables(db).remittanceExceptions.toArray();
    expect(queued!.reason).toBe('missing_reference');
    const [charge] = await paymentsTables(db).charges.where('orderId').equals(textbook.id).toArray();
    // Only the payee works its queue: the buyer's attempt is refused and ticks nothing.
    expect(await matchExceptionByHand(db, meta(buyer), { exceptionId: queued!.id, chargeId: charge!.id })).toMatchObject({ ok: false });
    expect(await stepsDone(db, 'remittance')).toEqual(['order', 'transfer']);
    unwrap(await matchExceptionByHand(db, meta(seller), { exceptionId: queued!.id, chargeId: charge!.id }));
    expect(await stepsDone(db, 'remittance')).toEqual(['order', 'transfer', 'match']);

    const book = await buy('demo-02');
    unwrap(await payOrderWith(db, meta(buyer), { orderId: book.id, channel: 'remittance' }));
    unwrap(await onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: book.total.amount, memo: `货款 ${book.id}` }, { keyRing: ring }));
    unwrap(await matchRemittances(db, meta(seller), { payeeId: seller }));
    expect((await labProgress(db, lab)).current).toBeNull();

    expect(await checkAnswer(db, lab, 'hand-amount', textbook.total.amount)).toBe('correct');
    expect(await checkAnswer(db, lab, 'hand-amount', book.total.amount)).toBe('wrong');
    expect(await checkAnswer(db, lab, 'reference', ` ${book.id.toLowerCase()} `)).toBe('correct');
    expect(await checkAnswer(db, lab, 'reference', textbook.id)).toBe('wrong');
    await expectLedgerSound(db);
  });
});
