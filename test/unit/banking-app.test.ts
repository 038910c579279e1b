import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids, hourMs, isLuhnValid, minuteMs, ok, worldEpochMs } from '../../src/domain/index.ts';
import {
  accountByCard,
  applicationsAtBank,
  applicationsOf,
  applyForBankAccount,
  approveBankApplication,
  bankAccountsOf,
  rejectBankApplication,
} from '../../src/app/banking/accounts.ts';
import { counterDeposit, counterWithdrawal, giveCash } from '../../src/app/banking/cash.ts';
import { tabKeys } from '../../src/app/identity/keys.ts';
import { onlineBankingTransfer, postBankTransfer, transfersOf } from '../../src/app/banking/transfers.ts';
import { clearingBatches, openPositions } from '../../src/app/banking/clearing.ts';
import { ensureBanking, institutionBankAccounts } from '../../src/app/banking/seed.ts';
import { register } from '../../src/app/identity/registration.ts';
import { runCommand } from '../../src/app/command.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs, pendingJobs } from '../../src/app/scheduler.ts';
import { journalPage, labTransfer, openAccount } from '../../src/app/ledger.ts';
import { bankingTables } from '../../src/storage/banking-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { buyerForm, registerActive } from '../helpers/identity.ts';
import { balances, customerAt, expectBooksSound, fund, onlineBanking } from '../helpers/banking.ts';

const midnight = worldEpochMs + 15 * hourMs; // the world starts at 09:00 Beijing time

async function journalLength(db: WorldDb): Promise<number> {
  return (await journalPage(db, 1, 1)).total;
}

describe('banking seed', () => {
  it('opens reserves, banknotes matching every vault, and the institutions’ bank accounts; every book balances', async () => {
    const { db } = await freshWorld();
    const b = await balances(db);
    // bank-a: 100M capital - 20M reserve + escrow 3M + platform 0.5M + logistics 0.5M paid in.
    expect(b.get('bank-a:vault')).toBe('84000000.00');
    expect(b.get('bank-b:vault')).toBe('113000000.00');
    expect(b.get('bank-a:reserve')).toBe('20000000.00');
    expect(b.get('clearing:reserve:bank-a')).toBe('20000000.00');
    expect(b.get('clearing:reserve:bank-b')).toBe('20000000.00');
    expect(b.get('bank-a:deposit:escrow')).toBe('3000000.00');
    expect(b.get('escrow:at:bank-a')).toBe('3000000.00');
    expect(b.get('escrow:at:bank-b')).toBe('3000000.00');
    expect(b.get('escrow:vault')).toBe('4000000.00');
    expect(b.get('bank-b:deposit:card')).toBe('30000000.00');
    // Every vault is banknotes: its mirror in the clearing book holds the same amount.
    for (const inst of ['platform', 'bank-a', 'bank-b', 'card', 'escrow', 'logistics', 'ca']) expect(b.get(`clearing:notes:${inst}`), inst).toBe(b.get(`${inst}:vault`));
    // Notes issued = notes held + reserves paid in with notes: 262.1M of capital in all.
    expect(b.get('clearing:issued')).toBe('262100000.00');
    for (const a of institutionBankAccounts) {
      const row = (await bankAccountsOf(db, a.partyId)).find((r) => r.bankId === a.bankId);
      expect(row && isLuhnValid(row.cardNumber)).toBe(true);
    }
    await expectBooksSound(db);
    expect(await ensureBanking(db)).toBe('present');
  });
});

