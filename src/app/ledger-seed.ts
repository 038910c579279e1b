import { assert, institutionSeeds, type AccountInput, type CurrencyCode } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { applyInTransaction, openAccountInTransaction } from './ledger.ts';
import { registerWorldSeeder } from './worlds.ts';

// Every institution starts with a vault (cash it holds: an asset, debit-normal, never below zero)
// and its equity (the owners' capital, credit-normal), and opens its book with its capital: debit
// vault, credit equity. The platform also keeps its commission income. Later features open the
// accounts they need (deposits, wallets, card accounts, reserves) when parties ask for them.

const currency: CurrencyCode = 'CNY';

/** Opening capital per institution kind, in yuan: enough for a whole class to trade. */
export const openingCapital: Record<string, string> = {
  operator: '1000000.00',
  bank: '100000000.00',
  card_company: '50000000.00',
  escrow: '10000000.00',
  logistics: '1000000.00',
  clearing: '0.00',
  ca: '100000.00',
};

export function vaultId(partyId: string): string {
  return `${partyId}:vault`;
}
export function equityId(partyId: string): string {
  return `${partyId}:equity`;
}
export const platformCommissionId = 'platform:commission';

export async function seedLedger(db: WorldDb, now: number): Promise<void> {
  const inputs: AccountInput[] = [];
  for (const p of institutionSeeds) {
    inputs.push({ id: vaultId(p.id), partyId: p.id, bookId: p.id, code: 'institution.vault', name: 'Vault cash', currency, normal: 'debit', flags: { creditsMustNotExceedDebits: true } });
    inputs.push({ id: equityId(p.id), partyId: p.id, bookId: p.id, code: 'institution.equity', name: 'Capital', currency, normal: 'credit' });
  }
  inputs.push({ id: platformCommissionId, partyId: 'platform', bookId: 'platform', code: 'platform.commission', name: 'Commission income', currency, normal: 'credit' });
  for (const input of inputs) {
    const opened = await openAccountInTransaction(db, input, now);
    assert(opened.ok, `seed account ${input.id} opens`);
  }
  const capital = institutionSeeds
    .filter((p) => openingCapital[p.kind] !== '0.00')
    .map((p) => ({
      id: `opening:${p.id}`,
      kind: 'single' as const,
      debitAccountId: vaultId(p.id),
      creditAccountId: equityId(p.id),
      amount: openingCapital[p.kind]!,
      currency,
      code: 'opening.capital',
    }));
  const results = await applyInTransaction(db, capital, now);
  assert(results.every((r) => r.status === 'created'), 'opening capital posts');
}

registerWorldSeeder({ name: 'ledger', write: seedLedger });
