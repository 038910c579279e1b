import { afterEach, describe, expect, inject, it } from 'vitest';
import b2cEscrow from '../../src/labs/b2c-escrow.json';
import { launchProfile, newPage, type Profile } from './browser.ts';
import { startLab } from './lab-steps.ts';

// A teacher's own lab file (issue #14 item 1): a broken file is refused with the place named; the
// B2C escrow lab adapted (its own id and title, one question fewer) loads as the teacher's card,
// its sheet prints, and it starts its preset world with its own panel.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

function labFile(change: (lab: Record<string, unknown>) => void): { name: string; mimeType: string; buffer: Buffer } {
  const lab = JSON.parse(JSON.stringify(b2cEscrow)) as Record<string, unknown>;
  change(lab);
  return { name: 'my-lab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(lab)) };
}

describe('a teacher’s lab file', () => {
  it('is refused with its place, or loads as the teacher’s card that starts its world and panel', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const page = await newPage(p, baseUrl);
    await page.getByTestId('lab-file-input').setInputFiles(labFile((lab) => {
      lab.id = 'my-escrow';
      (lab.steps as { check: string }[])[1]!.check = 'order.teleported';
    }));
    await expect.poll(() => page.getByTestId('lab-file-error').textContent(), { timeout: 10_000 }).toContain('step 2');
    expect(await page.getByTestId('lab-card-my-escrow').count()).toBe(0);

    const questions = b2cEscrow.questions.slice(0, -1);
    await page.getByTestId('lab-file-input').setInputFiles(labFile((lab) => {
      lab.id = 'my-escrow';
      lab.title = { en: 'My escrow lab', zh: '我的担保交易实验' };
      lab.questions = questions;
    }));
    await page.getByTestId('lab-card-teacher-my-escrow').waitFor();
    expect(await page.getByTestId('lab-file-error').count()).toBe(0);
    expect(await page.getByTestId('lab-card-my-escrow').textContent()).toContain('My escrow lab');
    await page.getByTestId('lab-card-sheet-my-escrow').click();
    await page.getByTestId('lab-print-sheet').waitFor();
    await page.close();

    const { page: lab } = await startLab(p, 'my-escrow');
    expect(await lab.getByTestId('lab-panel').getAttribute('data-lab')).toBe('my-escrow');
    await expect.poll(() => lab.locator('[data-testid^="lab-answer-"]').count()).toBe(questions.length);
    expect(await lab.getByTestId('lab-panel').textContent()).toContain('My escrow lab');
  });
});
