import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { crmApi } from './api.js';
import { DuplicateGroups } from './DuplicateGroups.js';
import { shownContactName } from '../lib/contact-name.js';

/** The customers list: search, export, the import wizard and (for those who may merge) suggested duplicates. */
export default function ContactsPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => crmApi(client), [client]);
  const session = useSignedIn();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const list = useLoad(useCallback(() => api.list(query || undefined), [api, query]));
  return (
    <main className="page crm">
      <h1>{t('crm.customers')}</h1>
      {new URLSearchParams(window.location.search).has('erased') && <p role="status">{t('crm.erased')}</p>}
      <div className="list-tools">
        <search>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(q.trim());
            }}
          >
            <input
              type="search"
              aria-label={t('crm.searchCustomers')}
              placeholder={t('crm.searchCustomers')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <button type="submit">{t('crm.find')}</button>
          </form>
        </search>
        {hasPermission(session, 'contacts.export') && (
          <a className="button" href={api.exportUrl()} download="contacts.csv">
            {t('crm.export')}
          </a>
        )}
        {hasPermission(session, 'contacts.import') && (
          <Link className="button" href="/contacts/import">
            {t('crm.import')}
          </Link>
        )}
      </div>
      {list.error ? <p className="error">{describeError(list.error, t)}</p> : null}
      <table className="admin-table" aria-label={t('crm.customers')}>
        <thead>
          <tr>
            <th>{t('crm.name')}</th>
            <th>{t('customer.email')}</th>
            <th>{t('customer.phone')}</th>
            <th>{t('customer.tags')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.contacts ?? []).map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/contacts/${c.id}`}>{shownContactName(c.name, t)}</Link>
              </td>
              <td>{c.email}</td>
              <td>{c.phone}</td>
              <td>{c.tags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasPermission(session, 'contacts.merge') && <DuplicateGroups api={api} />}
    </main>
  );
}
