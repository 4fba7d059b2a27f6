import { useCallback, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { ApiError } from '../api/client.js';
import { useApi } from '../app/api-context.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from './describe-error.js';
import { minPasswordLength, passwordProblem } from './password.js';

/**
 * Choosing a password with the token from an e-mail: activating an invited account, or
 * finishing a password reset. Both end on the sign-in page.
 */
export function SetPassword({ purpose }: { purpose: 'activation' | 'reset' }) {
  const { t } = useI18n();
  const { auth } = useApi();
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [done, setDone] = useState(false);
  const describe = useCallback(
    (error: unknown) => {
      if (error instanceof Error && error.message === 'mismatch') return t('activate.mismatch');
      if (error instanceof Error && error.message === 'tooShort') return t('password.tooShort');
      if (error instanceof ApiError && (error.status === 404 || error.status === 410 || error.field === 'token')) return t('activate.invalid');
      return describeError(error, t);
    },
    [t],
  );
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const password = formText(form, 'password');
        const problem = passwordProblem(password, formText(form, 'repeat'));
        if (problem) throw new Error(problem);
        if (purpose === 'activation') await auth.activate({ token, password });
        else await auth.confirmReset({ token, password });
        setDone(true);
      },
      [auth, purpose, token],
    ),
    describe,
  );
  const title = purpose === 'activation' ? t('activate.title') : t('reset.title');
  if (done) {
    return (
      <AuthLayout title={title}>
        <p role="status">{t('activate.done')}</p>
        <Link href="/sign-in" className="button">
          {t('signIn.submit')}
        </Link>
      </AuthLayout>
    );
  }
  if (!token) {
    return (
      <AuthLayout title={title}>
        <p role="alert" className="error">
          {t('activate.invalid')}
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={title}>
      <form onSubmit={onSubmit} aria-label={title}>
        <Field
          label={t('activate.password')}
          name="password"
          type="password"
          required
          minLength={minPasswordLength}
          autoComplete="new-password"
          autoFocus
          hint={t('password.hint', { min: minPasswordLength })}
        />
        <Field label={t('activate.confirm')} name="repeat" type="password" required autoComplete="new-password" />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('form.save')}
        </button>
      </form>
    </AuthLayout>
  );
}
