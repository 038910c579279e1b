import { availableOf, bankingAccountIds as ids, compare, err, fromStored, notForImmediateChannel, ok, toStored, type PaymentChannel, type StoredMoney } from '../../domain/index.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { checkBankingSession, sessionInTx } from '../identity/banking-login.ts';
import { postBankTransfer } from '../banking/transfers.ts';
import { ensureWallet, walletId } from '../market/accounts.ts';
import { interpretEffects } from '../effects/interpret.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';

// Online banking (网上银行支付): inside an open online-banking session (certificate login) the buyer
// pays from the deposit account at bank B to the PLATFORM'S COLLECTION ACCOUNT at the same bank,
// which is the escrow agent's account there (`B:deposit:escrow`; escrow keeps one at every bank,
// so no interbank clearing is ever needed), and the escrow agent credits the buyer's wallet
// (`escrow:at:B` → `escrow:wallet:<buyer>`, its own book), both linked in the same command. The
// order's PAY step then holds the total in escrow as for the wallet channel: the buyer keeps the
// escrow protection, the seller is paid on receipt, the platform takes its commission. (Paying the
// seller's account directly would bypass all three; see docs/gateway-api.md.)
// A refund returns the refunded part from the wallet to the bank account it came from.
// charge.source.bankId names the buyer's bank.

export type OnlineBankingState = { readonly available: StoredMoney };

export const onlineBankingChannel: PaymentChannel<OnlineBankingState> = {
  id: 'online_banking',
  flow: 'immediate',
  authorize(charge, state) {
    // Checked here so the refusal becomes the charge's reason; the bank transfer itself is booked
    // by the adapter's afterStep (postBankTransfer: statements, both books, linked).
    if (compare(fromStored(charge.amount), fromStored(state.available)) > 0) return err('insufficient_funds', { available: state.available.amount });
    return ok({ state, effects: [] });
  },
  capture: () => notForImmediateChannel('online_banking', 'capture'),
  void: () => notForImmediateChannel('online_banking', 'void'),
  refund: (_charge, _refund, state) => ok({ state, effects: [] }),
};

export const onlineBankingAdapter: ChannelAdapter<OnlineBankingState> = {
  channel: onlineBankingChannel,
  settlement: 'escrow',
  async proveInTab(db, env, payerId, source) {
    // The buyer's online-banking session lives in this tab's key ring: checked here, before the
    // command; prepare checks what it proved (and the certificate) against the world.
    const bankId = source.bankId;
    if (bankId === undefined || bankId === '') return {};
    return { session: await checkBankingSession(db, env, bankId, payerId) };
  },
  async prepare(tx, order, source, proof) {
    const bankId = source.bankId;
    if (bankId === undefined || bankId === '') return err('bank_required');
    const account = await bankingTables(tx.db).bankAccounts.get(ids.deposit(bankId, order.buyerId));
    if (account === undefined) return err('payer_account_not_found', { accountId: ids.deposit(bankId, order.buyerId) });
    const session = await sessionInTx(tx, proof.session, bankId, order.buyerId);
    if (!session.ok) return session;
    await ensureWallet(tx.db, order.buyerId, tx.now);
    return ok({ payee: { partyId: 'escrow', bankId }, source: { bankId } });
  },
  async load(tx, charge) {
    const account = await ledgerTables(tx.db).accounts.get(ids.deposit(charge.source.bankId!, charge.payerId));
    if (account === undefined) return err('payer_account_not_found');
    return ok({ available: toStored(availableOf(account)) });
  },
  async afterStep(tx, charge, op) {
    const bankId = charge.source.bankId!;
    if (op === 'authorize') {
      // B:deposit:<buyer> → B:deposit:escrow (bank's book), escrow:at:B → escrow:wallet:<buyer>.
      const id = `${charge.id}:pay`;
      const moved = await postBankTransfer(tx, {
        id,
        code: 'gateway.online_banking',
        payer: { bankId, partyId: charge.payerId },
        payee: { bankId, partyId: 'escrow', bookAccountId: walletId(charge.payerId) },
        amount: charge.amount.amount,
        refs: { orderId: charge.orderId, chargeId: charge.id },
        memo: charge.orderId,
        channel: 'online',
      });
      if (!moved.ok) return moved;
      return interpretEffects(tx, [{ kind: 'order.entries', orderId: charge.orderId, transferIds: [`${id}:bank`, `${id}:payee-book`] }]);
    }
    if (op === 'refund') {
      const refund = charge.refunds[charge.refunds.length - 1]!;
      const moved = await postBankTransfer(tx, {
        id: `${charge.id}:refund:${refund.id}`,
        code: 'gateway.online_banking_refund',
        payer: { bankId, partyId: 'escrow', bookAccountId: walletId(charge.payerId) },
        payee: { bankId, partyId: charge.payerId },
        amount: refund.amount.amount,
        refs: { orderId: charge.orderId, chargeId: charge.id },
        memo: charge.orderId,
      });
      if (!moved.ok) return moved;
      return interpretEffects(tx, [{ kind: 'order.entries', orderId: charge.orderId, transferIds: [`${charge.id}:refund:${refund.id}:bank`, `${charge.id}:refund:${refund.id}:payer-book`] }]);
    }
    return ok(null);
  },
};

export const onlineBankingChannelModule: ChannelModule = { id: 'online_banking', adapter: onlineBankingAdapter, catalog: { name: 'payments.channel.online_banking', prefixes: ['payments.pay.'] } };
