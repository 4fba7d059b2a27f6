import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { LanguageSwitch } from './LanguageSwitch.js';

/** The frame of the signed-out pages: the product's name, the language switch, one card. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth-layout">
      <header className="auth-header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main className="auth-card">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
