import { afterEach, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, partyUrl, type Profile } from './browser.ts';
import { bankAccount, certify, go, register, signIn, tab } from './flows.ts';
import { rowsOfTable, splitStream } from '../helpers/world-stream-file.ts';

// Issue 13 items 1-2: sessions belong to a tab and every party signs in. One browser (profile),
// several tabs, as students sharing a lab PC would use it.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** alice's deposit at bank-a as her bank's counter shows it to a signed-in bank tab. */
async function aliceDeposit(bank: Page, worldId: string): Promise<string> {
  await go(bank, worldId, 'bank-a', 'bank-counter');
  const row = bank.locator('[data-testid="customer-row"][data-account="bank-a:deposit:u-alice"]');
  return ((await row.getByTestId('customer-balance').textContent()) ?? '').trim();
}

/** A tab of this browser that never signed in, on the party's page: read-only, with the sign-in panel. */
async function expectReadOnly(page: Page, ...absent: string[]): Promise<void> {
  await page.getByTestId('sign-in-panel').waitFor();
  expect(await page.getByTestId('signed-in-as').getAttribute('data-state')).toBe('none');
  for (const id of absent) expect(await page.getByTestId(id).count(), `${id} is absent`).toBe(0);
}

describe('sessions belong to a tab; every party signs in', () => {
  it('a tab that never logged in cannot move alice’s money; logout and reload end her online-banking session; an export carries none', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Shared lab PC');

    const { page: alice } = await register(p, worldId, 'buyer', 'alice', '爱丽丝');
    await register(p, worldId, 'buyer', 'bob', '鲍勃');
    const ca = await tab(p, worldId, 'ca', 'ca');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    await certify(alice, ca, 'u-alice');
    await bankAccount(alice, bank, worldId, 'u-alice', '500');
    await go(alice, worldId, 'u-alice', 'my-bank');
    await expect.poll(() => alice.getByTestId('online-bank-a').getAttribute('data-open')).toBe('true');
    expect(await alice.getByTestId('signed-in-as').getAttribute('data-state')).toBe('party');
    const before = await aliceDeposit(bank, worldId);
    expect(before).toContain('500.00');

    // Another tab of the same browser opens alice's my-bank page: it may only look, and sign in.
    const stranger = await newPage(p, `${partyUrl(baseUrl, worldId, 'u-alice')}/my-bank`);
    await expectReadOnly(stranger, 'transfer-submit', 'transfer-payee', 'online-bank-a', 'apply-submit');
    expect(await stranger.getByTestId('page-locked').count()).toBe(1);
    expect(await stranger.getByTestId('login-password').count()).toBe(1);
    // Its other pages that act are locked too; the wallet cannot top up.
    await stranger.goto(`${partyUrl(baseUrl, worldId, 'u-alice')}/wallet`);
    await expectReadOnly(stranger, 'wallet-topup', 'wallet-amount');
    expect(await aliceDeposit(bank, worldId)).toBe(before);

    // A wrong password does not open it.
    await stranger.getByTestId('login-password').fill('not her password');
    await stranger.getByTestId('login-submit').click();
    await stranger.getByTestId('login-error').waitFor({ timeout: 30_000 });
    await expectReadOnly(stranger, 'wallet-topup');

    // alice logs out in her tab: her online-banking session ends with it.
    await go(alice, worldId, 'u-alice', 'account');
    await alice.getByTestId('logout').click();
    await alice.getByTestId('login-password').waitFor();
    await go(alice, worldId, 'u-alice', 'my-bank');
    await expectReadOnly(alice, 'transfer-submit', 'online-bank-a');
    await signIn(alice, worldId, 'u-alice', 'my-bank');
    await expect.poll(() => alice.getByTestId('online-bank-a').getAttribute('data-open')).toBe('false');

    // A fresh U盾 login opens a new one; a reload (a restart) drops it again.
    await alice.getByTestId('online-login-bank-a').click();
    await expect.poll(() => alice.getByTestId('online-bank-a').getAttribute('data-open'), { timeout: 15_000 }).toBe('true');
    await alice.reload();
    await expectReadOnly(alice, 'transfer-submit', 'online-bank-a');
    await signIn(alice, worldId, 'u-alice', 'my-bank');
    await expect.poll(() => alice.getByTestId('online-bank-a').getAttribute('data-open')).toBe('false');
    expect(await aliceDeposit(bank, worldId)).toBe(before);

    // The exported world file holds no session.
    await alice.getByTestId('online-login-bank-a').click();
    await expect.poll(() => alice.getByTestId('online-bank-a').getAttribute('data-open'), { timeout: 15_000 }).toBe('true');
    await start.goto(baseUrl + '#/');
    const downloading = start.waitForEvent('download');
    await start.getByTestId('world-item').getByRole('button', { name: 'Export' }).click();
    const file = join(p.dir, 'lab.settlelab.json');
    await (await downloading).saveAs(file);
    // A streamed world file (format 2, docs/world-file.md): pages of rows per table.
    const exported = splitStream(readFileSync(file));
    expect(rowsOfTable(exported, 'users').length).toBeGreaterThan(0);
    expect(exported.tables.find((t) => t.tableName === 'bankSessions')?.rows ?? []).toEqual([]);
  });

  it('the bank counter, the operator, the card company, escrow, logistics, clearing and the CA cannot act without signing in', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Institutions sign in');
    const locked: readonly [string, string, readonly string[]][] = [
      ['bank-a', 'bank-counter', ['counter-deposit', 'counter-withdraw', 'application-approve']],
      ['platform', 'commission', ['commission-rate']],
      ['platform', 'stores', []],
      ['card', 'card-company', []],
      ['escrow', 'escrow', []],
      ['logistics', 'shipments', []],
      ['clearing', 'clearing', []],
      ['ca', 'ca', []],
    ];
    const page = await newPage(p, partyUrl(baseUrl, worldId, 'bank-a'));
    for (const [party, pageId, controls] of locked) {
      await go(page, worldId, party, pageId);
      await page.getByTestId('page-locked').waitFor();
      await expectReadOnly(page, ...controls);
      // Its read-only pages stay open to look at.
      expect(await page.getByTestId('page-accounts').count()).toBe(1);
    }
    // The clock is shown but not moved from a tab that has not signed in.
    await go(page, worldId, 'bank-a', 'activity');
    await page.getByTestId('clock-read-only').waitFor();
    expect(await page.getByTestId('advance').count()).toBe(0);

    // Signed in as the bank, the counter opens in this tab only.
    await signIn(page, worldId, 'bank-a', 'bank-counter');
    await page.getByTestId('counter-deposit').waitFor();
    expect(await page.getByTestId('signed-in-as').getAttribute('data-state')).toBe('party');
    const other = await newPage(p, `${partyUrl(baseUrl, worldId, 'bank-a')}/bank-counter`);
    await expectReadOnly(other, 'counter-deposit');
  });
});
