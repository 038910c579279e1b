import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankAccountRow } from '../../storage/banking-tables.ts';

// THE rule for which bank account a payment channel uses for a party that did not name one (a
// seller's acquiring or receiving bank, the account a refund goes back to, a cheque's payee bank):
// the account the party opened FIRST; accounts opened at the same world instant go to the lower
// account id, so the choice never depends on the order rows come back in.
//
// Why the earliest: it is what most channels already used (credit, charge and debit cards, cash on
// delivery, e-cash, smart card, stored value, a first remittance order, e-cash deposits), and it is
// stable: opening a second account later never moves a party's payments elsewhere. The e-cheque
// path alone took the first row of the partyId index, i.e. the lowest account id (bank-a before
// bank-b whenever the party banks at both), whichever it opened first.
//
// No currency to choose by: every deposit account is opened in CNY (the domain's
// depositAccountInput), one per party and bank.

/**
 * A party's accounts in primary order: the primary first, then the next opened, and so on (for a
 * choice that prefers a bank shared with the other side and otherwise falls back on the primary).
 */
export function inPrimaryOrder<A extends Pick<BankAccountRow, 'openedAt' | 'id'>>(accounts: readonly A[]): A[] {
  return [...accounts].sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The primary account among a party's accounts (all of the same party). */
export function primaryAmong<A extends Pick<BankAccountRow, 'openedAt' | 'id'>>(accounts: readonly A[]): A | undefined {
  return inPrimaryOrder(accounts)[0];
}

/** The party's primary bank account (see above), or undefined when it has none. */
export async function primaryBankAccount(db: WorldDb, partyId: string): Promise<BankAccountRow | undefined> {
  return primaryAmong(await bankingTables(db).bankAccounts.where('partyId').equals(partyId).toArray());
}
