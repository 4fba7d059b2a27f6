import { useCallback, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { TICKET_STATUSES, ticketsApi, type TicketDetail, type TicketPatch, type TicketStatus } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import { useAgentNames } from '../inbox/useAgentNames.js';
import { describeError } from '../pages/describe-error.js';
import { exactTime, SlaBadgeView, useStatusName } from './labels.js';
import { TicketHistory } from './TicketHistory.js';
import { TicketFieldsForm } from './TicketFieldsForm.js';
import { shownContactName } from '../lib/contact-name.js';

/** One ticket: its fields, the replies and notes with a reply box, the history, and merging. */
export default function TicketPage() {
  const { id } = useParams<{ id: string }>();
  const { t, language } = useI18n();
  const { client } = useApi();
  const session = useSignedIn();
  const [, navigate] = useLocation();
  const api = useMemo(() => ticketsApi(client), [client]);
  const statusName = useStatusName(api);
  const agentName = useAgentNames(session.user);
  const load = useLoad(useCallback(() => api.get(id), [api, id]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const canEdit = hasPermission(session, 'tickets.edit');
  const ticket = load.data;

  const run = async (action: () => Promise<string | undefined>) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const done = await action();
      if (done) setNotice(done);
      load.reload();
    } catch (caught) {
      // A custom field the server refused is named by the company's label for it.
      setError(
        describeError(caught, t, (field) =>
          field.startsWith('fields.') ? load.data?.historyNames?.[`ticket_field:${field.slice('fields.'.length)}`] : undefined,
        ),
      );
    }
  };

  if (load.error !== undefined)
    return (
      <main className="page">
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
        <Link href="/tickets">{t('ticket.back')}</Link>
      </main>
    );
  if (!ticket) return <main className="page">{t('app.loading')}</main>;
  const closed = ticket.status === 'closed';

  const save = (patch: TicketPatch) =>
    run(async () => {
      await api.update(ticket.id, patch);
      return t('ticket.saved');
    });
  const reply = (form: HTMLFormElement) =>
    run(async () => {
      const data = new FormData(form);
      const status = String(data.get('then') ?? '');
      await api.comment(ticket.id, {
        body: String(data.get('body') ?? ''),
        public: data.get('kind') === 'public',
        ...(status ? { status: status as TicketStatus } : {}),
      });
      form.reset();
      return t('ticket.sent');
    });
  const merge = (form: FormData) =>
    run(async () => {
      const number = Number(String(form.get('target') ?? '').replace(/^#/, ''));
      const found = (await api.list({ q: String(number), limit: 5 })).tickets.find((x) => x.number === number && x.id !== ticket.id);
      if (!found) return t('ticket.mergeNotFound', { number });
      await api.merge(ticket.id, found.id);
      navigate(`/tickets/${found.id}`);
      return t('ticket.merged', { number });
    });

  return (
    <main className="page ticket-page">
      <Link href="/tickets">{t('ticket.back')}</Link>
      <h1>
        {t('ticket.title', { number: ticket.number })}: {ticket.subject}
      </h1>
      <p>
        {statusName(ticket.status)} · {t(`priority.${ticket.priority}`)} · <SlaBadgeView sla={ticket.sla} />
        {ticket.dueAt && (
          <>
            {' · '}
            <time dateTime={ticket.dueAt}>{t('ticket.dueAt', { time: exactTime(ticket.dueAt, language) })}</time>
          </>
        )}
      </p>
      {ticket.followers.length > 0 && <p>{t('ticket.followedBy', { names: ticket.followers.map((id) => agentName(id)).join(', ') })}</p>}
      {ticket.mergedIntoId && (
        <p>
          {t('ticket.mergedInto')} <Link href={`/tickets/${ticket.mergedIntoId}`}>{t('ticket.openMerged')}</Link>
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <section aria-label={t('ticket.requester')}>
        <h2>{t('ticket.requester')}</h2>
        <p>
          {[ticket.requester?.name && shownContactName(ticket.requester.name, t), ticket.requester?.email, ticket.requester?.phone].filter(Boolean).join(' · ')}
        </p>
        {ticket.description && <p className="pre">{ticket.description}</p>}
      </section>
      <TicketFieldsForm ticket={ticket} statusName={statusName} canEdit={canEdit} onSave={(patch) => void save(patch)} />
      <section aria-label={t('ticket.thread')}>
        <h2>{t('ticket.thread')}</h2>
        {ticket.comments.length === 0 && <p>{t('ticket.noComments')}</p>}
        <ol className="ticket-thread">
          {ticket.comments.map((c) => (
            <li key={c.id} className={c.public ? 'comment-public' : 'comment-note'}>
              <strong>
                {c.authorType === 'contact' ? t('ticket.fromCustomer') : c.authorType === 'system' ? t('ticket.fromSystem') : agentName(c.authorId)}
              </strong>
              {!c.public && <em> · {t('ticket.note')}</em>} · <time dateTime={c.createdAt}>{exactTime(c.createdAt, language)}</time>
              {/* Customer text is shown as text, never as markup. */}
              <p className="pre">{c.body}</p>
            </li>
          ))}
        </ol>
      </section>
      {canEdit && !closed && (
        <form
          className="admin-form"
          aria-label={t('ticket.reply')}
          onSubmit={(e) => {
            e.preventDefault();
            void reply(e.currentTarget);
          }}
        >
          <h2>{t('ticket.reply')}</h2>
          <fieldset>
            <label>
              <input type="radio" name="kind" value="public" defaultChecked /> {t('ticket.publicReply')}
            </label>{' '}
            <label>
              <input type="radio" name="kind" value="note" /> {t('ticket.internalNote')}
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor="ticket-reply">{t('ticket.replyBody')}</label>
            <textarea id="ticket-reply" name="body" required rows={4} maxLength={20000} />
          </div>
          <div className="field">
            <label htmlFor="ticket-then">{t('ticket.sendAs')}</label>
            <select id="ticket-then" name="then" defaultValue="">
              <option value="">{t('ticket.keepStatus')}</option>
              {TICKET_STATUSES.filter((s) => s !== 'closed' && s !== 'new').map((s) => (
                <option key={s} value={s}>
                  {statusName(s)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t('ticket.send')}</button>
        </form>
      )}
      <TicketHistory ticket={ticket as TicketDetail} statusName={statusName} />
      {canEdit && !closed && (
        <form
          className="admin-form"
          aria-label={t('ticket.merge')}
          onSubmit={(e) => {
            e.preventDefault();
            void merge(new FormData(e.currentTarget));
          }}
        >
          <h2>{t('ticket.merge')}</h2>
          <div className="field">
            <label htmlFor="ticket-merge">{t('ticket.mergeTarget')}</label>
            <input id="ticket-merge" name="target" required pattern="#?[0-9]+" />
          </div>
          <button type="submit">{t('ticket.mergeButton')}</button>
        </form>
      )}
    </main>
  );
}
