import { describe, expect, it } from 'vitest';
import { netPositions, settlementRequests, transferRequests, cashDepositRequests, type MoveRequest } from '../../src/domain/index.ts';

describe('multilateral netting', () => {
  it('nets three banks by hand: A→B 100, B→A 30, B→C 50, C→A 20', () => {
    const positions = netPositions(
      [
        { payerBankId: 'a', payeeBankId: 'b', amount: '100.00' },
        { payerBankId: 'b', payeeBankId: 'a', amount: '30.00' },
        { payerBankId: 'b', payeeBankId: 'c', amount: '50.00' },
        { payerBankId: 'c', payeeBankId: 'a', amount: '20.00' },
      ],
      'CNY',
    );
    expect(positions).toEqual([
      { bankId: 'a', grossOut: '100.00', grossIn: '50.00', net: '-50.00', paymentsOut: 1, paymentsIn: 2 },
      { bankId: 'b', grossOut: '80.00', grossIn: '100.00', net: '20.00', paymentsOut: 2, paymentsIn: 1 },
      { bankId: 'c', grossOut: '20.00', grossIn: '50.00', net: '30.00', paymentsOut: 1, paymentsIn: 1 },
    ]);
  });

  it('an empty batch has no positions; a payment to the same bank is a programmer error', () => {
    expect(netPositions([], 'CNY')).toEqual([]);
    expect(() => netPositions([{ payerBankId: 'a', payeeBankId: 'a', amount: '1.00' }], 'CNY')).toThrow();
  });

  it('settlement moves reserves by the nets only, and offsets the transit accounts in each bank’s book', () => {
    const positions = netPositions(
      [
        { payerBankId: 'bank-a', payeeBankId: 'bank-b', amount: '100.00' },
        { payerBankId: 'bank-b', payeeBankId: 'bank-a', amount: '30.00' },
      ],
      'CNY',
    );
    const r = settlementRequests('batch:3', positions, 'CNY');
    const lines = r.map((q) => [q.debitAccountId, q.creditAccountId, q.amount]);
    expect(lines).toEqual([
      ['clearing:reserve:bank-a', 'clearing:settlement', '70.00'],
      ['clearing:settlement', 'clearing:reserve:bank-b', '70.00'],
      ['bank-a:clearing:out', 'bank-a:clearing:in', '30.00'],
      ['bank-a:clearing:out', 'bank-a:reserve', '70.00'],
      ['bank-b:clearing:out', 'bank-b:clearing:in', '30.00'],
      ['bank-b:reserve', 'bank-b:clearing:in', '70.00'],
    ]);
    expect(new Set(r.map((q) => q.id)).size).toBe(r.length);
    expect(r.every((q) => q.kind === 'single' && q.refs?.batch === 'batch:3')).toBe(true);
  });

  it('books a cross-bank transfer in both banks’ books and an institution’s own book', () => {
    const requests = transferRequests({
      id: 't1',
      amount: '5.00',
      currency: 'CNY',
      code: 'escrow.withdrawal',
      payer: { bankId: 'bank-b', partyId: 'escrow', bookAccountId: 'escrow:wallet:u-s' },
      payee: { bankId: 'bank-a', partyId: 'u-s' },
    }) as MoveRequest[];
    expect(requests.map((q) => [q.debitAccountId, q.creditAccountId])).toEqual([
      ['bank-b:deposit:escrow', 'bank-b:clearing:out'],
      ['bank-a:clearing:in', 'bank-a:deposit:u-s'],
      ['escrow:wallet:u-s', 'escrow:at:bank-b'],
    ]);
    const cash = cashDepositRequests({ id: 'c1', amount: '1.00', currency: 'CNY', customer: { bankId: 'bank-a', partyId: 'u-b' } });
    expect(cash.map((q) => [q.debitAccountId, q.creditAccountId])).toEqual([
      ['clearing:notes:u-b', 'clearing:notes:bank-a'],
      ['bank-a:vault', 'bank-a:deposit:u-b'],
    ]);
  });
});
