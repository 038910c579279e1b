import { describe, expect, it } from 'vitest';
import { catalogs, en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';
import { detectLocale, format } from '../../src/ui/i18n/i18n.svelte.ts';

describe('message catalogs', () => {
  it('no two feature catalogs define the same key', () => {
    const seen = new Map<string, number>();
    catalogs.forEach((c, i) => {
      for (const key of Object.keys(c.en)) {
        expect(seen.has(key), `key ${key} in catalogs ${seen.get(key)} and ${i}`).toBe(false);
        seen.set(key, i);
      }
    });
  });

  it('zh-CN has every English key, non-empty, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const zh = zhCN[key as keyof typeof en];
      expect(zh.length, key).toBeGreaterThan(0);
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zh), key).toEqual(names(text));
    }
  });

  it('the default language follows the browser', () => {
    expect(detectLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(['en-GB'])).toBe('en');
    expect(detectLocale(['fr-FR'])).toBe('en');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
