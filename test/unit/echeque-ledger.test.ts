// The effects of a paid and a returned cheque, booked on a real (in-memory) ledger with the banking
// module's accounts: balances move as they should, every book balances on its own, and the day's
// clearing batch settles the interbank position.
import { describe, expect, it } from 'vitest';
import { MemoryLedger, availableOf, balanceOf, balanceSheet, trialBalance, type MoveRequest } from '../../src/domain/ledger/index.ts';
import { toStored } from '../../src/domain/money/index.ts';
import {
  bankClearingAccountInputs,
  bankingAccountIds as ids,
  cashDepositRequests,
  centralBankAccountInputs,
  depositAccountInput,
  issueNotesRequests,
  netPositions,
  notesAccountInput,
  reserveDepositRequests,
  settlementRequests,
} from '../../src/domain/payments/banking/index.ts';
import {
  chequeFeeMoveRequests,
  chequeInterbankPayment,
  chequeMoveRequests,
  presentCheque,
  type ChequeEffect,
  type ChequeFeeEffect,
  type ChequeTransferEffect,
} from '../../src/domain/payments/echeque/index.ts';
import { config, presentedAt, presentment, t0 } from './echeque-fixtures.ts';

function world(): MemoryLedger {
  const ledger = new MemoryLedger();
  const inputs = [
    ...centralBankAccountInputs(),
    ...bankClearingAccountInputs('bank-a'),
    ...bankClearingAccountInputs('bank-b'),
    depositAccountInput('bank-a', 'buyer-1'),
    depositAccountInput('bank-b', 'seller-1'),
    notesAccountInput('buyer-1'),
    notesAccountInput('bank-a'),
    notesAccountInput('bank-b'),
    { id: ids.vault('bank-a'), partyId: 'bank-a', bookId: 'bank-a', code: 'institution.vault', name: 'Vault', currency: 'CNY' as const, normal: 'debit' as const, flags: { creditsMustNotExceedDebits: true } },
    { id: ids.vault('bank-b'), partyId: 'bank-b', bookId: 'bank-b', code: 'institution.vault', name: 'Vault', currency: 'CNY' as const, normal: 'debit' as const, flags: { creditsMustNotExceedDebits: true } },
    { id: 'bank-a:fee_income', partyId: 'bank-a', bookId: 'bank-a', code: 'bank.fee_income', name: 'Fee income', currency: 'CNY' as const, normal: 'credit' as const },
  ];
  for (const input of inputs) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(`${input.id}: ${added.code}`);
  }
  // The buyer pays ¥5,000 cash into bank-a; bank-a puts ¥2,000 of the notes into its reserve.
  apply(ledger, [
    ...issueNotesRequests({ id: 'issue', amount: '5000.00', currency: 'CNY', partyId: 'buyer-1' }),
    ...cashDepositRequests({ id: 'cash', amount: '5000.00', currency: 'CNY', customer: { bankId: 'bank-a', partyId: 'buyer-1' } }),
    ...reserveDepositRequests({ id: 'reserve', amount: '2000.00', currency: 'CNY', bankId: 'bank-a' }),
  ]);
  return ledger;
}

function apply(ledger: MemoryLedger, requests: readonly MoveRequest[]): void {
  const result = ledger.apply(requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 })), presentedAt);
  if (!result.ok) throw new Error(result.code);
  expect(result.value.results.every((r) => r.status === 'created')).toBe(true);
}

const balance = (ledger: MemoryLedger, id: string): string => {
  const account = ledger.accounts.get(id);
  if (account === undefined) throw new Error(`no account ${id}`);
  return toStored(balanceOf(account)).amount;
};

function expectBooksBalance(ledger: MemoryLedger): void {
  expect(trialBalance(ledger.accounts.values()).every((row) => row.postedBalanced)).toBe(true);
  for (const book of ['bank-a', 'bank-b', 'clearing']) {
    const totals = balanceSheet(ledger.accounts.values(), book).totals;
    const side = (normal: string) => totals.find((t) => t.normal === normal)?.posted ?? '0.00';
    expect(side('debit'), `book ${book}`).toBe(side('credit'));
  }
}

const transferOf = (effects: readonly ChequeEffect[]): ChequeTransferEffect => {
  const t = effects.find((e): e is ChequeTransferEffect => e.kind === 'bank_transfer');
  if (t === undefined) throw new Error('no transfer effect');
  return t;
};

describe('a paid cheque on the ledger', () => {
  it('moves the money through clearing, and the day\'s batch settles it through the reserves', () => {
    const ledger = world();
    const available = availableOf(ledger.accounts.get(ids.deposit('bank-a', 'buyer-1'))!);
    const decision = presentCheque(presentment({ availableBalance: toStored(available) }), config);
    if (decision.outcome !== 'paid') throw new Error('expected paid');
    const transfer = transferOf(decision.effects);
    apply(ledger, chequeMoveRequests(transfer));
    expect(balance(ledger, ids.deposit('bank-a', 'buyer-1'))).toBe('3995.95');
    expect(balance(ledger, ids.deposit('bank-b', 'seller-1'))).toBe('1004.05');
    expect(balance(ledger, ids.clearingOut('bank-a'))).toBe('1004.05');
    expect(balance(ledger, ids.clearingIn('bank-b'))).toBe('1004.05');
    expectBooksBalance(ledger);

    const payment = chequeInterbankPayment(transfer);
    expect(payment).toEqual({ payerBankId: 'bank-a', payeeBankId: 'bank-b', amount: '1004.05' });
    apply(ledger, settlementRequests('batch-1', netPositions([payment!], 'CNY'), 'CNY'));
    expect(balance(ledger, ids.clearingOut('bank-a'))).toBe('0.00');
    expect(balance(ledger, ids.clearingIn('bank-b'))).toBe('0.00');
    expect(balance(ledger, ids.centralReserve('bank-a'))).toBe('995.95');
    expect(balance(ledger, ids.centralReserve('bank-b'))).toBe('1004.05');
    expectBooksBalance(ledger);

    // Replaying the same effect is the same request to the ledger: nothing moves twice.
    const again = chequeMoveRequests(transfer);
    const replay = ledger.apply(again.map((r, i) => ({ ...r, linked: i < again.length - 1 })), presentedAt);
    expect(replay.ok && replay.value.results.every((r) => r.status === 'exists')).toBe(true);
    expect(balance(ledger, ids.deposit('bank-b', 'seller-1'))).toBe('1004.05');
  });

  it('a cheque the balance cannot cover is returned, and only the fee moves', () => {
    const ledger = world();
    const decision = presentCheque(presentment({ availableBalance: { amount: '1000.00', currency: 'CNY' } }), config);
    if (decision.outcome !== 'returned') throw new Error('expected returned');
    const fee = decision.effects.find((e): e is ChequeFeeEffect => e.kind === 'bank_fee');
    if (fee === undefined) throw new Error('no fee effect');
    apply(ledger, chequeFeeMoveRequests(fee, 'bank-a:fee_income'));
    expect(balance(ledger, ids.deposit('bank-a', 'buyer-1'))).toBe('4980.00');
    expect(balance(ledger, 'bank-a:fee_income')).toBe('20.00');
    expectBooksBalance(ledger);
  });
});
