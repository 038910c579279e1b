import { expect, inject } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { newPage, type Profile } from './browser.ts';

// Steps every lab's end-to-end test takes through the lab panel (issue #14): start a lab from its
// catalogue card, open another role's tab from the panel, sign in with the password the panel names,
// wait for a step to tick from the world, answer a question wrong (hint) and then right.

const baseUrl = inject('baseUrl');

/** The password of a lab's buyers and sellers, as the lab panel shows it. */
export const labUserPassword = 'settlelab 2026';

export async function stepDone(page: Page, id: string): Promise<string | null> {
  return page.getByTestId(`lab-step-${id}`).getAttribute('data-done');
}

export async function waitTick(page: Page, id: string): Promise<void> {
  await expect.poll(() => stepDone(page, id), { timeout: 15_000 }).toBe('true');
}

/** Starts a lab from its catalogue card; returns the first step's tab and the world id. */
export async function startLab(p: Profile, labId: string): Promise<{ page: Page; worldId: string }> {
  const page = await newPage(p, baseUrl);
  await page.getByTestId(`lab-card-${labId}`).waitFor();
  await page.getByTestId(`lab-start-${labId}`).click();
  await page.getByTestId('lab-panel').waitFor({ timeout: 60_000 });
  const worldId = decodeURIComponent(/#\/w\/([^/]+)\//.exec(page.url())![1]!);
  return { page, worldId };
}

/** Follows a lab panel link that opens another party's tab; returns that tab. */
export async function openFromPanel(context: BrowserContext, page: Page, testid: string): Promise<Page> {
  const [opened] = await Promise.all([context.waitForEvent('page'), page.getByTestId(testid).click()]);
  await opened.waitForLoadState();
  await opened.getByTestId('lab-panel').waitFor({ timeout: 15_000 });
  return opened;
}

/** Signs the tab in from the sign-in panel its page shows (the lab panel names the password). */
export async function signInHere(page: Page, password: string): Promise<void> {
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.getByTestId('sign-in-panel').count(), { timeout: 30_000 }).toBe(0);
}

/** A wrong answer is refused with the question's hint; the right one is accepted. */
export async function answer(page: Page, id: string, wrong: string, right: string, hintPart: string): Promise<void> {
  await page.getByTestId(`lab-answer-${id}`).fill(wrong);
  await page.getByTestId(`lab-check-${id}`).click();
  expect(await page.getByTestId(`lab-wrong-${id}`).textContent()).toContain(hintPart);
  expect(await page.getByTestId(`lab-correct-${id}`).count()).toBe(0);
  await page.getByTestId(`lab-answer-${id}`).fill(right);
  await page.getByTestId(`lab-check-${id}`).click();
  await page.getByTestId(`lab-correct-${id}`).waitFor();
}

export async function allTicked(pages: readonly Page[], ids: readonly string[]): Promise<void> {
  for (const page of pages) {
    for (const id of ids) await expect.poll(() => stepDone(page, id), { timeout: 5_000 }).toBe('true');
    await page.getByTestId('lab-complete').waitFor();
  }
}

/**
 * After a wrong action the app refused (a named code from one of the step's commands): the lab
 * panel says why in words, never the raw code, with the step's hint, and the step has not ticked.
 * The refusal reaches the panel from the commands table, or from the page that refused it before
 * any command ran (page-refusals.svelte.ts): the certificate lab's U盾 login before the CA issued
 * the certificate, the e-cheque lab's cheque for ¥0.00.
 */
export async function refusedWithHint(page: Page, stepId: string, code: string, hintPart: string): Promise<void> {
  const failure = page.getByTestId('lab-failure');
  await expect.poll(() => failure.getAttribute('data-code'), { timeout: 10_000 }).toBe(code);
  const words = (await failure.textContent())!;
  expect(words).toContain(hintPart);
  expect(words).not.toContain(code);
  expect(await stepDone(page, stepId)).toBe('false');
}
