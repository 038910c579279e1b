import { describe, expect, it } from 'vitest';
import {
  MemoryLedger,
  balanceSheet,
  statement,
  trialBalance,
  type Account,
  type AccountInput,
  type TransferRequest,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2025, 0, 1);

function account(id: string, patch: Partial<AccountInput> = {}): AccountInput {
  return { id, partyId: `party-${id}`, bookId: 'bank', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true }, ...patch };
}

function ledgerWith(batches: [TransferRequest[], number][]): MemoryLedger {
  const ledger = new MemoryLedger();
  const inputs = [
    account('cash', { code: 'bank.cash', normal: 'debit', flags: {} }),
    account('buyer'),
    account('seller'),
    account('escrow-bank', { partyId: 'escrow' }),
    account('wallet', { bookId: 'escrow', code: 'escrow.wallet' }),
    account('escrow-asset', { bookId: 'escrow', code: 'escrow.bank', normal: 'debit', flags: {} }),
    account('usd-cash', { currency: 'USD', normal: 'debit', flags: {}, code: 'bank.cash' }),
    account('usd-dep', { currency: 'USD' }),
  ];
  for (const input of inputs) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(added.code);
  }
  for (const [requests, now] of batches) {
    const applied = ledger.apply(requests, now);
    if (!applied.ok || applied.value.results.some((r) => r.status !== 'created')) throw new Error(JSON.stringify(applied));
  }
  return ledger;
}

const move = (id: string, debit: string, credit: string, amount: string, code: string, currency: 'CNY' | 'USD' = 'CNY'): TransferRequest =>
  ({ id, kind: 'single', debitAccountId: debit, creditAccountId: credit, amount, currency, code });

function sample(): MemoryLedger {
  return ledgerWith([
    [[move('fund', 'cash', 'buyer', '1000', 'bank.deposit'), move('usd', 'usd-cash', 'usd-dep', '5', 'bank.deposit', 'USD')], t0 + 10],
    // Posted: 1000 + 300 + 300 + 100 + 100 = 1800.
    // Buyer pays the escrow agent's bank account; the agent credits the buyer's wallet in its book.
    [[move('pay', 'buyer', 'escrow-bank', '300', 'escrow.fund'), move('wallet-in', 'escrow-asset', 'wallet', '300', 'escrow.fund')], t0 + 20],
    [[{ id: 'hold', kind: 'pending', debitAccountId: 'wallet', creditAccountId: 'escrow-asset', amount: '120', currency: 'CNY', code: 'escrow.hold' }], t0 + 30],
    [[{ id: 'post', kind: 'post', pendingId: 'hold', amount: '100' }], t0 + 40],
    [[move('payout', 'escrow-bank', 'seller', '100', 'escrow.payout')], t0 + 50],
    [[{ id: 'hold2', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'seller', amount: '50', currency: 'CNY', code: 'escrow.hold' }], t0 + 60],
  ]);
}

describe('trialBalance', () => {
  it('per currency, debits equal credits for posted and for pending', () => {
    const ledger = sample();
    expect(trialBalance(ledger.accounts.values())).toEqual([
      { currency: 'CNY', debitsPosted: '1800.00', creditsPosted: '1800.00', postedBalanced: true, debitsPending: '50.00', creditsPending: '50.00', pendingBalanced: true },
      { currency: 'USD', debitsPosted: '5.00', creditsPosted: '5.00', postedBalanced: true, debitsPending: '0.00', creditsPending: '0.00', pendingBalanced: true },
    ]);
  });

  it('says so when the rows do not balance', () => {
    const accounts = [...sample().accounts.values()].map((a): Account => (a.id === 'buyer' ? { ...a, creditsPosted: '1000.01', debitsPending: '0.00' } : a));
    const cny = trialBalance(accounts)[0];
    expect(cny).toMatchObject({ creditsPosted: '1800.01', postedBalanced: false, debitsPending: '0.00', pendingBalanced: false });
  });
});

