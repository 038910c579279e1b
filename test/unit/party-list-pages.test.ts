import { describe, expect, it } from 'vitest';
import { chequesReceivedBy, chequesWrittenBy } from '../../src/app/echeque/queries.ts';
import { echequeTables, type ChequeRow } from '../../src/storage/echeque-tables.ts';
import { storedValueTxnsOf, storedValueTxnsPageRows } from '../../src/app/storedvalue/storedvalue.ts';
import { smartCardTables } from '../../src/storage/ecash-tables.ts';
import type { StoredValueTxn } from '../../src/domain/index.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18 item 5: a party's page reads a bounded page of its newest rows through an index that
// holds the party and the time (v17), not the party's whole history sorted in memory.

/** Only the fields the lists read by: the rest of a cheque's record is not looked at here. */
function chequeRow(i: number, drawer: string, payee: string): ChequeRow {
  return { id: `chq-${String(i).padStart(3, '0')}`, drawerPartyId: drawer, payeePartyId: payee, writtenAt: 1_000 + Math.floor(i / 2), status: 'delivered' } as unknown as ChequeRow;
}

describe("a party's cheques", () => {
  it('are read newest first, a page at a time (equal times: the larger id first)', async () => {
    const { db } = await freshWorld();
    const rows = Array.from({ length: 70 }, (_, i) => chequeRow(i, 'u-drawer', 'u-payee'));
    await echequeTables(db).cheques.bulkAdd([...rows, chequeRow(900, 'u-other', 'u-else')]);
    const newest = [...rows].sort((a, b) => b.writtenAt - a.writtenAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect((await chequesWrittenBy(db, 'u-drawer', 25)).map((r) => r.id)).toEqual(newest.slice(0, 25));
    expect((await chequesReceivedBy(db, 'u-payee', 51)).map((r) => r.id)).toEqual(newest.slice(0, 51));
    expect((await chequesReceivedBy(db, 'u-payee', 100)).map((r) => r.id)).toEqual(newest);
  });
});

describe("a stored-value card's statement", () => {
  it('is read newest first, a page at a time', async () => {
    const { db } = await freshWorld();
    const txns = Array.from({ length: 30 }, (_, i) => ({ id: `svt-${String(i).padStart(3, '0')}`, cardId: 'card-1', merchantId: null, at: 5_000 + i, kind: 'spend' }) as unknown as StoredValueTxn);
    await smartCardTables(db).svTxns.bulkAdd([...txns, { ...txns[0]!, id: 'svt-other', cardId: 'card-2' }]);
    expect((await storedValueTxnsOf(db, 'card-1', storedValueTxnsPageRows)).map((x) => x.id)).toEqual(txns.map((x) => x.id).reverse().slice(0, storedValueTxnsPageRows));
  });
});
