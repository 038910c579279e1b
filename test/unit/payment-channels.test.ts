import { describe, expect, it, vi } from 'vitest';
import { paymentChannelIds } from '../../src/domain/index.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

// Issue #19 item 5: every payment channel is one module listed in one explicit registry
// (src/app/payments/channels.ts); importing a channel module registers nothing anywhere.

/** Every file that exports a channel module, with the module exports it has. */
const channelFiles = {
  '../../src/app/payments/channel-escrow.ts': ['escrowChannelModule'],
  '../../src/app/payments/channel-online-banking.ts': ['onlineBankingChannelModule'],
  '../../src/app/payments/channel-debit-card.ts': ['debitCardChannelModule'],
  '../../src/app/payments/channel-cards.ts': ['creditCardChannelModule', 'chargeCardChannelModule'],
  '../../src/app/payments/channel-remittance.ts': ['remittanceChannelModule'],
  '../../src/app/payments/channel-cod.ts': ['codChannelModule'],
  '../../src/app/echeque/channel.ts': ['echequeChannelModule'],
  '../../src/app/ecash/channels.ts': ['ecashChannelModule', 'smartCardChannelModule', 'storedValueChannelModule'],
} as const;

/**
 * The channels' scheduled jobs: cash on delivery's remittance, the card company's statement and
 * due check, the card channels' acquiring batch, the stored-value card's recurring bills.
 */
async function channelsJobKinds(): Promise<string[]> {
  const { codJobKind } = await import('../../src/app/payments/channel-cod.ts');
  const { acquiringJobKind } = await import('../../src/app/payments/acquiring.ts');
  const { cardJobKinds, storedValueBillJobKind } = await import('../../src/domain/index.ts');
  return [codJobKind, cardJobKinds.statement, cardJobKinds.due, acquiringJobKind, storedValueBillJobKind];
}

describe('the payment channel registry', () => {
  it('lists every channel checkout offers, once, in the gateway order, each with its own adapter and words in both languages', async () => {
    const { channelModules, checkoutChannels } = await import('../../src/app/payments/channels.ts');
    const { checkoutMethods } = await import('../../src/app/market/orders.ts');
    const ids = channelModules().map((m) => m.id);
    expect(checkoutMethods()).toEqual(ids);
    expect(checkoutChannels()).toEqual(ids);
    // Every gateway channel but the shop counter's (mobile pays at a counter, never at checkout).
    expect(ids).toEqual(paymentChannelIds.filter((id) => id !== 'mobile'));
    const exported: string[] = [];
    for (const [file, names] of Object.entries(channelFiles)) {
      const mod = (await import(file)) as Record<string, { id: string }>;
      for (const name of names) exported.push(mod[name]!.id);
    }
    expect([...exported].sort()).toEqual([...ids].sort());
    for (const m of channelModules()) {
      expect(m.adapter.channel.id).toBe(m.id);
      expect(m.catalog.name).toBe(`payments.channel.${m.id}`);
      for (const key of [m.catalog.name]) {
        expect(en, key).toHaveProperty([key]);
        expect(zhCN, key).toHaveProperty([key]);
      }
      for (const prefix of m.catalog.prefixes) {
        expect(Object.keys(en).some((k) => k.startsWith(prefix)), prefix).toBe(true);
        expect(Object.keys(zhCN).some((k) => k.startsWith(prefix)), prefix).toBe(true);
      }
    }
  });

  it('a channel module imported alone registers nothing: its jobs run only once the registry registers them', async () => {
    for (const file of Object.keys(channelFiles)) {
      vi.resetModules();
      // Alone, first in a fresh module graph: it loads (no cycle reads a channel before it exists)
      // and the scheduler knows none of the channels' jobs.
      const mod = (await import(file)) as Record<string, unknown>;
      const { jobCommand } = await import('../../src/app/scheduler.ts');
      const channelJobKinds = await channelsJobKinds();
      expect(Object.keys(mod).length, file).toBeGreaterThan(0);
      for (const kind of channelJobKinds) expect(jobCommand(kind), `${file}: ${kind}`).toBeUndefined();
      const { registerChannelJobs } = await import('../../src/app/payments/channels.ts');
      registerChannelJobs();
      for (const kind of channelJobKinds) expect(jobCommand(kind), `${file}: ${kind}`).toBeDefined();
    }
  });
});
