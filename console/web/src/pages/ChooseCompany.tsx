import { useCallback } from 'react';
import { Link } from 'wouter';
import { useApi } from '../app/api-context.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * Shown where the address names no company: the bare host, or a slug nobody has. The company's
 * people go to their own address; a new company signs up.
 */
export function ChooseCompany() {
  const { t } = useI18n();
  const { tenant } = useApi();
  const { onSubmit } = useSubmit(
    useCallback(async (form) => {
      const slug = formText(form, 'slug').trim().toLowerCase();
      window.location.assign(`/t/${encodeURIComponent(slug)}/sign-in`);
    }, []),
    String,
  );
  return (
    <AuthLayout title={t('company.title')}>
      {tenant.slug && (
        <p role="alert" className="error">
          {t('signIn.noCompany')}
        </p>
      )}
      <form onSubmit={onSubmit} aria-label={t('company.title')}>
        <Field label={t('signUp.slug')} name="slug" required pattern="[a-z0-9][a-z0-9\-]{1,62}" autoCapitalize="none" defaultValue={tenant.slug} />
        <button type="submit">{t('company.go')}</button>
      </form>
      <nav className="auth-links">
        <Link href="/sign-up">{t('signIn.signUp')}</Link>
      </nav>
    </AuthLayout>
  );
}
