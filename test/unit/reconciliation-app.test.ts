import { describe, expect, it, vi } from 'vitest';
import { balanceOf, billCsv, buildBill, dateStartMs, fromStored, hourMs, subtract, toStored } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, advanceHours, approvedSeller, expectLedgerSound, fundWallet, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { orderById, placeOrders } from '../../src/app/market/orders.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { deskBill, deskDay, matchInputs, readDayInputs, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { billSummariesOf } from '../../src/app/reconciliation/day-inputs.ts';
import { labArmFault, labChangeFee, labImportBill, labMoveAcrossCutoff } from '../../src/app/reconciliation/lab.ts';
import { reconTables } from '../../src/storage/recon-tables.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { feeAdjustmentAccountId } from '../../src/app/reconciliation/fees.ts';

const day1 = '2026-01-05';

/** A seller banking at bank-b with a textbook (¥57.00 with shipping), a buyer at bank-a with ¥500.00 and ¥100.00 in the wallet. */
async function world() {
  const { db, id, teacher } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '500.00');
  await fundWallet(db, buyer, '100.00');
  await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
  const card = (await bankAccountsOf(db, buyer))[0]!.cardNumber;
  const order = async (paymentMethod: string) => unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId: book.id, quantity: 1 } }))[0]!;
  return { db, id, teacher, seller, buyer, card, order };
}

type World = Awaited<ReturnType<typeof world>>;

/** Three orders through three channels; the online-banking callback is lost, the debit card's delivered twice. */
async function troubledDay(w: World) {
  unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'online_banking', kind: 'lose_callback' }));
  unwrap(await labArmFault(w.db, w.teacher, meta('platform'), { channel: 'debit_card', kind: 'deliver_twice' }));
  const escrow = await w.order('escrow');
  const online = await w.order('online_banking');
  const card = await w.order('debit_card');
  unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: escrow.id, channel: 'escrow' }));
  const lost = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: online.id, channel: 'online_banking', source: { bankId: 'bank-a' } }));
  const twice = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: card.id, channel: 'debit_card', source: { cardId: w.card } }));
  return { escrow, online, card, lost, twice };
}

