import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import EscrowPage from '../../src/ui/market/EscrowPage.svelte';
import CodPage from '../../src/ui/payments/CodPage.svelte';
import { openAccount } from '../../src/app/ledger.ts';
import { codBatchesShownMax } from '../../src/app/payments/channel-cod.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { paymentsTables } from '../../src/storage/payments-tables.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import type { CodBatch, Party } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue #18 item 5: pages read a bounded page of rows, with a control for the rest. The escrow
// agent's page listed every user's wallet and settling account; the courier's page read every COD
// remittance it ever made; the order pages read every store of the world to name a few sellers.

async function worldModel(db: WorldDb, partyId: string) {
  const parties = await db.parties.toArray();
  const party = parties.find((p) => p.id === partyId) as Party;
  return { party, world: { session: { db, env: {} }, parties: { current: parties }, entry: { id: 'test' } } as unknown as WorldModel };
}

describe('EscrowPage', () => {
  it('shows the users\' wallets a page at a time', async () => {
    const { db } = await freshWorld();
    const users = 30; // a wallet and a settling account each: 60 rows, more than a page of 50
    for (let i = 0; i < users; i += 1) {
      const u = `u-${String(i).padStart(3, '0')}`;
      for (const code of ['escrow.wallet', 'escrow.settling']) {
        expect((await openAccount(db, meta('escrow'), { id: `escrow:${code}:${u}`, partyId: u, bookId: 'escrow', code, name: u, currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
      }
    }
    const { world, party } = await worldModel(db, 'escrow');
    render(EscrowPage, { world, party, page: [] });
    const rows = () => screen.getByTestId('escrow-wallets').querySelectorAll('[data-testid="escrow-wallet-row"]').length;
    await waitFor(() => expect(rows()).toBe(50));
    await fireEvent.click(screen.getByTestId('escrow-wallets-next'));
    await waitFor(() => expect(screen.getByTestId('escrow-wallets-page').textContent).toBe('Page 2'));
    const total = await ledgerTables(db).accounts.where('bookId').equals('escrow').filter((a) => a.code === 'escrow.wallet' || a.code === 'escrow.settling').count();
    expect(total).toBeGreaterThan(50);
    expect(total).toBeLessThanOrEqual(100);
    await waitFor(() => expect(rows()).toBe(total - 50));
    expect((screen.getByTestId('escrow-wallets-next') as HTMLButtonElement).disabled).toBe(true);
    db.close();
  });
});

describe('CodPage', () => {
  it('lists the newest remittances and reads older ones on request', async () => {
    const { db } = await freshWorld();
    const days = codBatchesShownMax + 5;
    const dayMs = 86_400_000;
    const zero = { amount: '0.00', currency: 'CNY' } as const;
    const batches: CodBatch[] = Array.from({ length: days }, (_, i) => ({ id: `cod:logistics:${i}`, logisticsId: 'logistics', cutoffAt: (i + 1) * dayMs, sellers: [], collected: zero, fee: zero, net: zero }));
    await paymentsTables(db).codBatches.bulkPut(batches);
    const { world, party } = await worldModel(db, 'logistics');
    render(CodPage, { world, party, page: [] });
    await waitFor(() => expect(screen.getAllByTestId('cod-batch').length).toBe(codBatchesShownMax));
    await fireEvent.click(screen.getByTestId('cod-batches-more'));
    await waitFor(() => expect(screen.getAllByTestId('cod-batch').length).toBe(days));
    expect(screen.queryByTestId('cod-batches-more')).toBeNull();
    db.close();
  });
});

describe('StoreNames', () => {
  it('reads only the stores of the sellers a page names', async () => {
    const { db } = await freshWorld();
    const stores = identityTables(db).stores;
    await stores.bulkPut(Array.from({ length: 40 }, (_, i) => ({ id: `store-${i}`, sellerId: `seller-${i}`, name: `Shop ${i}`, status: 'approved' }) as never));
    const wholeTable = vi.spyOn(stores, 'toArray');
    const { StoreNamesProbe } = await import('./store-names-probe.svelte.ts');
    const probe = StoreNamesProbe(db, ['seller-7']);
    await waitFor(() => expect(probe.name('seller-7')).toBe('Shop 7'));
    expect(probe.name('seller-8')).toBe('seller-8');
    expect(wholeTable).not.toHaveBeenCalled();
    probe.stop();
    db.close();
  });
});
