import Dexie from 'dexie';
import type { WorldDb } from '../../storage/schema.ts';
import { echequeTables, type ChequeRow } from '../../storage/echeque-tables.ts';

// Read-only lists for the pages (the UI wraps them in live queries).

/** Cheques a party's page lists at first; "Older cheques" shows this many more each time. */
export const chequesPageRows = 50;

/** The newest `limit` cheques of a party by one of its indexes, newest first (equal times: the
 * larger id first). v17's [party+writtenAt] index: a page reads its rows, not the party's history. */
function newestBy(db: WorldDb, index: '[drawerPartyId+writtenAt]' | '[payeePartyId+writtenAt]', partyId: string, limit: number): Promise<ChequeRow[]> {
  return echequeTables(db).cheques.where(index).between([partyId, Dexie.minKey], [partyId, Dexie.maxKey]).reverse().limit(limit).toArray();
}

/** The newest `limit` cheques a party wrote, newest first. */
export function chequesWrittenBy(db: WorldDb, partyId: string, limit: number): Promise<ChequeRow[]> {
  return newestBy(db, '[drawerPartyId+writtenAt]', partyId, limit);
}

/** The newest `limit` cheques made out to a party (its inbox), newest first. */
export function chequesReceivedBy(db: WorldDb, partyId: string, limit: number): Promise<ChequeRow[]> {
  return newestBy(db, '[payeePartyId+writtenAt]', partyId, limit);
}

export async function chequeById(db: WorldDb, chequeId: string): Promise<ChequeRow | undefined> {
  return echequeTables(db).cheques.get(chequeId);
}
