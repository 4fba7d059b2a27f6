import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type Language = 'zh' | 'en';
export const languages: readonly { code: Language; label: string }[] = [
  { code: 'zh', label: '简体中文' },
  { code: 'en', label: 'English' },
];

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, zh };

export type Params = Record<string, string | number>;

/** The string for `key` in `language`, with `{name}` placeholders filled from `params`. */
export function translate(language: Language, key: MessageKey, params?: Params): string {
  const template = dictionaries[language][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The language to start in: the one the user chose before, else the browser's first preference
 * that we have (any zh-* is Simplified Chinese), else English.
 */
export function pickLanguage(saved: string | null, preferences: readonly string[]): Language {
  if (saved === 'zh' || saved === 'en') return saved;
  for (const preference of preferences) {
    const primary = preference.toLowerCase().split('-')[0];
    if (primary === 'zh' || primary === 'en') return primary;
  }
  return 'en';
}
