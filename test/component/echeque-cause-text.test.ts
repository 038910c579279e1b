import { afterEach, describe, expect, it } from 'vitest';
import { chequePaymentNoticeFields } from '../../src/domain/index.ts';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';
import { causeText } from '../../src/ui/echeque/text.ts';

// A failed cheque check names its cause in words (the desk's and the payee's check lists): never the
// raw code. The causes a check can carry: the checklist's and the presentment's own, a certificate
// verifier's failure, and the first field where the drawer's payment notice differs from the cheque.

const verifierFailures = ['malformed_document', 'unknown_issuer', 'certificate_altered', 'certificate_expired', 'certificate_not_yet_valid', 'revocation_list_invalid', 'certificate_revoked', 'wrong_role', 'bad_signature'];
const chequeCauses = ['cheque_malformed', 'amount_words_mismatch', 'not_drawn_on_this_bank', 'no_such_account', 'role_may_not_draw', 'signer_not_drawer', 'drawer_not_account_holder', 'account_not_cheque_enabled', 'payment_notice_missing', 'payment_notice_malformed', 'notice_not_from_drawer', 'drawer_not_certificate_holder', 'post_dated', 'stale_dated'];
// A cause a later version may add: still words, not the code.
const unknownCause = 'some_future_cause';

afterEach(() => {
  i18n.locale = 'en';
});

describe('e-cheque check causes in words', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`every cause reads in words, never as its code (${locale})`, () => {
      i18n.locale = locale;
      for (const cause of [...chequePaymentNoticeFields, ...verifierFailures, ...chequeCauses, unknownCause]) {
        const text = causeText(cause);
        expect(text, cause).not.toBe(cause);
        expect(text, cause).not.toMatch(/[a-z]_[a-z]|[a-z][A-Z]/);
        if (locale === 'zh-CN') expect(text, cause).toMatch(/[\u4e00-\u9fff]/);
      }
    });
  }
});
