import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import LabTools from '../../src/ui/ledger/LabTools.svelte';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// The lab's repeat box: a count outside 1..1,000 is refused with its own message (issue #12: it
// used to say the clock-step message), and nothing is sent.

const platform: Party = { id: 'platform', kind: 'operator', institution: true, createdAt: 0, name: { zh: '平台', en: 'Platform' } };

describe('LabTools', () => {
  it('refuses 5000 repeats with the repeat limit, and moves nothing', async () => {
    const labTransfer = vi.fn();
    // Only the refusal path runs: the world is never asked for its database.
    const world = { parties: { current: [platform] }, session: { get db() { return labTransfer(); }, env: {} } } as unknown as WorldModel;
    render(LabTools, { world, party: platform, accounts: [] });
    await fireEvent.input(screen.getByTestId('lab-amount'), { target: { value: '1' } });
    await fireEvent.input(screen.getByTestId('lab-repeat'), { target: { value: '5000' } });
    await fireEvent.submit(screen.getByTestId('lab-transfer'));
    expect(screen.getByTestId('lab-transfer-error').textContent).toBe('Repeat between 1 and 1,000 times.');
    expect(labTransfer).not.toHaveBeenCalled();
    expect(screen.queryByTestId('lab-result')).toBeNull();
  });
});
