import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { Permission } from '../api/types.js';
import { useSignedIn } from '../app/session.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { permissionLabel } from '../i18n/permissions.js';
import { formatTime } from '../inbox/time.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { ListPage } from './AdminList.js';
import { useLoad } from './useLoad.js';

/** Tokens for the company's scripts: scoped to what their creator may do, shown once, revocable. */
export function ApiTokensPage({ api }: { api: AdminApi }) {
  const { t, language } = useI18n();
  const session = useSignedIn();
  const load = useLoad(useCallback(() => api.apiTokens(), [api]));
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [notice, setNotice] = useState<string>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        // The boxes are the server's own list (GET /permissions); it refuses any other name.
        const scopes = form.getAll('scopes').map(String) as Permission[];
        if (scopes.length === 0) throw new UserError(t('admin.pickScope'));
        const answer = await api.createApiToken({ name: formText(form, 'name'), scopes });
        setCreated({ name: answer.name, token: answer.token });
        load.reload();
      },
      [api, load.reload, t],
    ),
    describe,
    { resetOnSuccess: true },
  );
  const revoke = async (id: string, name: string) => {
    try {
      await api.revokeApiToken(id);
      setNotice(t('admin.tokenRevoked', { name }));
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };
  const scopes = [...session.permissions].sort();
  return (
    <ListPage
      title={t('admin.apiTokens')}
      loadError={load.error}
      notice={notice}
      shownOnce={created && { message: t('admin.tokenOnce', { name: created.name }), value: created.token }}
      rows={load.data?.tokens}
      scroll
      empty={t('admin.tokensEmpty')}
      columns={[
        { header: t('admin.name'), cell: (token) => token.name },
        { header: t('admin.scopes'), cell: (token) => token.scopes.map((scope) => permissionLabel(scope, language, scope)).join(', ') },
        { header: t('admin.lastUsed'), cell: (token) => (token.lastUsedAt ? formatTime(token.lastUsedAt, language) : '—') },
      ]}
      nameOf={(token) => token.name}
      extraActions={(token) =>
        token.revokedAt ? (
          t('admin.revoked')
        ) : (
          <button type="button" className="link" onClick={() => void revoke(token.id, token.name)}>
            {t('admin.revoke')}
          </button>
        )
      }
    >
      <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('admin.addToken')}>
        <h2>{t('admin.addToken')}</h2>
        <Field label={t('admin.name')} name="name" required maxLength={100} />
        <fieldset className="field">
          <legend>{t('admin.scopes')}</legend>
          {scopes.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" name="scopes" value={scope} /> {permissionLabel(scope, language, scope)}
            </label>
          ))}
        </fieldset>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('admin.addToken')}
        </button>
      </form>
    </ListPage>
  );
}
