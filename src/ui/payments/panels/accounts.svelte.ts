import { ok } from '../../../domain/index.ts';
import { bankAccountsOf } from '../../../app/banking/accounts.ts';
import type { BankAccountRow } from '../../../storage/banking-tables.ts';
import type { WorldDb } from '../../../storage/schema.ts';
import type { WorldModel } from '../../world/world.svelte.ts';
import type { SourceResult } from './types.ts';
import { LiveKeyed } from '../../identity/live-keyed.svelte.ts';
import { i18n } from '../../i18n/i18n.svelte.ts';

// The buyer's bank accounts and the one picked to pay from (online banking, debit card, remittance
// panels). The select shows a choice at once: the one picked, else the first one (an empty bound
// value would leave the select blank while the first option is what gets used).
export class BuyerAccounts {
  readonly list: LiveKeyed<string, BankAccountRow[]>;
  chosen = $state('');

  constructor(db: () => WorldDb, partyId: () => string) {
    this.list = new LiveKeyed<string, BankAccountRow[]>(partyId, (id) => bankAccountsOf(db(), id), []);
  }

  get account(): BankAccountRow | undefined {
    return this.list.current.find((a) => a.id === this.chosen) ?? this.list.current[0];
  }

  /** The charge's source from the picked account (empty without one: paying is not offered then). */
  sourceFrom(fields: (account: BankAccountRow) => Record<string, string>): () => Promise<SourceResult> {
    return () => {
      const account = this.account;
      return Promise.resolve(ok(account === undefined ? {} : fields(account)));
    };
  }
}

/** A party's name (a bank, a payee) in the current language; its id only if the world has no such party. */
export function partyName(world: WorldModel, id: string): string {
  const p = world.parties.current.find((x) => x.id === id);
  return p === undefined ? id : i18n.locale === 'zh-CN' ? p.name.zh : p.name.en;
}
