import { formatMoney, fromStored, type CurrencyCode } from '../../domain/index.ts';
import type { Locale } from '../i18n/i18n.svelte.ts';

/** A stored amount ("-12.30") in the reader's locale. */
export function showMoney(amount: string, currency: CurrencyCode, locale: Locale): string {
  return formatMoney(fromStored({ amount, currency }), locale);
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
