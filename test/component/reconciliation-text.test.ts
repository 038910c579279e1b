import { describe, expect, it } from 'vitest';
import { institutionSeeds, type Difference, type Party } from '../../src/domain/index.ts';
import { actionDetailText } from '../../src/ui/reconciliation/text.ts';

// The daily report lists a fee adjustment with who paid whom how much, in the reader's language.

const parties: Party[] = institutionSeeds.map((p) => ({ ...p, createdAt: 0 }));
const fee = (bill: string, expected: string): Difference => ({
  id: 'fee_mismatch:bank-b:BANKB-20260105-000001',
  kind: 'fee_mismatch',
  date: '2026-01-05',
  institutionId: 'bank-b',
  channel: 'debit_card',
  orderId: 'o1',
  merchantOrderNo: 'o1:c1',
  merchantRefundNo: '',
  channelTradeNo: 'BANKB-20260105-000001',
  billAmount: { amount: bill, currency: 'CNY' },
  otherAmount: { amount: expected, currency: 'CNY' },
});
const booked = { action: 'book_fee_adjustment' as const, differenceId: 'fee_mismatch:bank-b:BANKB-20260105-000001', actorId: 'platform' };

describe('fee adjustment in the daily report', () => {
  it('names the payer, the channel and the difference, in en and zh-CN', () => {
    const en = actionDetailText(booked, [fee('0.50', '0.00')], parties, 'en');
    expect(en).toMatch(/paid .+ the fee difference of .*0\.50/);
    expect(en).not.toContain('bank-b');
    expect(actionDetailText(booked, [fee('0.50', '0.00')], parties, 'zh-CN')).toMatch(/支付手续费差额 .*0\.50/);
    // The channel charged less than the contract: it pays the difference back.
    expect(actionDetailText(booked, [fee('0.20', '0.60')], parties, 'en')).toMatch(/paid .+ back the fee difference of .*0\.40/);
    expect(actionDetailText(booked, [fee('0.20', '0.60')], parties, 'zh-CN')).toMatch(/退还手续费差额 .*0\.40/);
  });

  it('says nothing more for actions that move no fee', () => {
    expect(actionDetailText({ ...booked, action: 'write_off' }, [fee('0.50', '0.00')], parties, 'en')).toBe('');
  });
});
