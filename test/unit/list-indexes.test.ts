import { describe, expect, it } from 'vitest';
import { transfersOf } from '../../src/app/banking/transfers.ts';
import { codShipmentsOf } from '../../src/app/payments/channel-cod.ts';
import { remittanceExceptionsOf } from '../../src/app/payments/channel-remittance.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18: pages listed a party's newest transfers, COD parcels and remittance exceptions by
// reading every row of the party and sorting them. Through the [party+time] indexes of schema v15
// they read only the rows they show; a middleware counts the rows each read returns.

const rowsTotal = 300;
const shown = 20;

describe('lists read through [party+time] indexes', () => {
  it('read only the newest rows they show, newest first', async () => {
    const { db: setup } = await freshWorld();
    const at = (i: number) => 1_000 + ((i * 37) % rowsTotal) * 10; // stored out of time order
    await setup.table('bankTransfers').bulkAdd(Array.from({ length: rowsTotal }, (_, i) => ({ id: `t${i}`, at: at(i), clearing: 'none', payerPartyId: i % 2 ? 'p1' : 'x', payeePartyId: i % 2 ? 'y' : 'p1', batchId: '' })));
    await setup.table('codShipments').bulkAdd(Array.from({ length: rowsTotal }, (_, i) => ({ id: `c${i}`, orderId: `o${i}`, chargeId: `ch${i}`, logisticsId: 'logistics', status: 'out_for_delivery', createdAt: at(i) })));
    await setup.table('remittanceExceptions').bulkAdd(Array.from({ length: rowsTotal }, (_, i) => ({ id: `e${i}`, transfer: { payeeId: 'p1' }, status: 'open', openedAt: at(i) })));
    setup.close();

    let rowsRead = 0;
    const db = new WorldDb(setup.name);
    db.use({
      stack: 'dbcore',
      name: 'count-rows',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          if (!['bankTransfers', 'codShipments', 'remittanceExceptions'].includes(name)) return table;
          return {
            ...table,
            query: async (req) => {
              const res = await table.query(req);
              rowsRead += res.result.length;
              return res;
            },
            openCursor: async (req) => {
              const cursor = await table.openCursor(req);
              if (cursor) rowsRead += 1;
              return cursor;
            },
          };
        },
      }),
    });
    await db.open();

    const newestAts = Array.from({ length: shown }, (_, i) => 1_000 + (rowsTotal - 1 - i) * 10);
    rowsRead = 0;
    expect((await transfersOf(db, 'p1', shown)).map((r) => r.at)).toEqual(newestAts);
    expect(rowsRead).toBeGreaterThan(0);
    expect(rowsRead).toBeLessThanOrEqual(2 * shown);
    rowsRead = 0;
    expect((await codShipmentsOf(db, 'logistics', shown)).map((r) => r.createdAt)).toEqual(newestAts);
    expect(rowsRead).toBeLessThanOrEqual(shown);
    rowsRead = 0;
    expect((await remittanceExceptionsOf(db, 'p1', shown)).map((r) => r.openedAt)).toEqual(newestAts);
    expect(rowsRead).toBeLessThanOrEqual(shown);
    db.close();
  });
});
