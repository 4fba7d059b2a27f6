import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { useApi } from '../app/api-context.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from './describe-error.js';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function RequestReset() {
  const { t } = useI18n();
  const { auth } = useApi();
  const [sent, setSent] = useState(false);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        await auth.requestReset({ email: formText(form, 'email') });
        setSent(true);
      },
      [auth],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
  );
  return (
    <AuthLayout title={t('reset.title')}>
      {sent ? (
        <p role="status">{t('reset.sent')}</p>
      ) : (
        <form onSubmit={onSubmit} aria-label={t('reset.title')}>
          <Field label={t('signIn.email')} name="email" type="email" required autoComplete="email" autoFocus />
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {t('reset.submit')}
          </button>
        </form>
      )}
      <nav className="auth-links">
        <Link href="/sign-in">{t('reset.backToSignIn')}</Link>
      </nav>
    </AuthLayout>
  );
}
