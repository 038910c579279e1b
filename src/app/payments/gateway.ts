import {
  assert,
  captureCharge,
  createCharge,
  err,
  newCharge,
  ok,
  refundCharge,
  voidCharge,
  type Charge,
  type ChargeInput,
  type ChargePayee,
  type ChargeVoidReason,
  type GatewayResult,
  type OrderRow,
  type PaymentChannel,
  type PaymentChannelId,
  type Result,
  type TransferErrorCode,
  type WalletRecordProblem,
  type EcashPaymentProblem,
  type MondexDeviceRequestProblem,
  type MondexCardPayProblem,
  type MondexDeviceAcceptProblem,
  type MondexCardSettleProblem,
  type StoredValueSpendProblem,
} from '../../domain/index.ts';
import type { BankTransferCode } from '../banking/transfers.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CommandEnv, Tx } from '../command.ts';
import type { BankingSessionCheck, OnlineBankingProblem } from '../identity/banking-login.ts';
import type { JobHandler } from '../scheduler.ts';
import { channelEffects, interpretEffects, type EffectCode } from '../effects/interpret.ts';
import { channelAdapter } from './channels.ts';
import { recordChannelStep } from '../reconciliation/records.ts';

// The payment gateway's app layer (Ping++ style): ONE charge table and ONE set of steps whatever
// the channel. Each channel is a module (channel-*.ts) exporting a ChannelModule: the pure channel
// from src/domain/payments, how checkout builds its charge, and how its state is loaded and saved.
// The one registry (channels.ts) lists them; the steps below look the adapter up there. The steps
// run inside the caller's runCommand body (Dexie only), so the charge row, the ledger movements
// and the order's step commit together or not at all.
//
// A channel's refusal at authorize is not an error: the charge is stored `failed` with the named
// reason and a charge.failed event, and the command commits so the buyer sees why. A refusal at
// capture, void or refund is an error: the command rolls back and may be retried.

export type ChargeOp = 'authorize' | 'capture' | 'void' | 'refund';

/**
 * How an order paid by the channel settles:
 * - 'escrow': the channel moves the money to the escrow agent for the buyer (wallet); the order's
 *   own escrow hold, release and refunds then run unchanged (escrow wallet, online banking).
 * - 'direct': the channel's own effects carry the money towards the seller (card → acquirer,
 *   remittance → seller's account, cash → courier); the order's escrow ledger effects are skipped
 *   and the gateway captures, voids and refunds the charge with the order.
 */
export type ChannelSettlement = 'escrow' | 'direct';

export type ChargeParts = { readonly payee: ChargePayee; readonly source: Readonly<Record<string, string>> };

/**
 * What the paying tab proved before checkout's command ran, from its own state (docs/pipeline.md
 * rule 4): plain JSON, carried in the command's input and handed to `prepare`. Online banking: the
 * buyer's session with the bank (the tab's key ring).
 */
export type CheckoutProof = { readonly session?: BankingSessionCheck };

/**
 * Every code a channel adapter's `prepare`, `load` or `afterStep` can refuse with: the registry
 * lists adapters of every channel, so the gateway's steps (and the commands that call them:
 * checkout, every order step) return this one union, whose every code has a message
 * (test/unit/command-codes.test.ts). A channel that refuses with a new code adds it here.
 */
export type ChannelAdapterCode =
  | EffectCode
  | TransferErrorCode
  | BankTransferCode
  | OnlineBankingProblem
  | WalletRecordProblem
  | EcashPaymentProblem
  | MondexDeviceRequestProblem
  | MondexCardPayProblem
  | MondexDeviceAcceptProblem
  | MondexCardSettleProblem
  | StoredValueSpendProblem
  | 'bank_required'
  | 'card_required'
  | 'card_not_found'
  | 'chequebook_required'
  | 'ecash_coin_not_in_wallet'
  | 'ecash_pay_self'
  | 'merchant_not_found'
  | 'payee_account_not_found'
  | 'payer_account_not_found'
  | 'refund_account_missing'
  | 'seller_bank_account_missing'
  | 'smartcard_not_found'
  | 'stored_value_card_not_found';

