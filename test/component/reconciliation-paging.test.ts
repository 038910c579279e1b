import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ReconciliationPage from '../../src/ui/reconciliation/ReconciliationPage.svelte';
import { dateStartMs, type Difference, type MatchResult, type Party } from '../../src/domain/index.ts';
import type { DeskDay } from '../../src/app/reconciliation/desk.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { deskPageRows } from '../../src/ui/reconciliation/paging.ts';

// A large day's differences are shown a page at a time: the desk renders one page, and "more"
// adds the next (rendering every row of a 100,000-order day would hold the main thread).

const date = '2026-01-07';
const differencesCount = deskPageRows * 2 + 20;
const differences: Difference[] = Array.from({ length: differencesCount }, (_, i) => ({
  id: `long:escrow:T${i}`, kind: 'long', date, institutionId: 'escrow', channel: 'escrow', orderId: `T${i}`, merchantOrderNo: `T${i}:c1`, merchantRefundNo: '', channelTradeNo: `ESCROW-${i}`, billAmount: { amount: '57.00', currency: 'CNY' }, otherAmount: null,
}));
const result: MatchResult = { date, matched: 0, differences, settlements: [] };
vi.mock('../../src/app/reconciliation/desk.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/app/reconciliation/desk.ts')>()),
  deskDay: async (): Promise<DeskDay> => ({ date, result, bills: [], row: null, open: differences, balanced: false, source: 'saved' }),
}));

const operator: Party = { id: 'platform', kind: 'operator', institution: true, createdAt: 0, name: { zh: '平台', en: 'Platform' } };
const world = { entry: { id: 'w1' }, parties: { current: [operator] }, clock: { current: dateStartMs('2026-01-08') + 12 * 3_600_000 }, session: { db: {}, env: {} } } as unknown as WorldModel;

describe('the reconciliation desk pages its lists', () => {
  it('renders one page of differences, and each "more" one page further', async () => {
    render(ReconciliationPage, { world, party: operator, page: [] });
    await screen.findByTestId('recon-status');
    expect(screen.getAllByTestId('recon-difference')).toHaveLength(deskPageRows);
    expect(screen.getByTestId('recon-differences-more').textContent).toBe(`Show more (${deskPageRows} of ${differencesCount} shown)`);
    await fireEvent.click(screen.getByTestId('recon-differences-more'));
    await waitFor(() => expect(screen.getAllByTestId('recon-difference')).toHaveLength(deskPageRows * 2));
    await fireEvent.click(screen.getByTestId('recon-differences-more'));
    await waitFor(() => expect(screen.getAllByTestId('recon-difference')).toHaveLength(differencesCount));
    expect(screen.queryByTestId('recon-differences-more')).toBeNull();
  });
});
