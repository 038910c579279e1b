import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import LabCatalogue from '../../src/ui/labs/LabCatalogue.svelte';
import b2cEscrow from '../../src/labs/b2c-escrow.json';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { openRegistry } from '../../src/storage/registry.ts';

// The catalogue's "Load a lab file" (issue #14 item 1) in words: a refused file names the problem
// and its place in plain words (never `unknown_check` or `steps[1].check`), in both languages, and
// nothing is stored; a good file becomes a card marked as the teacher's, with a way to remove it.

afterEach(() => {
  cleanup();
  i18n.locale = 'en';
});

function labText(change: (lab: Record<string, unknown>) => void): string {
  const lab = JSON.parse(JSON.stringify(b2cEscrow)) as Record<string, unknown>;
  change(lab);
  return JSON.stringify(lab);
}

async function load(text: string): Promise<void> {
  await fireEvent.change(screen.getByTestId('lab-file-input'), { target: { files: [new File([text], 'lab.json', { type: 'application/json' })] } });
}

describe('loading a teacher’s lab file on the catalogue', () => {
  it('refuses a file naming the problem and the place in plain words (en, zh-CN), storing nothing', async () => {
    await loadAllMessages();
    render(LabCatalogue);
    const unknownCheck = labText((lab) => {
      lab.id = 'words-bad';
      (lab.steps as { check: string }[])[1]!.check = 'order.teleported';
    });
    await load(unknownCheck);
    const en = await waitFor(() => screen.getByTestId('lab-file-error'), { timeout: 15_000 });
    expect(en.textContent).toBe('This lab file cannot be used: SettleLab has no check of that name, at step 2 › the check (“check”).');

    i18n.locale = 'zh-CN';
    await load(labText((lab) => {
      lab.id = 'words-bad';
      (lab.title as { zh: string }).zh = '';
    }));
    await waitFor(() => expect(screen.getByTestId('lab-file-error').textContent).toBe('这个实验文件不能使用：有文字缺失或过长（每段文字都要有英文和中文，各不超过 2000 个字符），位置：标题（title） › 中文（zh）。'));

    // The id of a lab SettleLab ships is named.
    await load(labText(() => undefined));
    await waitFor(() => expect(screen.getByTestId('lab-file-error').textContent).toBe('SettleLab 自带的实验已使用编号“b2c-escrow”：请给你的实验另取一个编号。'));
    expect(await openRegistry().teacherLabs.count()).toBe(0);
  });

  it('lists a good file as the teacher’s card, which can be removed', async () => {
    await loadAllMessages();
    render(LabCatalogue);
    await load(labText((lab) => {
      lab.id = 'words-good';
      lab.title = { en: 'My escrow lab', zh: '我的担保交易实验' };
    }));
    const badge = await waitFor(() => screen.getByTestId('lab-card-teacher-words-good'), { timeout: 15_000 });
    expect(badge.textContent).toBe('Teacher’s lab');
    expect(screen.getByTestId('lab-card-words-good').textContent).toContain('My escrow lab');
    expect(screen.queryByTestId('lab-card-teacher-b2c-escrow')).toBeNull();
    expect(screen.queryByTestId('lab-file-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('lab-remove-words-good'));
    await waitFor(() => expect(screen.queryByTestId('lab-card-words-good')).toBeNull());
  });
});