describe('opening an account', () => {
  it('apply → the bank’s queue → approve: a deposit account, a debit card, cash in hand; one per bank', async () => {
    const { db } = await freshWorld();
    const buyer = await registerActive(db, 'lilei');
    const applied = await applyForBankAccount(db, meta(buyer), { bankId: 'bank-a' });
    expect(applied).toMatchObject({ ok: true, value: { status: 'pending', bankId: 'bank-a', partyId: buyer } });
    if (!applied.ok) return;
    expect(await applyForBankAccount(db, meta(buyer), { bankId: 'bank-a' })).toMatchObject({ ok: false, code: 'bank_application_pending' });
    expect((await applicationsAtBank(db, 'bank-a', 'pending')).map((a) => a.id)).toEqual([applied.value.id]);
    expect(await applicationsAtBank(db, 'bank-b', 'pending')).toEqual([]);
    expect(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.value.id })).toMatchObject({ ok: false, code: 'not_this_bank' });

    const approved = await approveBankApplication(db, meta('bank-a'), { applicationId: applied.value.id });
    expect(approved.ok).toBe(true);
    if (!approved.ok) return;
    expect(approved.value.id).toBe(`bank-a:deposit:${buyer}`);
    expect(approved.value.cardNumber).toMatch(/^623058\d{10}$/);
    expect(isLuhnValid(approved.value.cardNumber)).toBe(true);
    expect(await accountByCard(db, approved.value.cardNumber)).toMatchObject({ partyId: buyer, bankId: 'bank-a' });
    expect((await applicationsOf(db, buyer))[0]).toMatchObject({ status: 'approved', cardNumber: approved.value.cardNumber });
    const b = await balances(db);
    expect(b.get(`bank-a:deposit:${buyer}`)).toBe('0.00');
    expect(b.get(`clearing:notes:${buyer}`)).toBe('0.00');
    expect(await approveBankApplication(db, meta('bank-a'), { applicationId: applied.value.id })).toMatchObject({ ok: false, code: 'bank_application_decided' });
    expect(await applyForBankAccount(db, meta(buyer), { bankId: 'bank-a' })).toMatchObject({ ok: false, code: 'bank_account_exists' });

    // At the other bank: a 19-digit card with that bank's BIN.
    const second = await applyForBankAccount(db, meta(buyer), { bankId: 'bank-b' });
    const card = second.ok ? await approveBankApplication(db, meta('bank-b'), { applicationId: second.value.id }) : second;
    expect(card.ok && card.value.cardNumber).toMatch(/^621095\d{13}$/);
    expect((await bankAccountsOf(db, buyer)).map((a) => a.bankId).sort()).toEqual(['bank-a', 'bank-b']);
    await expectBooksSound(db);
  });

  it('rejection needs a reason the customer reads; the customer may apply again; only customers may apply', async () => {
    const { db } = await freshWorld();
    const buyer = await registerActive(db, 'hanmeimei');
    const applied = await applyForBankAccount(db, meta(buyer), { bankId: 'bank-b' });
    if (!applied.ok) throw new Error(applied.code);
    expect(await rejectBankApplication(db, meta('bank-b'), { applicationId: applied.value.id, reason: '  ' })).toMatchObject({ ok: false, code: 'reason_required' });
    expect(await rejectBankApplication(db, meta('bank-b'), { applicationId: applied.value.id, reason: '身份证件不清晰' })).toMatchObject({ ok: true, value: { status: 'rejected', reason: '身份证件不清晰' } });
    expect(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.value.id })).toMatchObject({ ok: false, code: 'bank_application_decided' });
    expect(await bankAccountsOf(db, buyer)).toEqual([]);
    expect((await applyForBankAccount(db, meta(buyer), { bankId: 'bank-b' })).ok).toBe(true);

    expect(await applyForBankAccount(db, meta('bank-a'), { bankId: 'bank-b' })).toMatchObject({ ok: false, code: 'bank_customer_invalid' });
    expect(await applyForBankAccount(db, meta(buyer), { bankId: 'platform' })).toMatchObject({ ok: false, code: 'bank_not_found' });
    const pending = await register(db, buyerForm('notyet'));
    if (!pending.ok) throw new Error(pending.code);
    expect(await applyForBankAccount(db, meta(pending.value.partyId), { bankId: 'bank-a' })).toMatchObject({ ok: false, code: 'account_not_activated' });
    // An institution applies like anyone else; its account comes with the mirror in its own book.
    const inst = await applyForBankAccount(db, meta('logistics'), { bankId: 'bank-b' });
    if (!inst.ok) throw new Error(inst.code);
    expect((await approveBankApplication(db, meta('bank-b'), { applicationId: inst.value.id })).ok).toBe(true);
    expect((await balances(db)).get('logistics:at:bank-b')).toBe('0.00');
    await expectBooksSound(db);
  });
});

