import type { Component } from 'svelte';
import type { Party } from '../../domain/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { WorldModel } from './world.svelte.ts';
import { lazy, type LazyLoaded } from '../common/lazy.ts';
import ReconciliationPage from '../reconciliation/ReconciliationPage.svelte';

// The pages a party's tab can show, as tabs under the header. Each feature adds its pages here;
// `visible` decides which parties see them (a bank sees its counter, a buyer its cart).
// Each page is its own chunk (`lazy`), loaded when first shown: the party's shell does not parse
// every feature's code (issue #18), and the service worker precaches them all for offline use.

export type PartyPageProps = { world: WorldModel; party: Party; page: readonly string[] };

/**
 * The labelled groups a party's tab lists its pages in, in this order (a buyer has some twenty
 * pages: as one flat row of tabs a student could not find the one a step names).
 */
export const pageSections = ['me', 'trade', 'pay', 'bank', 'books'] as const;
export type PageSection = (typeof pageSections)[number];

/** `pages` in their sections, in section order, each keeping the pages' order; empty ones left out. */
export function pageGroups<P extends { readonly section: PageSection }>(pages: readonly P[]): { section: PageSection; pages: P[] }[] {
  return pageSections.map((section) => ({ section, pages: pages.filter((p) => p.section === section) })).filter((g) => g.pages.length > 0);
}

export type PartyPage = {
  readonly id: string;
  readonly label: MessageKey;
  readonly section: PageSection;
  readonly visible: (party: Party) => boolean;
  /**
   * Shown to a tab that has not signed in as the party (PartyHome's gate): pages that only look,
   * or whose only controls are signing in (account) and reading mail (the activation code).
   * Their writing controls hide themselves or are refused by the command gate.
   */
  readonly readOnly?: true;
  readonly component: Component<PartyPageProps>;
};

