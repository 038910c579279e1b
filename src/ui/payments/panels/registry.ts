import type { PaymentChannelId } from '../../../domain/index.ts';
import { lazy, type LazyLoaded } from '../../common/lazy.ts';
import type { ChannelPanelProps } from './types.ts';

// The UI side of the payment channel registry (src/app/payments/channels.ts, ARCHITECTURE.md):
// the panel the order page shows for each channel checkout offers, where the buyer pays the order.
// Each panel is its own chunk, loaded when an order of its channel is shown, so no channel's pay
// code loads with another's. A new channel is one more line here (test/unit/pay-panels.test.ts
// fails for a checkout channel without one). Channels that share an app module share a panel.

type Panel = LazyLoaded<ChannelPanelProps>;

const cardPanel = lazy<ChannelPanelProps>(() => import('./CardPanel.svelte'));
const instrumentPanel = lazy<ChannelPanelProps>(() => import('./InstrumentPanel.svelte'));
const noInputPanel = lazy<ChannelPanelProps>(() => import('./NoInputPanel.svelte'));

export const channelPanels: Readonly<Partial<Record<PaymentChannelId, Panel>>> = {
  escrow: lazy<ChannelPanelProps>(() => import('./EscrowPanel.svelte')),
  online_banking: lazy<ChannelPanelProps>(() => import('./OnlineBankingPanel.svelte')),
  debit_card: lazy<ChannelPanelProps>(() => import('./DebitCardPanel.svelte')),
  credit_card: cardPanel,
  charge_card: cardPanel,
  remittance: lazy<ChannelPanelProps>(() => import('./RemittancePanel.svelte')),
  cash_on_delivery: noInputPanel,
  echeque: noInputPanel,
  ecash: instrumentPanel,
  smart_card: instrumentPanel,
  stored_value: instrumentPanel,
};

/** The channels among `ids` that have no panel in `panels`: none for the channels checkout offers. */
export function channelsWithoutPanel(ids: readonly string[], panels: Readonly<Partial<Record<string, Panel>>> = channelPanels): string[] {
  return ids.filter((id) => panels[id] === undefined);
}

/** The panel of an order's channel; an order of a channel checkout never offers is a programmer error. */
export function channelPanel(id: string): Panel {
  const panel = (channelPanels as Readonly<Partial<Record<string, Panel>>>)[id];
  if (panel === undefined) throw new Error(`no pay panel for channel ${id}`);
  return panel;
}
