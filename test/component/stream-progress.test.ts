import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import StreamProgressBar from '../../src/ui/worlds/StreamProgressBar.svelte';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';

// The streamed export's and import's progress in words (issue #18 item 4). Before its first page an
// export said "0.0 of 0.0 MB read · 0 rows" (an import's words, with nothing in them); the journal
// CSV counts entries, not rows; figures are grouped and the unit stays with its number.

afterEach(() => i18n.set('en'));

const mb = 1024 * 1024;

describe('StreamProgressBar', () => {
  it('says it is starting before the first figures, not an import of 0 MB', () => {
    render(StreamProgressBar, { progress: { rowsDone: 0, rowsTotal: 0, bytesDone: 0, bytesTotal: 0 }, label: 'Exporting', testid: 'p' });
    expect(screen.getByTestId('p-figures').textContent).toBe('Starting…');
  });

  it('counts a journal CSV in entries, grouped, the MB kept with its number', () => {
    render(StreamProgressBar, { progress: { rowsDone: 16384, rowsTotal: 100033, bytesDone: 3.8 * mb, bytesTotal: 0 }, label: 'CSV', testid: 'p', counts: 'entries' });
    expect(screen.getByTestId('p-figures').textContent).toBe('16,384 of 100,033 entries · 3.8\u00a0MB written');
  });

  it('in Chinese too', () => {
    i18n.set('zh-CN');
    render(StreamProgressBar, { progress: { rowsDone: 0, rowsTotal: 0, bytesDone: 8 * mb, bytesTotal: 18.9 * mb }, label: '导入', testid: 'p' });
    expect(screen.getByTestId('p-figures').textContent).toBe('18.9\u00a0MB 中已读 8.0\u00a0MB · 0 行');
  });
});
