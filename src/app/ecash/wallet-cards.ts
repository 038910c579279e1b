import {
  assert,
  err,
  ok,
  walletSavedCardKinds,
  type Charge,
  type OrderRow,
  type Result,
  type WalletSavedCardKind,
  type WalletTransaction,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { EcashWalletRow } from '../../storage/ecash-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { payOrderWithInTx } from '../payments/checkout.ts';
import { recordWalletPayment } from './recorder.ts';
import type { UnlockedWallet } from './wallet.ts';

// Saved cards in the e-wallet (电子信用卡), paid with at checkout. A saved card is a REFERENCE to one
// of the owner's real cards, never a typed number: a bank debit card (banking's bankAccounts row,
// by its card number) or a card company's credit/charge card (payments' cards row, by its id).
// Saving checks the card is the owner's, so paying with it can only reach the owner's own card.
// The wallet keeps the kind, the issuer and the last four digits for display (masked); the
// reference itself is what checkout hands the card channel as `source.cardId`.
//
// The references live on the wallet's own row (`savedCards`, not indexed): they belong to the
// wallet and are read only with it, so no schema version is needed for them.

export const walletSavedCardsMax = 20;

export type WalletCardRef = {
  readonly id: string;
  readonly kind: WalletSavedCardKind;
  /** debit_card: the bank card number; credit_card / charge_card: the card company's card id. */
  readonly cardRef: string;
  /** The issuing bank or card company. */
  readonly issuerId: string;
  readonly last4: string;
  readonly savedAt: number;
};

type WalletRowWithCards = EcashWalletRow & { readonly savedCards?: readonly WalletCardRef[] };

function walletRows(db: WorldDb) {
  return db.table<WalletRowWithCards, string>('ecashWallets');
}

function last4Of(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** The owner's real card behind (kind, cardRef), or a named refusal. Dexie-only. */
async function realCard(tx: Tx, ownerId: string, kind: WalletSavedCardKind, cardRef: string) {
  if (kind === 'debit_card') {
    const account = await bankingTables(tx.db).bankAccounts.where('cardNumber').equals(cardRef).first();
    if (account === undefined || account.partyId !== ownerId) return err('wallet_card_not_yours');
    const last4 = last4Of(account.cardNumber);
    return last4 === null ? err('wallet_card_not_yours') : ok({ issuerId: account.bankId, last4 });
  }
  const card = await paymentsTables(tx.db).cards.get(cardRef);
  const wanted = kind === 'credit_card' ? 'credit' : 'charge';
  if (card === undefined || card.holderId !== ownerId || card.kind !== wanted) return err('wallet_card_not_yours');
  const last4 = last4Of(card.id);
  return last4 === null ? err('wallet_card_not_yours') : ok({ issuerId: card.issuerId, last4 });
}

export async function walletSavedCards(db: WorldDb, ownerId: string): Promise<WalletCardRef[]> {
  const row = await walletRows(db).get(ownerId);
  return [...(row?.savedCards ?? [])];
}

/** Saves one of the owner's real cards (the reference, spaces removed by the wrapper) into the wallet. */
export const ecashSaveCardCommand = defineCommand({
  name: 'ecash.saveCard',
  apply: async (tx, input: { readonly kind: WalletSavedCardKind; readonly cardRef: string }) => {
    const meta = tx.meta;
    const rows = walletRows(tx.db);
    const row = await rows.get(meta.actor);
    if (row === undefined) return err('wallet_not_found');
    const saved = row.savedCards ?? [];
    const cardRef = input.cardRef;
    if (saved.some((c) => c.kind === input.kind && c.cardRef === cardRef)) return err('wallet_card_already_saved');
    if (saved.length >= walletSavedCardsMax) return err('wallet_cards_full', { max: walletSavedCardsMax });
    const real = await realCard(tx, meta.actor, input.kind, cardRef);
    if (!real.ok) return real;
    const ref: WalletCardRef = { id: `wc-${meta.id}`, kind: input.kind, cardRef, issuerId: real.value.issuerId, last4: real.value.last4, savedAt: tx.now };
    await rows.put({ ...row, savedCards: [...saved, ref] });
    await tx.appendEvent({ type: 'wallet.card_saved', actor: meta.actor, payload: { kind: ref.kind, issuerId: ref.issuerId, last4: ref.last4 } });
    return ok(ref);
  },
});

/** Saves one of the owner's real cards into the (unlocked) wallet. */
export async function saveCardToWallet(
  db: WorldDb,
  meta: CommandMeta,
  wallet: UnlockedWallet,
  input: { readonly kind: WalletSavedCardKind; readonly cardRef: string },
  env: CommandEnv = {},
): Promise<Result<WalletCardRef, string>> {
  assert(meta.actor === wallet.ownerId, 'only the wallet owner saves cards into it');
  if (!(walletSavedCardKinds as readonly string[]).includes(input.kind)) return err('card_kind_unknown');
  const cardRef = input.cardRef.replace(/\s+/g, '');
  if (cardRef === '') return err('card_required');
  return execute(db, ecashSaveCardCommand, meta, { kind: input.kind, cardRef }, env);
}

/** Removes a saved card from the wallet (the real card is untouched). */
export const ecashRemoveCardCommand = defineCommand({
  name: 'ecash.removeCard',
  apply: async (tx, input: { readonly savedCardId: string }) => {
    const meta = tx.meta;
    const rows = walletRows(tx.db);
    const row = await rows.get(meta.actor);
    if (row === undefined) return err('wallet_not_found');
    const saved = row.savedCards ?? [];
    if (!saved.some((c) => c.id === input.savedCardId)) return err('wallet_card_not_found');
    await rows.put({ ...row, savedCards: saved.filter((c) => c.id !== input.savedCardId) });
    return ok(null);
  },
});

/** Removes a saved card from the wallet (the real card is untouched). */
export async function removeCardFromWallet(db: WorldDb, meta: CommandMeta, input: { readonly savedCardId: string }, env: CommandEnv = {}): Promise<Result<null, string>> {
  return execute(db, ecashRemoveCardCommand, meta, { savedCardId: input.savedCardId }, env);
}

function recorderStatus(charge: Charge): WalletTransaction['status'] {
  if (charge.status === 'failed') return 'failed';
  if (charge.status === 'pending') return 'pending';
  return 'completed';
}

/** Pays an order with a saved card of the wallet and records it (see payOrderFromWallet). */
export const ecashPayOrderFromWalletCommand = defineCommand({
  name: 'ecash.payOrderFromWallet',
  apply: async (tx, input: { readonly orderId: string; readonly savedCardId: string }) => {
    const meta = tx.meta;
    const row = await walletRows(tx.db).get(meta.actor);
    if (row === undefined) return err('wallet_not_found');
    const card = (row.savedCards ?? []).find((c) => c.id === input.savedCardId);
    if (card === undefined) return err('wallet_card_not_found');
    // The reference is checked again: the card may have been closed or the account moved since saving.
    const real = await realCard(tx, meta.actor, card.kind, card.cardRef);
    if (!real.ok) return real;
    const paid = await payOrderWithInTx(tx, meta, { orderId: input.orderId, channel: card.kind, source: { cardId: card.cardRef } });
    if (!paid.ok) return paid;
    const { charge, order } = paid.value;
    const recorded = await recordWalletPayment(tx, {
      id: `wallet-${charge.id}`, payee: order.sellerId, payeeId: order.sellerId, amount: charge.amount.amount, channel: card.kind,
      reference: order.id, note: `**** ${card.last4}`, status: recorderStatus(charge),
    });
    if (!recorded.ok) return recorded;
    return ok({ charge, order, recorded: recorded.value });
  },
});

/**
 * Pays an order from the unlocked wallet with one of its saved cards: the card's kind is the
 * channel (it must be the order's payment method), the real card reference is the source, and the
 * recorder row (time, payee, amount, channel, status) is written in the same transaction. A card
 * refusal stores the charge failed and records a failed row (the buyer's diary shows the attempt).
 */
export async function payOrderFromWallet(
  db: WorldDb,
  meta: CommandMeta,
  wallet: UnlockedWallet,
  input: { readonly orderId: string; readonly savedCardId: string },
  env: CommandEnv = {},
): Promise<Result<{ charge: Charge; order: OrderRow; recorded: WalletTransaction }, string>> {
  assert(meta.actor === wallet.ownerId, 'only the wallet owner pays from it');
  return execute(db, ecashPayOrderFromWalletCommand, meta, { orderId: input.orderId, savedCardId: input.savedCardId }, env);
}