describe('reconciliation desk', () => {
  it('finds exactly the lost callback (long) and the duplicate; 补单 and the refund close the day; the books balance', async () => {
    const w = await world();
    const t = await troubledDay(w);
    // The channel took the money, the platform never heard: the charge waits, the order is unpaid.
    expect(t.lost.charge.status).toBe('pending');
    expect(t.lost.order.state).toBe('WAIT_BUYER_PAY');
    expect(t.twice.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    // 500 − 57 (online banking) − 2 × 57 (the card, twice) = 329.00.
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('329.00');
    expect(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 })).toMatchObject({ ok: false, code: 'recon_day_not_cut' });

    // 09:00 + 15 hours: midnight, past the day's 23:59 cut-off (and before the order's pay deadline).
    await advanceHours(w.db, 15);
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    expect(run.opening.map((d) => [d.kind, d.merchantOrderNo]).sort()).toEqual([
      ['duplicate_payment', `${t.card.id}:c1`],
      ['long', `${t.online.id}:c1`],
    ]);
    expect(run.closedAt).toBeNull();
    const desk = await deskDay(w.db, 'platform', day1);
    expect(desk.result.matched).toBe(2);
    expect(desk.bills.map((b) => b.institutionId).sort()).toEqual(['bank-a', 'bank-b', 'escrow']);
    expect(desk.result.settlements.every((s) => s.billNet.amount === s.bankCredit.amount)).toBe(true);

    const long = run.opening.find((d) => d.kind === 'long')!;
    const dup = run.opening.find((d) => d.kind === 'duplicate_payment')!;
    // The wrong action for the kind, and a write-off without a reason, are refused.
    expect(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'refund_duplicate', reason: '' })).toMatchObject({ ok: false, code: 'action_not_allowed' });
    expect(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'write_off', reason: ' ' })).toMatchObject({ ok: false, code: 'reason_required' });
    expect(await resolveDifference(w.db, meta(w.seller), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' })).toMatchObject({ ok: false, code: 'not_the_operator' });

    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' }));
    expect((await orderById(w.db, t.online.id))!.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect((await chargesOfOrder(w.db, t.online.id))[0]).toMatchObject({ status: 'succeeded' });
    const closed = unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: dup.id, action: 'refund_duplicate', reason: '' }));
    expect(closed.closedAt).not.toBeNull();
    expect(closed.resolutions.map((r) => r.action)).toEqual(['mark_paid', 'refund_duplicate']);
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('386.00');
    expect((await deskDay(w.db, 'platform', day1)).balanced).toBe(true);
    await expectLedgerSound(w.db);

    // The refund is in the next day's bill and the platform knows it: that day matches clean.
    await advanceDays(w.db, 1);
    const next = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: '2026-01-06' }));
    expect(next.opening).toEqual([]);
    expect(next.closedAt).not.toBeNull();
  });

  it('a changed fee, a payment moved across the cut-off, and a seller sees only its own orders', async () => {
    const w = await world();
    const t = await troubledDay(w);
    await advanceHours(w.db, 15);
    const trades = await reconTables(w.db).channelTrades.toArray();
    const escrowTrade = trades.find((r) => r.orderId === t.escrow.id)!;
    const cardTrade = trades.find((r) => r.orderId === t.card.id && r.origin === 'gateway')!;
    unwrap(await labChangeFee(w.db, w.teacher, meta('platform'), { channelTradeNo: cardTrade.channelTradeNo, fee: '0.50' }));
    unwrap(await labMoveAcrossCutoff(w.db, w.teacher, meta('platform'), { channelTradeNo: escrowTrade.channelTradeNo }));
    expect(await labChangeFee(w.db, null, meta('platform'), { channelTradeNo: cardTrade.channelTradeNo, fee: '0.10' })).toMatchObject({ ok: false, code: 'teacher_sign_in_required' });
    const desk = await deskDay(w.db, 'platform', day1);
    expect(desk.result.differences.map((d) => `${d.kind}:${d.institutionId}`).sort()).toEqual([
      'duplicate_payment:bank-b',
      'fee_mismatch:bank-b',
      'long:bank-a',
      // The bill's net changed, the money that moved did not: that gap is the fee mismatch's, not
      // a settlement mismatch as well (one fault, one difference).
      'timing:escrow',
    ]);
    expect(desk.result.settlements.find((s) => s.institutionId === 'bank-b')).toMatchObject({ billNet: { amount: '113.50' }, bankCredit: { amount: '114.00' } });
    const other = await approvedSeller(w.db, 'shop2');
    expect(await reconcileDay(w.db, meta(other), { scope: other, date: day1 })).toMatchObject({ ok: true, value: { opening: [] } });
    const mine = unwrap(await reconcileDay(w.db, meta(w.seller), { scope: w.seller, date: day1 }));
    expect(mine.opening.length).toBe(4);
    expect(await reconcileDay(w.db, meta(w.seller), { scope: other, date: day1 })).toMatchObject({ ok: false, code: 'not_authorized' });
  });

  it('a changed fee is booked as a fee adjustment through the ledger; the day closes and every book balances', async () => {
    const w = await world();
    const t = await troubledDay(w);
    await advanceHours(w.db, 15);
    const trades = await reconTables(w.db).channelTrades.toArray();
    // The card's channel is the seller's bank (bank-b, the platform banks at bank-a: through
    // clearing); the escrow agent keeps a book of its own and banks at bank-a too.
    const cardTrade = trades.find((r) => r.orderId === t.card.id && r.origin === 'gateway')!;
    const escrowTrade = trades.find((r) => r.orderId === t.escrow.id)!;
    unwrap(await labChangeFee(w.db, w.teacher, meta('platform'), { channelTradeNo: cardTrade.channelTradeNo, fee: '0.50' }));
    unwrap(await labChangeFee(w.db, w.teacher, meta('platform'), { channelTradeNo: escrowTrade.channelTradeNo, fee: '0.30' }));
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    expect(run.opening.map((d) => `${d.kind}:${d.institutionId}`).sort()).toEqual(['duplicate_payment:bank-b', 'fee_mismatch:bank-b', 'fee_mismatch:escrow', 'long:bank-a']);
    const platformBefore = await depositBalance(w.db, 'bank-a', 'platform');
    for (const d of run.opening.filter((x) => x.kind === 'fee_mismatch')) unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: d.id, action: 'book_fee_adjustment', reason: '' }));
    // The platform paid both channels the fees they charged beyond the expected (0.50 + 0.30).
    const cny = (amount: string) => fromStored({ amount, currency: 'CNY' });
    expect(toStored(subtract(cny(platformBefore), cny(await depositBalance(w.db, 'bank-a', 'platform')))).amount).toBe('0.80');
    const accounts = ledgerTables(w.db).accounts;
    expect(toStored(balanceOf((await accounts.get(feeAdjustmentAccountId('bank-b')))!)).amount).toBe('0.50');
    expect(toStored(balanceOf((await accounts.get(feeAdjustmentAccountId('escrow')))!)).amount).toBe('0.30');
    expect(toStored(balanceOf((await accounts.get(feeAdjustmentAccountId('platform')))!)).amount).toBe('0.80');
    // Booked once: a second adjustment of the same difference is refused, and nothing moves.
    const fee = run.opening.find((d) => d.kind === 'fee_mismatch')!;
    expect(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: fee.id, action: 'book_fee_adjustment', reason: '' })).toMatchObject({ ok: false, code: 'already_resolved' });
    const long = run.opening.find((d) => d.kind === 'long')!;
    const dup = run.opening.find((d) => d.kind === 'duplicate_payment')!;
    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' }));
    const closed = unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: dup.id, action: 'refund_duplicate', reason: '' }));
    expect(closed.closedAt).not.toBeNull();
    // The report lists the adjustments with the transfers they booked.
    const adjustments = closed.resolutions.filter((r) => r.action === 'book_fee_adjustment');
    expect(adjustments).toHaveLength(2);
    expect(adjustments.every((r) => r.transferIds.length > 0)).toBe(true);
    expect((await deskDay(w.db, 'platform', day1)).balanced).toBe(true);
    await expectLedgerSound(w.db);
    // The clearing batch settles the interbank leg; the books still balance.
    await advanceDays(w.db, 1);
    await expectLedgerSound(w.db);
  });

  it('imports a teacher-edited bill; a tampered one is refused with the line and reason and changes nothing', async () => {
    const w = await world();
    await troubledDay(w);
    await advanceHours(w.db, 15);
    const text = billCsv(await deskBill(w.db, 'platform', day1, 'escrow'));
    const before = await reconTables(w.db).channelTrades.toArray();
    const tampered = text.replace(',57.00,0.00,57.00,', ',57.00,0.00,56.00,');
    expect(await labImportBill(w.db, w.teacher, meta('platform'), { text: tampered })).toEqual({ ok: false, code: 'bill_refused', detail: { line: 6, reason: 'net_not_gross_less_fee' } });
    expect(await reconTables(w.db).channelTrades.toArray()).toEqual(before);
    const edited = text.replace(',57.00,0.00,57.00,success,', ',57.00,0.00,57.00,refunded,');
    expect(unwrap(await labImportBill(w.db, w.teacher, meta('platform'), { text: edited }))).toMatchObject({ institutionId: 'escrow', rows: 1 });
    const after = await deskDay(w.db, 'platform', day1);
    expect(after.result.differences.map((d) => d.kind).sort()).toEqual(['duplicate_payment', 'long', 'status_mismatch']);
  });

  it('a lost callback whose order passes its pay deadline: the order closes, the money stays a long for the desk', async () => {
    const w = await world();
    const t = await troubledDay(w);
    // Before the fix the deadline's job tried to void the immediate charge: an assertion.
    await advanceDays(w.db, 2);
    expect((await orderById(w.db, t.online.id))!.state).toBe('TRADE_CLOSED');
    expect((await chargesOfOrder(w.db, t.online.id))[0]).toMatchObject({ status: 'pending' });
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    const long = run.opening.find((d) => d.kind === 'long')!;
    expect(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' })).toMatchObject({ ok: false, code: 'order_not_awaiting_payment' });
    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'write_off', reason: 'order closed; money refunded by the bank' }));
    await expectLedgerSound(w.db);
  });
  it('after a saved run the desk view shows the saved match without reading or matching the day again; a change since matches a small day live', async () => {
    const w = await world();
    await troubledDay(w);
    await advanceHours(w.db, 15);
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    const tables: string[] = [];
    const table = w.db.table.bind(w.db);
    const spy = vi.spyOn(w.db, 'table').mockImplementation((name: string) => (tables.push(name), table(name)));
    const saved = await deskDay(w.db, 'platform', day1);
    expect(saved.source).toBe('saved');
    expect(saved.result).toEqual(run.latest);
    expect(saved.open.map((d) => d.kind).sort()).toEqual(['duplicate_payment', 'long']);
    // The three orders' bills: one row each, the card's payment twice.
    expect(saved.bills.reduce((rows, b) => rows + b.totals.rows, 0)).toBe(4);
    // The day's charges, transfers and journal were not read: the match was not made again
    // (reconTables hands out the trades' table with the days' table, so it is not counted).
    expect(tables.filter((n) => ['charges', 'orders', 'transfers', 'journalBlocks', 'mobilePayments'].includes(n))).toEqual([]);
    spy.mockRestore();
    // Any command since (a new order) makes the save stale: a day this small is matched on the page.
    await w.order('escrow');
    expect((await deskDay(w.db, 'platform', day1)).source).toBe('live');
  });

  it('after a saved run, resolving a difference reads no charges, orders or journal of the day; the saved day closes when all are resolved', async () => {
    const w = await world();
    await troubledDay(w);
    await advanceHours(w.db, 15);
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    const tables: string[] = [];
    const table = w.db.table.bind(w.db);
    const spy = vi.spyOn(w.db, 'table').mockImplementation((name: string) => (tables.push(name), table(name)));
    // Write-offs move no money: any read of the day's rows would be the match made again.
    const long = run.opening.find((d) => d.kind === 'long')!;
    const dup = run.opening.find((d) => d.kind === 'duplicate_payment')!;
    const first = unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'write_off', reason: 'the bank returns it' }));
    expect(first.closedAt).toBeNull();
    // Resolved once: the saved list knows it.
    expect(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'write_off', reason: 'again' })).toMatchObject({ ok: false, code: 'already_resolved' });
    const closed = unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: dup.id, action: 'write_off', reason: 'refunded by the card company' }));
    expect(tables.filter((n) => ['charges', 'orders', 'transfers', 'journalBlocks', 'mobilePayments'].includes(n))).toEqual([]);
    spy.mockRestore();
    expect(closed.closedAt).not.toBeNull();
    expect(closed.resolutions.map((r) => r.action)).toEqual(['write_off', 'write_off']);
    expect(closed.latest?.differences).toEqual(run.latest?.differences);
    const desk = await deskDay(w.db, 'platform', day1);
    expect(desk.source).toBe('saved');
    expect(desk.open).toEqual([]);
    expect(desk.balanced).toBe(true);
    await expectLedgerSound(w.db);
  });

  it('a small day changed since its run is matched again when a difference is resolved', async () => {
    const w = await world();
    await troubledDay(w);
    await advanceHours(w.db, 15);
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    // A new order since: the save is stale, and this day is small enough to match here.
    await w.order('escrow');
    const long = run.opening.find((d) => d.kind === 'long')!;
    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' }));
    const desk = await deskDay(w.db, 'platform', day1);
    expect(desk.source).toBe('saved');
    expect(desk.open.map((d) => d.kind)).toEqual(['duplicate_payment']);
  });
  it('after a saved run, 补单 and a duplicate refunded update the saved match count, bills and settlements as a run of the day would find them', async () => {
    const w = await world();
    await troubledDay(w);
    await advanceHours(w.db, 15);
    const run = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    expect(run.latest?.matched).toBe(2);
    // What a run of the day now finds; the saved day keeps a difference resolved away (the long
    // after 补单) in its list, resolved, for the report.
    const fresh = async () => {
      const inputs = await readDayInputs(w.db, 'platform', day1);
      return { result: matchInputs(day1, inputs), bills: billSummariesOf(day1, inputs) };
    };
    const sameAsRun = async () => {
      const desk = await deskDay(w.db, 'platform', day1);
      expect(desk.source).toBe('saved');
      const now = await fresh();
      const resolved = new Set(desk.row!.resolutions.map((r) => r.differenceId));
      expect(desk.result.matched).toBe(now.result.matched);
      expect(desk.result.settlements).toEqual(now.result.settlements);
      expect(desk.bills).toEqual(now.bills);
      expect(desk.result.differences.filter((d) => !resolved.has(d.id) || now.result.differences.some((x) => x.id === d.id))).toEqual(now.result.differences);
      return desk;
    };
    const long = run.opening.find((d) => d.kind === 'long')!;
    const dup = run.opening.find((d) => d.kind === 'duplicate_payment')!;
    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: long.id, action: 'mark_paid', reason: '' }));
    // The long's bill row now has its platform record: matched (it was 2 until the day ran again).
    expect((await sameAsRun()).result.matched).toBe(3);
    unwrap(await resolveDifference(w.db, meta('platform'), { scope: 'platform', date: day1, differenceId: dup.id, action: 'refund_duplicate', reason: '' }));
    const closed = await sameAsRun();
    expect(closed.balanced).toBe(true);
    expect(closed.open).toEqual([]);
    expect(closed.row!.opening.map((d) => d.id).sort()).toEqual([dup.id, long.id].sort());
  });

  it('a teacher-imported bill row dated before its charge is read from its earlier bill: matched there, no short on the day of its charge', async () => {
    const w = await world();
    const order = await w.order('escrow');
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: order.id, channel: 'escrow' }));
    await advanceHours(w.db, 15);
    const row = (await deskBill(w.db, 'platform', day1, 'escrow')).rows[0]!;
    // The teacher moves the escrow agent's row to the bill of the day before, at 10:00: before the
    // order (and its charge) was made.
    const day0 = '2026-01-04';
    unwrap(await labImportBill(w.db, w.teacher, meta('platform'), { text: billCsv(buildBill('escrow', day1, 'CNY', [])) }));
    unwrap(await labImportBill(w.db, w.teacher, meta('platform'), { text: billCsv(buildBill('escrow', day0, 'CNY', [{ ...row, at: dateStartMs(day0) + 10 * hourMs }])) }));
    // The charge's day: its record's bill row is on an earlier bill, matched there already.
    const today = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day1 }));
    expect(today.opening).toEqual([]);
    // The earlier day: the row is matched to the charge (its money is not in the ledger that day:
    // the one difference left is the settlement's).
    const before = unwrap(await reconcileDay(w.db, meta('platform'), { scope: 'platform', date: day0 }));
    expect(before.latest?.matched).toBe(1);
    expect(before.opening.map((d) => d.kind)).toEqual(['settlement_mismatch']);
  });
});
