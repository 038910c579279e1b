import {
  err,
  isEcashDenomination,
  ok,
  type Charge,
  type EcashCoin,
  type PaymentChannel,
  type PaymentChannelId,
} from '../../domain/index.ts';
import { primaryBankAccount } from '../banking/primary-account.ts';
import type { Tx } from '../command.ts';
import { postBankTransfer } from '../banking/transfers.ts';
import type { ChannelAdapter, ChannelModule, ChargeOp } from '../payments/gateway.ts';
import { interpretEffects } from '../effects/interpret.ts';
import { payCoinsInTx, type PurseCoin } from './spend.ts';
import { payWithSmartCardInTx, devicesOf } from '../smartcard/smartcard.ts';
import { payWithStoredValueInTx, storedValueJobs } from '../storedvalue/storedvalue.ts';

// E-cash, smart card and one-card as gateway channels (docs/gateway-api.md). All three are immediate and
// settle 'direct': the buyer's instrument pays at checkout, in prepare (inside the checkout command,
// so a refusal refuses checkout and nothing is written):
// - ecash: the coins (decrypted in the buyer's tab and passed as source.coins, JSON) go to the
//   seller's till; money moves when the seller deposits them at the bank. The charge row keeps only
//   the number of coins, never the coins (a copy there would be spendable by anyone reading it).
// - smart_card: the card pays the seller's first merchant device (mutual authentication, pending
//   logs); the takings reach the seller when the device deposits them.
// - stored_value: the one-card pays the seller (a scheme participant); its float → payable entries
//   are indexed under the order's money trail.
// The channel functions themselves move nothing (no ChannelEffect role fits these instruments).
// A refund goes from the seller's account at its bank back to the buyer's bank account
// (postBankTransfer in afterStep), since coins, chip value and card value cannot be pushed back.

function stateless(id: PaymentChannelId): PaymentChannel<null> {
  return {
    id,
    flow: 'immediate',
    authorize: () => ok({ state: null, effects: [] }),
    capture: () => ok({ state: null, effects: [] }),
    void: () => ok({ state: null, effects: [] }),
    refund: () => ok({ state: null, effects: [] }),
  };
}

async function firstBank(tx: Tx, partyId: string): Promise<string | null> {
  return (await primaryBankAccount(tx.db, partyId))?.bankId ?? null;
}

async function refundToBuyer(tx: Tx, charge: Charge, op: ChargeOp) {
  if (op !== 'refund') return ok(null);
  const refund = charge.refunds[charge.refunds.length - 1];
  if (refund === undefined) return ok(null);
  const buyerBank = await firstBank(tx, charge.payerId);
  if (buyerBank === null) return err('refund_account_missing');
  const id = `refund:${charge.id}:${refund.id}`;
  const moved = await postBankTransfer(tx, {
    id, code: 'payment.refund', payer: { bankId: charge.payee.bankId, partyId: charge.payee.partyId }, payee: { bankId: buyerBank, partyId: charge.payerId },
    amount: refund.amount.amount, memo: `refund ${charge.orderId}`, refs: { orderId: charge.orderId },
  });
  if (!moved.ok) return moved;
  return interpretEffects(tx, [{ kind: 'order.entries', orderId: charge.orderId, transferIds: [`${id}:bank`, `${id}:payer-bank`, `${id}:payee-bank`] }]);
}

async function payeeOf(tx: Tx, sellerId: string) {
  const bankId = await firstBank(tx, sellerId);
  return bankId === null ? err('seller_bank_account_missing', { sellerId }) : ok({ partyId: sellerId, bankId });
}

function parseCoins(text: string | undefined): PurseCoin[] | null {
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return null;
    const coins = value as { rowId?: unknown; coin?: EcashCoin }[];
    if (!coins.every((c) => typeof c.rowId === 'string' && typeof c.coin === 'object' && c.coin !== null && isEcashDenomination(c.coin.denomination))) return null;
    return coins as PurseCoin[];
  } catch {
    return null;
  }
}

export const ecashAdapter: ChannelAdapter<null> = {
  channel: stateless('ecash'),
  settlement: 'direct',
  async prepare(tx, order, source) {
    const payee = await payeeOf(tx, order.sellerId);
    if (!payee.ok) return payee;
    const coins = parseCoins(source.coins);
    if (coins === null) return err('no_coins');
    const paid = await payCoinsInTx(tx, { merchantId: order.sellerId, payee: order.sellerId, amount: order.total.amount, reference: order.id, coins });
    if (!paid.ok) return paid;
    return ok({ payee: payee.value, source: { coins: String(coins.length), paymentId: paid.value.paymentId } });
  },
  load: async () => ok(null),
  afterStep: refundToBuyer,
};

export const smartCardAdapter: ChannelAdapter<null> = {
  channel: stateless('smart_card'),
  settlement: 'direct',
  async prepare(tx, order, source) {
    const payee = await payeeOf(tx, order.sellerId);
    if (!payee.ok) return payee;
    const device = (await devicesOf(tx.db, order.sellerId))[0];
    if (device === undefined) return err('unknown_device', { deviceId: '' });
    const paid = await payWithSmartCardInTx(tx, { cardId: source.cardId ?? '', deviceId: device.deviceId, amount: order.total.amount, reference: order.id });
    if (!paid.ok) return paid;
    return ok({ payee: payee.value, source: { cardId: paid.value.card.cardId, deviceId: device.deviceId, sequence: String(paid.value.card.sequence) } });
  },
  load: async () => ok(null),
  afterStep: refundToBuyer,
};

export const storedValueAdapter: ChannelAdapter<null> = {
  channel: stateless('stored_value'),
  settlement: 'direct',
  async prepare(tx, order, source) {
    const payee = await payeeOf(tx, order.sellerId);
    if (!payee.ok) return payee;
    const paid = await payWithStoredValueInTx(tx, { cardId: source.cardId ?? '', merchantId: order.sellerId, amount: order.total.amount, reference: order.id, paymentId: `order-${order.id}-${tx.meta.id}` });
    if (!paid.ok) return paid;
    const indexed = await interpretEffects(tx, [{ kind: 'order.entries', orderId: order.id, transferIds: paid.value.transferIds }]);
    if (!indexed.ok) return indexed;
    return ok({ payee: payee.value, source: { cardId: paid.value.card.cardId } });
  },
  load: async () => ok(null),
  afterStep: refundToBuyer,
};

export const ecashChannelModule: ChannelModule = { id: 'ecash', adapter: ecashAdapter, catalog: { name: 'payments.channel.ecash', prefixes: ['ew.'] } };
export const smartCardChannelModule: ChannelModule = { id: 'smart_card', adapter: smartCardAdapter, catalog: { name: 'payments.channel.smart_card', prefixes: ['sc.'] } };
export const storedValueChannelModule: ChannelModule = { id: 'stored_value', adapter: storedValueAdapter, catalog: { name: 'payments.channel.stored_value', prefixes: ['sv.'] }, jobs: storedValueJobs };
