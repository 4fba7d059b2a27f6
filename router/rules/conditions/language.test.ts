import { describe, expect, it } from 'vitest';
import { facts } from './fixtures.js';
import { matchesLanguage } from './language.js';

describe('language condition', () => {
  it('matches a language and its regional variants', () => {
    expect(matchesLanguage({ type: 'language', in: ['zh'] }, facts({ language: 'zh-CN' }))).toBe(true);
    expect(matchesLanguage({ type: 'language', in: ['zh'] }, facts({ language: 'zh_Hant_TW' }))).toBe(true);
    expect(matchesLanguage({ type: 'language', in: ['en-GB'] }, facts({ language: 'en-US' }))).toBe(false);
    expect(matchesLanguage({ type: 'language', in: ['zh'] }, facts({ language: 'zu' }))).toBe(false);
  });

  it('never matches a message of unknown language', () => {
    expect(matchesLanguage({ type: 'language', in: ['en'] }, facts())).toBe(false);
  });
});
