import type { Component } from 'svelte';
import type { Party } from '../../domain/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { WorldModel } from './world.svelte.ts';
import ActivityPage from './ActivityPage.svelte';
import AccountsPage from '../ledger/AccountsPage.svelte';
import AuditorPage from '../ledger/AuditorPage.svelte';

// The pages a party's tab can show, as tabs under the header. Each feature adds its pages here;
// `visible` decides which parties see them (a bank sees its counter, a buyer its cart).

export type PartyPageProps = { world: WorldModel; party: Party; page: readonly string[] };

export type PartyPage = {
  readonly id: string;
  readonly label: MessageKey;
  readonly visible: (party: Party) => boolean;
  readonly component: Component<PartyPageProps>;
};

export const partyPages: readonly PartyPage[] = [
  { id: 'activity', label: 'page.activity', visible: () => true, component: ActivityPage },
  { id: 'accounts', label: 'page.accounts', visible: () => true, component: AccountsPage },
  { id: 'auditor', label: 'page.auditor', visible: () => true, component: AuditorPage },
];