describe('cash at the counter', () => {
  it('deposit and withdrawal move notes in the clearing book and the deposit in the bank’s book; a refusal changes nothing', async () => {
    const { db, teacher } = await freshWorld();
    const buyer = await customerAt(db, 'zhangsan', 'bank-a');
    const account = ids.deposit('bank-a', buyer);
    expect(await giveCash(db, teacher, meta('clearing'), { partyId: 'escrow', amount: '1' })).toMatchObject({ ok: false, code: 'cash_person_only' });
    expect(await giveCash(db, teacher, meta('clearing'), { partyId: buyer, amount: '1,000.00' })).toEqual(ok({ cash: '1000.00' }));
    const before = await balances(db);

    expect(await counterDeposit(db, meta('bank-a'), { accountId: account, amount: '600' })).toEqual(ok({ accountId: account, amount: '600.00', balance: '600.00', cash: '400.00' }));
    let b = await balances(db);
    expect(b.get('bank-a:vault')).toBe('84000600.00');
    expect(b.get('clearing:notes:bank-a')).toBe('84000600.00');
    expect(b.get(`clearing:notes:${buyer}`)).toBe('400.00');

    // Refusals: more than the deposit (no overdraft), more cash than in hand, another bank's counter.
    const snapshot = await balances(db);
    const entries = await journalLength(db);
    expect(await counterWithdrawal(db, meta('bank-a'), { accountId: account, amount: '600.01' })).toMatchObject({ ok: false, code: 'insufficient_funds', detail: { accountId: account } });
    expect(await counterDeposit(db, meta('bank-a'), { accountId: account, amount: '400.01' })).toMatchObject({ ok: false, code: 'cash_insufficient' });
    expect(await counterDeposit(db, meta('bank-b'), { accountId: account, amount: '1' })).toMatchObject({ ok: false, code: 'not_this_bank' });
    expect(await counterDeposit(db, meta('bank-a'), { accountId: account, amount: '-5' })).toMatchObject({ ok: false });
    expect(await counterDeposit(db, meta('bank-a'), { accountId: 'bank-a:deposit:nobody', amount: '5' })).toMatchObject({ ok: false, code: 'bank_account_not_found' });
    expect(await balances(db)).toEqual(snapshot);
    expect(await journalLength(db)).toBe(entries);

    expect(await counterWithdrawal(db, meta('bank-a'), { accountId: account, amount: '250.50' })).toMatchObject({ ok: true, value: { balance: '349.50', cash: '650.50' } });
    b = await balances(db);
    expect(b.get('bank-a:vault')).toBe('84000349.50');
    expect(b.get('clearing:notes:bank-a')).toBe(b.get('bank-a:vault'));
    // Counter operations hand notes over; only the central bank issues them.
    expect(b.get('clearing:issued')).toBe(before.get('clearing:issued'));
    await expectBooksSound(db);
  });

  it('an institution’s cash deposit also books its own vault and its mirror', async () => {
    const { db } = await freshWorld();
    const r = await counterDeposit(db, meta('bank-a'), { accountId: 'bank-a:deposit:platform', amount: '1000' });
    expect(r).toMatchObject({ ok: true, value: { balance: '501000.00', cash: '499000.00' } });
    const b = await balances(db);
    expect(b.get('platform:vault')).toBe('499000.00');
    expect(b.get('platform:at:bank-a')).toBe('501000.00');
    await expectBooksSound(db);
  });
});