export type ChannelAdapter<S> = {
  readonly channel: PaymentChannel<S>;
  readonly settlement: ChannelSettlement;
  /**
   * When the order counts as paid (steps PAY): 'authorize' (default) as soon as the charge is not
   * failed (immediate, two-phase, cash on delivery: the order ships unpaid); 'capture' only when the
   * money arrived (remittance: the matcher captures and steps PAY).
   */
  readonly payOrderOn?: 'authorize' | 'capture';
  /**
   * Optional, in the paying tab before the command (never inside a transaction): what the channel
   * needs proved from the tab's own state, for `prepare` to check against the world.
   */
  proveInTab?(db: WorldDb, env: CommandEnv, payerId: string, source: Readonly<Record<string, string>>): Promise<CheckoutProof>;
  /** Checkout: what the buyer chose (`source`) → the charge's payee and source. Refusal: err(code). */
  prepare(tx: Tx, order: OrderRow, source: Readonly<Record<string, string>>, proof: CheckoutProof): Promise<Result<ChargeParts, ChannelAdapterCode>>;
  /** The channel's state for one step. */
  load(tx: Tx, charge: Charge, op: ChargeOp): Promise<Result<S, ChannelAdapterCode>>;
  /** Persists the state the channel returned (card rows...). Optional: stateless channels. */
  save?(tx: Tx, charge: Charge, state: S): Promise<void>;
  /**
   * Optional extra booking after a successful step, in the same transaction (e.g. online banking
   * credits the buyer's escrow wallet after its bank leg). Runs after the channel's effects.
   */
  afterStep?(tx: Tx, charge: Charge, op: ChargeOp): Promise<Result<null, ChannelAdapterCode>>;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry lists adapters over different states
export type AnyAdapter = ChannelAdapter<any>;

/**
 * One payment channel as a module (ARCHITECTURE.md): everything the platform needs to offer it,
 * listed once in the registry (channels.ts). The module's file only exports this object: importing
 * it registers nothing anywhere.
 */
export type ChannelModule = {
  readonly id: PaymentChannelId;
  /** How checkout builds the channel's charge and how its state is loaded and saved. */
  readonly adapter: AnyAdapter;
  /**
   * The catalog keys that name the channel and its own words (every one in en and zh-CN): its
   * name `payments.channel.<id>` and the prefixes of its panel's and pages' keys.
   */
  readonly catalog: { readonly name: string; readonly prefixes: readonly string[] };
  /**
   * Scheduled jobs the channel runs (cash on delivery's daily remittance, the card company's
   * statements, the acquiring batch), registered by the registry's caller. Channels that share a
   * job (the card channels) list the same entry: registering one handler twice is allowed.
   */
  readonly jobs?: readonly ChannelJob[];
};

/** A scheduled job kind a channel module runs, with its handler. */
export type ChannelJob = { readonly kind: string; readonly handler: JobHandler };

/** Charges per order at most (failed attempts and the one that paid). */
export const chargesPerOrderMax = 20;
export const chargesListMax = 1000;

async function finish<S>(tx: Tx, adapter: ChannelAdapter<S>, op: ChargeOp, result: GatewayResult<S>) {
  if (!result.ok) return result;
  const { charge, state, effects, replayed } = result.value;
  if (replayed) return ok(charge);
  const applied = await interpretEffects(tx, channelEffects(effects), { orderId: charge.orderId });
  if (!applied.ok) return applied;
  if (adapter.save !== undefined) await adapter.save(tx, charge, state);
  await paymentsTables(tx.db).charges.put(charge);
  if (charge.status !== 'failed' && adapter.afterStep !== undefined) {
    const after = await adapter.afterStep(tx, charge, op);
    if (!after.ok) return after;
  }
  // Reconciliation: the channel writes its own trade (its bill row); a lost callback (lab) leaves
  // the platform's charge as it was created, though the money moved.
  const kept = charge.status === 'failed' ? ok(charge) : await recordChannelStep(tx, charge, op);
  if (!kept.ok) return kept;
  if (kept.value !== charge) await paymentsTables(tx.db).charges.put(kept.value);
  const to = charge.payerId === charge.payee.partyId ? [charge.payerId] : [charge.payerId, charge.payee.partyId];
  tx.notify({ to, kind: `payments.charge.${kept.value.status}`, ref: charge.id });
  return ok(kept.value);
}

function adapterOf(id: PaymentChannelId): AnyAdapter {
  const adapter = channelAdapter(id);
  assert(adapter !== undefined, `no adapter for channel ${id}`);
  return adapter;
}

async function storedCharge(tx: Tx, chargeId: string) {
  const charge = await paymentsTables(tx.db).charges.get(chargeId);
  return charge === undefined ? err('charge_not_found', { chargeId }) : ok(charge);
}

/** Checkout: creates the charge and asks its channel to authorize (idempotent per charge id). */
export async function createChargeTx(tx: Tx, input: ChargeInput) {
  const adapter = channelAdapter(input.channel);
  if (adapter === undefined) return err('payment_method_unavailable', { method: input.channel });
  const existing = (await paymentsTables(tx.db).charges.get(input.id)) ?? null;
  const ctx = { now: tx.now, actorId: tx.meta.actor };
  if (existing !== null) return finish(tx, adapter, 'authorize', createCharge(existing, input, adapter.channel, null, ctx));
  // The channel's state is loaded for the charge as it will be created (same id, payer, source).
  const draft = newCharge(input, tx.now, tx.meta.actor);
  const state = await adapter.load(tx, draft, 'authorize');
  if (!state.ok) return state;
  return finish(tx, adapter, 'authorize', createCharge(null, input, adapter.channel, state.value, ctx));
}

export async function captureChargeTx(tx: Tx, chargeId: string, amount: string | null) {
  const charge = await storedCharge(tx, chargeId);
  if (!charge.ok) return charge;
  const adapter = adapterOf(charge.value.channel);
  const state = await adapter.load(tx, charge.value, 'capture');
  if (!state.ok) return state;
  const stored = amount === null ? null : { amount, currency: charge.value.currency };
  return finish(tx, adapter, 'capture', captureCharge(charge.value, stored, adapter.channel, state.value, { now: tx.now, actorId: tx.meta.actor }));
}

export async function voidChargeTx(tx: Tx, chargeId: string, reason: ChargeVoidReason) {
  const charge = await storedCharge(tx, chargeId);
  if (!charge.ok) return charge;
  const adapter = adapterOf(charge.value.channel);
  const state = await adapter.load(tx, charge.value, 'void');
  if (!state.ok) return state;
  return finish(tx, adapter, 'void', voidCharge(charge.value, reason, adapter.channel, state.value, { now: tx.now, actorId: tx.meta.actor }));
}

export async function refundChargeTx(tx: Tx, chargeId: string, input: { readonly id: string; readonly amount: string; readonly reason: string }) {
  const charge = await storedCharge(tx, chargeId);
  if (!charge.ok) return charge;
  const adapter = adapterOf(charge.value.channel);
  const state = await adapter.load(tx, charge.value, 'refund');
  if (!state.ok) return state;
  const refund = { id: input.id, amount: { amount: input.amount, currency: charge.value.currency }, reason: input.reason };
  return finish(tx, adapter, 'refund', refundCharge(charge.value, refund, adapter.channel, state.value, { now: tx.now, actorId: tx.meta.actor }));
}

// ---- queries ------------------------------------------------------------------------------------

export async function chargesOfOrder(db: WorldDb, orderId: string): Promise<Charge[]> {
  const rows = await paymentsTables(db).charges.where('orderId').equals(orderId).limit(chargesPerOrderMax).toArray();
  return rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Every charge, newest first (the operator's payments page). */
export async function allCharges(db: WorldDb, limit = chargesListMax): Promise<Charge[]> {
  return paymentsTables(db).charges.orderBy('createdAt').reverse().limit(limit).toArray();
}

/** The charge that paid (or is paying) an order: the latest one that did not fail. */
export async function liveChargeOf(db: WorldDb, orderId: string): Promise<Charge | undefined> {
  const charges = await chargesOfOrder(db, orderId);
  return [...charges].reverse().find((c) => c.status !== 'failed');
}
