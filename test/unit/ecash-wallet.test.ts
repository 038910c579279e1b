// The e-wallet's pure parts: transaction recorder, search, CSV rows, masked saved cards.
import { describe, expect, it } from 'vitest';
import {
  recordWalletTransaction,
  searchWalletTransactions,
  setWalletTransactionStatus,
  walletCsvCell,
  walletCsvHeader,
  walletCsvTimestamp,
  walletTransactionsCsvRows,
  type WalletTransaction,
  type WalletTransactionInput,
} from '../../src/domain/payments/index.ts';

const t0 = Date.UTC(2026, 0, 5, 1); // 09:00 in Beijing
const minute = 60_000;

function row(over: Partial<WalletTransactionInput>): WalletTransaction {
  const input: WalletTransactionInput = {
    id: 'tx-1',
    walletId: 'buyer:zhang',
    at: t0,
    payee: '今日财经',
    payeeId: 'seller:news',
    amount: '0.1',
    currency: 'CNY',
    channel: 'ecash',
    reference: 'order-1',
    note: '',
    ...over,
  };
  const r = recordWalletTransaction(input, input.at);
  if (!r.ok) throw new Error(r.code);
  return r.value;
}

const rows = [
  row({ id: 'tx-1' }),
  row({ id: 'tx-2', at: t0 + minute, payee: 'Campus Canteen 食堂', payeeId: 'merchant:canteen', amount: '12.50', channel: 'stored_value', reference: 'lunch' }),
  row({ id: 'tx-3', at: t0 + 2 * minute, payee: '蓝牙耳机店', payeeId: 'seller:audio', amount: '199', channel: 'smart_card', reference: 'order-7', status: 'completed' }),
  row({ id: 'tx-4', at: t0 + 3 * minute, payee: 'China Mobile', payeeId: 'merchant:mobile', amount: '30', channel: 'stored_value', reference: 'phone:13800000000', status: 'failed', note: 'balance low' }),
];

describe('transaction recorder', () => {
  it('normalises the amount to the currency scale and starts pending', () => {
    expect(rows[0]).toMatchObject({ amount: '0.10', status: 'pending', updatedAt: t0 });
  });

  it('refuses bad rows by name', () => {
    expect(recordWalletTransaction({ ...rows[0]!, payee: ' ' }, t0)).toMatchObject({ code: 'field_required', detail: { field: 'payee' } });
    expect(recordWalletTransaction({ ...rows[0]!, amount: '0' }, t0)).toMatchObject({ code: 'amount_not_positive' });
    expect(recordWalletTransaction({ ...rows[0]!, amount: '0.001' }, t0)).toMatchObject({ code: 'amount_invalid' });
    expect(recordWalletTransaction({ ...rows[0]!, amount: '-1' }, t0)).toMatchObject({ code: 'amount_invalid' });
    expect(recordWalletTransaction({ ...rows[0]!, channel: 'bitcoin' as never }, t0)).toMatchObject({ code: 'channel_unknown' });
    expect(recordWalletTransaction({ ...rows[0]!, note: 'x'.repeat(201) }, t0)).toMatchObject({ code: 'field_too_long' });
  });

  it('moves status only along pending -> completed/failed, completed -> refunded', () => {
    const done = setWalletTransactionStatus(rows[0]!, 'completed', t0 + 5);
    expect(done).toMatchObject({ ok: true, value: { status: 'completed', updatedAt: t0 + 5 } });
    if (!done.ok) return;
    expect(setWalletTransactionStatus(done.value, 'refunded', t0 + 6)).toMatchObject({ ok: true, value: { status: 'refunded' } });
    expect(setWalletTransactionStatus(done.value, 'pending', t0 + 6)).toMatchObject({ code: 'status_change_not_allowed' });
    expect(setWalletTransactionStatus(rows[3]!, 'completed', t0 + 10 * minute)).toMatchObject({ code: 'status_change_not_allowed' });
  });
});

describe('search and filter', () => {
  it('lists newest first', () => {
    expect(searchWalletTransactions(rows).map((r) => r.id)).toEqual(['tx-4', 'tx-3', 'tx-2', 'tx-1']);
  });

  it('matches text case-insensitively in payee, payee id, reference and note', () => {
    expect(searchWalletTransactions(rows, { text: 'canteen' }).map((r) => r.id)).toEqual(['tx-2']);
    expect(searchWalletTransactions(rows, { text: '食堂' }).map((r) => r.id)).toEqual(['tx-2']);
    expect(searchWalletTransactions(rows, { text: 'ORDER' }).map((r) => r.id)).toEqual(['tx-3', 'tx-1']);
    expect(searchWalletTransactions(rows, { text: 'low' }).map((r) => r.id)).toEqual(['tx-4']);
    // Full-width letters fold to ASCII (NFKC), as a Chinese IME may type them.
    expect(searchWalletTransactions(rows, { text: 'ＣＨＩＮＡ' }).map((r) => r.id)).toEqual(['tx-4']);
  });

  it('filters by channel, status, time range and amount range, and limits', () => {
    expect(searchWalletTransactions(rows, { channels: ['stored_value'] }).map((r) => r.id)).toEqual(['tx-4', 'tx-2']);
    expect(searchWalletTransactions(rows, { statuses: ['completed', 'failed'] }).map((r) => r.id)).toEqual(['tx-4', 'tx-3']);
    expect(searchWalletTransactions(rows, { from: t0 + minute, to: t0 + 3 * minute }).map((r) => r.id)).toEqual(['tx-3', 'tx-2']);
    expect(searchWalletTransactions(rows, { minAmount: '12.50', maxAmount: '100' }).map((r) => r.id)).toEqual(['tx-4', 'tx-2']);
    expect(searchWalletTransactions(rows, { channels: ['stored_value'], text: 'mobile' }).map((r) => r.id)).toEqual(['tx-4']);
    expect(searchWalletTransactions(rows, { limit: 1 }).map((r) => r.id)).toEqual(['tx-4']);
  });
});

describe('CSV rows', () => {
  it('has a header and one row per transaction, times in Beijing time', () => {
    const csv = walletTransactionsCsvRows(searchWalletTransactions(rows, { channels: ['ecash'] }));
    expect(csv).toEqual([[...walletCsvHeader], ['2026-01-05 09:00:00', '今日财经', '0.10', 'CNY', 'ecash', 'pending', 'order-1', '', 'tx-1']]);
    expect(walletCsvTimestamp(Date.UTC(2026, 0, 5, 16, 30, 5))).toBe('2026-01-06 00:30:05');
  });

  it('keeps formula-looking cells as text (CSV injection)', () => {
    expect(walletCsvCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(walletCsvCell('+86 138')).toBe("'+86 138");
    expect(walletCsvCell('@sum')).toBe("'@sum");
    expect(walletCsvCell('China Mobile')).toBe('China Mobile');
    const evil = row({ id: 'tx-9', payee: '=cmd|calc' });
    expect(walletTransactionsCsvRows([evil])[1]![1]).toBe("'=cmd|calc");
  });
});