describe('balanceSheet', () => {
  it('groups one book by normal side, code and currency, in the normal side sign', () => {
    const ledger = sample();
    expect(balanceSheet(ledger.accounts.values(), 'bank')).toEqual({
      bookId: 'bank',
      groups: [
        { normal: 'debit', code: 'bank.cash', currency: 'CNY', accounts: 1, posted: '1000.00', pending: '0.00' },
        { normal: 'debit', code: 'bank.cash', currency: 'USD', accounts: 1, posted: '5.00', pending: '0.00' },
        // buyer 700 (hold of 50 against it), seller 100 (+50 on the way), escrow-bank 200.
        { normal: 'credit', code: 'bank.deposit', currency: 'CNY', accounts: 3, posted: '1000.00', pending: '0.00' },
        { normal: 'credit', code: 'bank.deposit', currency: 'USD', accounts: 1, posted: '5.00', pending: '0.00' },
      ],
      totals: [
        { normal: 'debit', currency: 'CNY', posted: '1000.00' },
        { normal: 'debit', currency: 'USD', posted: '5.00' },
        { normal: 'credit', currency: 'CNY', posted: '1000.00' },
        { normal: 'credit', currency: 'USD', posted: '5.00' },
      ],
    });
    const escrow = balanceSheet(ledger.accounts.values(), 'escrow');
    expect(escrow.groups).toEqual([
      { normal: 'debit', code: 'escrow.bank', currency: 'CNY', accounts: 1, posted: '200.00', pending: '0.00' },
      { normal: 'credit', code: 'escrow.wallet', currency: 'CNY', accounts: 1, posted: '200.00', pending: '0.00' },
    ]);
    expect(balanceSheet(ledger.accounts.values(), 'nobody')).toEqual({ bookId: 'nobody', groups: [], totals: [] });
  });

  it('shows open holds as pending', () => {
    const ledger = ledgerWith([
      [[move('fund', 'cash', 'buyer', '100', 'bank.deposit')], t0 + 1],
      [[{ id: 'h', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'seller', amount: '30', currency: 'CNY', code: 'hold' }], t0 + 2],
    ]);
    const deposits = balanceSheet(ledger.accounts.values(), 'bank').groups.find((g) => g.code === 'bank.deposit' && g.currency === 'CNY');
    expect(deposits).toMatchObject({ posted: '100.00', pending: '0.00' }); // -30 for buyer, +30 for seller
  });
});

describe('statement', () => {
  const buyer = { id: 'buyer', normal: 'credit' as const, currency: 'CNY' as const };

  it('lists the account entries with running balances in the normal side sign', () => {
    const ledger = sample();
    const { rows, closing } = statement(ledger.entries, buyer, { posted: '0.00', pending: '0.00' });
    expect(rows.map((r) => [r.seq, r.transferId, r.side, r.counterpartyAccountId, r.postedChange, r.pendingChange, r.balance, r.pending])).toEqual([
      [1, 'fund', 'credit', 'cash', '1000.00', '0.00', '1000.00', '0.00'],
      [3, 'pay', 'debit', 'escrow-bank', '-300.00', '0.00', '700.00', '0.00'],
      [8, 'hold2', 'debit', 'seller', '0.00', '-50.00', '700.00', '-50.00'],
    ]);
    expect(closing).toEqual({ posted: '700.00', pending: '-50.00' });
  });

  it('a post row shows the posted amount in and the whole hold released', () => {
    const ledger = sample();
    const escrowAsset = { id: 'escrow-asset', normal: 'debit' as const, currency: 'CNY' as const };
    const { rows } = statement(ledger.entries, escrowAsset, { posted: '0.00', pending: '0.00' });
    expect(rows.map((r) => [r.kind, r.postedChange, r.pendingChange, r.balance, r.pending])).toEqual([
      ['single', '300.00', '0.00', '300.00', '0.00'],
      ['pending', '0.00', '-120.00', '300.00', '-120.00'],
      ['post', '-100.00', '120.00', '200.00', '0.00'],
    ]);
  });

  it('pages: the closing balance of one chunk opens the next, giving the same rows', () => {
    const ledger = sample();
    const whole = statement(ledger.entries, buyer, { posted: '0.00', pending: '0.00' });
    const first = statement(ledger.entries.slice(0, 4), buyer, { posted: '0.00', pending: '0.00' });
    const second = statement(ledger.entries.slice(4), buyer, first.closing);
    expect([...first.rows, ...second.rows]).toEqual(whole.rows);
    expect(second.closing).toEqual(whole.closing);
  });

  it('filters by world time and code but keeps the running balance true', () => {
    const ledger = sample();
    const byTime = statement(ledger.entries, buyer, { posted: '0.00', pending: '0.00' }, { fromAt: t0 + 20, toAt: t0 + 60 });
    expect(byTime.rows.map((r) => [r.transferId, r.balance])).toEqual([['pay', '700.00']]);
    expect(byTime.closing).toEqual({ posted: '700.00', pending: '-50.00' });
    const byCode = statement(ledger.entries, buyer, { posted: '0.00', pending: '0.00' }, { codes: ['escrow.hold'] });
    expect(byCode.rows.map((r) => [r.transferId, r.balance, r.pending])).toEqual([['hold2', '700.00', '-50.00']]);
  });
});
