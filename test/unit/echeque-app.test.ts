import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids, hourMs, worldEpochMs } from '../../src/domain/index.ts';
import { bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { openPositions, clearingBatches } from '../../src/app/banking/clearing.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import {
  chequesReceivedBy,
  decidePresentment,
  decidedPresentments,
  depositCheque,
  enableChequeAccount,
  endorseReceivedCheque,
  feeIncomeAccountId,
  issueChequebookAtBank,
  labAlterChequeAmount,
  payeeChecklistOf,
  presentDepositedCheque,
  presentmentQueue,
  stopChequePayment,
  unusedChequeNumbers,
  verifyReceivedCheque,
  writeAndSendCheque,
  type DecidedPresentment,
} from '../../src/app/echeque/index.ts';
import { echequeTables } from '../../src/storage/echeque-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { balances, customerAt, expectBooksSound, fund, onlineBanking } from '../helpers/banking.ts';

const midnight = worldEpochMs + 15 * hourMs; // the world starts at 09:00 Beijing time

type Scene = { db: WorldDb; worldId: string; drawer: string; payee: string; drawerRing: KeyRing; payeeRing: KeyRing; bookId: string };

/** A drawer at bank-a with ¥1,000 and a chequebook, a payee at `payeeBank`; both logged in with certificates. */
async function scene(payeeBank = 'bank-b'): Promise<Scene> {
  const { db, id: worldId } = await freshWorld();
  const drawer = await customerAt(db, 'zhangsan', 'bank-a');
  const payee = await customerAt(db, 'lisi', payeeBank);
  await fund(db, drawer, 'bank-a', '1000.00');
  const drawerRing = await onlineBanking(db, worldId, 'zhangsan', drawer, 'bank-a');
  const payeeRing = await onlineBanking(db, worldId, 'lisi', payee, payeeBank);
  const enabled = await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer) });
  expect(enabled.ok).toBe(true);
  const book = await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer), count: 10 });
  if (!book.ok) throw new Error(book.code);
  return { db, worldId, drawer, payee, drawerRing, payeeRing, bookId: book.value.id };
}

async function write(s: Scene, amount: string): Promise<string> {
  const r = await writeAndSendCheque(s.db, s.worldId, s.drawer, { bookId: s.bookId, payeePartyId: s.payee, amount, memo: 'goods' }, { keyRing: s.drawerRing });
  if (!r.ok) throw new Error(`write: ${r.code}`);
  return r.value.id;
}

/** The payee verifies (unless already), endorses (unless already) and deposits; both banks act. */
async function depositAndDecide(s: Scene, chequeId: string): Promise<DecidedPresentment> {
  const row = await echequeTables(s.db).cheques.get(chequeId);
  if (row!.status === 'delivered') expect((await verifyReceivedCheque(s.db, meta(s.payee), { chequeId })).ok).toBe(true);
  if (row!.endorsement === null) {
    const e = await endorseReceivedCheque(s.db, s.worldId, s.payee, { chequeId }, { keyRing: s.payeeRing });
    expect(e.ok, e.ok ? '' : e.code).toBe(true);
  }
  const d = await depositCheque(s.db, meta(s.payee), { chequeId });
  if (!d.ok) throw new Error(`deposit: ${d.code}`);
  const collecting = d.value.collectingBankId;
  expect((await presentmentQueue(s.db, collecting)).toPresent.map((p) => p.id)).toContain(d.value.id);
  const p = await presentDepositedCheque(s.db, meta(collecting), { presentmentId: d.value.id });
  expect(p.ok).toBe(true);
  expect((await presentmentQueue(s.db, 'bank-a')).toDecide.map((x) => x.id)).toContain(d.value.id);
  const decided = await decidePresentment(s.db, meta('bank-a'), { presentmentId: d.value.id });
  if (!decided.ok) throw new Error(`decide: ${decided.code}`);
  return decided.value;
}

