import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { TwoFactorEnrolment, TwoFactorState } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useSession, useSignedIn } from '../app/session.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { RecoveryCodes, TwoFactorSetup } from './TwoFactorSetup.js';

/** The signed-in user's own account: who they are, and their two-factor sign-in. */
export default function ProfilePage() {
  const { t } = useI18n();
  const session = useSignedIn();
  return (
    <main className="page narrow">
      <h1>{t('profile.title')}</h1>
      <dl className="profile-facts">
        <dt>{t('profile.name')}</dt>
        <dd>{session.user.name}</dd>
        <dt>{t('signIn.email')}</dt>
        <dd>{session.user.email}</dd>
      </dl>
      <TwoFactorSection />
    </main>
  );
}

type View = { kind: 'status' } | { kind: 'setup'; enrolment: TwoFactorEnrolment } | { kind: 'codes'; codes: string[] };

function TwoFactorSection() {
  const { t } = useI18n();
  const { auth } = useApi();
  const { refresh } = useSession();
  const [state, setState] = useState<TwoFactorState>();
  const [view, setView] = useState<View>({ kind: 'status' });
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const describe = useCallback(
    (caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 429) return t('signIn.throttled');
      if (caught instanceof ApiError && caught.status === 400 && caught.field === 'code') return t('twoFactor.wrongCode');
      if (caught instanceof ApiError && caught.status === 409 && state?.required) return t('twoFactor.cannotDisable');
      return describeError(caught, t);
    },
    [t, state?.required],
  );
  const load = useCallback(() => {
    auth.twoFactor().then(setState, (caught: unknown) => setError(describeError(caught, t)));
  }, [auth, t]);
  useEffect(load, [load]);

  const start = async () => {
    setError(undefined);
    setNotice(undefined);
    try {
      setView({ kind: 'setup', enrolment: await auth.startEnrolment() });
    } catch (caught) {
      setError(describe(caught));
    }
  };
  const confirm = useCallback(
    async (code: string) => {
      const answer = await auth.confirmEnrolment({ code });
      setView({ kind: 'codes', codes: answer.recoveryCodes });
      load();
    },
    [auth, load],
  );
  const done = () => {
    setView({ kind: 'status' });
    void refresh();
  };

  return (
    <section className="section" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">{t('twoFactor.section')}</h2>
      <p className="hint">{t('twoFactor.explain')}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {state && view.kind === 'status' && (
        <>
          <p className={`two-factor-status ${state.enabled ? 'on' : 'off'}`}>
            {state.enabled ? t('twoFactor.isOn', { left: state.recoveryCodesLeft }) : t('twoFactor.isOff')}
            {state.required && ` ${t('twoFactor.companyRequires')}`}
          </p>
          {!state.enabled && (
            <button type="button" onClick={() => void start()}>
              {t('twoFactor.turnOn')}
            </button>
          )}
          {state.enabled && (
            <div className="two-factor-manage">
              <CodeAction
                label={t('twoFactor.newCodes')}
                hint={t('twoFactor.newCodesHint')}
                describe={describe}
                run={async (code) => setView({ kind: 'codes', codes: (await auth.newRecoveryCodes({ code })).recoveryCodes })}
              />
              {!state.required && (
                <CodeAction
                  label={t('twoFactor.turnOff')}
                  hint={t('twoFactor.turnOffHint')}
                  describe={describe}
                  danger
                  acceptsRecovery
                  run={async (code) => {
                    await auth.disableTwoFactor(/^\d[\d ]{5,6}$/.test(code) ? { code: code.replace(/\s+/g, '') } : { recoveryCode: code });
                    setNotice(t('twoFactor.turnedOff'));
                    load();
                    void refresh();
                  }}
                />
              )}
            </div>
          )}
        </>
      )}
      {view.kind === 'setup' && (
        <>
          <TwoFactorSetup enrolment={view.enrolment} onConfirm={confirm} describe={describe} />
          <button type="button" className="link" onClick={() => setView({ kind: 'status' })}>
            {t('form.cancel')}
          </button>
        </>
      )}
      {view.kind === 'codes' && <RecoveryCodes codes={view.codes} onDone={done} />}
    </section>
  );
}

/** A change that a current code confirms: new recovery codes, or turning it off. */
function CodeAction({
  label,
  hint,
  run,
  describe,
  danger,
  acceptsRecovery,
}: {
  label: string;
  hint: string;
  run: (code: string) => Promise<void>;
  describe: (error: unknown) => string;
  danger?: boolean;
  acceptsRecovery?: boolean;
}) {
  const { t } = useI18n();
  const { busy, error, onSubmit } = useSubmit(
    useCallback((form) => run(formText(form, 'code').trim()), [run]),
    describe,
    { resetOnSuccess: true },
  );
  return (
    <form className="admin-form" onSubmit={onSubmit} aria-label={label}>
      <Field
        label={acceptsRecovery ? t('twoFactor.codeOrRecovery') : t('twoFactor.code')}
        name="code"
        autoComplete="one-time-code"
        maxLength={40}
        required
        hint={hint}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className={danger ? 'danger' : undefined} disabled={busy}>
        {label}
      </button>
    </form>
  );
}
