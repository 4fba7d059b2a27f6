import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MessageKey } from './en.js';
import { pickLanguage, translate, type Language, type Params } from './translate.js';

const storageKey = 'switchboard.language';

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, params?: Params): string;
}

const I18nContext = createContext<I18n | null>(null);

function savedLanguage(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => pickLanguage(savedLanguage(), navigator.languages ?? [navigator.language]));
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);
  const value = useMemo<I18n>(() => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
