import type { Party, PartyKind } from '../../domain/index.ts';
import { walletId } from '../../app/market/accounts.ts';
import type { MessageKey } from '../i18n/en.ts';

// From a refusal to its remedy (issue 14, item 4): the one map from a named result code (and its
// detail) to the page of the party's own tab where the user can fix it, with the link's words.
// Every page that shows a refusal renders <Remedy> next to it (src/ui/common/Remedy.svelte), so a
// new remedy is a line here, not an edit of every page. A rule names the party kinds that receive
// the code; its page must be one those kinds see (checked by test/unit/remedies.test.ts), so a
// link never leads to a page the tab does not have.

export type Failure = { readonly code: string; readonly detail?: Readonly<Record<string, string | number>> | undefined };

export type RemedyRule = {
  readonly code: string;
  /** The party kinds that can receive the code; another kind gets no link. */
  readonly kinds: readonly PartyKind[];
  /** The page (and sub-page) of the party's tab: a partyPages id first. */
  readonly page: readonly [string, ...string[]];
  readonly label: MessageKey;
  /** When the code alone does not say the remedy, the detail must match too. */
  readonly applies?: (detail: Readonly<Record<string, string | number>>, party: Pick<Party, 'id'>) => boolean;
};

export type Remedy = Pick<RemedyRule, 'page' | 'label'>;

const customers: readonly PartyKind[] = ['buyer', 'seller'];

export const remedyRules: readonly RemedyRule[] = [
  // An escrow-wallet payment the wallet cannot cover (an order's charge names its channel; a
  // mobile payment's ledger refusal names the short account). A bank deposit that is short is
  // not the wallet's: no top-up link for it.
  {
    code: 'insufficient_funds',
    kinds: customers,
    page: ['wallet'],
    label: 'remedy.topUp',
    applies: (d, party) => d.channel === 'escrow' || d.accountId === walletId(party.id),
  },
  // Paying or topping up from a bank where the user has no account; the wallet with no bank at all.
  { code: 'payer_account_not_found', kinds: customers, page: ['my-bank'], label: 'remedy.applyBank' },
  { code: 'bank_account_required', kinds: customers, page: ['my-bank'], label: 'remedy.applyBank' },
  // E-cash and cards need an account at their bank; the refusal names whose account is missing
  // (a payee's missing account is not the payer's to open).
  { code: 'ecash_no_bank_account', kinds: customers, page: ['my-bank'], label: 'remedy.applyBank', applies: (d, party) => d.partyId === party.id },
  // Online banking (U盾) and signing need a certificate from the CA: applied for on the Account page.
  { code: 'certificate_required', kinds: customers, page: ['account'], label: 'remedy.applyCertificate' },
  { code: 'certificate_revoked', kinds: customers, page: ['account'], label: 'remedy.applyCertificate' },
  // A top-up, an online-banking payment or a transfer without an open U盾 session.
  { code: 'online_banking_required', kinds: customers, page: ['online-banking'], label: 'remedy.onlineBanking' },
  // Signing needs the key opened by signing in, in this tab.
  { code: 'login_required', kinds: customers, page: ['account'], label: 'remedy.signIn' },
];

/** The remedy for this refusal as `party` receives it, or null when there is none to link to. */
export function remedyFor(failure: Failure, party: Pick<Party, 'id' | 'kind'>): Remedy | null {
  const detail = failure.detail ?? {};
  const rule = remedyRules.find((r) => r.code === failure.code && r.kinds.includes(party.kind) && (r.applies === undefined || r.applies(detail, party)));
  return rule === undefined ? null : { page: rule.page, label: rule.label };
}