describe('transfers', () => {
  it('same bank: one transfer in the bank’s book; insufficient funds refused with nothing changed', async () => {
    const { db } = await freshWorld();
    const payer = await customerAt(db, 'payer1', 'bank-a');
    const payee = await customerAt(db, 'payee1', 'bank-a');
    await fund(db, payer, 'bank-a', '300');
    const send = (amount: string, id = meta(payer)) =>
      runCommand(db, 'test.transfer', id, (tx) => postBankTransfer(tx, { id: id.id, payer: { bankId: 'bank-a', partyId: payer }, payee: { bankId: 'bank-a', partyId: payee }, amount, memo: 'rent' }));
    const snapshot = await balances(db);
    expect(await send('300.01')).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await balances(db)).toEqual(snapshot);
    expect(await send('120.00')).toMatchObject({ ok: true, value: { clearing: 'none', memo: 'rent' } });
    const b = await balances(db);
    expect(b.get(ids.deposit('bank-a', payer))).toBe('180.00');
    expect(b.get(ids.deposit('bank-a', payee))).toBe('120.00');
    expect(b.get('bank-a:clearing:out')).toBe('0.00');
    expect(await openPositions(db)).toEqual([]);
    expect((await transfersOf(db, payee)).map((t) => t.amount)).toEqual(['120.00']);
    await expectBooksSound(db);
  });

  it('an institution payee names the account in its own book (wallet top-up style)', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'topper', 'bank-b');
    await fund(db, buyer, 'bank-b', '50');
    const wallet = `escrow:wallet:${buyer}`;
    expect((await openAccount(db, meta('escrow'), { id: wallet, partyId: buyer, bookId: 'escrow', code: 'escrow.wallet', name: 'wallet', currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } })).ok).toBe(true);
    const pay = (bookAccountId?: string) => {
      const m = meta(buyer);
      return runCommand(db, 'test.topup', m, (tx) =>
        postBankTransfer(tx, { id: m.id, code: 'escrow.topup', payer: { bankId: 'bank-b', partyId: buyer }, payee: { bankId: 'bank-b', partyId: 'escrow', ...(bookAccountId ? { bookAccountId } : {}) }, amount: '20.00' }));
    };
    expect(await pay()).toMatchObject({ ok: false, code: 'book_account_required' });
    expect((await pay(wallet)).ok).toBe(true);
    const b = await balances(db);
    expect(b.get('bank-b:deposit:escrow')).toBe('3000020.00');
    expect(b.get('escrow:at:bank-b')).toBe('3000020.00');
    expect(b.get(wallet)).toBe('20.00');
    expect(b.get(ids.deposit('bank-b', buyer))).toBe('30.00');
    await expectBooksSound(db);
  });

  it('cross-bank: both banks book at once, the payee is credited; at midnight the batch settles the net through reserves', async () => {
    const { db, id } = await freshWorld();
    const payer = await customerAt(db, 'alice', 'bank-a');
    const payee = await customerAt(db, 'bob', 'bank-b');
    await fund(db, payer, 'bank-a', '1000');
    await fund(db, payee, 'bank-b', '100');
    const payeeCard = (await bankAccountsOf(db, payee))[0]!.cardNumber;

    // No online-banking session yet: refused.
    expect(await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard, amount: '250' })).toMatchObject({ ok: false, code: 'online_banking_required' });
    await onlineBanking(db, id, 'alice', payer, 'bank-a');
    expect(await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard: payeeCard.slice(0, -1) + String((Number(payeeCard.at(-1)) + 1) % 10), amount: '1' })).toMatchObject({ ok: false, code: 'card_number_check_failed' });
    const platformCard = (await bankAccountsOf(db, 'platform'))[0]!.cardNumber;
    expect(await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard: platformCard, amount: '1' })).toMatchObject({ ok: false, code: 'payee_is_institution' });
    const sent = await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-a', payeeCard: payeeCard.replace(/(\d{4})/g, '$1 '), amount: '250', memo: '货款' });
    expect(sent).toMatchObject({ ok: true, value: { clearing: 'open', payerBankId: 'bank-a', payeeBankId: 'bank-b', amount: '250.00', channel: 'online' } });

    // Bob pays Alice back 30 the same day, at the counter-free service level.
    const back = meta(payee);
    expect((await runCommand(db, 'test.transfer', back, (tx) => postBankTransfer(tx, { id: back.id, payer: { bankId: 'bank-b', partyId: payee }, payee: { bankId: 'bank-a', partyId: payer }, amount: '30.00' }))).ok).toBe(true);

    let b = await balances(db);
    expect(b.get(ids.deposit('bank-a', payer))).toBe('780.00');
    expect(b.get(ids.deposit('bank-b', payee))).toBe('320.00');
    expect(b.get('bank-a:clearing:out')).toBe('250.00');
    expect(b.get('bank-a:clearing:in')).toBe('30.00');
    expect(b.get('bank-b:clearing:out')).toBe('30.00');
    expect(b.get('bank-b:clearing:in')).toBe('250.00');
    expect(b.get('clearing:reserve:bank-a')).toBe('20000000.00');
    expect(await openPositions(db)).toHaveLength(2);
    expect((await pendingJobs(db)).filter((j) => j.kind === 'clearing.settle').map((j) => j.dueAt)).toEqual([midnight]);
    await expectBooksSound(db);

    // 23:59 — nothing yet; the clock passes midnight and the leader runs the batch.
    await advanceClock(db, meta(), { kind: 'to', at: midnight - minuteMs });
    expect((await runDueJobs(db, 'tab')).ran).toHaveLength(0);
    await advanceClock(db, meta(), { kind: 'to', at: midnight + hourMs });
    expect((await runDueJobs(db, 'tab')).ran.map((j) => j.kind)).toEqual(['clearing.settle']);
    const [batch] = await clearingBatches(db);
    expect(batch).toMatchObject({
      id: 'batch:0', cutoffAt: midnight, settledAt: midnight, payments: 2, grossTotal: '280.00', settledTotal: '220.00',
      positions: [
        { bankId: 'bank-a', grossOut: '250.00', grossIn: '30.00', net: '-220.00' },
        { bankId: 'bank-b', grossOut: '30.00', grossIn: '250.00', net: '220.00' },
      ],
    });
    b = await balances(db);
    expect(b.get('clearing:reserve:bank-a')).toBe('19999780.00');
    expect(b.get('clearing:reserve:bank-b')).toBe('20000220.00');
    expect(b.get('bank-a:reserve')).toBe('19999780.00');
    expect(b.get('bank-b:reserve')).toBe('20000220.00');
    for (const bank of ['bank-a', 'bank-b']) {
      expect(b.get(`${bank}:clearing:out`)).toBe('0.00');
      expect(b.get(`${bank}:clearing:in`)).toBe('0.00');
    }
    expect(b.get('clearing:settlement')).toBe('0.00');
    expect(b.get(ids.deposit('bank-a', payer))).toBe('780.00');
    expect(b.get(ids.deposit('bank-b', payee))).toBe('320.00');
    expect(await openPositions(db)).toEqual([]);
    expect((await bankingTables(db).bankTransfers.toArray()).every((t) => t.clearing === 'settled' && t.batchId === 'batch:0')).toBe(true);
    await expectBooksSound(db);
    expect((await runDueJobs(db, 'tab')).ran).toHaveLength(0);
  });

  it('a payment after midnight waits for the next day’s batch; moving the world clock does not end the session', async () => {
    const { db, id } = await freshWorld();
    const payer = await customerAt(db, 'late', 'bank-b');
    const payee = await customerAt(db, 'early', 'bank-a');
    await fund(db, payer, 'bank-b', '100');
    const card = (await bankAccountsOf(db, payee))[0]!.cardNumber;
    await advanceClock(db, meta(), { kind: 'to', at: midnight - 10 * minuteMs });
    await onlineBanking(db, id, 'late', payer, 'bank-b');
    expect((await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-b', payeeCard: card, amount: '10' })).ok).toBe(true);
    await advanceClock(db, meta(), { kind: 'to', at: midnight + 5 * minuteMs });
    expect((await onlineBankingTransfer(db, meta(payer), { bankId: 'bank-b', payeeCard: card, amount: '15' })).ok).toBe(true);
    // Sessions last in device time (30 idle minutes), so 35 world-minutes leave the session open.
    await advanceClock(db, meta(), { kind: 'to', at: midnight + 25 * minuteMs });
    expect(tabKeys.bankingState(id, payer, 'bank-b')).toMatchObject({ ok: true });
    expect((await runDueJobs(db, 'tab')).ran).toHaveLength(1);
    expect((await clearingBatches(db)).map((x) => [x.id, x.grossTotal])).toEqual([['batch:0', '10.00']]);
    expect((await openPositions(db)).map((p) => p.amount)).toEqual(['15.00']);
    await advanceClock(db, meta(), { kind: 'days', days: 2 });
    await runDueJobs(db, 'tab');
    expect((await clearingBatches(db)).map((x) => [x.id, x.grossTotal])).toEqual([['batch:1', '15.00'], ['batch:0', '10.00']]);
    expect((await balances(db)).get('bank-a:reserve')).toBe('20000025.00');
    await expectBooksSound(db);
  });

  it('refuses an interbank payment its bank’s reserve could not settle (net debit cap)', async () => {
    const { db } = await freshWorld();
    const payer = await customerAt(db, 'big', 'bank-a');
    const payee = await customerAt(db, 'small', 'bank-b');
    await fund(db, payer, 'bank-a', '500');
    // The lab drains bank-a's reserve to 100.00 (in its own book) to make the cap bite.
    expect((await labTransfer(db, await teacherOf(db), meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'bank-a:reserve', amount: '19999900.00', currency: 'CNY', code: 'lab' })).ok).toBe(true);
    const send = (amount: string) => {
      const m = meta(payer);
      return runCommand(db, 'test.transfer', m, (tx) => postBankTransfer(tx, { id: m.id, payer: { bankId: 'bank-a', partyId: payer }, payee: { bankId: 'bank-b', partyId: payee }, amount }));
    };
    expect((await send('60.00')).ok).toBe(true);
    expect(await send('40.01')).toMatchObject({ ok: false, code: 'clearing_reserve_insufficient', detail: { bankId: 'bank-a' } });
    expect((await send('40.00')).ok).toBe(true);
  });
});
