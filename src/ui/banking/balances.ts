import type { Table } from 'dexie';
import { balanceOf, toStored, type Account } from '../../domain/index.ts';

/** Posted balances of the named accounts as stored decimals (missing accounts are left out). */
export async function balanceMap(accounts: Table<Account, string>, accountIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await accounts.bulkGet([...accountIds]);
  return new Map(rows.filter((a): a is Account => a !== undefined).map((a) => [a.id, toStored(balanceOf(a)).amount]));
}
