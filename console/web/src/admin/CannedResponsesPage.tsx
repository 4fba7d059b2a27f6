import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useLoad } from './useLoad.js';

/** Saved replies agents insert with `/shortcut` in the reply box. */
export function CannedResponsesPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.cannedResponses(), [api]));
  const [notice, setNotice] = useState<string>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        await api.createCannedResponse({ shortcut: formText(form, 'shortcut').trim().toLowerCase(), title: formText(form, 'title'), body: formText(form, 'body') });
        load.reload();
      },
      [api, load.reload],
    ),
    describe,
    { resetOnSuccess: true },
  );
  const remove = async (id: string, shortcut: string) => {
    try {
      await api.deleteCannedResponse(id);
      setNotice(t('admin.cannedDeleted', { shortcut }));
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };
  return (
    <>
      <h1>{t('admin.canned')}</h1>
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.canned')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.shortcut')}</th>
              <th scope="col">{t('admin.title')}</th>
              <th scope="col">{t('admin.body')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.cannedResponses.map((response) => (
              <tr key={response.id}>
                <td>/{response.shortcut}</td>
                <td>{response.title}</td>
                <td className="pre">{response.body}</td>
                <td>
                  <button type="button" className="link" onClick={() => void remove(response.id, response.shortcut)}>
                    {t('admin.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('admin.addCanned')}>
        <h2>{t('admin.addCanned')}</h2>
        <Field label={t('admin.shortcut')} name="shortcut" required pattern="[a-z0-9][a-z0-9_\-]{0,39}" hint={t('admin.shortcutHint')} autoCapitalize="none" />
        <Field label={t('admin.title')} name="title" required maxLength={200} />
        <div className="field">
          <label htmlFor="canned-body">{t('admin.body')}</label>
          <textarea id="canned-body" name="body" required maxLength={10000} rows={4} />
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('admin.addCanned')}
        </button>
      </form>
    </>
  );
}
