import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile, newPage, type Profile } from './browser.ts';
import { go } from './flows.ts';
import { demoClass, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';

// Shared steps of the class-mode e2e tests (#20): open a class as the teacher, join it as a
// student, sign a tab in, and read a PC's world (rows, balances, fingerprint).

export const labUserPassword = 'settlelab 2026';
export const sellerId = 'u-lab_seller';
export const buyerId = 'u-lab_buyer';

/**
 * A class server for the file's tests (started before them, removed after) and browser profiles
 * ("PCs") launched per test and closed after each.
 */
export function classLab(): { server: () => NatsServerHandle; launch: (count: number) => Promise<Profile[]> } {
  const profiles: Profile[] = [];
  let server: NatsServerHandle | null = null;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  afterEach(async () => {
    while (profiles.length) await profiles.pop()!.close();
  });
  return {
    server: () => server!,
    launch: async (count) => {
      for (let i = 0; i < count; i++) profiles.push(await launchProfile());
      return profiles.slice(-count);
    },
  };
}

export function worldIdOf(page: Page): string {
  return decodeURIComponent(/#\/w\/([^/]+)/.exec(page.url())![1]!);
}

/** The class banner's state (connecting, connected, offline, diverged). */
export function bannerState(page: Page): Promise<string | null> {
  return page.getByTestId('class-banner').getAttribute('data-state');
}

/** PC 1: the teacher opens the class from the start page and lands on the roster. */
export async function openClass(p: Profile, baseUrl: string, server: NatsServerHandle): Promise<{ page: Page; worldId: string }> {
  const page = await newPage(p, baseUrl);
  await page.getByTestId('class-open').click();
  await page.getByTestId('class-server').fill(server.wsUrl);
  await page.getByTestId('class-code').fill(demoClass.code);
  await page.getByTestId('class-teacher-password').fill(demoClass.teacher.pass);
  await page.getByTestId('class-create').click();
  await page.getByTestId('class-page').waitFor({ timeout: 120_000 });
  await expect.poll(() => bannerState(page), { timeout: 30_000 }).toBe('connected');
  return { page, worldId: worldIdOf(page) };
}

/** A student's PC joins with the address, the code and the class password. */
export async function joinFromStartPage(p: Profile, baseUrl: string, server: NatsServerHandle): Promise<{ page: Page; worldId: string }> {
  const page = await newPage(p, baseUrl);
  await page.getByTestId('class-open').click();
  await page.getByTestId('class-join-server').fill(server.wsUrl);
  await page.getByTestId('class-join-code').fill(demoClass.code);
  await page.getByTestId('class-student-password').fill(demoClass.student.pass);
  await page.getByTestId('class-join').click();
  await page.getByTestId('class-banner').waitFor({ timeout: 60_000 });
  await expect.poll(() => bannerState(page), { timeout: 30_000 }).toBe('connected');
  return { page, worldId: worldIdOf(page) };
}

/** Signs the tab in as the party it shows, from the party's Account page (a command through the class stream). */
export async function signIn(page: Page, worldId: string, partyId: string, password: string): Promise<void> {
  await go(page, worldId, partyId, 'account');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logged-in').waitFor({ timeout: 60_000 });
}

/** Every row of one table of this PC's copy of the world, read from IndexedDB (page context). */
export async function worldRows(page: Page, worldId: string, table: string): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    async ([world, store]) => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const all = (db: IDBDatabase, name: string) =>
        new Promise<Record<string, unknown>[]>((resolve, reject) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => resolve(r.result as Record<string, unknown>[]);
          r.onerror = () => reject(r.error);
        });
      const registry = await open('settlelab-registry');
      const entry = (await all(registry, 'worlds')).find((w) => w.id === world);
      registry.close();
      const db = await open(String(entry?.dbName));
      const rows = await all(db, store);
      db.close();
      return rows;
    },
    [worldId, table] as const,
  );
}

/** The posted debits and credits of the lab users' accounts, read from this PC's world. */
export async function balances(page: Page, worldId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of await worldRows(page, worldId, 'accounts')) if (String(row.partyId).startsWith('u-lab_')) out[String(row.id)] = `${String(row.debitsPosted)} / ${String(row.creditsPosted)}`;
  return out;
}

/** This PC's world fingerprint from its class page, once it has applied `seq` actions. */
export async function fingerprint(page: Page, worldId: string, seq: number): Promise<string> {
  await page.evaluate((h) => (location.hash = h), `#/w/${worldId}/class`);
  await page.getByTestId('class-page').waitFor();
  let digest: string | null = null;
  await expect
    .poll(
      async () => {
        await page.getByTestId('class-digest-compute').click();
        const shown = page.getByTestId('class-digest');
        digest = await shown.getAttribute('data-digest');
        return Number(await shown.getAttribute('data-seq'));
      },
      { timeout: 30_000 },
    )
    .toBe(seq);
  return digest!;
}

/** The last stream sequence this PC has applied (with its jobs), as its class page shows it. */
export async function appliedHere(page: Page, worldId: string): Promise<number> {
  await page.evaluate((h) => (location.hash = h), `#/w/${worldId}/class`);
  await page.getByTestId('class-digest-compute').click();
  return Number(await page.getByTestId('class-digest').getAttribute('data-seq'));
}

/**
 * The last sequence every PC on `page`'s roster has applied, once `pcs` of them agree on it and it
 * is at least `atLeast` (the roster hears each PC every few seconds, so it may lag what they applied).
 */
export async function settledSeq(page: Page, worldId: string, pcs: number, atLeast = 0): Promise<number> {
  await page.evaluate((h) => (location.hash = h), `#/w/${worldId}/class`);
  let max = 0;
  await expect
    .poll(
      async () => {
        const seqs = await page.getByTestId('class-roster-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
        max = Math.max(...seqs);
        return seqs.length === pcs && max >= atLeast && seqs.every((s) => s === max);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return max;
}
