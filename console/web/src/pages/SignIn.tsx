import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.js';
import { useApi } from '../app/api-context.js';
import { useSession } from '../app/session.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { RecoveryCodes, TwoFactorSetup } from '../account/TwoFactorSetup.js';
import type { TwoFactorEnrolment } from '../api/types.js';
import { describeError } from './describe-error.js';

/** Where a sign-in stands: the password, then (with two-factor sign-in) a code or setting one up. */
type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string }
  | { kind: 'enrol'; challenge: string; enrolment?: TwoFactorEnrolment }
  | { kind: 'recovery-codes'; codes: string[] };

export function SignIn() {
  const { t } = useI18n();
  const { auth } = useApi();
  const { refresh } = useSession();
  const [, navigate] = useLocation();
  const [sso, setSso] = useState(false);
  const [signUpOpen, setSignUpOpen] = useState(false);
  useEffect(() => {
    let current = true;
    auth.sessionState().then(
      (state) => current && setSso(state.singleSignOn),
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
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const finish = useCallback(async () => {
    await refresh();
    navigate('/');
  }, [refresh, navigate]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const answer = await auth.signIn({ email: formText(form, 'email'), password: formText(form, 'password') });
        if ('twoFactor' in answer) setStep({ kind: answer.twoFactor, challenge: answer.challenge });
        else await finish();
      },
      [auth, finish],
    ),
    describe,
  );

  if (step.kind === 'code') return <CodeStep challenge={step.challenge} onSignedIn={finish} onRestart={() => setStep({ kind: 'password' })} />;
  if (step.kind === 'enrol')
    return (
      <EnrolStep challenge={step.challenge} onCodes={(codes) => setStep({ kind: 'recovery-codes', codes })} onRestart={() => setStep({ kind: 'password' })} />
    );
  if (step.kind === 'recovery-codes')
    return (
      <AuthLayout title={t('twoFactor.recoveryCodes')}>
        <RecoveryCodes codes={step.codes} onDone={() => void finish()} />
      </AuthLayout>
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

/** Describes a failed second step: a wrong code, too many tries, or a challenge that ran out. */
function useCodeErrors() {
  const { t } = useI18n();
  return useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 429) return t('signIn.throttled');
      if (error instanceof ApiError && error.status === 401 && /sign in again/.test(error.message)) return t('twoFactor.expired');
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) return t('twoFactor.wrongCode');
      return describeError(error, t);
    },
    [t],
  );
}

/** The second step: the code from the authenticator app, or one of the recovery codes. */
function CodeStep({ challenge, onSignedIn, onRestart }: { challenge: string; onSignedIn: () => Promise<void>; onRestart: () => void }) {
  const { t } = useI18n();
  const { auth } = useApi();
  const [recovery, setRecovery] = useState(false);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const value = formText(form, 'code').trim();
        await auth.signInWithCode(recovery ? { challenge, recoveryCode: value } : { challenge, code: value.replace(/\s+/g, '') });
        await onSignedIn();
      },
      [auth, challenge, recovery, onSignedIn],
    ),
    useCodeErrors(),
  );
  return (
    <AuthLayout title={t('twoFactor.title')}>
      <form key={String(recovery)} onSubmit={onSubmit} aria-label={t('twoFactor.title')}>
        <p className="hint">{recovery ? t('twoFactor.recoveryPrompt') : t('twoFactor.codePrompt')}</p>
        {recovery ? (
          <Field label={t('twoFactor.recoveryCode')} name="code" autoComplete="off" maxLength={40} required autoFocus />
        ) : (
          <Field
            label={t('twoFactor.code')}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            autoFocus
          />
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('twoFactor.verify')}
        </button>
      </form>
      <nav className="auth-links">
        <button type="button" className="link" onClick={() => setRecovery(!recovery)}>
          {recovery ? t('twoFactor.useApp') : t('twoFactor.useRecovery')}
        </button>
        <button type="button" className="link" onClick={onRestart}>
          {t('twoFactor.restart')}
        </button>
      </nav>
    </AuthLayout>
  );
}

/** The company requires two-factor sign-in and this user has none: set it up before getting in. */
function EnrolStep({ challenge, onCodes, onRestart }: { challenge: string; onCodes: (codes: string[]) => void; onRestart: () => void }) {
  const { t } = useI18n();
  const { auth } = useApi();
  const describe = useCodeErrors();
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    auth.enrolAtSignIn({ challenge }).then(
      (answer) => current && setEnrolment(answer),
      (caught: unknown) => current && setError(describe(caught)),
    );
    return () => {
      current = false;
    };
  }, [auth, challenge, describe]);
  const confirm = useCallback(
    async (code: string) => {
      const answer = await auth.confirmEnrolmentAtSignIn({ challenge, code });
      onCodes(answer.recoveryCodes);
    },
    [auth, challenge, onCodes],
  );
  return (
    <AuthLayout title={t('twoFactor.enrolTitle')}>
      <p>{t('twoFactor.requiredByCompany')}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {enrolment && <TwoFactorSetup enrolment={enrolment} onConfirm={confirm} describe={describe} />}
      <nav className="auth-links">
        <button type="button" className="link" onClick={onRestart}>
          {t('twoFactor.restart')}
        </button>
      </nav>
    </AuthLayout>
  );
}
