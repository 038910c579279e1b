import { isRevocationReason, type Role } from '../../domain/index.ts';
import type { MailText } from '../../storage/identity-tables.ts';
import type { RegisterField, RegisterFieldProblem } from '../../app/identity/registration.ts';
import { i18n, isMessageKey, t, type Params } from '../i18n/i18n.svelte.ts';
import type { MessageKey } from '../i18n/en.ts';
import { formatWorldTime } from '../format.ts';
import { showMoney } from '../ledger/money.ts';

// How identity values read on screen: world times in parameters become dates, revocation reason
// codes become words, and result codes become their plain-words messages.

/** Parameters holding world times (shown as dates). */
const timeParams = new Set(['until', 'at', 'notAfter', 'notBefore', 'revokedAt', 'expiresAt']);
/** Parameters holding a revocation reason code. */
const reasonParams = new Set(['reason', 'revocationReason']);
/** Parameters holding a party id (a bank, an account holder): shown as the party's name. */
const partyParams = new Set(['bankId', 'holderId', 'payerId']);
/** A stored CNY amount as notices carry it ("57.00", "-3.20"): mails show it in the locale's money format. */
const storedAmountPattern = /^-?\d+\.\d{2}$/;
/** A card statement's id as the card company writes it: the card id, then the closing day. */
const statementIdPattern = /^(.+):(\d{4})-(\d{2})-(\d{2})$/;

/** A card statement named in words ("Statement of card •••• 1234 for 1/5"), never its raw id. */
export function statementName(statementId: string): string {
  const m = statementIdPattern.exec(statementId);
  if (m === null) return statementId;
  const digits = m[1]!.replace(/\D/g, '');
  const last4 = (digits.length > 0 ? digits : m[1]!).slice(-4);
  return t('payments.cards.statementName', { last4, month: Number(m[3]), day: Number(m[4]) });
}

/** An amount in a mail: the locale's money format (sign, thousands separators); anything else as it is. */
function mailMoney(value: string): string {
  return storedAmountPattern.test(value) ? showMoney(value, 'CNY', i18n.locale) : value;
}

export function revocationText(reason: string): string {
  return isRevocationReason(reason) ? t(`revocation.${reason}`) : reason;
}

/**
 * A reason code a notice carries, in words: a certificate's revocation reason, a cheque's return
 * reason, a remittance's exception. Notices put it in brackets inside a sentence, so the words'
 * own full stop is left off (no "(…memo.)." on screen).
 */
function reasonText(reason: string): string {
  if (isRevocationReason(reason)) return revocationText(reason);
  for (const key of [`echeque.return.${reason}`, `payments.exception.${reason}`]) {
    if (isMessageKey(key)) return t(key).replace(/[.。]$/, '');
  }
  return reason;
}

/** A card statement's lines ("2026-01-05 purchase 57.00", as statementLines writes them) with each entry's kind in words. */
function statementLinesText(lines: string): string {
  return lines
    .split('\n')
    .map((line) => {
      const m = /^(\S+) (\S+) (\S+)$/.exec(line);
      const key = m === null ? '' : `payments.cardEntry.${m[2]!}`;
      return m !== null && isMessageKey(key) ? `${m[1]!} ${t(key)} ${mailMoney(m[3]!)}` : line;
    })
    .join('\n');
}

export function readableParams(params: Readonly<Record<string, string | number>> | undefined, nameOf?: (partyId: string) => string): Params {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'number' && timeParams.has(name)) out[name] = formatWorldTime(value, i18n.locale);
    else if (typeof value === 'string' && reasonParams.has(name)) out[name] = reasonText(value);
    else if (typeof value === 'string' && name === 'transactions') out[name] = statementLinesText(value);
    // A cash-on-delivery remittance batch ("cod:logistics:2026-01-05") is named by its day.
    else if (typeof value === 'string' && name === 'batchId' && /^cod:[^:]+:\d{4}-\d{2}-\d{2}$/.test(value)) out[name] = value.slice(value.lastIndexOf(':') + 1);
    else if (typeof value === 'string' && name === 'statementId') out[name] = statementName(value);
    else if (typeof value === 'string' && nameOf !== undefined && partyParams.has(name)) out[name] = nameOf(value);
    else out[name] = value;
  }
  return out;
}

/**
 * Detail parameters of result codes that hold an amount of money (stored as "57.00"): shown in the
 * locale's money format, so the messages write no currency sign of their own.
 */
const errorMoneyParams = new Set(['amount', 'authorized', 'available', 'settling', 'purse', 'balance', 'denomination', 'limit', 'minimum']);

/** A result code in plain words, its detail made readable. */
export function errorText(code: string, detail?: Readonly<Record<string, string | number>>): string {
  const params: Record<string, string | number> = { ...readableParams(detail) };
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string' && errorMoneyParams.has(name)) params[name] = mailMoney(value);
  return i18n.error(code, params);
}

/**
 * A mail's subject or body in words; `nameOf` turns party-id parameters into names. Every amount a
 * mail carries (stored as "57.00") reads in the locale's money format, so the templates write no
 * currency sign of their own.
 */
export function mailText(text: MailText, nameOf?: (partyId: string) => string): string {
  if (!isMessageKey(text.key)) return text.key;
  const params = readableParams(text.params, nameOf);
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) out[name] = typeof value === 'string' ? mailMoney(value) : value;
  return t(text.key, out);
}

export function roleText(role: Role): string {
  return t(`kind.${role}`);
}

/** Length limits each form field's messages quote. */
const limits: Partial<Record<RegisterField | 'newPassword', { min?: number; max?: number }>> = {
  loginName: { min: 3, max: 32 },
  password: { min: 8, max: 128 },
  newPassword: { min: 8, max: 128 },
  realName: { min: 2, max: 50 },
  deliveryAddress: { min: 5, max: 200 },
  storeName: { min: 2, max: 40 },
  storeDescription: { max: 500 },
};

export function problemText(field: RegisterField | 'newPassword' | 'newPasswordAgain' | 'oldPassword', problem: RegisterFieldProblem): string {
  const key = `problem.${problem}`;
  const limit = limits[field as keyof typeof limits] ?? { max: 1000 };
  return isMessageKey(key) ? t(key as MessageKey, { min: limit.min ?? 1, max: limit.max ?? 1000 }) : problem;
}

/** "3f2a 9c01 … 77e0": enough of a long hex value to compare by eye. */
export function shortHex(hex: string, groups = 4): string {
  const head = hex.slice(0, groups * 4).match(/.{1,4}/g) ?? [];
  return `${head.join(' ')} …`;
}
