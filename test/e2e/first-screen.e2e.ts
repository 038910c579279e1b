import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, partyUrl, waitForServiceWorker, type Profile } from './browser.ts';
import b2cEscrow from '../../src/labs/b2c-escrow.json';

// Issue #18: the start page loads its own script, not the whole app; the world shell and each
// party page load when first shown, and every chunk is precached, so a page never opened before
// still opens offline.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The app's scripts this page has fetched so far (file names without their hash). */
async function scriptsLoaded(page: Page): Promise<string[]> {
  const urls = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
  return urls.map((u) => u.split('/').pop()!.replace(/-[\w-]{8}\.js$/, ''));
}

describe('the first screen', () => {
  it('the start page loads without the world shell or any party page; an unvisited page opens offline', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const page = await newPage(p, baseUrl);
    await page.getByTestId('worlds-empty').waitFor();
    // The language select in the dark header bar is readable (it was white text on white).
    const { color, background } = await page.getByTestId('lang-select').evaluate((el) => ({ color: getComputedStyle(el).color, background: getComputedStyle(el).backgroundColor }));
    expect(color).not.toBe(background);
    const atStart = await scriptsLoaded(page);
    expect(atStart).not.toContain('WorldView');
    expect(atStart).not.toContain('AuditorPage');
    expect(atStart).not.toContain('AccountsPage');
    // The lab catalogue's cards are there, but not the labs' steps and questions (they load when a
    // lab starts or its sheet opens): no script fetched so far holds a step's hint.
    await page.getByTestId('lab-card-b2c-escrow').waitFor();
    const stepHint = b2cEscrow.steps[0]!.hint.en.slice(0, 40);
    expect(await page.evaluate(async (needle) => {
      const urls = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js'));
      const texts = await Promise.all(urls.map(async (u) => (await fetch(u)).text()));
      return texts.some((t) => t.includes(needle));
    }, stepHint)).toBe(false);

    await waitForServiceWorker(page);
    const worldId = await createWorld(page, 'Lazy pages');
    await page.goto(partyUrl(baseUrl, worldId, 'escrow'));
    await page.getByTestId('acting-as').waitFor();
    expect(await scriptsLoaded(page)).toContain('WorldView');
    expect(await scriptsLoaded(page)).not.toContain('AuditorPage');

    // Never opened in this profile, and the network is gone: the service worker has the chunk.
    await p.context.setOffline(true);
    await page.getByTestId('page-auditor').click();
    await page.getByTestId('trial-balance').waitFor();
    expect(await scriptsLoaded(page)).toContain('AuditorPage');
  });

  it("moving from one party's page to another's shows the new party's rows (no query keeps the first party)", async () => {
    const p = await launchProfile();
    profiles.push(p);
    const page = await newPage(p, baseUrl);
    const worldId = await createWorld(page, 'Two banks');
    // The owner column of the party's own accounts.
    const owners = () => page.locator('[data-testid="accounts-table"]').first().locator('[data-testid="account-row"]').evaluateAll((rows) => [...new Set(rows.map((r) => r.children[1]?.textContent?.trim()))]);
    await page.goto(partyUrl(baseUrl, worldId, 'bank-a') + '/accounts');
    await expect.poll(owners).toEqual(['Huaxin Bank']);
    // Same page, same component, another party: a live query that read the party inside its
    // querier (untracked) kept showing the first bank's accounts.
    await page.goto(partyUrl(baseUrl, worldId, 'bank-b') + '/accounts');
    await expect.poll(owners).toEqual(['Eastern Commercial Bank']);
  });
});
