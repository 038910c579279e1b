import {
  bytesToHex,
  err,
  keyPairFromSeed,
  ok,
  signDocument,
  type JsonValue,
  type OrderRow,
  type Result,
  type SignedDocument,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables, type ReceiptRow } from '../../storage/market-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { chargeCaptureStores, orderStepStores } from '../command-stores.ts';
import { readClock } from '../clock-read.ts';
import { latestCertificateOf } from '../identity/ca.ts';
import { tabKeys, type KeyRing } from '../identity/keys.ts';
import { verifyInWorld } from '../identity/verify.ts';
import { registerSignedDocumentSource } from '../identity/audit.ts';
import { stepOrder } from './orders.ts';

// Confirming receipt (确认收货) is the buyer's instruction to the escrow agent to pay the seller, so
// it is a SIGNED document: the buyer's tab signs it with the key opened at login and the buyer's
// certificate; the escrow agent verifies it with the world's one verifier (chain to the CA root,
// validity, revocation, role buyer, signature) inside the very transaction that releases the money.

export const receiptKind = 'settlelab.receipt_confirmation';

export type ReceiptPayload = {
  readonly kind: typeof receiptKind;
  readonly orderId: string;
  readonly buyerId: string;
  readonly sellerId: string;
  /** The order total the buyer confirms having received goods for. */
  readonly total: string;
  readonly currency: string;
  /** World time of signing. */
  readonly signedAt: number;
};

export function receiptIdOf(orderId: string): string {
  return `${orderId}:receipt`;
}

export function receiptPayloadOf(order: OrderRow, signedAt: number): ReceiptPayload {
  return { kind: receiptKind, orderId: order.id, buyerId: order.buyerId, sellerId: order.sellerId, total: order.total.amount, currency: order.total.currency, signedAt };
}

/** The buyer's tab signs the confirmation (outside any transaction). */
export async function signReceiptConfirmation(
  db: WorldDb,
  worldId: string,
  orderId: string,
  options: { readonly keyRing?: KeyRing } = {},
): Promise<Result<SignedDocument, string>> {
  const order = await marketTables(db).orders.get(orderId);
  if (order === undefined) return err('order_not_found', { orderId });
  const seed = (options.keyRing ?? tabKeys).seed(worldId, order.buyerId);
  if (seed === null) return err('login_required');
  const certificate = await latestCertificateOf(db, order.buyerId);
  if (certificate === undefined) return err('certificate_required');
  if (bytesToHex(keyPairFromSeed(seed).publicKey) !== certificate.certificate.body.publicKey) return err('key_mismatch');
  const payload = receiptPayloadOf(order, await readClock(db));
  return ok(signDocument(payload as unknown as JsonValue, seed, certificate.certificate));
}

function matches(payload: unknown, order: OrderRow): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Partial<ReceiptPayload>;
  return p.kind === receiptKind && p.orderId === order.id && p.buyerId === order.buyerId && p.sellerId === order.sellerId && p.total === order.total.amount && p.currency === order.total.currency;
}

/**
 * The escrow agent accepts a signed receipt confirmation: verified, about this order, signed by its
 * buyer; then the order's money is released (less the commission) and the document is kept.
 */
export const confirmReceiptCommand = defineCommand({
  name: 'confirmReceipt',
  stores: [...orderStepStores, ...chargeCaptureStores, 'receipts', 'certificates', 'shipments'],
  apply: async (tx, input: { readonly orderId: string; readonly confirmation: SignedDocument }) => {
    const t = marketTables(tx.db);
    const order = await t.orders.get(input.orderId);
    if (order === undefined) return err('order_not_found', { orderId: input.orderId });
    if (tx.meta.actor !== order.buyerId) return err('not_authorized', { event: 'CONFIRM_RECEIPT', role: 'buyer' });
    const verdict = await verifyInWorld(tx.db, input.confirmation, { role: 'buyer', now: tx.now });
    if (!verdict.ok) return verdict;
    if (verdict.value.subject.partyId !== order.buyerId) return err('receipt_signer_mismatch');
    if (!matches(input.confirmation.payload, order)) return err('confirmation_mismatch');
    const id = receiptIdOf(order.id);
    const stepped = await stepOrder(tx, order.id, { type: 'CONFIRM_RECEIPT', confirmationId: id }, { role: 'buyer', partyId: tx.meta.actor });
    if (!stepped.ok) return stepped;
    const row: ReceiptRow = { id, orderId: order.id, buyerId: order.buyerId, doc: input.confirmation, serial: verdict.value.serial, at: tx.now };
    await t.receipts.put(row);
    return stepped;
  },
});

export async function confirmReceipt(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly confirmation: SignedDocument },
  env: CommandEnv = {},
): Promise<Result<OrderRow, string>> {
  return execute(db, confirmReceiptCommand, meta, { orderId: input.orderId, confirmation: input.confirmation }, env);
}

// The auditor's "verify everything signed" covers the receipts, each as of when it was accepted.
registerSignedDocumentSource({
  name: 'receipts',
  load: async (db, limit) => (await marketTables(db).receipts.limit(limit).toArray()).map((r) => ({ ref: r.id, doc: r.doc, role: 'buyer' as const, at: r.at })),
});
