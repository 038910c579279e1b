import { afterEach, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorld, launchProfile, newPage, partyUrl, waitForServiceWorker, type Profile } from './browser.ts';
import { signIn } from './flows.ts';

const baseUrl = inject('baseUrl');
const subPathUrl = inject('subPathUrl');
const deployUrl = inject('deployUrl');
const profiles: Profile[] = [];

async function profile(): Promise<Profile> {
  const p = await launchProfile();
  profiles.push(p);
  return p;
}

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the offline multi-tab world', () => {
  it('a. two tabs act as different parties; an event made in tab A shows in tab B within a second', async () => {
    const p = await profile();
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Two tabs');
    const a = await newPage(p, partyUrl(baseUrl, worldId, 'bank-a'));
    const b = await newPage(p, partyUrl(baseUrl, worldId, 'ca'));
    await expect.poll(() => a.getByTestId('acting-as').textContent()).toContain('Huaxin Bank');
    await expect.poll(() => b.getByTestId('acting-as').textContent()).toContain('NetCert Certificate Authority');
    expect(await a.title()).toContain('Huaxin Bank');
    expect(await b.title()).toContain('NetCert');
    // The bank's tab moves the clock: it signs in as the bank first.
    await signIn(a, worldId, 'bank-a', 'activity');
    await b.getByTestId('activity-feed').waitFor();
    const before = await b.getByTestId('feed-item').count();

    await a.getByTestId('plus-day').click();
    const t0 = Date.now();
    await b.locator('[data-testid="feed-item"][data-type="clock.advanced"]').first().waitFor({ timeout: 1000 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await b.getByTestId('feed-item').count()).toBe(before + 1);
    expect(await b.getByTestId('world-day').textContent()).toContain('2');
  });

  it('b. when the leader tab closes, the other tab runs the next due job', async () => {
    const p = await profile();
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Leader');
    await start.close();
    const a = await newPage(p, partyUrl(baseUrl, worldId, 'platform'));
    await expect.poll(() => a.getByTestId('leader-state').getAttribute('data-leader')).toBe('true');
    const b = await newPage(p, partyUrl(baseUrl, worldId, 'escrow'));
    await b.getByTestId('activity-feed').waitFor();
    expect(await b.getByTestId('leader-state').getAttribute('data-leader')).toBe('false');
    await signIn(b, worldId, 'escrow', 'activity');

    // B schedules a notice for day 3 (2026-01-07), then A, the leader, closes.
    await b.getByTestId('notice-text').fill('Settlement day');
    await b.getByTestId('notice-when').fill('2026-01-07');
    await b.getByTestId('notice-submit').click();
    await b.locator('[data-type="notice.scheduled"]').waitFor();
    await a.close();
    await expect.poll(() => b.getByTestId('leader-state').getAttribute('data-leader'), { timeout: 1000 }).toBe('true');

    await b.getByTestId('advance-days').fill('3');
    await b.getByTestId('advance').click();
    const delivered = b.locator('[data-type="notice.delivered"]');
    await delivered.waitFor({ timeout: 3000 });
    expect(await delivered.textContent()).toContain('Settlement day');
    expect(await delivered.count()).toBe(1);
  });

  it('c. after the first load, offline, a reload shows the app and the world’s data', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    await waitForServiceWorker(page);
    const worldId = await createWorld(page, 'Offline lesson');
    await page.goto(partyUrl(baseUrl, worldId, 'logistics'));
    await signIn(page, worldId, 'logistics', 'activity');
    await page.getByTestId('plus-day').click();
    await page.locator('[data-type="clock.advanced"]').waitFor();

    await p.context.setOffline(true);
    await page.reload();
    await page.getByTestId('acting-as').waitFor();
    expect(await page.getByTestId('world-name').textContent()).toBe('Offline lesson');
    expect(await page.locator('[data-type="clock.advanced"]').count()).toBe(1);
    await page.goto(baseUrl + '#/');
    await page.reload();
    expect(await page.getByTestId('world-item').textContent()).toContain('Offline lesson');
  });

  it('d. the production build works under a sub-path', async () => {
    const p = await profile();
    const page = await newPage(p, subPathUrl);
    await waitForServiceWorker(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(subPathUrl);
    const worldId = await createWorld(page, 'Sub-path');
    await page.goto(partyUrl(subPathUrl, worldId, 'clearing'));
    await expect.poll(() => page.getByTestId('acting-as').textContent()).toContain('Payment Clearing House');
    const manifest = await page.evaluate(async () => (await fetch('./manifest.webmanifest')).json());
    expect(manifest.name).toContain('SettleLab');
  });

  it('e. a world exported in one profile imports in a fresh profile; a truncated file is refused', async () => {
    const p1 = await profile();
    const page1 = await newPage(p1, baseUrl);
    const worldId = await createWorld(page1, 'Handout');
    await page1.goto(partyUrl(baseUrl, worldId, 'platform'));
    await signIn(page1, worldId, 'platform', 'activity');
    await page1.getByTestId('advance-days').fill('5');
    await page1.getByTestId('advance').click();
    await page1.locator('[data-type="clock.advanced"]').waitFor();
    const time1 = await page1.getByTestId('world-time').textContent();
    await page1.goto(baseUrl + '#/');
    const downloadPromise = page1.waitForEvent('download');
    await page1.getByTestId('world-item').getByRole('button', { name: 'Export' }).click();
    const download = await downloadPromise;
    const file = join(p1.dir, 'handout.settlelab.json');
    await download.saveAs(file);

    const p2 = await profile();
    const page2 = await newPage(p2, baseUrl);
    await page2.getByTestId('worlds-empty').waitFor();
    // A truncated copy is refused and nothing changes.
    const truncated = join(p2.dir, 'truncated.settlelab.json');
    const bytes = readFileSync(file);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    await page2.getByTestId('import-input').setInputFiles(truncated);
    expect(await page2.getByTestId('import-error').textContent()).toContain('incomplete');
    expect(await page2.getByTestId('world-item').count()).toBe(0);

    await page2.getByTestId('import-input').setInputFiles(file);
    const item = page2.getByTestId('world-item');
    await item.waitFor();
    expect(await item.textContent()).toContain('Handout');
    await item.getByRole('link', { name: 'Open' }).click();
    await page2.getByTestId('party-option').first().waitFor();
    await page2.locator('[data-party="platform"] .party-link').click();
    await expect.poll(() => page2.getByTestId('world-time').textContent()).toBe(time1);
    expect(await page2.locator('[data-type="clock.advanced"]').count()).toBe(1);
  });

  it('f. without IndexedDB (as in some private modes) the app says so in plain words', async () => {
    const p = await profile();
    await p.context.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    });
    const page = await newPage(p, baseUrl);
    const error = page.getByTestId('storage-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('does not let SettleLab store data');
  });

  it('g. a newly deployed version shows "update available" and reloads on accept', async () => {
    const p = await profile();
    const page = await newPage(p, deployUrl);
    await waitForServiceWorker(page);
    const firstController = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(firstController).toContain('sw.js');
    await fetch(deployUrl + '__test/deploy');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const banner = page.getByTestId('update-banner');
    await banner.waitFor();
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button').click();
    await reloaded;
    await page.getByTestId('lang-select').waitFor();
    expect(await page.getByTestId('update-banner').count()).toBe(0);
  });
});
