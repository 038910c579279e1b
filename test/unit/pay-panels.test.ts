import { describe, expect, it } from 'vitest';
import { checkoutChannels } from '../../src/app/payments/channels.ts';
import { channelPanel, channelPanels, channelsWithoutPanel } from '../../src/ui/payments/panels/registry.ts';

// Issue #19 item 5: each payment channel's pay panel is its own component, listed in the UI's
// registry (src/ui/payments/panels/registry.ts) by the ids of the app's channel registry; the
// order page's host (PayPanel.svelte) only loads the order's channel's panel.

describe('the pay panel registry', () => {
  it('has a panel for every channel checkout offers, and each loads as a component', async () => {
    expect(channelsWithoutPanel(checkoutChannels())).toEqual([]);
    for (const id of checkoutChannels()) {
      const component = await channelPanel(id).preload();
      expect(typeof component, id).toBe('function');
    }
  });

  it('names a checkout channel whose panel is missing, and the host refuses to show such an order', () => {
    const withoutRemittance = Object.fromEntries(Object.entries(channelPanels).filter(([id]) => id !== 'remittance'));
    expect(channelsWithoutPanel(checkoutChannels(), withoutRemittance)).toEqual(['remittance']);
    expect(() => channelPanel('mobile')).toThrow('no pay panel for channel mobile');
  });
});
