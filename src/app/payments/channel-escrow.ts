import { compare, err, fromStored, notForImmediateChannel, ok, type PaymentChannel, type StoredMoney } from '../../domain/index.ts';
import { ensureWallet } from '../market/accounts.ts';
import { walletOf } from '../market/wallet.ts';
import type { ChannelAdapter, ChannelModule } from './gateway.ts';

// The escrow wallet channel (第三方支付余额): the marketplace's original flow behind the gateway.
// The money is already at the escrow agent (the buyer's wallet), so the charge moves nothing
// itself: it checks the wallet covers the order (else the named reason insufficient_funds), and the
// order's PAY step then holds the total (escrow:wallet:<buyer> → escrow:holding, pending) exactly as
// before. Refunds: the order's own escrow refund puts the money back in the wallet; the charge
// records it.

export type EscrowChannelState = { readonly available: StoredMoney };

export const escrowWalletChannel: PaymentChannel<EscrowChannelState> = {
  id: 'escrow',
  flow: 'immediate',
  authorize(charge, state) {
    if (compare(fromStored(charge.amount), fromStored(state.available)) > 0) return err('insufficient_funds', { available: state.available.amount });
    return ok({ state, effects: [] });
  },
  capture: () => notForImmediateChannel('escrow', 'capture'),
  void: () => notForImmediateChannel('escrow', 'void'),
  refund: (_charge, _refund, state) => ok({ state, effects: [] }),
};

export const escrowAdapter: ChannelAdapter<EscrowChannelState> = {
  channel: escrowWalletChannel,
  settlement: 'escrow',
  async prepare(tx, order) {
    await ensureWallet(tx.db, order.buyerId, tx.now);
    return ok({ payee: { partyId: order.sellerId, bankId: 'escrow' }, source: {} });
  },
  async load(tx, charge) {
    return ok({ available: (await walletOf(tx.db, charge.payerId)).available });
  },
};

export const escrowChannelModule: ChannelModule = { id: 'escrow', adapter: escrowAdapter, catalog: { name: 'payments.channel.escrow', prefixes: ['payments.pay.'] } };
