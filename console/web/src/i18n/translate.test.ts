import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { pickLanguage, translate } from './translate.js';
import { zh } from './zh.js';

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'password.hint', { min: 10 })).toBe('At least 10 characters.');
    expect(translate('zh', 'password.hint', { min: 10 })).toBe('至少 10 个字符。');
    expect(translate('en', 'password.hint')).toBe('At least {min} characters.');
  });
  it('has every English key in Chinese, translated rather than copied (brand names aside)', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const same = Object.entries(en)
      .filter(([key, text]) => zh[key as keyof typeof en] === text)
      .map(([key]) => key);
    // The product's name and the X network's are the same in both languages.
    expect(same.sort()).toEqual(['app.name', 'crm.handle.x']);
  });
  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
  });
});

describe('pickLanguage', () => {
  it('prefers the saved choice, then the browser, then English', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['zh-CN', 'en'])).toBe('zh');
    expect(pickLanguage(null, ['fr-FR', 'zh-TW'])).toBe('zh');
    expect(pickLanguage('klingon', ['de'])).toBe('en');
  });
});
