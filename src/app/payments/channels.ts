import { paymentChannelIds, type OrderRow, type PaymentChannelId } from '../../domain/index.ts';
import { registerJobHandler } from '../scheduler.ts';
import type { AnyAdapter, ChannelModule } from './gateway.ts';
import { escrowChannelModule } from './channel-escrow.ts';
import { onlineBankingChannelModule } from './channel-online-banking.ts';
import { debitCardChannelModule } from './channel-debit-card.ts';
import { chargeCardChannelModule, creditCardChannelModule } from './channel-cards.ts';
import { remittanceChannelModule } from './channel-remittance.ts';
import { codChannelModule } from './channel-cod.ts';
import { echequeChannelModule } from '../echeque/channel.ts';
import { ecashChannelModule, smartCardChannelModule, storedValueChannelModule } from '../ecash/channels.ts';

// THE registry of payment channels (ARCHITECTURE.md): the one list checkout offers, the gateway
// steps and the order steps look channels up in. A new channel is one more line here; nothing
// registers itself when its module is imported.
//
// The list is built on first use, not when this file is evaluated: channel modules import the
// order steps (market/orders.ts), which look channels up here, and ES modules resolve that cycle
// only when nothing here reads a channel module's export while the modules are still loading.

let modules: readonly ChannelModule[] | null = null;

/** Every channel, in the gateway's order (the domain's paymentChannelIds). */
export function channelModules(): readonly ChannelModule[] {
  modules ??= Object.freeze(
    [
      escrowChannelModule,
      onlineBankingChannelModule,
      debitCardChannelModule,
      creditCardChannelModule,
      chargeCardChannelModule,
      remittanceChannelModule,
      codChannelModule,
      echequeChannelModule,
      ecashChannelModule,
      smartCardChannelModule,
      storedValueChannelModule,
    ].sort((a, b) => paymentChannelIds.indexOf(a.id) - paymentChannelIds.indexOf(b.id)),
  );
  return modules;
}

export function channelModule(id: string): ChannelModule | undefined {
  return channelModules().find((m) => m.id === id);
}

export function channelAdapter(id: string): AnyAdapter | undefined {
  return channelModule(id)?.adapter;
}

/** The channels checkout offers, in the gateway's order. */
export function checkoutChannels(): PaymentChannelId[] {
  return channelModules().map((m) => m.id);
}

export function isCheckoutChannel(id: string): id is PaymentChannelId {
  return channelModule(id) !== undefined;
}

/**
 * Whether an order's money moves through its charge's channel instead of the escrow hold (then the
 * order's escrow ledger effects are skipped): its channel settles 'direct'.
 */
export function settlesDirect(order: OrderRow): boolean {
  return channelAdapter(order.paymentMethod)?.settlement === 'direct';
}

/** Registers the channels' scheduled jobs with the scheduler: called once, by src/app/features.ts. */
export function registerChannelJobs(): void {
  for (const m of channelModules()) for (const job of m.jobs ?? []) registerJobHandler(job.kind, job.handler);
}
