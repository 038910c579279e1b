import { describe, expect, it } from 'vitest';
import { partyKinds, type PartyKind } from '../../src/domain/index.ts';
import { partyPages } from '../../src/ui/world/pages.ts';
import { remedyFor, remedyRules } from '../../src/ui/common/remedies.ts';
import { walletId } from '../../src/app/market/accounts.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

// Issue 14, item 4: every remedy link leads to a real page of the tab of each party kind that can
// receive its code, with words in both languages, and the refusals the issue names have theirs.

const party = (kind: PartyKind) => ({ id: `p-${kind}`, kind });

describe('remedies', () => {
  it('every rule’s page is a page the party kinds receiving the code see', () => {
    expect(remedyRules.length).toBeGreaterThan(5);
    for (const rule of remedyRules) {
      const page = partyPages.find((p) => p.id === rule.page[0]);
      expect(page, `${rule.code} → ${rule.page.join('/')}`).toBeDefined();
      expect(rule.kinds.length, rule.code).toBeGreaterThan(0);
      for (const kind of rule.kinds) {
        expect(partyKinds).toContain(kind);
        expect(page!.visible({ kind } as Parameters<NonNullable<typeof page>['visible']>[0]), `${rule.code} → ${rule.page[0]} for a ${kind}`).toBe(true);
      }
    }
  });

  it('every rule names a code with a message and a link label in en and zh-CN', () => {
    for (const rule of remedyRules) {
      expect(en, rule.code).toHaveProperty(`error.${rule.code}`);
      expect(en[rule.label], rule.label).toBeTruthy();
      expect(zhCN[rule.label], rule.label).toBeTruthy();
    }
  });

  it('a kind that cannot receive the code gets no link', () => {
    for (const rule of remedyRules) {
      for (const kind of partyKinds.filter((k) => !rule.kinds.includes(k))) {
        expect(remedyFor({ code: rule.code, detail: { channel: 'escrow', partyId: `p-${kind}`, accountId: walletId(`p-${kind}`) } }, party(kind)), `${rule.code} for a ${kind}`).toBeNull();
      }
    }
  });

  it('the refusals the issue names lead to their remedies', () => {
    const buyer = party('buyer');
    const seller = party('seller');
    // An empty wallet: an order's escrow charge, or a mobile payment short on the wallet.
    expect(remedyFor({ code: 'insufficient_funds', detail: { channel: 'escrow' } }, buyer)).toEqual({ page: ['wallet'], label: 'remedy.topUp' });
    expect(remedyFor({ code: 'insufficient_funds', detail: { accountId: walletId(buyer.id) } }, buyer)?.page).toEqual(['wallet']);
    // A bank deposit that is short is not fixed by topping up the wallet; nor is someone else's wallet.
    expect(remedyFor({ code: 'insufficient_funds', detail: { channel: 'debit_card' } }, buyer)).toBeNull();
    expect(remedyFor({ code: 'insufficient_funds', detail: { accountId: 'bank-a:deposit:p-buyer' } }, buyer)).toBeNull();
    expect(remedyFor({ code: 'insufficient_funds', detail: { accountId: walletId('someone-else') } }, buyer)).toBeNull();
    // Top-up (or paying) without a bank account: apply at a bank.
    expect(remedyFor({ code: 'bank_account_required' }, seller)?.page).toEqual(['my-bank']);
    expect(remedyFor({ code: 'payer_account_not_found', detail: { bankId: 'bank-a' } }, buyer)?.page).toEqual(['my-bank']);
    // Online banking without a certificate: apply for one.
    expect(remedyFor({ code: 'certificate_required' }, buyer)).toEqual({ page: ['account'], label: 'remedy.applyCertificate' });
    expect(remedyFor({ code: 'online_banking_required' }, buyer)?.page).toEqual(['online-banking']);
    // An e-cash refusal about the payee's missing account is not the payer's to fix.
    expect(remedyFor({ code: 'ecash_no_bank_account', detail: { bankId: 'bank-a', partyId: buyer.id } }, buyer)?.page).toEqual(['my-bank']);
    expect(remedyFor({ code: 'ecash_no_bank_account', detail: { bankId: 'bank-a', partyId: seller.id } }, buyer)).toBeNull();
    // A code without a remedy gets none.
    expect(remedyFor({ code: 'withdrawal_settling', detail: { at: 0 } }, seller)).toBeNull();
  });
});
