// Currencies the simulation knows. Scale is the number of minor-unit digits (CNY: 2, fen).
//
// `symbol` is the bare sign a person types or sees on a price tag. `display` is the prefix
// formatMoney writes per locale; it follows CLDR (what Intl would print), so the same amount reads
// the same in SettleLab as in any other app, and no prefix is ambiguous within one locale: in `en`
// CNY is "CN¥" because "¥" alone means JPY there; in `zh-CN` "¥" is the yuan, so JPY is "JP¥" and
// USD "US$".
export const currencies = {
  CNY: { code: 'CNY', scale: 2, symbol: '¥', display: { 'zh-CN': '¥', en: 'CN¥' } },
  USD: { code: 'USD', scale: 2, symbol: '$', display: { 'zh-CN': 'US$', en: '$' } },
  EUR: { code: 'EUR', scale: 2, symbol: '€', display: { 'zh-CN': '€', en: '€' } },
  JPY: { code: 'JPY', scale: 0, symbol: '¥', display: { 'zh-CN': 'JP¥', en: '¥' } },
} as const;

export type CurrencyCode = keyof typeof currencies;
export type Currency = (typeof currencies)[CurrencyCode];

/** The locales money is written in (the UI's two languages). */
export type MoneyLocale = 'zh-CN' | 'en';

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(currencies, code);
}

export function currencyOf(code: CurrencyCode): Currency {
  return currencies[code];
}
