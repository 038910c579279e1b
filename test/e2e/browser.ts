import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';

// Debian's Chromium, driven by playwright-core, with a fresh profile directory per context so
// IndexedDB and the service worker are real and persistent (newContext() keeps them in memory).
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export type Profile = { context: BrowserContext; dir: string; close: () => Promise<void> };

// Any uncaught error in any page of any profile fails the test that was running: an error a user
// would only see in the console is still a defect. A test that provokes one on purpose takes it
// out with takePageErrors().
const pageErrors: string[] = [];

/** Hands the uncaught page errors seen so far to a test that expects them (and clears them). */
export function takePageErrors(): string[] {
  return pageErrors.splice(0);
}

afterEach(() => {
  const errors = takePageErrors();
  expect(errors, 'uncaught errors in the pages').toEqual([]);
});

export async function launchProfile(options: { locale?: string } = {}): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'settlelab-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    locale: options.locale ?? 'en-US',
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  // Headless Chromium's save picker refuses at once as if the user closed it: the app's exports
  // fall back to a download, which the tests save. A test that wants the picker adds its own.
  await context.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    delete (Window.prototype as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  context.on('page', (page) => {
    page.on('pageerror', (e) => {
      console.error('page error:', e.message);
      pageErrors.push(`${page.url()}: ${e.message}`);
    });
  });
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function newPage(profile: Profile, url: string): Promise<Page> {
  const page = await profile.context.newPage();
  await page.goto(url);
  return page;
}

/** The teacher password made for each world createWorld created, by world id (shown once at creation). */
export const teacherPasswords = new Map<string, string>();

/**
 * Creates a world from the start page and returns its id (from the link). Only the name is typed,
 * so the app makes the teacher password and shows it once: it is kept in `teacherPasswords`.
 */
export async function createWorld(page: Page, name: string): Promise<string> {
  await page.getByLabel('Name of the new world').fill(name);
  await page.getByRole('button', { name: 'Create world' }).click();
  const link = page.getByTestId('world-item').filter({ hasText: name }).getByRole('link', { name }).first();
  const hrefValue = await link.getAttribute('href');
  expect(hrefValue).toMatch(/^#\/w\//);
  const worldId = decodeURIComponent(hrefValue!.split('/')[2]!);
  const shown = page.getByTestId('teacher-generated').filter({ hasText: name }).getByTestId('teacher-generated-password');
  teacherPasswords.set(worldId, (await shown.textContent())!.trim());
  return worldId;
}

export function partyUrl(base: string, worldId: string, partyId: string): string {
  return `${base}#/w/${worldId}/p/${partyId}`;
}

/** Waits until the service worker controls the page, so the app is precached for offline use. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((ok) => navigator.serviceWorker.addEventListener('controllerchange', () => ok(), { once: true }));
    }
  });
}
