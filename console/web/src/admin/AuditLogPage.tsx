import { useCallback, useEffect, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { AuditEntry } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

/** Every admin change, newest first, fifty at a time. */
export function AuditLogPage({ api, userName }: { api: AdminApi; userName(id: string | null): string }) {
  const { t, language } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const more = useCallback(
    async (cursor?: string) => {
      try {
        const page = await api.auditLog(cursor);
        setEntries((current) => (cursor ? [...current, ...page.entries] : page.entries));
        setNext(page.nextCursor);
      } catch (caught) {
        setError(caught);
      }
    },
    [api],
  );
  useEffect(() => {
    void more();
  }, [more]);
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');
  return (
    <>
      <h1>{t('admin.audit')}</h1>
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.audit')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('admin.who')}</th>
              <th scope="col">{t('admin.what')}</th>
              <th scope="col">{t('admin.details')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{time(entry.at)}</time>
                </td>
                <td>{entry.actor.type === 'user' ? userName(entry.actor.id) : t(`actor.${entry.actor.type}`)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td className="pre">{Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <button type="button" className="secondary" onClick={() => void more(next)}>
          {t('admin.more')}
        </button>
      )}
    </>
  );
}
