import { useCallback, useId, useState, type FormEvent } from 'react';
import { SIGN_IN_STATUS_POLICIES, type AdminApi, type SignInStatusPolicy } from '../api/admin.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { CopyButton } from './CopyButton.js';
import { useLoad } from './useLoad.js';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const orNull = (value: string) => (value === '' ? null : value);

/** An address the company gives its identity provider or its site: read-only, with a copy button. */
function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} className="copy-value" readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={value} />
      </div>
    </div>
  );
}

/**
 * Single sign-on: the company's own site signing its people in with a shared secret (HS256
 * tokens), or an OpenID Connect provider. Secrets are write-only: the page only says whether one
 * is stored, and an empty field keeps it.
 */
export function SsoPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.sso(), [api]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<{ form: 'site' | 'oidc'; text: string }>();
  const [busy, setBusy] = useState(false);
  const sso = load.data;

  const save = async (event: FormEvent<HTMLFormElement>, which: 'site' | 'oidc') => {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const element = event.currentTarget;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      if (which === 'site') {
        const secret = text(form, 'secret');
        await api.setSso({
          enabled: form.get('enabled') === 'on',
          loginUrl: orNull(text(form, 'loginUrl')),
          logoutUrl: orNull(text(form, 'logoutUrl')),
          ...(secret ? { secret } : {}),
        });
      } else {
        const clientSecret = text(form, 'clientSecret');
        const issuer = orNull(text(form, 'issuer'));
        // The server refuses it too: the stored secret is never sent to a new issuer.
        if (sso?.oidc.clientSecretSet && !clientSecret && issuer !== null && issuer !== sso.oidc.issuer) throw new UserError(t('sso.secretAgain'));
        await api.setOidc({
          enabled: form.get('enabled') === 'on',
          issuer,
          clientId: orNull(text(form, 'clientId')),
          ...(clientSecret ? { clientSecret } : {}),
        });
      }
      for (const input of element.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = '';
      setNotice(t('sso.saved'));
      load.reload();
    } catch (caught) {
      setError({ form: which, text: describeError(caught, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('admin.sso')}</h1>
      <SignInSecurity api={api} />
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {sso && (
        <>
          <form
            key={`site-${sso.loginUrl}-${sso.enabled}`}
            className="admin-form section"
            aria-label={t('sso.site')}
            onSubmit={(event) => void save(event, 'site')}
          >
            <h2>{t('sso.site')}</h2>
            <p className="hint">{t('sso.siteHint')}</p>
            <label className="check field">
              <input type="checkbox" name="enabled" defaultChecked={sso.enabled} /> {t('sso.enabled')}
            </label>
            <Field label={t('sso.loginUrl')} name="loginUrl" type="url" defaultValue={sso.loginUrl ?? ''} hint={t('sso.loginUrlHint')} />
            <Field label={t('sso.logoutUrl')} name="logoutUrl" type="url" defaultValue={sso.logoutUrl ?? ''} />
            <Field
              label={t('sso.secret')}
              name="secret"
              type="password"
              autoComplete="new-password"
              minLength={32}
              maxLength={512}
              hint={sso.secretSet ? t('schema.secretSet') : t('sso.secretHint')}
            />
            <CopyField label={t('sso.signInEndpoint')} value={sso.signInEndpoint} />
            <CopyField label={t('sso.signOutEndpoint')} value={sso.signOutEndpoint} />
            {error?.form === 'site' && (
              <p role="alert" className="error">
                {error.text}
              </p>
            )}
            <button type="submit" disabled={busy}>
              {t('form.save')}
            </button>
          </form>
          <form
            key={`oidc-${sso.oidc.issuer}-${sso.oidc.enabled}`}
            className="admin-form section"
            aria-label={t('sso.oidc')}
            onSubmit={(event) => void save(event, 'oidc')}
          >
            <h2>{t('sso.oidc')}</h2>
            <label className="check field">
              <input type="checkbox" name="enabled" defaultChecked={sso.oidc.enabled} /> {t('sso.enabled')}
            </label>
            <Field label={t('sso.issuer')} name="issuer" type="url" defaultValue={sso.oidc.issuer ?? ''} hint={t('sso.issuerHint')} />
            <Field label={t('sso.clientId')} name="clientId" defaultValue={sso.oidc.clientId ?? ''} maxLength={500} />
            <Field
              label={t('sso.clientSecret')}
              name="clientSecret"
              type="password"
              autoComplete="new-password"
              maxLength={2000}
              hint={sso.oidc.clientSecretSet ? t('schema.secretSet') : t('schema.secret')}
            />
            <CopyField label={t('sso.redirectUri')} value={sso.oidc.redirectUri} />
            {error?.form === 'oidc' && (
              <p role="alert" className="error">
                {error.text}
              </p>
            )}
            <button type="submit" disabled={busy}>
              {t('form.save')}
            </button>
          </form>
        </>
      )}
    </>
  );
}

/** Whether the company requires two-factor sign-in of every password sign-in, and the status agents start a sign-in with. */
function SignInSecurity({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.signInSettings(), [api]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await api.setSignInSettings({
        twoFactorRequired: form.get('twoFactorRequired') === 'on',
        agentStatusOnSignIn: String(form.get('agentStatusOnSignIn') ?? 'keep') as SignInStatusPolicy,
      });
      setNotice(t('signInSettings.saved'));
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  if (!load.data) return null;
  return (
    <form
      key={`${load.data.twoFactorRequired}-${load.data.agentStatusOnSignIn}`}
      className="admin-form section"
      aria-label={t('signInSettings.title')}
      onSubmit={(event) => void save(event)}
    >
      <h2>{t('signInSettings.title')}</h2>
      <label className="check field">
        <input type="checkbox" name="twoFactorRequired" defaultChecked={load.data.twoFactorRequired} /> {t('signInSettings.requireTwoFactor')}
      </label>
      <p className="hint">{t('signInSettings.requireHint')}</p>
      <div className="field">
        <label htmlFor="agent-status-on-sign-in">{t('signInSettings.statusOnSignIn')}</label>
        <select
          id="agent-status-on-sign-in"
          name="agentStatusOnSignIn"
          defaultValue={load.data.agentStatusOnSignIn}
          aria-describedby="agent-status-on-sign-in-hint"
        >
          {SIGN_IN_STATUS_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {t(`signInSettings.status.${policy}`)}
            </option>
          ))}
        </select>
        <small id="agent-status-on-sign-in-hint" className="hint">
          {t('signInSettings.statusHint')}
        </small>
      </div>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('form.save')}
      </button>
    </form>
  );
}
