import { worldDay, worldTimeZone } from '../domain/index.ts';
import type { Locale } from './i18n/i18n.svelte.ts';

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** World time as people read it, in the world's time zone (Beijing), whatever the device's zone. */
export function formatWorldTime(at: number, locale: Locale): string {
  let f = dateTimeFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: worldTimeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    dateTimeFormats.set(locale, f);
  }
  return f.format(at);
}

export function worldDayNumber(at: number): number {
  return worldDay(at) + 1;
}

/** "2026-01-05" in the world's time zone, for date inputs. */
export function worldDateInput(at: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: worldTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return parts;
}

export function formatBytes(bytes: number, locale: Locale): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function newId(): string {
  return crypto.randomUUID();
}

/**
 * A card (or bank account) number as people read it, the same on every page: digits in groups of
 * four ("6230 5800 0000 0017", a 19-digit one ends in a group of three). Spaces or dashes typed
 * into it are dropped first; an id that is not all digits (a charge card's "CC000001") shows as it is.
 */
export function cardNumberText(number: string): string {
  const digits = number.replace(/[\s-]/g, '');
  return /^\d+$/.test(digits) ? digits.replace(/(\d{4})(?=\d)/g, '$1 ') : number;
}

/** A card shown by its last four digits only (a card saved in the e-wallet), grouped like a full number. */
export function maskedCardNumberText(last4: string): string {
  return `**** **** **** ${last4}`;
}
