import { availableOf, bankingAccountIds as ids, debitCardChannel, err, ok, toStored, type DebitCardView } from '../../domain/index.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { primaryBankAccount } from '../banking/primary-account.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';
import { acquiringJobs, scheduleAcquiring } from './acquiring.ts';

// Debit card (借记卡): the bank card the buyer's bank issued with the deposit account (its number is
// the card number). Immediate: the order total leaves the deposit account at once, never
// overdrawing it (the named reason insufficient_funds, checked against the ledger's available
// balance), and reaches the seller's ACQUIRING account at the seller's bank
// (`<seller bank>:acquiring:unsettled:<seller>`; through clearing when the banks differ). The
// acquirer's T+1 batch (acquiring.ts) pays the seller's deposit less the merchant discount rate.
// The order's escrow ledger effects are skipped ('direct'); a refund moves the refunded part from
// the seller's acquiring account back to the card's deposit account.
// charge.source.cardId = the card number; charge.payee.bankId = the seller's bank (acquirer).

async function sellerBank(tx: Parameters<ChannelAdapter<DebitCardView>['prepare']>[0], sellerId: string) {
  const first = await primaryBankAccount(tx.db, sellerId);
  return first === undefined ? err('seller_bank_account_missing', { sellerId }) : ok(first.bankId);
}

export const debitCardAdapter: ChannelAdapter<DebitCardView> = {
  channel: debitCardChannel,
  settlement: 'direct',
  async prepare(tx, order, source) {
    const cardNumber = (source.cardId ?? '').replace(/\s+/g, '');
    if (cardNumber === '') return err('card_required');
    const account = await bankingTables(tx.db).bankAccounts.where('cardNumber').equals(cardNumber).first();
    if (account === undefined) return err('card_not_found');
    const bank = await sellerBank(tx, order.sellerId);
    if (!bank.ok) return bank;
    return ok({ payee: { partyId: order.sellerId, bankId: bank.value }, source: { cardId: cardNumber } });
  },
  async load(tx, charge) {
    const account = await bankingTables(tx.db).bankAccounts.where('cardNumber').equals(charge.source.cardId!).first();
    if (account === undefined) return err('card_not_found');
    const ledger = await ledgerTables(tx.db).accounts.get(ids.deposit(account.bankId, account.partyId));
    if (ledger === undefined) return err('payer_account_not_found');
    return ok({ cardId: account.cardNumber, bankId: account.bankId, holderId: account.partyId, status: 'active', available: toStored(availableOf(ledger)) });
  },
  async afterStep(tx, charge, op) {
    // Every sale or refund is an item of the acquirer's T+1 batch.
    if (op === 'authorize' || op === 'refund' || op === 'capture') await scheduleAcquiring(tx, charge.payee.bankId, tx.now);
    return ok(null);
  },
};

export const debitCardChannelModule: ChannelModule = { id: 'debit_card', adapter: debitCardAdapter, catalog: { name: 'payments.channel.debit_card', prefixes: ['payments.pay.'] }, jobs: acquiringJobs };
