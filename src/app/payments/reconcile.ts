import { compare, fromStored, type Charge } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { allCharges, chargesListMax } from './gateway.ts';

// Reconciliation (对账): every payment record that took money is matched to its order: the order
// exists, the charge is for the order's total, and the order is marked paid. Failed charges moved
// nothing and are left out. Anything else is a break the operator must look at.

export type ReconciliationStatus = 'matched' | 'order_missing' | 'amount_differs' | 'order_unpaid';
export type ReconciliationRow = { readonly charge: Charge; readonly status: ReconciliationStatus };

export async function reconcileCharges(db: WorldDb, limit = chargesListMax): Promise<ReconciliationRow[]> {
  const charges = (await allCharges(db, limit)).filter((c) => c.status !== 'failed' && c.status !== 'pending');
  const orders = await marketTables(db).orders.bulkGet(charges.map((c) => c.orderId));
  return charges.map((charge, i) => {
    const order = orders[i];
    if (order === undefined) return { charge, status: 'order_missing' };
    if (compare(fromStored(order.total), fromStored(charge.amount)) !== 0) return { charge, status: 'amount_differs' };
    if (order.paidAt === null) return { charge, status: 'order_unpaid' };
    return { charge, status: 'matched' };
  });
}
