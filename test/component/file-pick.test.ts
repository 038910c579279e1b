import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import FilePick from '../../src/ui/common/FilePick.svelte';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';

// A file input in the reader's language: the browser's own "Choose File / No file chosen" follows
// the browser's language, not the page's, so it is hidden behind our button and words.

describe('FilePick', () => {
  it('says in the page language that no file is chosen, opens the hidden input, then names the file', async () => {
    i18n.locale = 'zh-CN';
    const seen: string[] = [];
    render(FilePick, { label: '报告文件', accept: '.json', onchange: (e: Event & { currentTarget: HTMLInputElement }) => seen.push(e.currentTarget.files?.[0]?.name ?? ''), testid: 'pick' });
    expect(screen.getByTestId('pick-button').textContent).toBe('选择文件…');
    expect(screen.getByTestId('pick-chosen').textContent).toBe('未选择文件');
    const input = screen.getByTestId('pick') as HTMLInputElement;
    expect(input.hidden).toBe(true);
    let clicked = 0;
    input.addEventListener('click', () => (clicked += 1));
    await fireEvent.click(screen.getByTestId('pick-button'));
    expect(clicked).toBe(1);
    const file = new File(['{}'], 'report.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    expect(seen).toEqual(['report.json']);
    expect(screen.getByTestId('pick-chosen').textContent).toBe('report.json');
    i18n.locale = 'en';
  });
});
