import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';
import { errorText, mailText, statementName } from '../../src/ui/identity/text.ts';

// Mails read in words (issue #15): a remittance exception names the transfer by who sent how much
// from which bank when (not its UUID), a card statement is named by its card and day (not
// "CC000001:2026-01-05"), and every amount carries the locale's money format (sign, separators).

const names: Record<string, string> = { 'u-lilei': 'Li Lei', 'bank-a': 'Huaxin Bank' };
const nameOf = (id: string): string => names[id] ?? id;
const uuid = '3f2a9c01-5b7d-4e11-9a0c-77e0a1b2c3d4';
const at = Date.UTC(2026, 0, 5, 10, 30);

afterEach(() => {
  i18n.locale = 'en';
});

describe('mails in words', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`names a remittance exception's transfer by payer, amount, bank and time (${locale})`, () => {
      i18n.locale = locale;
      const body = mailText({ key: 'payments.notice.remittance_exception.body', params: { transferId: uuid, reason: 'duplicate', amount: '20000.00', payerId: 'u-lilei', bankId: 'bank-a', at } }, nameOf);
      expect(body).not.toContain(uuid);
      expect(body).not.toContain('{');
      expect(body).toContain('Li Lei');
      expect(body).toContain('Huaxin Bank');
      expect(body).toContain('¥20,000.00');
      expect(body).toContain('2026');
      const returned = mailText({ key: 'payments.notice.remittance_returned.body', params: { transferId: uuid, reason: 'duplicate', amount: '20000.00', bankId: 'bank-a', at } }, nameOf);
      expect(returned).not.toContain(uuid);
      expect(returned).not.toContain('{');
    });

    it(`names a card statement by its card and day, and formats every amount (${locale})`, () => {
      i18n.locale = locale;
      const params = { cardId: 'CC001234', statementId: 'CC001234:2026-01-05', newBalance: '1234.50', minimumPayment: '123.45', dueDate: '2026-01-25', previousBalance: '0.00', interest: '0.00', fees: '0.00', transactions: '2026-01-03 purchase 1234.50' };
      const subject = mailText({ key: 'payments.notice.card_statement', params });
      const body = mailText({ key: 'payments.notice.card_statement.body', params });
      for (const text of [subject, body]) {
        expect(text).not.toContain('CC001234:2026-01-05');
        expect(text).toContain(statementName('CC001234:2026-01-05'));
        expect(text).not.toMatch(/(^|[^¥\d,])\d+\.\d{2}\b/);
      }
      // The statement's name says "statement" once: the subject does not say it again.
      for (const text of [subject, body.split('\n')[0]!]) expect(text.match(locale === 'en' ? /statement/gi : /账单/g)).toHaveLength(1);
      expect(statementName('CC001234:2026-01-05')).toContain('1234');
      expect(statementName('CC001234:2026-01-05')).toContain(locale === 'en' ? '1/5' : '1月5日');
      expect(body).toContain('¥1,234.50');
    });

    it(`formats amounts of a COD remittance and an e-cheque mail once, with separators (${locale})`, () => {
      i18n.locale = locale;
      const cod = mailText({ key: 'payments.notice.cod_remitted.body', params: { batchId: 'cod:logistics:2026-01-05', parcels: 2, collected: '57.00', fee: '1.14', net: '55.86' } });
      expect(cod).toContain('¥57.00');
      expect(cod).toContain('¥55.86');
      const cheque = mailText({ key: 'echeque.mail.received', params: { drawer: 'Li Lei', chequeNumber: '000017', amount: '20000000.00' } });
      expect(cheque).toContain('¥20,000,000.00');
      expect(cheque).not.toContain('¥¥');
    });
  }
});

describe('refusals in words', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`show the amounts a refusal names in the locale's money format, with one currency sign (${locale})`, () => {
      i18n.locale = locale;
      const over = errorText('capture_exceeds_authorized', { authorized: '12345.60' });
      expect(over).toContain('¥12,345.60');
      expect(over).not.toContain('¥¥');
      const short = errorText('ecash_balance_insufficient', { purse: '3.00', amount: '1250.00' });
      expect(short).toContain('¥3.00');
      expect(short).toContain('¥1,250.00');
      // A count is not money.
      expect(errorText('reason_too_long', { max: 200 })).toContain('200');
    });
  }
});
