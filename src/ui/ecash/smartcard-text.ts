import { t } from '../i18n/i18n.svelte.ts';

// A Mondex chip card and a merchant's device are stored under ids ("card:0001", "pos:0001"); a
// student reads them by their number in words ("Smart card 0001", "POS 机 0001"), never the id.

/** The words for a smart card's or a merchant device's id; any other text (an order number) as it is. */
export function smartCardIdText(id: string): string {
  const card = /^card:(\d+)$/.exec(id);
  if (card !== null) return t('sc.cardName', { number: card[1]! });
  const device = /^pos:(\d+)$/.exec(id);
  if (device !== null) return t('sc.deviceName', { number: device[1]! });
  return id;
}
