import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { TICKET_STATUSES, ticketsApi, type Ticket, type TicketStatus } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { useAgentNames } from '../inbox/useAgentNames.js';
import { describeError } from '../pages/describe-error.js';
import { exactTime, SlaBadgeView, useStatusName } from './labels.js';

const DEFAULT_COLUMNS = ['number', 'subject', 'status', 'priority', 'assignee', 'sla', 'due', 'updated'];

/** The ticket list: saved views (one's own and shared), a status filter and search, SLA badges, bulk changes. */
export default function TicketsPage() {
  const { t, language } = useI18n();
  const { client } = useApi();
  const session = useSignedIn();
  const api = useMemo(() => ticketsApi(client), [client]);
  const statusName = useStatusName(api);
  const agentName = useAgentNames(session.user);
  const [viewId, setViewId] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkStatus, setBulkStatus] = useState<TicketStatus>('pending');
  const [notice, setNotice] = useState<string>();
  const views = useLoad(useCallback(() => api.views(), [api]));
  const list = useLoad(
    useCallback(() => api.list({ view: viewId || undefined, status: status || undefined, q: search || undefined, limit: 100 }), [api, viewId, status, search]),
  );
  const columns = list.data?.columns ?? DEFAULT_COLUMNS;
  const canEdit = hasPermission(session, 'tickets.edit');

  if (!hasPermission(session, 'tickets.view'))
    return (
      <main className="page">
        <p>{t('tickets.noAccess')}</p>
      </main>
    );

  const cell = (ticket: Ticket, column: string) => {
    switch (column) {
      case 'number':
        return `#${ticket.number}`;
      case 'subject':
        return <Link href={`/tickets/${ticket.id}`}>{ticket.subject}</Link>;
      case 'status':
        return statusName(ticket.status);
      case 'priority':
        return t(`priority.${ticket.priority}`);
      case 'assignee':
        return ticket.assigneeId ? agentName(ticket.assigneeId) : t('ticket.unassigned');
      case 'sla':
        return <SlaBadgeView sla={ticket.sla} />;
      case 'updated':
        return exactTime(ticket.updatedAt, language);
      case 'created':
        return exactTime(ticket.createdAt, language);
      case 'due':
        return ticket.dueAt ? exactTime(ticket.dueAt, language) : '';
      case 'tags':
        return ticket.tags.join(', ');
      default:
        return '';
    }
  };

  const applyBulk = async () => {
    try {
      const answer = await api.bulk([...selected], { status: bulkStatus });
      const ok = answer.results.filter((r) => r.ok).length;
      setNotice(t('tickets.bulkDone', { ok, failed: answer.results.length - ok }));
      setSelected(new Set());
      list.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };

  const saveView = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    try {
      const view = await api.saveView({
        name,
        shared: data.get('shared') === 'on',
        filters: { ...(status ? { status: [status as TicketStatus] } : {}), ...(search ? { q: search } : {}) },
        sort: { field: 'updated', direction: 'desc' },
      });
      setNotice(t('tickets.viewSaved', { name }));
      form.reset();
      views.reload();
      setViewId(view.id);
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };

  return (
    <main className="page tickets-page">
      <h1>{t('tickets.title')}</h1>
      <div className="ticket-filters">
        <label>
          {t('tickets.views')}{' '}
          <select aria-label={t('tickets.views')} value={viewId} onChange={(e) => setViewId(e.target.value)}>
            <option value="">{t('tickets.allTickets')}</option>
            {views.data?.views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.filterStatus')}{' '}
          <select aria-label={t('tickets.filterStatus')} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('tickets.anyStatus')}</option>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusName(s)}
              </option>
            ))}
          </select>
        </label>
        <form
          aria-label={t('tickets.search')}
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(q.trim());
          }}
        >
          <input type="search" aria-label={t('tickets.search')} placeholder={t('tickets.search')} value={q} onChange={(e) => setQ(e.target.value)} />
        </form>
      </div>
      {list.error !== undefined && (
        <p role="alert" className="error">
          {describeError(list.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {canEdit && selected.size > 0 && (
        <div className="bulk-bar">
          <label>
            {t('tickets.bulk', { count: selected.size })}{' '}
            <select value={bulkStatus} onChange={(e) => setBulkStatus(e.target.value as TicketStatus)}>
              {TICKET_STATUSES.filter((s) => s !== 'closed').map((s) => (
                <option key={s} value={s}>
                  {statusName(s)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void applyBulk()}>
            {t('tickets.bulkApply')}
          </button>
        </div>
      )}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('tickets.title')}>
          <thead>
            <tr>
              {canEdit && <th scope="col" />}
              {columns.map((c) => (
                <th key={c} scope="col">
                  {t(`tickets.col.${c}` as MessageKey)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data?.tickets.map((ticket) => (
              <tr key={ticket.id}>
                {canEdit && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('tickets.select', { number: ticket.number })}
                      checked={selected.has(ticket.id)}
                      onChange={(e) =>
                        setSelected((current) => {
                          const next = new Set(current);
                          if (e.target.checked) next.add(ticket.id);
                          else next.delete(ticket.id);
                          return next;
                        })
                      }
                    />
                  </td>
                )}
                {columns.map((c) => (
                  <td key={c}>{cell(ticket, c)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && list.data.tickets.length === 0 && <p>{t('tickets.empty')}</p>}
      <form
        className="admin-form"
        aria-label={t('tickets.saveView')}
        onSubmit={(e) => {
          e.preventDefault();
          void saveView(e.currentTarget);
        }}
      >
        <h2>{t('tickets.saveView')}</h2>
        <div className="field">
          <label htmlFor="view-name">{t('tickets.viewName')}</label>
          <input id="view-name" name="name" required maxLength={100} />
        </div>
        {hasPermission(session, 'admin.tickets') && (
          <label>
            <input type="checkbox" name="shared" /> {t('tickets.viewShared')}
          </label>
        )}
        <button type="submit">{t('tickets.saveView')}</button>
      </form>
    </main>
  );
}
