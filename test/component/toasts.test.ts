import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import Toasts from '../../src/ui/common/Toasts.svelte';
import { toasts } from '../../src/ui/common/toasts.svelte.ts';
import { i18n, t } from '../../src/ui/i18n/i18n.svelte.ts';

// A toast still on screen follows a change of language like the rest of the page: the words sweep
// found "Logged in." left on a Chinese page after the tab switched language while it showed.

afterEach(() => {
  i18n.locale = 'en';
  for (const item of toasts.items) toasts.dismiss(item.id);
});

describe('Toasts', () => {
  it('says a toast in the language chosen after it was shown', async () => {
    i18n.locale = 'en';
    render(Toasts);
    toasts.show(() => t('login.done'));
    await tick();
    expect(screen.getByText('Logged in.')).toBeTruthy();
    i18n.locale = 'zh-CN';
    await tick();
    expect(screen.queryByText('Logged in.')).toBeNull();
    expect(screen.getByText(t('login.done'))).toBeTruthy();
    expect(t('login.done')).not.toBe('Logged in.');
  });
});
