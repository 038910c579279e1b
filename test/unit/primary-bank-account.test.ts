import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids, channelLedgerCodes, ok, type ChannelLedgerEffect, type Difference } from '../../src/domain/index.ts';
import { runCommand } from '../../src/app/command.ts';
import { ledgerRequestsOfChannel } from '../../src/app/effects/channel-ledger.ts';
import { bookFeeAdjustment } from '../../src/app/reconciliation/fees.ts';
import { cardIssuerId as cardCompanyId } from '../../src/app/payments/cards.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { primaryAmong, primaryBankAccount } from '../../src/app/banking/primary-account.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { enableChequeAccount, issueChequebookAtBank } from '../../src/app/echeque/index.ts';
import { bankingTables } from '../../src/storage/banking-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, unwrap } from '../helpers/market.ts';
import { balances, customerAt, fund } from '../helpers/banking.ts';

// Issue #19 item 5: one primaryBankAccount rule for every channel, the account the party opened
// first. The e-cheque channel used to take the first row of the partyId index (the lowest account
// id: bank-a) whichever the party opened first.

async function openAt(db: WorldDb, partyId: string, bankId: string) {
  const applied = unwrap(await applyForBankAccount(db, meta(partyId), { bankId }));
  unwrap(await approveBankApplication(db, meta(bankId), { applicationId: applied.id }));
}

/** A world whose seller opened an account at bank-b, then a day later one at bank-a. */
async function sellerAtBankBFirst() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  await openAt(db, seller, 'bank-b');
  await advanceDays(db, 1);
  await openAt(db, seller, 'bank-a');
  return { db, seller };
}

describe('primaryBankAccount', () => {
  it('is the account opened first; a tie goes to the lower id', () => {
    const a = { id: 'bank-a:deposit:p', openedAt: 2 };
    const b = { id: 'bank-b:deposit:p', openedAt: 1 };
    expect(primaryAmong([a, b])).toBe(b);
    expect(primaryAmong([{ ...b, openedAt: 2 }, a])).toBe(a);
    expect(primaryAmong([])).toBeUndefined();
  });

  it('a seller who banked at bank-b first, then at bank-a: e-cheque, cash on delivery and remittance all name bank-b', async () => {
    const { db, seller } = await sellerAtBankBFirst();
    // The old e-cheque rule, the partyId index's first row, is bank-a here.
    expect((await bankingTables(db).bankAccounts.where('partyId').equals(seller).first())?.bankId).toBe('bank-a');
    expect((await primaryBankAccount(db, seller))?.bankId).toBe('bank-b');

    const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '500.00');
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer) }));
    unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer), count: 5 }));

    const payeeBank = async (channel: string) => {
      const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: channel, buyNow: { productId: product.id, quantity: 1 } }));
      const paid = unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel }));
      return paid.charge.payee.bankId;
    };
    expect(await payeeBank('echeque')).toBe('bank-b');
    expect(await payeeBank('cash_on_delivery')).toBe('bank-b');
    expect(await payeeBank('remittance')).toBe('bank-b');
  });
});

describe('the primary rule where a channel books between books and where a fee adjustment is paid', () => {
  it('the card company, banked at bank-b first and at bank-a later, pays out of bank-b when the other side is not at a bank', async () => {
    const { db } = await freshWorld();
    await advanceDays(db, 1);
    await openAt(db, cardCompanyId, 'bank-a');
    expect((await bankingTables(db).bankAccounts.where('partyId').equals(cardCompanyId).first())?.bankId).toBe('bank-a');
    expect((await primaryBankAccount(db, cardCompanyId))?.bankId).toBe('bank-b');
    // From the card company's book to logistics' book: neither is a bank, so the paying side has
    // no bank to stay near and takes its primary account.
    const effect: ChannelLedgerEffect = {
      kind: 'ledger',
      op: 'transfer',
      transferId: 'test-primary',
      from: { role: 'card_settlement', issuerId: cardCompanyId },
      to: { role: 'cod_fee_income', logisticsId: 'logistics' },
      amount: { amount: '1.00', currency: 'CNY' },
      code: channelLedgerCodes.cardToAcquirer,
      refs: {},
    };
    const planned = await runCommand(db, 'testPlan', meta('platform'), async (tx) => ok(await ledgerRequestsOfChannel(tx, [effect])));
    const requests = unwrap(unwrap(planned)).requests;
    expect(requests.find((r) => r.id === 'test-primary:from-book')).toMatchObject({ creditAccountId: ids.atBank(cardCompanyId, 'bank-b') });
    expect(requests.find((r) => r.id === 'test-primary:payer-bank')).toMatchObject({ debitAccountId: ids.deposit('bank-b', cardCompanyId) });
  });

  it('a seller who banked at bank-b first, then at bank-a, pays a fee adjustment to an institution at both banks from bank-b', async () => {
    const { db, seller } = await sellerAtBankBFirst();
    await fund(db, seller, 'bank-a', '10.00');
    await fund(db, seller, 'bank-b', '10.00');
    // The escrow agent banks at both: the payer's primary bank is the shared one chosen.
    const d: Difference = {
      id: 'test-fee-diff', kind: 'fee_mismatch', date: '2026-01-01', institutionId: 'escrow', channel: 'escrow', orderId: null, merchantOrderNo: 'c1', merchantRefundNo: '', channelTradeNo: null,
      billAmount: { amount: '3.00', currency: 'CNY' }, otherAmount: { amount: '1.00', currency: 'CNY' },
    };
    const booked = await runCommand(db, 'testFee', meta('platform'), async (tx) => bookFeeAdjustment(tx, d, seller));
    expect(booked.ok).toBe(true);
    const after = await balances(db);
    expect(after.get(ids.deposit('bank-b', seller))).toBe('8.00');
    expect(after.get(ids.deposit('bank-a', seller))).toBe('10.00');
  });
});
