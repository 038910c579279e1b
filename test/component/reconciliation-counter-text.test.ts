import { describe, expect, it } from 'vitest';
import { institutionSeeds, type Difference, type Party } from '../../src/domain/index.ts';
import { explainText } from '../../src/ui/reconciliation/text.ts';

// A counter payment (手机支付) whose seller's record is missing is explained as a lost record of the
// seller, not as a platform order whose callback was lost.

const parties: Party[] = institutionSeeds.map((p) => ({ ...p, createdAt: 0 }));
const lost = (channel: string): Difference => ({
  id: 'long:escrow:pay-1',
  kind: 'long',
  date: '2026-01-05',
  institutionId: 'escrow',
  channel,
  orderId: null,
  merchantOrderNo: 'POS-pay-1',
  merchantRefundNo: '',
  channelTradeNo: 'pay-1',
  billAmount: { amount: '12.50', currency: 'CNY' },
  otherAmount: null,
});

describe('a lost counter payment record in words', () => {
  it('names the trade, the receipt and the seller, in en and zh-CN', () => {
    const en = explainText(lost('mobile'), parties, 'en');
    expect(en).toMatch(/counter payment pay-1 \(receipt POS-pay-1\).+seller has no record/);
    expect(en).not.toContain('callback');
    expect(explainText(lost('mobile'), parties, 'zh-CN')).toMatch(/当面付交易 pay-1（小票号 POS-pay-1）.+卖家却没有这笔记录/);
    // An order's payment keeps the callback wording.
    expect(explainText(lost('escrow'), parties, 'en')).toContain('callback');
  });
});
