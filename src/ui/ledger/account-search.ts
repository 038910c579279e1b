import type { Account } from '../../domain/index.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import type { WorldDb } from '../../storage/schema.ts';

/** What a search asks for: its text (lowercase), the parties whose names matched, the chosen account. */
export type AccountSearch = { readonly q: string; readonly partyIds: readonly string[]; readonly chosen: string };

/**
 * At most `max` accounts for a picker, through the accounts' indexes, never the whole table: the
 * chosen one first, then (empty search) the first by id, or the matched parties' accounts and the
 * accounts whose id starts with the text.
 */
export async function searchAccounts(db: WorldDb, s: AccountSearch, max: number): Promise<Account[]> {
  const accounts = ledgerTables(db).accounts;
  const found = new Map<string, Account>();
  const add = (rows: readonly (Account | undefined)[]) => {
    for (const a of rows) if (a !== undefined && found.size < max) found.set(a.id, a);
  };
  if (s.chosen !== '') add([await accounts.get(s.chosen)]);
  if (s.q === '') add(await accounts.limit(max).toArray());
  else {
    if (s.partyIds.length > 0) add(await accounts.where('partyId').anyOf([...s.partyIds]).limit(max).toArray());
    add(await accounts.where('id').startsWithIgnoreCase(s.q).limit(max).toArray());
  }
  return [...found.values()];
}
