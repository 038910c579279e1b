import type { WorldDb } from '../../storage/schema.ts';
import { echequeTables, type ChequeRow } from '../../storage/echeque-tables.ts';

// Read-only lists for the pages (the UI wraps them in live queries).

const byNewest = (a: ChequeRow, b: ChequeRow) => b.writtenAt - a.writtenAt || (a.id < b.id ? 1 : -1);

/** Cheques a party wrote, newest first. */
export async function chequesWrittenBy(db: WorldDb, partyId: string): Promise<ChequeRow[]> {
  return (await echequeTables(db).cheques.where('drawerPartyId').equals(partyId).toArray()).sort(byNewest);
}

/** Cheques made out to a party (its inbox), newest first. */
export async function chequesReceivedBy(db: WorldDb, partyId: string): Promise<ChequeRow[]> {
  return (await echequeTables(db).cheques.where('payeePartyId').equals(partyId).toArray()).sort(byNewest);
}

export async function chequeById(db: WorldDb, chequeId: string): Promise<ChequeRow | undefined> {
  return echequeTables(db).cheques.get(chequeId);
}
