import { describe, expect, it } from 'vitest';
import { chequesReceivedBy, chequesWrittenBy } from '../../src/app/echeque/queries.ts';
import { echequeTables, type ChequeRow } from '../../src/storage/echeque-tables.ts';
import { storedValueTxnsOf, storedValueTxnsPageRows } from '../../src/app/storedvalue/storedvalue.ts';
import { smartCardTables } from '../../src/storage/ecash-tables.ts';
import type { StoredValueTxn } from '../../src/domain/index.ts';
import { freshWorld } from '../helpers/world.ts';
import { countingConnection } from '../helpers/count-reads.ts';
import { chequeDeskPage } from '../../src/app/echeque/chequebooks.ts';
import { customersPageRows } from '../../src/app/banking/accounts.ts';
import { bankingTables, type BankAccountRow } from '../../src/storage/banking-tables.ts';
import type { ChequebookRow } from '../../src/domain/index.ts';

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

describe("a bank's cheque desk", () => {
  it("reads a page of its customers' accounts and the cheque accounts and books of that page only", async () => {
    const { db: setup } = await freshWorld();
    const customers = 300;
    const booksEach = 2;
    const accounts: BankAccountRow[] = Array.from({ length: customers }, (_, i) => {
      const partyId = `u-${String(i).padStart(4, '0')}`;
      return { id: `bank-x:deposit:${partyId}`, bankId: 'bank-x', partyId, cardNumber: `62${String(i).padStart(14, '0')}`, openedAt: i, applicationId: null };
    });
    await bankingTables(setup).bankAccounts.bulkAdd(accounts);
    const t = echequeTables(setup);
    await t.chequeAccounts.bulkAdd(accounts.map((a) => ({ id: a.id, bankId: a.bankId, partyId: a.partyId, accountNumber: a.cardNumber, holderName: a.partyId, enabledAt: 0 })));
    await t.chequebooks.bulkAdd(accounts.flatMap((a, i) => Array.from({ length: booksEach }, (_, k): ChequebookRow => {
      const firstNumber = String(10_000_001 + (i * booksEach + k) * 25);
      return { id: `${a.bankId}:${a.cardNumber}:${firstNumber}`, bankId: a.bankId, accountNumber: a.cardNumber, holderPartyId: a.partyId, holderName: a.partyId, firstNumber, count: 25, issuedAt: 0, paidNumbers: [], stoppedNumbers: [] };
    })));
    const { db, rowsRead, reset } = await countingConnection(setup, ['bankAccounts', 'chequeAccounts', 'chequebooks']);

    for (const page of [0, 1]) {
      reset();
      const desk = await chequeDeskPage(db, 'bank-x', page);
      const onPage = accounts.slice(page * customersPageRows, (page + 1) * customersPageRows);
      expect(desk.accounts.map((a) => a.id)).toEqual(onPage.map((a) => a.id));
      expect(desk.more).toBe(true);
      expect([...desk.enabled.keys()].sort()).toEqual(onPage.map((a) => a.id));
      expect(new Set(desk.books.map((b) => b.accountNumber))).toEqual(new Set(onPage.map((a) => a.cardNumber)));
      expect(desk.books).toHaveLength(onPage.length * booksEach);
      // The page's rows (the accounts before it may be stepped over), not the bank's 1,200.
      expect(rowsRead()).toBeLessThanOrEqual((page + 1) * customersPageRows + 1 + customersPageRows * (1 + booksEach));
    }
    db.close();
  });
});
