import { institutionSeeds } from '../../domain/world/parties.ts';
import type { MessageKey } from './en.ts';
import * as world from './catalogs/world.ts';
import * as teacher from './catalogs/teacher.ts';
import * as labs from './catalogs/labs.ts';

// Every UI string goes through t(). The locale follows the browser's language until the user picks
// one; the choice is remembered on this device.

export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];
// The start page's words (the world list, storage, the teacher) are here from the start; every
// other feature's catalog is a chunk of its own (issue #18: the first screen parses only what it
// shows). loadAllMessages() brings them, and the world shell and the start page's actions wait for
// it before anything that uses them renders.
const catalogs: Record<Locale, Partial<Record<MessageKey, string>>> = { en: { ...world.en, ...teacher.en, ...labs.en }, 'zh-CN': { ...world.zh, ...teacher.zh, ...labs.zh } };
let allLoaded: Promise<void> | undefined;

/** Every feature's words, in both languages; resolves at once after the first time. */
export function loadAllMessages(): Promise<void> {
  allLoaded ??= Promise.all([import('./en.ts'), import('./zh-CN.ts')]).then(
    ([full, zh]) => {
      catalogs.en = full.en;
      catalogs['zh-CN'] = zh.zhCN;
    },
    (e: unknown) => {
      allLoaded = undefined;
      throw e;
    },
  );
  return allLoaded;
}
const storageKey = 'settlelab.locale';

export function detectLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = catalogs[locale][key];
  // A page that shows a feature's words before loadAllMessages() finished is a programmer error.
  if (template === undefined) throw new Error(`message ${key} shown before its catalog loaded (loadAllMessages)`);
  return format(template, params);
}

/** A key of the catalogs loaded so far (all of them once loadAllMessages() has finished). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogs.en, key);
}

/**
 * Result codes name a bank by id (`bankId`); messages quote it as `{bank}`, the bank's name in the
 * reader's language, so no id reaches the screen. Banks are the seeded institutions.
 */
function withBankName(locale: Locale, detail: Params | undefined): Params | undefined {
  const bankId = detail?.bankId;
  if (detail === undefined || typeof bankId !== 'string' || detail.bank !== undefined) return detail;
  const bank = institutionSeeds.find((p) => p.id === bankId && p.kind === 'bank');
  return bank === undefined ? detail : { ...detail, bank: locale === 'zh-CN' ? bank.name.zh : bank.name.en };
}

class I18n {
  locale = $state<Locale>('en');

  constructor() {
    const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null;
    if (saved === 'en' || saved === 'zh-CN') this.locale = saved;
    else if (typeof navigator !== 'undefined') this.locale = detectLocale(navigator.languages ?? [navigator.language]);
    // The choice is the device's: another tab that picks a language (it writes the key) changes it
    // here too, so the world's tabs never speak two languages side by side. A value that is not a
    // locale is ignored.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key !== storageKey || (e.newValue !== 'en' && e.newValue !== 'zh-CN')) return;
        this.locale = e.newValue;
        if (typeof document !== 'undefined') document.documentElement.lang = e.newValue;
      });
    }
  }

  set(locale: Locale): void {
    this.locale = locale;
    try {
      localStorage.setItem(storageKey, locale);
    } catch {
      // Remembering the choice is a convenience; without storage it lasts for this tab.
    }
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  /** The plain-words message for a named result code. */
  error = (code: string, detail?: Params): string => {
    const key = `error.${code}`;
    return isMessageKey(key) ? this.t(key, withBankName(this.locale, detail)) : this.t('error.unknown', { code });
  };
}

export const i18n = new I18n();
export const t = i18n.t;
