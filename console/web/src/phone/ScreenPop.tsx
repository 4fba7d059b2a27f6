import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { crmApi } from '../crm/api.js';
import { describeError } from '../pages/describe-error.js';
import type { CallsApi, Pop } from './api.js';
import { dispositionLabel, when } from './format.js';
import { shownContactName } from '../lib/contact-name.js';

/**
 * The caller's record, opened when their call rings the agent: the contact (or a form to make one
 * of an unknown number), their conversations on every channel, earlier calls and business records.
 * Everything the customer wrote is shown as text, never as markup.
 */
export function ScreenPop({ api, callId, number }: { api: CallsApi; callId: string; number: string }) {
  const { t } = useI18n();
  const { contacts } = useApi();
  const mayTicket = hasPermission(useSignedIn(), 'tickets.edit');
  const load = useCallback(async () => {
    const pop = await api.pop(callId);
    const records = pop.contact ? (await api.businessRecords({ contactId: pop.contact.id })).records : [];
    return { pop, records };
  }, [api, callId]);
  const { data, error, reload } = useLoad(load);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [saveError, setSaveError] = useState<string>();

  // The frame and the number show at once, from the ring itself; the record fills in as it loads.
  if (error || !data)
    return (
      <section className="screen-pop" aria-label={t('phone.pop')}>
        <h2>{number}</h2>
        {error ? <p role="alert">{describeError(error, t)}</p> : <p>{t('app.loading')}</p>}
      </section>
    );
  const { pop, records } = data;
  const createContact = async () => {
    if (!pop.contact) return;
    setSaveError(undefined);
    try {
      await contacts.update(pop.contact.id, { name: name.trim() || null, email: email.trim() || null });
      reload();
    } catch (caught) {
      setSaveError(describeError(caught, t));
    }
  };
  return (
    <section className="screen-pop" aria-label={t('phone.pop')}>
      <h2>
        {pop.contact ? shownContactName(pop.contact.name, t) : t('phone.unknownCaller')} <span className="muted">{pop.number}</span>
      </h2>
      {pop.contact?.email && <p>{pop.contact.email}</p>}
      {pop.contact && pop.possibleMatches.length > 0 && <PossibleMatches callerId={pop.contact.id} matches={pop.possibleMatches} onChanged={reload} />}
      {pop.offerCreateContact && (
        <form
          aria-label={t('phone.createContact')}
          onSubmit={(event) => {
            event.preventDefault();
            void createContact();
          }}
        >
          <h3>{t('phone.createContact')}</h3>
          <label>
            {t('phone.contactName')}
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={200} />
          </label>
          <label>
            {t('phone.contactEmail')}
            <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} maxLength={320} />
          </label>
          <button type="submit" disabled={!name.trim() && !email.trim()}>
            {t('phone.saveContact')}
          </button>
          {saveError && <p role="alert">{saveError}</p>}
        </form>
      )}
      <h3>{t('phone.pastConversations')}</h3>
      {pop.conversations.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul aria-label={t('phone.pastConversations')}>
          {pop.conversations.map((c) => (
            <li key={c.id}>
              <Link href={`~/conversations/${c.id}`}>
                {c.channel.name} · {c.subject ?? t(`phone.kind.${c.kind === 'voice' ? 'voice' : 'other'}`)} · {when(c.createdAt)}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('phone.earlierTickets')}</h3>
      {pop.tickets.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul aria-label={t('phone.earlierTickets')}>
          {pop.tickets.map((k) => (
            <li key={k.id}>
              #{k.number} {k.subject} · {k.status} · {when(k.createdAt)}
            </li>
          ))}
        </ul>
      )}
      {mayTicket && <TicketFromCall api={api} callId={callId} onCreated={reload} />}
      <h3>{t('phone.earlierCalls')}</h3>
      {pop.earlierCalls.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul aria-label={t('phone.earlierCalls')}>
          {pop.earlierCalls.map((c) => (
            <li key={c.id}>
              {t(c.direction === 'in' ? 'phone.inbound' : 'phone.outbound')} · {when(c.startedAt)} · {dispositionLabel(t, c.disposition)}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('phone.businessRecords')}</h3>
      {records.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul aria-label={t('phone.businessRecords')}>
          {records.map((r) => (
            <li key={r.id}>
              <strong>{r.subject}</strong> · {when(r.createdAt)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Several customers have the caller's number, so the call was put on none of them: the agent
 * says which one it is, and the caller's record is merged into theirs (undone in one click).
 */
function PossibleMatches({ callerId, matches, onChanged }: { callerId: string; matches: Pop['possibleMatches']; onChanged(): void }) {
  const { t } = useI18n();
  const { client } = useApi();
  const crm = useMemo(() => crmApi(client), [client]);
  const mayMerge = hasPermission(useSignedIn(), 'contacts.merge');
  const [done, setDone] = useState<{ mergeId: string; name: string }>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const merge = async (target: Pop['possibleMatches'][number]) => {
    setStatus(undefined);
    try {
      const merged = await crm.merge(target.id, callerId);
      const name = target.name ?? target.phone ?? '';
      setDone({ mergeId: merged.mergeId, name });
      setStatus({ ok: true, text: t('phone.mergedInto', { name }) });
      onChanged();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  const undo = async () => {
    if (!done) return;
    try {
      await crm.undoMerge(done.mergeId);
      setDone(undefined);
      setStatus({ ok: true, text: t('crm.mergeUndone', { name: done.name }) });
      onChanged();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <section className="possible-matches" aria-label={t('phone.possibleMatches')}>
      <h3>{t('phone.possibleMatches')}</h3>
      <p className="muted">{t('phone.possibleMatchesHint')}</p>
      <ul>
        {matches.map((m) => (
          <li key={m.id}>
            <Link href={`~/contacts/${m.id}`}>{m.name ?? m.phone}</Link>
            {[m.phone, m.email].filter(Boolean).map((v) => (
              <span key={v} className="muted">
                {' · '}
                {v}
              </span>
            ))}{' '}
            {mayMerge && !done && (
              <button type="button" onClick={() => void merge(m)}>
                {t('phone.itIsThem')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
      {done && (
        <button type="button" onClick={() => void undo()}>
          {t('crm.undoMerge')}
        </button>
      )}
    </section>
  );
}

/** A ticket made from the call (during it, or later from the pop history): it carries the caller, the call id and the recording. */
function TicketFromCall({ api, callId, onCreated }: { api: CallsApi; callId: string; onCreated(): void }) {
  const { t } = useI18n();
  const [subject, setSubject] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const create = async () => {
    setStatus(undefined);
    try {
      const ticket = await api.ticketFromCall(callId, subject.trim());
      setStatus({ ok: true, text: t('phone.ticketCreated', { number: ticket.number }) });
      setSubject('');
      onCreated();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <form
      aria-label={t('phone.createTicket')}
      onSubmit={(event) => {
        event.preventDefault();
        if (subject.trim()) void create();
      }}
    >
      <label>
        {t('phone.ticketSubject')}
        <input value={subject} onChange={(event) => setSubject(event.target.value)} maxLength={300} />
      </label>
      <button type="submit" disabled={!subject.trim()}>
        {t('phone.createTicket')}
      </button>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}
