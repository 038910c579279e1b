import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import StoragePanel from '../../src/ui/worlds/StoragePanel.svelte';

// The storage panel shows the browser's real usage as it changes (it used to read it once, when the
// start page opened, so a world created or imported afterwards still showed "0 B used").

const original = Object.getOwnPropertyDescriptor(navigator, 'storage');
afterEach(() => {
  vi.useRealTimers();
  if (original) Object.defineProperty(navigator, 'storage', original);
  else delete (navigator as { storage?: unknown }).storage;
});

describe('StoragePanel', () => {
  it('reads the usage again while it is shown', async () => {
    vi.useFakeTimers();
    let usage = 0;
    Object.defineProperty(navigator, 'storage', {
      configurable: true,
      value: { persisted: async () => false, persist: async () => false, estimate: async () => ({ usage, quota: 10 * 1024 ** 3 }) },
    });
    render(StoragePanel);
    await vi.waitFor(() => expect(screen.getByTestId('storage-usage').textContent).toContain('0 B'));
    usage = 3 * 1024 ** 2;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(screen.getByTestId('storage-usage').textContent).toContain('3');
    expect(screen.getByTestId('storage-usage').textContent).toContain('MB');
  });
});
