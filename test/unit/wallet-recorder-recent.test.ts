import { describe, expect, it } from 'vitest';
import type { WalletTransaction } from '../../src/domain/index.ts';
import { recentWalletTransactions } from '../../src/app/ecash/recorder.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18: the e-wallet page read every transaction a wallet ever recorded. It reads the newest
// through the [walletId+at] index, at most the page's bound, and no other wallet's.

describe('recentWalletTransactions', () => {
  it('reads the newest of one wallet, newest first, at most max', async () => {
    const { db } = await freshWorld();
    const row = (walletId: string, i: number) => ({ id: `${walletId}-${i}`, walletId, at: 1_000 + i * 10 }) as unknown as WalletTransaction;
    // Written out of time order, beside another wallet's rows.
    await ecashTables(db).walletTransactions.bulkAdd([...Array.from({ length: 30 }, (_, i) => row('w1', (i * 7) % 30)), ...Array.from({ length: 30 }, (_, i) => row('w2', i))]);
    const recent = await recentWalletTransactions(db, 'w1', 10);
    expect(recent.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `w1-${29 - i}`));
    expect(await recentWalletTransactions(db, 'nobody', 10)).toEqual([]);
    db.close();
  });
});
