import { afterEach, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium, type Page } from 'playwright-core';
import { resealStreamBytes, splitStream, type FileTable, type StreamFile } from '../helpers/world-stream-file.ts';
import { chromiumArgs, chromiumPath, createWorld, launchProfile, newPage, partyUrl, teacherPasswords, type Profile } from './browser.ts';

// Issue 13 items 4-6 in Chromium: world files edited on purpose (with a recomputed SHA-256) are
// refused with the reason and change nothing; an interrupted reset leaves a world that opens or is
// offered for repair; a full disk is named in words.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];

async function profile(): Promise<Profile> {
  const p = await launchProfile();
  profiles.push(p);
  return p;
}

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

// A streamed world file's tables, as the forgers below edit them (test/helpers/world-stream-file.ts).
type DexieExport = { data: { data: FileTable[] }; file: StreamFile };

/** Rewrites a world file's data and reseals it (new length and SHA-256), as a forger would. */
function forged(bytes: Buffer, edit: (body: DexieExport) => void): Buffer {
  const file = splitStream(bytes);
  const body: DexieExport = { data: { data: file.tables }, file };
  edit(body);
  return Buffer.from(resealStreamBytes({ ...file, tables: body.data.data }));
}

function rows(body: DexieExport, table: string): Record<string, unknown>[] {
  return body.data.data.find((t) => t.tableName === table)!.rows;
}

async function exportFirstWorld(page: Page, p: Profile): Promise<Buffer> {
  const download = page.waitForEvent('download');
  await page.getByTestId('world-item').first().getByRole('button', { name: 'Export' }).click();
  const file = join(p.dir, 'lesson.settlelab.json');
  await (await download).saveAs(file);
  return readFileSync(file);
}

async function dbNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

async function registryDbName(page: Page, worldId: string): Promise<string> {
  return page.evaluate(
    (id) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('settlelab-registry');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('worlds').objectStore('worlds').get(id);
          get.onsuccess = () => {
            open.result.close();
            resolve((get.result as { dbName: string }).dbName);
          };
        };
      }),
    worldId,
  );
}

describe('world files that prove themselves', () => {
  it('a forged balance, a broken clock and a party without a name are refused with the reason; nothing changes', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    await createWorld(page, 'Prepared lesson');
    const original = await exportFirstWorld(page, p);
    const before = await dbNames(page);

    const cases: { name: string; edit: (b: DexieExport) => void; reason: string }[] = [
      {
        name: 'balance',
        edit: (b) => {
          rows(b, 'accounts').find((a) => a.normal === 'credit')!.creditsPosted = '1000000.00';
        },
        reason: 'does not match its journal entries',
      },
      { name: 'clock', edit: (b) => void (rows(b, 'meta').find((m) => m.key === 'clock')!.value = null), reason: 'world clock is missing' },
      { name: 'party', edit: (b) => void (rows(b, 'parties')[0]!.name = null), reason: 'no name in both languages' },
    ];
    for (const c of cases) {
      const file = join(p.dir, `forged-${c.name}.settlelab.json`);
      writeFileSync(file, forged(original, c.edit));
      await page.getByTestId('import-input').setInputFiles(file);
      await expect.poll(() => page.getByTestId('import-error').textContent()).toContain(c.reason);
      expect(await page.getByTestId('world-item').count()).toBe(1);
      expect(await dbNames(page)).toEqual(before);
    }

    // The same file unedited imports, and the imported world opens.
    const good = join(p.dir, 'good.settlelab.json');
    writeFileSync(good, original);
    await page.getByTestId('import-input').setInputFiles(good);
    await expect.poll(() => page.getByTestId('world-item').count()).toBe(2);
  });

  it('the refusal is in Chinese too', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    await createWorld(page, 'Lesson zh');
    const original = await exportFirstWorld(page, p);
    await page.getByTestId('lang-select').selectOption('zh-CN');
    const file = join(p.dir, 'forged.settlelab.json');
    writeFileSync(file, forged(original, (b) => void (rows(b, 'accounts')[0]!.partyId = 'u-nobody')));
    await page.getByTestId('import-input').setInputFiles(file);
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('账本中有一条记录指向世界里不存在的交易方或账户');
  });
});

