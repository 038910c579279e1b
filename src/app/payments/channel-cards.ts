import { chargeCardChannel, creditCardChannel, err, ok, type CardRow, type PaymentChannel } from '../../domain/index.ts';
import { primaryBankAccount } from '../banking/primary-account.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';
import { acquiringJobs, scheduleAcquiring } from './acquiring.ts';
import { cardJobs } from './cards.ts';

// Credit card (贷记卡) and charge card (签账卡) behind the gateway, two-phase: checkout AUTHORIZES
// (a pending hold on the card's credit line, `card:card:<id>` → `card:card:settlement`; refusals
// credit_limit_exceeded / spending_limit_exceeded / card_suspended / card_not_owned become the
// charge's reason); the order's SHIP step CAPTURES (the hold is posted and the sale passes to the
// seller's acquirer, `<bank>:acquiring:unsettled:<seller>`, through the card company's account at
// its bank and clearing); a cancel before shipping VOIDS the hold; a refund credits the card.
// The acquirer's T+1 batch pays the seller less the merchant discount (acquiring.ts).
// charge.source.cardId = the card company's card id (CC000001...).

function cardAdapter(channel: PaymentChannel<CardRow>): ChannelAdapter<CardRow> {
  return {
    channel,
    settlement: 'direct',
    async prepare(tx, order, source) {
      const cardId = (source.cardId ?? '').trim();
      if (cardId === '') return err('card_required');
      const card = await paymentsTables(tx.db).cards.get(cardId);
      if (card === undefined) return err('card_not_found');
      const acquirer = await primaryBankAccount(tx.db, order.sellerId);
      if (acquirer === undefined) return err('seller_bank_account_missing', { sellerId: order.sellerId });
      return ok({ payee: { partyId: order.sellerId, bankId: acquirer.bankId }, source: { cardId } });
    },
    async load(tx, charge) {
      const card = await paymentsTables(tx.db).cards.get(charge.source.cardId ?? '');
      return card === undefined ? err('card_not_found') : ok(card);
    },
    async save(tx, _charge, card) {
      await paymentsTables(tx.db).cards.put(card);
    },
    async afterStep(tx, charge, op) {
      if (op === 'capture' || op === 'refund') await scheduleAcquiring(tx, charge.payee.bankId, tx.now);
      return ok(null);
    },
  };
}

export const creditCardChannelModule: ChannelModule = { id: 'credit_card', adapter: cardAdapter(creditCardChannel), catalog: { name: 'payments.channel.credit_card', prefixes: ['payments.cards.'] }, jobs: [...cardJobs, ...acquiringJobs] };
export const chargeCardChannelModule: ChannelModule = { id: 'charge_card', adapter: cardAdapter(chargeCardChannel), catalog: { name: 'payments.channel.charge_card', prefixes: ['payments.cards.'] }, jobs: [...cardJobs, ...acquiringJobs] };
