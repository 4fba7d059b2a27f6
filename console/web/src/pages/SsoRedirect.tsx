import { useEffect } from 'react';
import { useSearch } from 'wouter';
import { useApi } from '../app/api-context.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * `/sso`: a link a company can put on its own site to open the console through single sign-on.
 * Sends the browser on to the company's login page, which comes back signed in.
 */
export function SsoRedirect() {
  const { t } = useI18n();
  const { auth } = useApi();
  const returnTo = new URLSearchParams(useSearch()).get('return_to') ?? '/';
  const href = auth.ssoStartUrl(returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/');
  useEffect(() => {
    window.location.replace(href);
  }, [href]);
  return (
    <AuthLayout title={t('signIn.sso')}>
      <p role="status">
        {t('sso.redirecting')} <a href={href}>{t('sso.continue')}</a>
      </p>
    </AuthLayout>
  );
}
