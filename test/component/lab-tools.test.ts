import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';

import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import LabTools from '../../src/ui/ledger/LabTools.svelte';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// The lab command, watched: a refused form must never call it.
const { labTransfer } = vi.hoisted(() => ({ labTransfer: vi.fn() }));
vi.mock('../../src/app/ledger.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../src/app/ledger.ts')>()), labTransfer }));

// The lab's repeat box: a count outside 1..1,000 is refused with its own message (issue #12: it
// used to say the clock-step message), and nothing is sent.

const platform: Party = { id: 'platform', kind: 'operator', institution: true, createdAt: 0, name: { zh: '平台', en: 'Platform' } };

describe('LabTools', () => {
  it('refuses 5000 repeats with the repeat limit, and moves nothing', async () => {
    // Only the refusal path runs: the lab command is never called. (The account pickers read the
    // world's accounts themselves; this world has none.)
    const world = { parties: { current: [platform] }, session: { db: {}, env: {} } } as unknown as WorldModel;
    render(LabTools, { world, party: platform });
    await fireEvent.input(screen.getByTestId('lab-amount'), { target: { value: '1' } });
    await fireEvent.input(screen.getByTestId('lab-repeat'), { target: { value: '5000' } });
    await fireEvent.submit(screen.getByTestId('lab-transfer'));
    expect(screen.getByTestId('lab-transfer-error').textContent).toBe('Repeat between 1 and 1,000 times.');
    expect(labTransfer).not.toHaveBeenCalled();
    expect(screen.queryByTestId('lab-result')).toBeNull();
  });
});

describe('LabTools account pickers', () => {
  it('list at most 100 accounts of a big world, and a search finds any of them', async () => {
    const { freshWorld, meta } = await import('../helpers/world.ts');
    const { openAccount } = await vi.importActual<typeof import('../../src/app/ledger.ts')>('../../src/app/ledger.ts');
    const { db } = await freshWorld();
    const accountsTotal = 300;
    for (let i = 0; i < accountsTotal; i += 1) {
      const id = `cust-${String(i).padStart(3, '0')}`;
      expect((await openAccount(db, meta('bank-a'), { id, partyId: id, bookId: 'bank-a', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
    }
    const parties = await db.parties.toArray();
    const world = { parties: { current: parties }, session: { db, env: {} } } as unknown as WorldModel;
    render(LabTools, { world, party: platform });
    const options = () => [...screen.getByTestId('lab-debit').querySelectorAll('option')].map((o) => o.value).filter((v) => v !== '');
    await waitFor(() => expect(options().length).toBe(100));

    await fireEvent.input(screen.getByTestId('lab-debit-search'), { target: { value: 'CUST-25' } });
    await waitFor(() => expect(options()).toEqual(Array.from({ length: 10 }, (_, i) => `cust-25${i}`)));
    await fireEvent.input(screen.getByTestId('lab-debit-search'), { target: { value: 'no such account' } });
    await screen.findByTestId('lab-debit-none');
    db.close();
  });
});
