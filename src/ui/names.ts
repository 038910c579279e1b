import { institutionSeeds, type Account, type Party, type WorldEvent } from '../domain/index.ts';
import { isMessageKey, translate, type Locale, type Params } from './i18n/i18n.svelte.ts';
import { formatWorldTime } from './format.ts';

// One place that turns what the app stores as codes into words a student reads: a party's name,
// an account's name (its kind, its owner, the bank it is kept at), why a transfer moved money, an
// event in a sentence. Account rows keep an English `name` from when they were opened; it is never
// shown: the name is derived from the account's code and parties, through the catalogs, so it
// follows the reader's language.

/** The party ids the scheduler and the world itself act as (no party row). */
const systemActors = new Set(['system', 'scheduler', 'world']);

export type PartyLookup = ReadonlyMap<string, Party> | readonly Party[];

function findParty(parties: PartyLookup, id: string): Party | undefined {
  return parties instanceof Map ? parties.get(id) : (parties as readonly Party[]).find((p) => p.id === id);
}

/** A party's name in the reader's language. */
export function partyName(party: Party, locale: Locale): string {
  return locale === 'zh-CN' ? party.name.zh : party.name.en;
}

/** A party's name by id; the scheduler and an unknown id have words too, never the id. */
export function partyNameOf(parties: PartyLookup, id: string, locale: Locale): string {
  const party = findParty(parties, id);
  if (party !== undefined) return partyName(party, locale);
  return translate(locale, systemActors.has(id) ? 'names.system' : 'names.unknownParty');
}

/** What kind of account a ledger code is ("deposit account", "担保钱包"). */
export function accountKindName(code: string, locale: Locale): string {
  const key = `accountKind.${code}`;
  return translate(locale, isMessageKey(key) ? key : 'accountKind.other');
}

/**
 * The bank an account is kept at, when its id names one besides its owner and book: an
 * institution's deposit at a bank is booked by the institution itself, and only the id says where.
 */
function bankNamedIn(account: Pick<Account, 'id' | 'partyId' | 'bookId'>, parties: PartyLookup): Party | undefined {
  for (const segment of account.id.split(':')) {
    const p = findParty(parties, segment);
    if (p !== undefined && p.kind === 'bank' && p.id !== account.partyId) return p;
  }
  return undefined;
}

/** "李雷的担保钱包", "Li Lei’s deposit account at Huaxin Bank", "华信银行的央行准备金". */
export function accountName(account: Pick<Account, 'id' | 'partyId' | 'bookId' | 'code'>, parties: PartyLookup, locale: Locale): string {
  const owner = partyNameOf(parties, account.partyId, locale);
  const kind = accountKindName(account.code, locale);
  const book = findParty(parties, account.bookId);
  const bank = book !== undefined && book.kind === 'bank' && book.id !== account.partyId ? book : bankNamedIn(account, parties);
  return bank !== undefined ? translate(locale, 'names.accountAt', { owner, kind, bank: partyName(bank, locale) }) : translate(locale, 'names.account', { owner, kind });
}

export type AccountLookup = ReadonlyMap<string, Account>;

/** An account named by id: from its row, or (a row this tab has not read) the book its id starts with. */
export function accountNameOf(accounts: AccountLookup, parties: PartyLookup, id: string, locale: Locale): string {
  const account = accounts.get(id);
  if (account !== undefined) return accountName(account, parties, locale);
  const segments = id.split(':');
  const book = findParty(parties, segments[0] ?? '');
  if (book === undefined) return translate(locale, 'names.accountUnknown');
  // Ids name the owner after the book when it is someone else ('escrow:wallet:u-lilei').
  const owner = segments.slice(1).map((s) => findParty(parties, s)).find((p) => p !== undefined && p.id !== book.id);
  if (owner !== undefined) return translate(locale, 'names.accountAt', { owner: partyName(owner, locale), kind: accountKindName('', locale), bank: partyName(book, locale) });
  return translate(locale, 'names.accountOf', { book: partyName(book, locale) });
}

/** Why a transfer moved money, from its ledger code ("platform commission", "平台佣金"). */
export function transferReason(code: string, locale: Locale): string {
  const key = `transferCode.${code}`;
  return translate(locale, isMessageKey(key) ? key : 'transferCode.other');
}

const groupSeparators: Record<Locale, string> = { en: ',', 'zh-CN': ',' };

/**
 * A stored amount ("20000000.00") with the locale's group separators ("20,000,000.00"), for
 * sentences whose template already says the currency. Works on the digits, never through a float.
 */
