import { describe, expect, it } from 'vitest';
import { matchesPage } from './dom.js';
import { dictionaries, pickLocale, translator } from './i18n.js';

describe('the widget language', () => {
  it("follows the browser's languages, traditional Chinese for Taiwan and Hong Kong, else the channel's default", () => {
    expect(pickLocale(['zh-CN', 'en'], 'en')).toBe('zh-CN');
    expect(pickLocale(['zh-HK'], 'en')).toBe('zh-TW');
    expect(pickLocale(['zh-Hant-TW'], 'en')).toBe('zh-TW');
    expect(pickLocale(['zh'], 'en')).toBe('zh-CN');
    expect(pickLocale(['fr-FR', 'en-GB'], 'zh-CN')).toBe('en');
    expect(pickLocale(['fr-FR', 'de'], 'zh-CN')).toBe('zh-CN');
    expect(pickLocale([], 'zh-TW')).toBe('zh-TW');
  });

  it('has every string in every language, with the same placeholders', () => {
    const keys = Object.keys(dictionaries.en).sort();
    for (const dictionary of Object.values(dictionaries)) {
      expect(Object.keys(dictionary).sort()).toEqual(keys);
      for (const key of keys) {
        const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(names(dictionary[key as keyof typeof dictionary]), key).toEqual(names(dictionaries.en[key as keyof typeof dictionaries.en]));
      }
    }
    expect(translator('zh-CN')('queue', { n: 3 })).toBe('您前面还有 3 位');
  });

  it('matches proactive greetings to pages with * as any characters', () => {
    expect(matchesPage('*', 'https://shop.example/x')).toBe(true);
    expect(matchesPage('https://shop.example/pricing*', 'https://shop.example/pricing?plan=pro')).toBe(true);
    expect(matchesPage('https://shop.example/pricing*', 'https://shop.example/about')).toBe(false);
    expect(matchesPage('*.example/a.b', 'https://shop.example/aXb')).toBe(false);
  });
});
