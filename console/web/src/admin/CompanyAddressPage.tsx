import { useCallback, useState } from 'react';
import { useApi } from '../app/api-context.js';
import { useSession, useSignedIn } from '../app/session.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { isLocalAddress } from '../lib/address.js';
import { describeError } from '../pages/describe-error.js';

/**
 * Where the company's links point: the address recorded at sign-up, which the admin corrects
 * here when the company moves behind a real name. An operator's PUBLIC_URL is shown and wins.
 */
export function CompanyAddressPage() {
  const { t } = useI18n();
  const { auth } = useApi();
  const { refresh } = useSession();
  const session = useSignedIn();
  const address = session.address;
  const here = window.location.origin;
  const [value, setValue] = useState(address?.recorded ?? address?.url ?? here);
  const [saved, setSaved] = useState<string>();
  const describe = useCallback((error: unknown) => describeError(error, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        setSaved(undefined);
        const answer = await auth.setCompanyAddress(formText(form, 'url').trim());
        await refresh();
        setSaved(answer.url);
      },
      [auth, refresh],
    ),
    describe,
  );
  return (
    <>
      <h1>{t('companyAddress.title')}</h1>
      <p>{t('companyAddress.intro')}</p>
      {address?.setBy === 'operator' && <p role="note">{t('companyAddress.byOperator', { url: address.url })}</p>}
      {address?.setBy === 'default' && <p role="note">{t('companyAddress.byDefault', { url: address.url })}</p>}
      {address && isLocalAddress(address.url) && <p className="error">{t('companyAddress.local', { url: address.url })}</p>}
      <form className="admin-form section" aria-label={t('companyAddress.title')} onSubmit={onSubmit}>
        <Field
          label={t('companyAddress.url')}
          name="url"
          type="url"
          required
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
          pattern="https?://[^/]+/?"
          hint={t('companyAddress.urlHint')}
          autoCapitalize="none"
        />
        <p>
          <button type="button" className="link" onClick={() => setValue(here)}>
            {t('companyAddress.useHere', { origin: here })}
          </button>
        </p>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {t('companyAddress.save')}
          </button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {saved && <p role="status">{t('companyAddress.saved', { url: saved })}</p>}
      </form>
    </>
  );
}