export function groupedAmount(amount: string, locale: Locale): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(amount);
  if (m === null) return amount;
  // Both locales group by thousands with a comma (zh-CN writes 1,234.50 too).
  const separator = groupSeparators[locale];
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, separator)}${m[3] ?? ''}`;
}

// Payload fields that hold world times are shown as dates.
const timeFields = new Set(['at', 'from', 'to', 'dueAt', 'until', 'expiresAt', 'notAfter']);

/** Catalogs that word a payload field's codes: a payment channel, a refusal's reason. */
const fieldCatalogs: Readonly<Record<string, readonly string[]>> = {
  channel: ['payments.channel.'],
  reason: ['echeque.return.', 'error.'],
  // The auditor's verify: why the first broken journal entry is broken (the Auditor page's words).
  brokenReason: ['reason.'],
  // The journal entry's field the teacher's tampering tool overwrote (the tool's own words).
  field: ['lab.field.'],
};

/**
 * A payload value in words: a party id becomes its name, an account id the account's name, an
 * amount gets separators, a world time a date, a code with a word in the catalogs (`value.<code>`)
 * that word.
 */
export function valueText(name: string, value: unknown, ctx: { parties: PartyLookup; accounts: AccountLookup }, locale: Locale): string | number | undefined {
  if (typeof value === 'number') return timeFields.has(name) ? formatWorldTime(value, locale) : value;
  if (typeof value === 'boolean') return translate(locale, value ? 'common.yes' : 'common.no');
  if (typeof value !== 'string') return undefined;
  // A clearing batch is named by the world day it settles ('batch:0' is the first day's).
  const batch = name === 'batch' ? /^batch:(\d+)$/.exec(value) : null;
  if (batch !== null) return translate(locale, 'names.batchOfDay', { day: Number(batch[1]) + 1 });
  // Words for this field first: a channel 'escrow' is the escrow wallet, not the escrow agent.
  const fieldKeys = [`value.${name}.${value}`, ...(fieldCatalogs[name] ?? []).map((prefix) => `${prefix}${value}`)];
  for (const key of fieldKeys) if (isMessageKey(key)) return translate(locale, key);
  if (findParty(ctx.parties, value) !== undefined || systemActors.has(value)) return partyNameOf(ctx.parties, value, locale);
  if (ctx.accounts.has(value)) return accountNameOf(ctx.accounts, ctx.parties, value, locale);
  if (/^-?\d+\.\d{2}$/.test(value)) return groupedAmount(value, locale);
  for (const key of [`value.${value}`, `kind.${value}`]) if (isMessageKey(key)) return translate(locale, key);
  return value;
}

/** An event of the activity feed as a sentence in the reader's language. */
export function eventText(event: Pick<WorldEvent, 'type' | 'payload'>, ctx: { parties: PartyLookup; accounts: AccountLookup }, locale: Locale): string {
  const key = `event.${event.type}`;
  if (!isMessageKey(key)) return translate(locale, 'names.eventOther');
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(event.payload)) {
    const text = valueText(k, v, ctx, locale);
    if (text !== undefined) params[k] = text;
  }
  const text = translate(locale, key, params as Params);
  // An event written before its sentence gained a field (an older world's online-banking login has
  // no `until`) reads through the sentence made for it, `event.<type>.older`, instead of showing
  // the bare placeholder.
  const older = `${key}.older`;
  return unfilledPlaceholder.test(text) && isMessageKey(older) ? translate(locale, older, params as Params) : text;
}

const unfilledPlaceholder = /\{[A-Za-z_][\w.]*\}/;

/** A notice from another tab as a toast: the feature's words for its kind, or a plain pointer to the feed. */
export function noticeText(kind: string, locale: Locale): string {
  const key = `noticeKind.${kind}`;
  return translate(locale, isMessageKey(key) ? key : 'names.noticeOther');
}

/**
 * A transfer's references in words: what it was for (an order, a wallet, a refund, a reason) and who
 * (a party). Technical ids (the transfer's, a session's, a charge's) say nothing to a student and
 * are left out; the order keeps its number, which the order pages show too.
 */
export function refsText(refs: Readonly<Record<string, string>>, ctx: { parties: PartyLookup; accounts: AccountLookup }, locale: Locale): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(refs)) {
    const label = `ref.${k}`;
    if (!isMessageKey(label)) continue;
    const value = k === 'orderId' ? v : k === 'wallet' ? accountNameOf(ctx.accounts, ctx.parties, v, locale) : valueText(k, v, ctx, locale);
    if (value !== undefined) parts.push(translate(locale, label, { value }));
  }
  return parts.join(locale === 'zh-CN' ? '；' : '; ');
}

/**
 * The name a certificate gives its subject or issuer, in the reader's language: an institution's
 * certificate was signed with its English name, so the party's name is shown in the reader's
 * language instead; a person's certificate carries the name they registered, shown as signed.
 */
export function certificateName(named: { readonly name: string; readonly partyId: string }, parties: PartyLookup, locale: Locale): string {
  const party = findParty(parties, named.partyId) ?? institutionSeeds.find((p) => p.id === named.partyId);
  return party !== undefined && party.institution ? partyName(party as Party, locale) : named.name;
}