describe('teacher-signed world files', () => {
  it('a signed world imports as "prepared by …, signature valid"; the same file edited afterwards is refused', async () => {
    const p1 = await profile();
    const page1 = await newPage(p1, baseUrl);
    const worldId = await createWorld(page1, 'Signed handout');
    await page1.getByTestId('world-export-signed').click();
    await page1.getByTestId('sign-password').fill('wrong password');
    await page1.getByTestId('sign-submit').click();
    await page1.getByTestId('sign-error').waitFor();
    await page1.getByTestId('sign-password').fill(teacherPasswords.get(worldId)!);
    const download = page1.waitForEvent('download');
    await page1.getByTestId('sign-submit').click();
    const file = join(p1.dir, 'signed.settlelab.json');
    await (await download).saveAs(file);
    const signed = readFileSync(file);

    const p2 = await profile();
    const page2 = await newPage(p2, baseUrl);
    await page2.getByTestId('worlds-empty').waitFor();
    const edited = join(p2.dir, 'edited.settlelab.json');
    // A forger edits the data and recomputes the checksum, but cannot sign again as the teacher.
    writeFileSync(edited, forged(signed, (b) => void (rows(b, 'accounts').find((a) => a.normal === 'credit')!.name = 'Forged')));
    await page2.getByTestId('import-input').setInputFiles(edited);
    await expect.poll(() => page2.getByTestId('import-error').textContent()).toContain('signature is broken');
    expect(await page2.getByTestId('world-item').count()).toBe(0);

    const copy = join(p2.dir, 'signed.settlelab.json');
    writeFileSync(copy, signed);
    await page2.getByTestId('import-input').setInputFiles(copy);
    await expect.poll(() => page2.getByTestId('import-signed').textContent()).toMatch(/prepared by .+, signature valid \(teacher key [0-9a-f]{4} /);
    expect(await page2.getByTestId('world-item').count()).toBe(1);
  });
});

describe('crash-safe reset', () => {
  it('the browser closed right after a confirmed reset: on the next start the world is listed whole and opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settlelab-e2e-kill-'));
    const launch = () => chromium.launchPersistentContext(dir, { executablePath: chromiumPath, args: chromiumArgs, headless: true, locale: 'en-US' });
    try {
      const first = await launch();
      const page = await first.newPage();
      await page.goto(baseUrl);
      const worldId = await createWorld(page, 'Killed mid-reset');
      await page.getByTestId('world-reset').click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      // The reset is seeding (PBKDF2 for every institution) when the browser goes away.
      await first.close();

      const second = await launch();
      const errors: string[] = [];
      second.on('page', (pg) => pg.on('pageerror', (e) => errors.push(e.message)));
      const again = await second.newPage();
      await again.goto(baseUrl);
      await again.getByTestId('world-item').waitFor();
      const dbName = await registryDbName(again, worldId);
      // Only the world's one database is left once the start-up sweep ran.
      await expect.poll(async () => (await dbNames(again)).filter((n) => n.startsWith('settlelab-world-'))).toEqual([dbName]);
      expect(await again.getByTestId('world-damaged').count()).toBe(0);
      await again.goto(partyUrl(baseUrl, worldId, 'platform'));
      await again.getByTestId('world-time').waitFor();
      expect(errors).toEqual([]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reset killed while building leaves the world as it was, and the half-built database is removed at start', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    const worldId = await createWorld(page, 'Interrupted');
    await page.goto(partyUrl(baseUrl, worldId, 'platform'));
    const time = await page.getByTestId('world-time').textContent();
    const events = await page.getByTestId('feed-item').count();
    expect(events).toBeGreaterThan(0);
    // What a browser killed mid-reset leaves: a new database with part of a world in it.
    const half = `settlelab-world-${worldId}~0123456789ab`;
    await page.evaluate(
      (name) =>
        new Promise<void>((resolve) => {
          const open = indexedDB.open(name, 110);
          open.onupgradeneeded = () => {
            open.result.createObjectStore('meta', { keyPath: 'key' });
            open.result.createObjectStore('parties', { keyPath: 'id' });
          };
          open.onsuccess = () => {
            open.result.close();
            resolve();
          };
        }),
      half,
    );
    expect(await dbNames(page)).toContain(half);

    await page.goto(baseUrl + '#/');
    await page.reload();
    await page.getByTestId('world-item').waitFor();
    await expect.poll(() => dbNames(page)).not.toContain(half);
    expect(await page.getByTestId('world-damaged').count()).toBe(0);
    await page.goto(partyUrl(baseUrl, worldId, 'platform'));
    await expect.poll(() => page.getByTestId('world-time').textContent()).toBe(time);
    await expect.poll(() => page.getByTestId('feed-item').count()).toBe(events);
  });

  it('a world whose database is gone is offered for repair; repaired, it opens', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    const worldId = await createWorld(page, 'Lost world');
    const dbName = await registryDbName(page, worldId);
    await page.evaluate((name) => new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve)), dbName);
    // Opened by its address, the world says it is damaged instead of failing with uncaught errors.
    await page.goto(partyUrl(baseUrl, worldId, 'platform'));
    await page.getByTestId('world-damaged-open').waitFor();
    expect(await dbNames(page)).not.toContain(dbName);
    await page.goto(baseUrl + '#/');
    await page.reload();
    const damaged = page.getByTestId('world-damaged');
    await damaged.waitFor();
    expect(await damaged.textContent()).toContain('missing or damaged');
    await page.getByTestId('world-repair').click();
    // Repair seeds a fresh world (PBKDF2 for every institution's password): seconds, not instant.
    await expect.poll(() => page.getByTestId('world-damaged').count(), { timeout: 60_000 }).toBe(0);
    await page.getByTestId('teacher-generated-password').waitFor();
    await page.goto(partyUrl(baseUrl, worldId, 'platform'));
    await page.getByTestId('world-time').waitFor();
  });
});

describe('storage full', () => {
  it('a real QuotaExceededError (quota shrunk over CDP) is named, with what to do', async () => {
    const p = await profile();
    const page = await newPage(p, baseUrl);
    await page.getByTestId('storage-panel').waitFor();
    const cdp = await p.context.newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseUrl).origin, quotaSize: usage + 2048 });
    await page.getByLabel('Name of the new world').fill('Too big');
    await page.getByRole('button', { name: 'Create world' }).click();
    const error = page.locator('.field-error[role="alert"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain('Storage is full');
    expect(await error.textContent()).toContain('export a world');
    expect(await page.getByTestId('world-item').count()).toBe(0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseUrl).origin });
  });
});
