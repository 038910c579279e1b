import { describe, expect, it } from 'vitest';
import { institutionSeeds, type Account, type Party } from '../../src/domain/index.ts';
import { accountName, accountNameOf, eventText, groupedAmount, noticeText, partyNameOf, refsText, transferReason } from '../../src/ui/names.ts';

// Every word in the student's language (issue #15): ids and codes the app stores are named through
// the catalogs, in both languages, and never reach the screen as they are.

const parties: Party[] = [
  ...institutionSeeds.map((p) => ({ ...p, createdAt: 0 })),
  { id: 'u-lilei', kind: 'buyer', institution: false, name: { zh: '李雷', en: 'Li Lei' }, createdAt: 0 },
];

function account(id: string, partyId: string, bookId: string, code: string): Account {
  return {
    id, partyId, bookId, code, name: 'Stored English name', currency: 'CNY', normal: 'credit', flags: {},
    debitsPosted: '0.00', creditsPosted: '0.00', debitsPending: '0.00', creditsPending: '0.00', createdAt: 0,
  };
}

const wallet = account('escrow:wallet:u-lilei', 'u-lilei', 'escrow', 'escrow.wallet');
const deposit = account('bank-a:deposit:u-lilei', 'u-lilei', 'bank-a', 'bank.deposit');
const reserve = account('bank-a:reserve', 'bank-a', 'bank-a', 'bank.reserve');
const accounts = new Map([wallet, deposit, reserve].map((a) => [a.id, a]));

describe('names', () => {
  it('an account is named by kind, owner and the bank it is at, in the reader’s language, never by its stored English name', () => {
    expect(accountName(wallet, parties, 'zh-CN')).toBe('李雷的担保钱包');
    expect(accountName(wallet, parties, 'en')).toBe('Li Lei’s escrow wallet');
    expect(accountName(deposit, parties, 'zh-CN')).toBe('李雷在华信银行的存款账户');
    expect(accountName(deposit, parties, 'en')).toBe('Li Lei’s deposit account at Huaxin Bank');
    expect(accountName(reserve, parties, 'zh-CN')).toBe('华信银行的央行准备金');
    // An institution's deposit at a bank: the bank is named only in the id.
    expect(accountName(account('platform:at:bank-b', 'platform', 'platform', 'institution.at_bank'), parties, 'en')).toBe('EasyMall Platform’s deposit at Eastern Commercial Bank');
    expect(accountNameOf(accounts, parties, 'card:unknown:x', 'zh-CN')).toBe('长城信用卡公司的一个账户');
    expect(accountNameOf(accounts, parties, 'nowhere', 'en')).toBe('an account');
    // A row this tab has not read: the owner and book its id names.
    expect(accountNameOf(new Map(), parties, 'escrow:wallet:u-lilei', 'zh-CN')).toBe('李雷在安付宝（第三方支付）的账户');
  });

  it('parties, the scheduler and unknown ids have names; transfer codes say why', () => {
    expect(partyNameOf(parties, 'bank-a', 'zh-CN')).toBe('华信银行');
    expect(partyNameOf(parties, 'system', 'zh-CN')).toBe('系统定时任务');
    expect(partyNameOf(parties, 'u-ghost', 'en')).toBe('an unknown party');
    expect(transferReason('platform.commission', 'zh-CN')).toBe('平台佣金');
    expect(transferReason('escrow.hold', 'en')).toBe('the buyer’s payment, held by the escrow agent');
    expect(transferReason('no.such_code', 'en')).toBe('a transfer');
  });

  it('amounts get separators without going through a float', () => {
    expect(groupedAmount('20000000.00', 'zh-CN')).toBe('20,000,000.00');
    expect(groupedAmount('-1234.50', 'en')).toBe('-1,234.50');
    expect(groupedAmount('999.99', 'en')).toBe('999.99');
    expect(groupedAmount('90071992547409931.01', 'en')).toBe('90,071,992,547,409,931.01');
  });

  it('an event names its parties and amounts; an unworded event or notice shows no code', () => {
    const ctx = { parties, accounts };
    expect(eventText({ type: 'bank.cash_deposit', payload: { customer: 'u-lilei', amount: '20000000.00', card: '6222' } }, ctx, 'zh-CN')).toBe('李雷 存入现金 ¥20,000,000.00');
    expect(eventText({ type: 'ledger.transfer', payload: { from: 'bank-a:reserve', to: 'escrow:wallet:u-lilei', amount: '5.00', currency: 'CNY' } }, ctx, 'en')).toBe('Moved 5.00 CNY from Huaxin Bank’s reserve at the central bank to Li Lei’s escrow wallet');
    expect(eventText({ type: 'no.such_event', payload: {} }, ctx, 'en')).not.toMatch(/no\.such_event/);
    expect(eventText({ type: 'clearing.batch_settled', payload: { batch: 'batch:0', payments: 1, gross: '57.00', settled: '57.00' } }, ctx, 'zh-CN')).toBe('清算批次 第 1 天 已结算：1 笔，总额 ¥57.00，净额 ¥57.00');
    expect(eventText({ type: 'market.funds_available', payload: { orderId: 'T1', amount: '36.42', currency: 'CNY' } }, ctx, 'zh-CN')).toBe('订单 T1：¥36.42 现可提现');
    expect(noticeText('payments.charge.zzz', 'zh-CN')).not.toMatch(/[a-z]\.[a-z]/);
    expect(noticeText('mail.received', 'en')).toBe('New mail in your mailbox.');
  });

  it('a transfer’s references say what it was for, without technical ids', () => {
    const text = refsText({ orderId: 'O-1', transfer: 'topup:35625b2c', wallet: 'escrow:wallet:u-lilei', counter: 'bank-a' }, { parties, accounts }, 'zh-CN');
    expect(text).toBe('订单 O-1；李雷的担保钱包；华信银行柜台办理');
    expect(refsText({ wallet: 'escrow:wallet:u-lilei' }, { parties, accounts: new Map() }, 'en')).toBe('Li Lei’s account at SafePay (escrow agent)');
  });
});