describe('e-cheques in a world', () => {
  it('pays a good cheque once, through clearing; a second presentment is returned as a duplicate', async () => {
    const s = await scene('bank-b');
    const before = await balances(s.db);
    const chequeId = await write(s, '300.00');
    // Delivered: the payee's inbox and mailbox, and the bank holds the drawer's signed notice.
    expect((await chequesReceivedBy(s.db, s.payee, 50)).map((c) => c.id)).toEqual([chequeId]);
    expect((await mailOf(s.db, s.payee)).some((m) => m.body.key === 'echeque.mail.received' && m.ref === chequeId)).toBe(true);
    expect(await echequeTables(s.db).chequeNotices.get(chequeId)).toBeDefined();
    const checklist = await payeeChecklistOf(s.db, chequeId, s.payee);
    expect(checklist.ok && checklist.value.allPassed).toBe(true);

    const first = await depositAndDecide(s, chequeId);
    expect(first.decision.outcome).toBe('paid');
    expect(first.presentment.clearing).toBe(true);
    let b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('700.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('300.00');
    // Booked through both banks' clearing accounts and waiting for the night's batch.
    expect(b.get(ids.clearingOut('bank-a'))).toBe('300.00');
    expect((await openPositions(s.db)).map((p) => p.amount)).toEqual(['300.00']);
    const row = await echequeTables(s.db).cheques.get(chequeId);
    expect(row!.status).toBe('paid');
    expect(row!.history.map((h) => h.status)).toEqual(['written', 'delivered', 'verified', 'endorsed', 'deposited', 'presented', 'paid']);
    const book = await echequeTables(s.db).chequebooks.get(s.bookId);
    expect(book!.paidNumbers).toEqual([row!.cheque.payload.chequeNumber]);
    expect((await mailOf(s.db, s.drawer)).some((m) => m.body.key === 'echeque.notice.paid_drawer')).toBe(true);

    // Clearing settles at Beijing midnight: the net moves between the reserves, transit is zero.
    await advanceClock(s.db, meta(), { kind: 'to', at: midnight + hourMs });
    await runDueJobs(s.db, 'tab');
    expect((await clearingBatches(s.db)).length).toBe(1);
    b = await balances(s.db);
    expect(b.get(ids.clearingOut('bank-a'))).toBe('0.00');
    expect(b.get(ids.reserve('bank-a'))).toBe((Number(before.get(ids.reserve('bank-a'))) - 300).toFixed(2));
    expect(await openPositions(s.db)).toEqual([]);

    // The same cheque again: returned as a duplicate, nothing moves, no fee (not the drawer's doing).
    const second = await depositAndDecide(s, chequeId);
    expect(second.decision.outcome).toBe('returned');
    expect(second.presentment.reason).toBe('duplicate_presentment');
    expect(second.presentment.fee).toBeNull();
    const after = await balances(s.db);
    expect(after.get(ids.deposit('bank-a', s.drawer))).toBe('700.00');
    expect(after.get(ids.deposit('bank-b', s.payee))).toBe('300.00');
    expect((await echequeTables(s.db).cheques.get(chequeId))!.status).toBe('paid');
    expect((await mailOf(s.db, s.payee)).some((m) => m.body.key === 'echeque.notice.returned_payee' && m.body.params?.reason === 'duplicate_presentment')).toBe(true);
    expect((await mailOf(s.db, s.drawer)).some((m) => m.body.key === 'echeque.notice.returned_drawer')).toBe(true);
    await expectBooksSound(s.db);
  });

  it('pays within one bank without clearing', async () => {
    const s = await scene('bank-a');
    const chequeId = await write(s, '12.30');
    const r = await depositAndDecide(s, chequeId);
    expect(r.decision.outcome).toBe('paid');
    expect(r.presentment.clearing).toBe(false);
    const b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.payee))).toBe('12.30');
    expect(await openPositions(s.db)).toEqual([]);
    await expectBooksSound(s.db);
  });

  it('returns a cheque whose amount was changed after signing as altered, without a fee', async () => {
    const s = await scene('bank-b');
    const chequeId = await write(s, '100.00');
    const altered = await labAlterChequeAmount(s.db, await teacherOf(s.db), meta(s.payee), { chequeId, amount: '900' });
    expect(altered.ok).toBe(true);
    const checklist = await payeeChecklistOf(s.db, chequeId, s.payee);
    if (!checklist.ok) throw new Error(checklist.code);
    expect(checklist.value.allPassed).toBe(false);
    expect(checklist.value.checks.find((c) => c.check === 'drawer_signature')?.pass).toBe(false);
    expect(checklist.value.checks.find((c) => c.check === 'amount_in_words')?.pass).toBe(true);
    const r = await depositAndDecide(s, chequeId);
    expect(r.decision.outcome).toBe('returned');
    expect(r.presentment.reason).toBe('altered_or_fictitious');
    expect(r.presentment.detail?.check).toBe('drawer_signature');
    expect(r.presentment.fee).toBeNull();
    const b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('1000.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('0.00');
    const row = await echequeTables(s.db).cheques.get(chequeId);
    expect(row!.status).toBe('returned');
    expect(row!.history.at(-1)?.reason).toBe('altered_or_fictitious');
    await expectBooksSound(s.db);
  });

  it('stops payment: the cheque is returned as stopped and the drawer pays the returned-cheque fee', async () => {
    const s = await scene('bank-b');
    const chequeId = await write(s, '50.00');
    const row = await echequeTables(s.db).cheques.get(chequeId);
    const number = row!.cheque.payload.chequeNumber;
    const stopped = await stopChequePayment(s.db, s.worldId, s.drawer, { bookId: s.bookId, chequeNumber: number, reason: 'lost' }, { keyRing: s.drawerRing });
    expect(stopped.ok).toBe(true);
    expect((await echequeTables(s.db).chequebooks.get(s.bookId))!.stoppedNumbers).toEqual([number]);
    // The stop is logged; the cheque stays with the payee, where it was.
    const stoppedRow = (await echequeTables(s.db).cheques.get(chequeId))!;
    expect(stoppedRow.status).toBe('delivered');
    expect(stoppedRow.history.map((h) => h.status)).toEqual(['written', 'delivered', 'stopped']);
    // A second stop of the same number is refused.
    const again = await stopChequePayment(s.db, s.worldId, s.drawer, { bookId: s.bookId, chequeNumber: number, reason: 'lost' }, { keyRing: s.drawerRing });
    expect(!again.ok && again.code).toBe('already_stopped');
    // A cheque verified and endorsed before the stop is deposited after it.
    const chequeId2 = await write(s, '40.00');
    expect((await verifyReceivedCheque(s.db, meta(s.payee), { chequeId: chequeId2 })).ok).toBe(true);
    expect((await endorseReceivedCheque(s.db, s.worldId, s.payee, { chequeId: chequeId2 }, { keyRing: s.payeeRing })).ok).toBe(true);
    const number2 = (await echequeTables(s.db).cheques.get(chequeId2))!.cheque.payload.chequeNumber;
    expect((await stopChequePayment(s.db, s.worldId, s.drawer, { bookId: s.bookId, chequeNumber: number2, reason: 'goods never came' }, { keyRing: s.drawerRing })).ok).toBe(true);
    const r = await depositAndDecide(s, chequeId2);
    expect(r.decision.outcome).toBe('returned');
    expect(r.presentment.reason).toBe('payment_stopped');
    expect(r.presentment.fee).toBe('20.00');
    const b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('980.00');
    expect(b.get(feeIncomeAccountId('bank-a'))).toBe('20.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('0.00');
    expect((await mailOf(s.db, s.drawer)).some((m) => m.body.key === 'echeque.notice.returned_drawer' && m.body.params?.fee === '20.00')).toBe(true);
    // Both stopped numbers are no longer offered for writing.
    const book = (await echequeTables(s.db).chequebooks.get(s.bookId))!;
    expect(await unusedChequeNumbers(s.db, book)).not.toContain(number);
    await expectBooksSound(s.db);
  });

  it('a cheque stopped after deposit is still presented, and the drawer\'s bank returns it as stopped, with the fee', async () => {
    const s = await scene('bank-b');
    const chequeId = await write(s, '50.00');
    expect((await verifyReceivedCheque(s.db, meta(s.payee), { chequeId })).ok).toBe(true);
    expect((await endorseReceivedCheque(s.db, s.worldId, s.payee, { chequeId }, { keyRing: s.payeeRing })).ok).toBe(true);
    const deposited = await depositCheque(s.db, meta(s.payee), { chequeId });
    if (!deposited.ok) throw new Error(deposited.code);
    const number = deposited.value.chequeNumber;
    const stopped = await stopChequePayment(s.db, s.worldId, s.drawer, { bookId: s.bookId, chequeNumber: number, reason: 'goods never came' }, { keyRing: s.drawerRing });
    expect(stopped.ok).toBe(true);
    // Still on the presenting bank's list, and still deposited: the stop binds only the drawer's bank.
    expect((await presentmentQueue(s.db, 'bank-b')).toPresent.map((p) => p.id)).toEqual([deposited.value.id]);
    expect((await echequeTables(s.db).cheques.get(chequeId))!.status).toBe('deposited');
    const presented = await presentDepositedCheque(s.db, meta('bank-b'), { presentmentId: deposited.value.id });
    expect(presented.ok).toBe(true);
    expect((await echequeTables(s.db).cheques.get(chequeId))!.status).toBe('presented');
    const decided = await decidePresentment(s.db, meta('bank-a'), { presentmentId: deposited.value.id });
    if (!decided.ok) throw new Error(decided.code);
    expect(decided.value.decision.outcome).toBe('returned');
    expect(decided.value.presentment.reason).toBe('payment_stopped');
    expect(decided.value.presentment.detail?.check).toBe('not_stopped');
    // The same fee rule as any return the drawer caused (config.feeReasons), charged to the drawer.
    expect(decided.value.presentment.fee).toBe('20.00');
    const row = (await echequeTables(s.db).cheques.get(chequeId))!;
    expect(row.status).toBe('returned');
    expect(row.history.map((h) => h.status)).toEqual(['written', 'delivered', 'verified', 'endorsed', 'deposited', 'stopped', 'presented', 'returned']);
    expect(row.history.at(-1)?.reason).toBe('payment_stopped');
    // No money moved for the cheque: the drawer keeps it less the fee, the payee got nothing.
    const b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('980.00');
    expect(b.get(feeIncomeAccountId('bank-a'))).toBe('20.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('0.00');
    expect(await openPositions(s.db)).toEqual([]);
    // Both sides are told why: the payee who deposited it, and the drawer with the fee.
    expect((await mailOf(s.db, s.payee)).some((m) => m.body.key === 'echeque.notice.returned_payee' && m.body.params?.reason === 'payment_stopped')).toBe(true);
    expect((await mailOf(s.db, s.drawer)).some((m) => m.body.key === 'echeque.notice.returned_drawer' && m.body.params?.reason === 'payment_stopped' && m.body.params?.fee === '20.00')).toBe(true);
    expect((await decidedPresentments(s.db, 'bank-b')).map((p) => [p.id, p.reason])).toEqual([[deposited.value.id, 'payment_stopped']]);
    await expectBooksSound(s.db);
  });

  it('a cheque stopped before the payee endorsed it can still be endorsed and deposited, and is returned as stopped', async () => {
    const s = await scene('bank-b');
    const chequeId = await write(s, '40.00');
    const number = (await echequeTables(s.db).cheques.get(chequeId))!.cheque.payload.chequeNumber;
    expect((await stopChequePayment(s.db, s.worldId, s.drawer, { bookId: s.bookId, chequeNumber: number, reason: 'lost' }, { keyRing: s.drawerRing })).ok).toBe(true);
    const r = await depositAndDecide(s, chequeId);
    expect(r.decision.outcome).toBe('returned');
    expect(r.presentment.reason).toBe('payment_stopped');
    expect(r.presentment.fee).toBe('20.00');
    const row = (await echequeTables(s.db).cheques.get(chequeId))!;
    expect(row.status).toBe('returned');
    expect(row.history.map((h) => h.status)).toEqual(['written', 'delivered', 'stopped', 'verified', 'endorsed', 'deposited', 'presented', 'returned']);
    const b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('980.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('0.00');
    expect((await mailOf(s.db, s.payee)).some((m) => m.body.key === 'echeque.notice.returned_payee' && m.body.params?.reason === 'payment_stopped')).toBe(true);
    await expectBooksSound(s.db);
  });

  it('charges the returned-cheque fee for insufficient funds, and pays after the drawer pays in', async () => {
    const s = await scene('bank-b');
    const chequeId = await write(s, '5000.00');
    const r = await depositAndDecide(s, chequeId);
    expect(r.presentment.reason).toBe('insufficient_funds');
    expect(r.presentment.fee).toBe('20.00');
    let b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('980.00');
    expect(b.get(feeIncomeAccountId('bank-a'))).toBe('20.00');
    // Cured: the drawer pays in, the payee deposits the returned cheque again and it is paid.
    await fund(s.db, s.drawer, 'bank-a', '4100.00');
    const again = await depositAndDecide(s, chequeId);
    expect(again.decision.outcome).toBe('paid');
    b = await balances(s.db);
    expect(b.get(ids.deposit('bank-a', s.drawer))).toBe('80.00');
    expect(b.get(ids.deposit('bank-b', s.payee))).toBe('5000.00');
    await expectBooksSound(s.db);
  });

  it('refuses a chequebook on an account that is not cheque-enabled, and writing without a login', async () => {
    const s = await scene('bank-b');
    const payeeAccount = (await bankAccountsOf(s.db, s.payee))[0]!;
    const r = await issueChequebookAtBank(s.db, meta('bank-b'), { accountId: payeeAccount.id });
    expect(!r.ok && r.code).toBe('account_not_cheque_enabled');
    const notMine = await enableChequeAccount(s.db, meta('bank-a'), { accountId: payeeAccount.id });
    expect(!notMine.ok && notMine.code).toBe('not_this_bank');
    // A tab where the drawer never logged in (the helpers' rings share the tab's ring, which holds
    // every test party's login, so a fresh ring stands for another tab).
    const w = await writeAndSendCheque(s.db, s.worldId, s.drawer, { bookId: s.bookId, payeePartyId: s.payee, amount: '1' }, { keyRing: new KeyRing() });
    expect(!w.ok && w.code).toBe('login_required');
  });
});