export const partyPages: readonly PartyPage[] = [
  { id: 'activity', label: 'page.activity', section: 'me', visible: () => true, component: lazy(() => import('./ActivityPage.svelte')), readOnly: true },
  { id: 'account', label: 'page.account', section: 'me', visible: () => true, component: lazy(() => import('../identity/AccountPage.svelte')), readOnly: true },
  { id: 'mailbox', label: 'page.mailbox', section: 'me', visible: () => true, component: lazy(() => import('../identity/MailboxPage.svelte')), readOnly: true },
  { id: 'ca', label: 'page.ca', section: 'bank', visible: (p) => p.kind === 'ca', component: lazy(() => import('../identity/CaPage.svelte')) },
  { id: 'stores', label: 'page.stores', section: 'trade', visible: (p) => p.kind === 'operator', component: lazy(() => import('../identity/StoresPage.svelte')) },
  { id: 'online-banking', label: 'page.onlineBanking', section: 'bank', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../identity/OnlineBankingPage.svelte')) },
  { id: 'bank-counter', label: 'page.bankCounter', section: 'bank', visible: (p) => p.kind === 'bank', component: lazy(() => import('../banking/BankCounterPage.svelte')) },
  { id: 'my-bank', label: 'page.myBank', section: 'bank', visible: (p) => p.kind !== 'bank' && p.kind !== 'clearing', component: lazy(() => import('../banking/MyBankPage.svelte')) },
  { id: 'clearing', label: 'page.clearing', section: 'bank', visible: (p) => p.kind === 'clearing', component: lazy(() => import('../banking/ClearingPage.svelte')) },
  { id: 'shop', label: 'page.shop', section: 'trade', visible: (p) => p.kind === 'buyer', component: lazy(() => import('../market/ShopPage.svelte')) },
  { id: 'store', label: 'page.store', section: 'trade', visible: (p) => p.kind === 'seller', component: lazy(() => import('../market/StorePage.svelte')) },
  { id: 'orders', label: 'page.orders', section: 'trade', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../market/OrdersPage.svelte')) },
  { id: 'wallet', label: 'page.wallet', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../market/WalletPage.svelte')) },
  { id: 'shipments', label: 'page.shipments', section: 'trade', visible: (p) => p.kind === 'logistics', component: lazy(() => import('../market/ShipmentsPage.svelte')) },
  { id: 'disputes', label: 'page.disputes', section: 'trade', visible: (p) => p.kind === 'operator', component: lazy(() => import('../market/DisputesPage.svelte')) },
  { id: 'commission', label: 'page.commission', section: 'trade', visible: (p) => p.kind === 'operator', component: lazy(() => import('../market/CommissionPage.svelte')) },
  { id: 'escrow', label: 'page.escrow', section: 'trade', visible: (p) => p.kind === 'escrow', component: lazy(() => import('../market/EscrowPage.svelte')) },
  { id: 'payments', label: 'page.payments', section: 'trade', visible: (p) => p.kind === 'operator', component: lazy(() => import('../payments/PaymentsPage.svelte')) },
  { id: 'cards', label: 'page.cards', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../payments/CardsPage.svelte')) },
  { id: 'card-company', label: 'page.cardCompany', section: 'pay', visible: (p) => p.kind === 'card_company', component: lazy(() => import('../payments/CardCompanyPage.svelte')) },
  { id: 'remittances', label: 'page.remittances', section: 'trade', visible: (p) => p.kind === 'seller', component: lazy(() => import('../payments/RemittancesPage.svelte')) },
  { id: 'cod', label: 'page.cod', section: 'trade', visible: (p) => p.kind === 'logistics', component: lazy(() => import('../payments/CodPage.svelte')) },
  { id: 'chequebook', label: 'page.chequebook', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../echeque/ChequebookPage.svelte')) },
  { id: 'cheques', label: 'page.chequeInbox', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../echeque/ChequeInboxPage.svelte')) },
  { id: 'cheque-desk', label: 'page.chequeDesk', section: 'pay', visible: (p) => p.kind === 'bank', component: lazy(() => import('../echeque/ChequeDeskPage.svelte')) },
  { id: 'ewallet', label: 'page.ewallet', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../ecash/EWalletPage.svelte')) },
  { id: 'smart-card', label: 'page.smartCard', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../ecash/SmartCardPage.svelte')) },
  { id: 'stored-value', label: 'page.storedValue', section: 'pay', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: lazy(() => import('../ecash/StoredValuePage.svelte')) },
  { id: 'phone', label: 'page.phone', section: 'pay', visible: (p) => p.kind === 'buyer', component: lazy(() => import('../mobile/PhonePage.svelte')) },
  { id: 'cashier', label: 'page.cashier', section: 'trade', visible: (p) => p.kind === 'seller', component: lazy(() => import('../mobile/CashierPage.svelte')) },
  { id: 'ecash-lab', label: 'page.ecashLab', section: 'pay', visible: (p) => p.kind === 'bank', component: lazy(() => import('../ecash/EcashLabPage.svelte')) },
  { id: 'reconciliation', label: 'page.reconciliation', section: 'books', visible: (p) => p.kind === 'operator' || p.kind === 'seller', component: ReconciliationPage },
  { id: 'accounts', label: 'page.accounts', section: 'books', visible: () => true, component: lazy(() => import('../ledger/AccountsPage.svelte')), readOnly: true },
  { id: 'auditor', label: 'page.auditor', section: 'books', visible: () => true, component: lazy(() => import('../ledger/AuditorPage.svelte')), readOnly: true },
  { id: 'signature-audit', label: 'page.audit', section: 'books', visible: () => true, component: lazy(() => import('../identity/AuditPage.svelte')) },
];

// Pages of a world that no party owns, beside the party picker: #/w/<world>/<id>/...
export type WorldPageProps = { world: WorldModel; page: readonly string[] };

/**
 * Starts loading the chunk of the party page a tab opens on, so it arrives while the world's
 * database opens and its parties are read, not after (issue #18). A failed load is asked for again
 * when the page is shown.
 */
export function preloadPartyPage(id: string | undefined): void {
  const component = partyPages.find((p) => p.id === id)?.component;
  if (component !== undefined && 'preload' in component) (component as LazyLoaded<PartyPageProps>).preload().catch(() => undefined);
}

export type WorldPage = { readonly id: string; readonly component: Component<WorldPageProps> };

export const worldPages: readonly WorldPage[] = [
  { id: 'register', component: lazy(() => import('../identity/RegisterPage.svelte')) },
  { id: 'lab-sheet', component: lazy(() => import('../identity/LabSheet.svelte')) },
  { id: 'lab-print', component: lazy(() => import('../labs/LabWorldSheet.svelte')) },
  { id: 'time-travel', component: lazy(() => import('./TimeTravelPage.svelte')) },
  { id: 'class', component: lazy(() => import('../class/ClassPage.svelte')) },
];
