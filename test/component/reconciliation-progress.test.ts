import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ReconciliationPage from '../../src/ui/reconciliation/ReconciliationPage.svelte';
import { dateStartMs, err, ok, type MatchResult, type Party } from '../../src/domain/index.ts';
import type { DayMatchIo } from '../../src/app/recon-worker/client.ts';
import type { DeskDay } from '../../src/app/reconciliation/desk.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// The desk's run of a day in the background: while the worker reads and matches, a progress bar
// shows the rows read of the day's total, and Cancel stops the run with nothing saved (the run
// itself is stood in for: its protocol and matching are unit-tested in Node, the worker in
// Chromium by test/e2e/reconciliation.e2e.ts).

type Run = { io: DayMatchIo; finish: () => void };
const { runs, reconcileDayInBackground } = vi.hoisted(() => {
  const runs: Run[] = [];
  const reconcileDayInBackground = vi.fn((_db: unknown, _meta: unknown, _input: unknown, io: DayMatchIo) => new Promise((resolve) => {
    io.onProgress?.(0, 1000);
    io.signal?.addEventListener('abort', () => resolve(err('recon_cancelled')));
    runs.push({ io, finish: () => resolve(ok({ id: 'platform:2026-01-07' })) });
  }));
  return { runs, reconcileDayInBackground };
});
vi.mock('../../src/app/reconciliation/background.ts', () => ({ reconcileDayInBackground }));

const date = '2026-01-07';
const empty: MatchResult = { date, matched: 0, differences: [], settlements: [] };
vi.mock('../../src/app/reconciliation/desk.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/app/reconciliation/desk.ts')>()),
  deskDay: async (): Promise<DeskDay> => ({ date, result: empty, bills: [], row: null, open: [], balanced: false, source: 'live' }),
}));

const operator: Party = { id: 'platform', kind: 'operator', institution: true, createdAt: 0, name: { zh: '平台', en: 'Platform' } };
// The world clock stands on the 8th, noon: the 7th is the last day the channels have cut.
const world = { entry: { id: 'w1' }, parties: { current: [operator] }, clock: { current: dateStartMs('2026-01-08') + 12 * 3_600_000 }, session: { db: {}, env: {} } } as unknown as WorldModel;

describe('the reconciliation desk runs a day in the background', () => {
  it('shows the rows read on a progress bar, and Cancel stops the run with nothing saved', async () => {
    render(ReconciliationPage, { world, party: operator, page: [] });
    await screen.findByTestId('recon-status');
    expect(screen.queryByTestId('recon-progress')).toBeNull();

    await fireEvent.click(screen.getByTestId('recon-run'));
    const bar = await screen.findByTestId('recon-progress');
    expect(bar.getAttribute('data-state')).toBe('running');
    expect(reconcileDayInBackground).toHaveBeenCalledWith({}, expect.objectContaining({ actor: 'platform' }), { scope: 'platform', date }, expect.anything(), {});
    expect(bar.getAttribute('data-total')).toBe('1000');
    runs[0]!.io.onProgress?.(250, 1000);
    await waitFor(() => expect(screen.getByTestId('recon-progress').getAttribute('data-done')).toBe('250'));
    expect((screen.getByTestId('recon-progress') as HTMLProgressElement).value).toBe(250);
    expect(screen.getByTestId('recon-progress-text').textContent).toBe('Reading and matching the day: 25%.');
    expect((screen.getByTestId('recon-run') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('recon-cancel'));
    await waitFor(() => expect(screen.queryByTestId('recon-progress')).toBeNull());
    expect(runs[0]!.io.signal?.aborted).toBe(true);
    expect(screen.getByTestId('recon-error').textContent).toBe('Reconciliation cancelled: nothing was saved.');
    expect((screen.getByTestId('recon-run') as HTMLButtonElement).disabled).toBe(false);
  });

  it('a run that finishes leaves the bar full and says so, without Cancel or an error', async () => {
    render(ReconciliationPage, { world, party: operator, page: [] });
    await screen.findByTestId('recon-status');
    await fireEvent.click(screen.getByTestId('recon-run'));
    await screen.findByTestId('recon-progress');
    const run = runs[runs.length - 1]!;
    run.io.onProgress?.(1000, 1000);
    await waitFor(() => expect(screen.getByTestId('recon-progress').getAttribute('data-done')).toBe('1000'));
    run.io.onProgress?.(990, 1000);
    run.finish();
    await waitFor(() => expect(screen.getByTestId('recon-progress').getAttribute('data-state')).toBe('done'));
    expect(screen.getByTestId('recon-progress').getAttribute('data-done')).toBe('1000');
    expect(screen.getByTestId('recon-progress-text').textContent).toBe('Done: the day is read and matched.');
    expect(screen.queryByTestId('recon-error')).toBeNull();
    expect(screen.queryByTestId('recon-cancel')).toBeNull();
  });
});
