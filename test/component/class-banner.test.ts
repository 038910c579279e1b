import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import ClassBanner from '../../src/ui/class/ClassBanner.svelte';
import type { ClassModel } from '../../src/ui/class/class-mode.svelte.ts';
import type { ClassBanner as BannerState } from '../../src/sync/class/class-world.ts';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';

// The class banner offline (#20): it says offline in plain words, and how many of the tab's
// actions wait for the class server; a tab opened on a PC without network says offline at once,
// not "connecting" (it said connecting before: the banner knew only the link it had not got yet).

afterEach(() => {
  i18n.locale = 'en';
});

function model(banner: BannerState | null, deviceOnline: boolean): ClassModel {
  return { banner, deviceOnline, link: { code: 'demo' }, entry: { id: 'w-1' } } as unknown as ClassModel;
}

describe('ClassBanner', () => {
  it('says offline and counts the waiting actions, in en and zh-CN', async () => {
    await loadAllMessages();
    i18n.locale = 'en';
    const { unmount } = render(ClassBanner, { model: model({ link: 'reconnecting', queued: 3, diverged: null }, true) });
    const banner = screen.getByTestId('class-banner');
    expect(banner.getAttribute('data-state')).toBe('offline');
    expect(banner.getAttribute('data-queued')).toBe('3');
    expect(banner.textContent).toContain('offline');
    expect(banner.textContent).toContain('Waiting: 3');
    unmount();
    i18n.locale = 'zh-CN';
    render(ClassBanner, { model: model({ link: 'reconnecting', queued: 3, diverged: null }, true) });
    expect(screen.getByTestId('class-banner').textContent).toContain('等待发送：3 个');
  });

  it('says offline before the first connection when the browser has no network', async () => {
    await loadAllMessages();
    i18n.locale = 'en';
    render(ClassBanner, { model: model(null, false) });
    const banner = screen.getByTestId('class-banner');
    expect(banner.getAttribute('data-state')).toBe('offline');
    expect(banner.textContent).toContain('offline');
    expect(banner.textContent).not.toContain('Waiting');
  });
});
