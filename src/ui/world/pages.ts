import type { Component } from 'svelte';
import type { Party } from '../../domain/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { WorldModel } from './world.svelte.ts';
import ActivityPage from './ActivityPage.svelte';
import AccountsPage from '../ledger/AccountsPage.svelte';
import AuditorPage from '../ledger/AuditorPage.svelte';
import AccountPage from '../identity/AccountPage.svelte';
import MailboxPage from '../identity/MailboxPage.svelte';
import CaPage from '../identity/CaPage.svelte';
import StoresPage from '../identity/StoresPage.svelte';
import OnlineBankingPage from '../identity/OnlineBankingPage.svelte';
import AuditPage from '../identity/AuditPage.svelte';
import RegisterPage from '../identity/RegisterPage.svelte';
import LabSheet from '../identity/LabSheet.svelte';
import BankCounterPage from '../banking/BankCounterPage.svelte';
import MyBankPage from '../banking/MyBankPage.svelte';
import ClearingPage from '../banking/ClearingPage.svelte';
import ShopPage from '../market/ShopPage.svelte';
import StorePage from '../market/StorePage.svelte';
import OrdersPage from '../market/OrdersPage.svelte';
import WalletPage from '../market/WalletPage.svelte';
import ShipmentsPage from '../market/ShipmentsPage.svelte';
import DisputesPage from '../market/DisputesPage.svelte';
import CommissionPage from '../market/CommissionPage.svelte';
import EscrowPage from '../market/EscrowPage.svelte';
import PaymentsPage from '../payments/PaymentsPage.svelte';
import CardsPage from '../payments/CardsPage.svelte';
import CardCompanyPage from '../payments/CardCompanyPage.svelte';
import RemittancesPage from '../payments/RemittancesPage.svelte';
import CodPage from '../payments/CodPage.svelte';
import ChequebookPage from '../echeque/ChequebookPage.svelte';
import ChequeInboxPage from '../echeque/ChequeInboxPage.svelte';
import ChequeDeskPage from '../echeque/ChequeDeskPage.svelte';
import EWalletPage from '../ecash/EWalletPage.svelte';
import SmartCardPage from '../ecash/SmartCardPage.svelte';
import StoredValuePage from '../ecash/StoredValuePage.svelte';
import PhonePage from '../mobile/PhonePage.svelte';
import CashierPage from '../mobile/CashierPage.svelte';
import EcashLabPage from '../ecash/EcashLabPage.svelte';

// The pages a party's tab can show, as tabs under the header. Each feature adds its pages here;
// `visible` decides which parties see them (a bank sees its counter, a buyer its cart).

export type PartyPageProps = { world: WorldModel; party: Party; page: readonly string[] };

export type PartyPage = {
  readonly id: string;
  readonly label: MessageKey;
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
  { id: 'activity', label: 'page.activity', visible: () => true, component: ActivityPage, readOnly: true },
  { id: 'account', label: 'page.account', visible: () => true, component: AccountPage, readOnly: true },
  { id: 'mailbox', label: 'page.mailbox', visible: () => true, component: MailboxPage, readOnly: true },
  { id: 'ca', label: 'page.ca', visible: (p) => p.kind === 'ca', component: CaPage },
  { id: 'stores', label: 'page.stores', visible: (p) => p.kind === 'operator', component: StoresPage },
  { id: 'online-banking', label: 'page.onlineBanking', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: OnlineBankingPage },
  { id: 'bank-counter', label: 'page.bankCounter', visible: (p) => p.kind === 'bank', component: BankCounterPage },
  { id: 'my-bank', label: 'page.myBank', visible: (p) => p.kind !== 'bank' && p.kind !== 'clearing', component: MyBankPage },
  { id: 'clearing', label: 'page.clearing', visible: (p) => p.kind === 'clearing', component: ClearingPage },
  { id: 'shop', label: 'page.shop', visible: (p) => p.kind === 'buyer', component: ShopPage },
  { id: 'store', label: 'page.store', visible: (p) => p.kind === 'seller', component: StorePage },
  { id: 'orders', label: 'page.orders', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: OrdersPage },
  { id: 'wallet', label: 'page.wallet', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: WalletPage },
  { id: 'shipments', label: 'page.shipments', visible: (p) => p.kind === 'logistics', component: ShipmentsPage },
  { id: 'disputes', label: 'page.disputes', visible: (p) => p.kind === 'operator', component: DisputesPage },
  { id: 'commission', label: 'page.commission', visible: (p) => p.kind === 'operator', component: CommissionPage },
  { id: 'escrow', label: 'page.escrow', visible: (p) => p.kind === 'escrow', component: EscrowPage },
  { id: 'payments', label: 'page.payments', visible: (p) => p.kind === 'operator', component: PaymentsPage },
  { id: 'cards', label: 'page.cards', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: CardsPage },
  { id: 'card-company', label: 'page.cardCompany', visible: (p) => p.kind === 'card_company', component: CardCompanyPage },
  { id: 'remittances', label: 'page.remittances', visible: (p) => p.kind === 'seller', component: RemittancesPage },
  { id: 'cod', label: 'page.cod', visible: (p) => p.kind === 'logistics', component: CodPage },
  { id: 'chequebook', label: 'page.chequebook', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: ChequebookPage },
  { id: 'cheques', label: 'page.chequeInbox', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: ChequeInboxPage },
  { id: 'cheque-desk', label: 'page.chequeDesk', visible: (p) => p.kind === 'bank', component: ChequeDeskPage },
  { id: 'ewallet', label: 'page.ewallet', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: EWalletPage },
  { id: 'smart-card', label: 'page.smartCard', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: SmartCardPage },
  { id: 'stored-value', label: 'page.storedValue', visible: (p) => p.kind === 'buyer' || p.kind === 'seller', component: StoredValuePage },
  { id: 'phone', label: 'page.phone', visible: (p) => p.kind === 'buyer', component: PhonePage },
  { id: 'cashier', label: 'page.cashier', visible: (p) => p.kind === 'seller', component: CashierPage },
  { id: 'ecash-lab', label: 'page.ecashLab', visible: (p) => p.kind === 'bank', component: EcashLabPage },
  { id: 'accounts', label: 'page.accounts', visible: () => true, component: AccountsPage, readOnly: true },
  { id: 'auditor', label: 'page.auditor', visible: () => true, component: AuditorPage, readOnly: true },
  { id: 'signature-audit', label: 'page.audit', visible: () => true, component: AuditPage },
];

// Pages of a world that no party owns, beside the party picker: #/w/<world>/<id>/...
export type WorldPageProps = { world: WorldModel; page: readonly string[] };

export type WorldPage = { readonly id: string; readonly component: Component<WorldPageProps> };

export const worldPages: readonly WorldPage[] = [
  { id: 'register', component: RegisterPage },
  { id: 'lab-sheet', component: LabSheet },
];
