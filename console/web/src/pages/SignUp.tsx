import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../api/client.js';
import { useApi } from '../app/api-context.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from './describe-error.js';
import { minPasswordLength } from './password.js';

/**
 * Where the new company's console is: a full load, so the app starts there. Under `/t/<slug>` it
 * stays on the origin the page is at, whatever the server calls itself — the session cookie
 * was set for this origin, and another would land signed out. A company subdomain is another
 * origin by design and is followed as answered.
 */
export function landing(answerUrl: string, here = window.location.href): string {
  const target = new URL(answerUrl, here);
  const path = /^\/t\/[^/]+/.test(target.pathname) ? new URL(target.pathname, here) : target;
  return path.href.replace(/\/?$/, '/');
}

/** A company signs up: its name, its address (slug), where it is reached, and its first admin. */
export function SignUp() {
  const { t } = useI18n();
  const { auth } = useApi();
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  // Set by the operator: links use it, and the page's own address is not asked for.
  const [serverAddress, setServerAddress] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    auth.signUpOpen().then(
      (answer) => {
        if (!current) return;
        setOpen(answer.open);
        setServerAddress(answer.publicUrl ?? null);
      },
      () => current && setOpen(true),
    );
    return () => {
      current = false;
    };
  }, [auth]);
  const describe = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 409) return t('signUp.taken');
      if (error instanceof ApiError && error.status === 403) return t('signUp.closed');
      return describeError(error, t);
    },
    [t],
  );
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const answer = await auth.signUp({
          companyName: formText(form, 'companyName'),
          slug: formText(form, 'slug').trim().toLowerCase(),
          name: formText(form, 'name'),
          email: formText(form, 'email'),
          password: formText(form, 'password'),
          ...(form.has('publicUrl') ? { publicUrl: formText(form, 'publicUrl').trim() } : {}),
        });
        window.location.assign(landing(answer.url));
      },
      [auth],
    ),
    describe,
  );
  if (open === false) {
    return (
      <AuthLayout title={t('signUp.title')}>
        <p role="status">{t('signUp.closed')}</p>
        <nav className="auth-links">
          <Link href="/sign-in">{t('signUp.haveAccount')}</Link>
        </nav>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t('signUp.title')}>
      <form onSubmit={onSubmit} aria-label={t('signUp.title')}>
        <Field label={t('signUp.companyName')} name="companyName" required autoFocus autoComplete="organization" />
        <Field label={t('signUp.slug')} name="slug" required pattern="[a-z0-9][a-z0-9\-]{1,62}" hint={t('signUp.slugHint')} autoCapitalize="none" />
        {serverAddress ? (
          <p className="hint">{t('signUp.publicUrlByServer', { url: serverAddress })}</p>
        ) : (
          <Field
            label={t('signUp.publicUrl')}
            name="publicUrl"
            type="url"
            required
            defaultValue={window.location.origin}
            pattern="https?://[^/]+/?"
            hint={t('signUp.publicUrlHint')}
            autoCapitalize="none"
          />
        )}
        <Field label={t('signUp.name')} name="name" required autoComplete="name" />
        <Field label={t('signIn.email')} name="email" type="email" required autoComplete="email" />
        <Field
          label={t('signIn.password')}
          name="password"
          type="password"
          required
          minLength={minPasswordLength}
          autoComplete="new-password"
          hint={t('password.hint', { min: minPasswordLength })}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signUp.submit')}
        </button>
      </form>
      <nav className="auth-links">
        <Link href="/sign-in">{t('signUp.haveAccount')}</Link>
      </nav>
    </AuthLayout>
  );
}
