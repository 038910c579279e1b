import type { OrderRow, Party, Result } from '../../../domain/index.ts';
import type { WorldModel } from '../../world/world.svelte.ts';
import type { Failure } from '../../common/remedies.ts';

// What the order page gives a channel's pay panel (registry.ts): every panel takes the same props,
// so the order page's host (../PayPanel.svelte) shows whichever panel the order's channel has.

/** An order-page action's outcome, as the order page's runner takes it. */
export type ActionOutcome = { ok: boolean; code?: string; detail?: Readonly<Record<string, string | number>> };

/**
 * The order page's own runner (OrderDetail.svelte `run`): it marks the page busy, shows a refusal
 * in the page's error line with its remedy, and a toast when done. A channel whose payment is one
 * of the order's actions (the escrow wallet's pay button) runs through it, as before it had a panel.
 */
export type OrderRun = (action: () => Promise<ActionOutcome>, done?: () => string) => Promise<boolean>;

export type ChannelPanelProps = {
  world: WorldModel;
  party: Party;
  order: OrderRow;
  /** This tab is the order's buyer and the order may be paid now. */
  canPay: boolean;
  /** The order page is running an action (its buttons are disabled meanwhile). */
  busy: boolean;
  run: OrderRun;
};

/** What the buyer entered, as the charge's `source` (payments/checkout.ts), or a named refusal. */
export type SourceResult = Result<Record<string, string>, string>;

/** What a channel's waiting view (GatewayPay's `waiting`) may do: mark the panel busy, show a refusal or clear it. */
export type PendingControl = { busy: boolean; fail: (f: Failure | null) => void };
