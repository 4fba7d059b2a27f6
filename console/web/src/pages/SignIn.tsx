import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.js';
import { useApi } from '../app/api-context.js';
import { useSession } from '../app/session.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from './describe-error.js';

export function SignIn() {
  const { t } = useI18n();
  const { auth } = useApi();
  const { refresh } = useSession();
  const [, navigate] = useLocation();
  const [sso, setSso] = useState(false);
  const [signUpOpen, setSignUpOpen] = useState(false);
  useEffect(() => {
    let current = true;
    auth.ssoAvailable().then(
      (available) => current && setSso(available),
      () => {},
    );
    auth.signUpOpen().then(
      (answer) => current && setSignUpOpen(answer.open),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [auth]);

  const describe = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return t('signIn.failed');
      if (error instanceof ApiError && error.status === 429) return t('signIn.throttled');
      if (error instanceof ApiError && error.status === 404) return t('signIn.noCompany');
      return describeError(error, t);
    },
    [t],
  );
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        await auth.signIn({ email: formText(form, 'email'), password: formText(form, 'password') });
        await refresh();
        navigate('/');
      },
      [auth, refresh, navigate],
    ),
    describe,
  );

  return (
    <AuthLayout title={t('signIn.title')}>
      <form onSubmit={onSubmit} aria-label={t('signIn.title')}>
        <Field label={t('signIn.email')} name="email" type="email" autoComplete="username" required autoFocus />
        <Field label={t('signIn.password')} name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      {sso && (
        <p>
          <a className="button secondary wide" href={auth.ssoStartUrl('/')}>
            {t('signIn.sso')}
          </a>
        </p>
      )}
      <nav className="auth-links">
        <Link href="/reset-password">{t('signIn.forgot')}</Link>
        {signUpOpen && <Link href="/sign-up">{t('signIn.signUp')}</Link>}
      </nav>
    </AuthLayout>
  );
}
