import { worldTimeZone } from '../../domain/index.ts';
import type { Locale } from '../i18n/i18n.svelte.ts';

/** An 18-digit payment code in groups of 4 (as a phone shows it), for reading aloud or typing. */
export function groupedCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

const clockFormats = new Map<Locale, Intl.DateTimeFormat>();

/** World time of day to the second (a code's 30-second step shows), in the world's time zone. */
export function worldClockSeconds(at: number, locale: Locale): string {
  let f = clockFormats.get(locale);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { timeZone: worldTimeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    clockFormats.set(locale, f);
  }
  return f.format(at);
}
