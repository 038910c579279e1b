import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

// Every result code the banking commands return has a plain-words message in both languages.
const bankingCodes = [
  'bank_not_found', 'bank_customer_invalid', 'bank_account_exists', 'bank_application_pending', 'bank_application_not_found',
  'bank_application_decided', 'not_this_bank', 'bank_account_not_found', 'cash_person_only', 'cash_insufficient',
  'vault_cash_insufficient', 'payer_account_not_found', 'payee_account_not_found', 'book_account_required',
  'book_account_unexpected', 'memo_too_long', 'clearing_reserve_insufficient', 'payee_card_unknown', 'payee_is_institution',
  'card_number_invalid', 'card_number_check_failed',
  // Codes other features define that banking commands pass on.
  'reason_required', 'reason_too_long', 'account_not_activated', 'user_not_found', 'insufficient_funds', 'same_account',
  'amount_invalid', 'amount_not_positive', 'online_banking_required', 'online_banking_expired', 'certificate_revoked', 'account_exists',
  'money_empty', 'money_negative', 'money_zero', 'money_not_a_number', 'money_too_many_decimals', 'money_above_maximum',
];

describe('banking messages', () => {
  it('every banking result code has an error message in English and Chinese', () => {
    for (const code of bankingCodes) {
      const key = `error.${code}` as keyof typeof en;
      expect(en[key], key).toBeTruthy();
      expect(zhCN[key], key).toBeTruthy();
    }
  });
});
