import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AdminApi, AuditFilter } from '../api/admin.js';
import type { AuditEntry, UserView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { AUDIT_KINDS, auditSentence } from './audit-sentence.js';

/** Every admin change as a sentence, newest first, fifty at a time; by whom, about what, when. */
export function AuditLogPage({ api }: { api: AdminApi }) {
  const { t, language } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const [users, setUsers] = useState<UserView[]>([]);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  const more = useCallback(
    async (cursor?: string) => {
      try {
        const page = await api.auditLog(filter, cursor);
        setEntries((current) => (cursor ? [...current, ...page.entries] : page.entries));
        setNames((current) => (cursor ? { ...current, ...page.names } : page.names));
        setNext(page.nextCursor);
        setLoaded(true);
      } catch (caught) {
        setError(caught);
      }
    },
    [api, filter],
  );
  useEffect(() => {
    void more();
  }, [more]);
  useEffect(() => {
    api.users().then(
      (answer) => setUsers(answer.users),
      () => setUsers([]),
    );
  }, [api]);
  const roleLabel = (name: string) => (name === 'admin' ? t('role.admin') : name === 'agent' ? t('role.agent') : name);
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '') || undefined;
    // The agent's own midnights: "to" includes the whole day.
    const day = (value: string | undefined, plusDays: number) => {
      if (!value) return undefined;
      const date = new Date(`${value}T00:00:00`);
      date.setDate(date.getDate() + plusDays);
      return date.toISOString();
    };
    setFilter({ actorId: text('actorId'), kind: text('kind'), from: day(text('from'), 0), before: day(text('to'), 1) });
  };
  return (
    <>
      <h1>{t('admin.audit')}</h1>
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      <form className="filters audit-filters" onSubmit={apply} aria-label={t('admin.audit')}>
        <label htmlFor="audit-actorId">{t('audit.filterActor')}</label>
        <select id="audit-actorId" name="actorId" defaultValue="">
          <option value="">{t('audit.anyone')}</option>
          {users.map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        </select>
        <label htmlFor="audit-kind">{t('audit.filterKind')}</label>
        <select id="audit-kind" name="kind" defaultValue="">
          <option value="">{t('audit.anything')}</option>
          {AUDIT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`audit.thing.${kind}`)}
            </option>
          ))}
        </select>
        <label htmlFor="audit-from">{t('audit.filterFrom')}</label>
        <input id="audit-from" type="date" name="from" />
        <label htmlFor="audit-to">{t('audit.filterTo')}</label>
        <input id="audit-to" type="date" name="to" />
        <button type="submit" className="secondary">
          {t('audit.apply')}
        </button>
      </form>
      {loaded && entries.length === 0 && <p>{t('audit.none')}</p>}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.audit')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('admin.what')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{time(entry.at)}</time>
                </td>
                <td>{auditSentence(entry, names, t, roleLabel)}</td>
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
