import { useId, useMemo, useState } from 'react';
import type { TicketDetail, TicketStatus } from '../api/tickets.js';
import { useI18n } from '../i18n/i18n.js';
import { HISTORY_KINDS, historyActor, historyActorKey, historyKind, historySentence, type HistoryKind } from './history-sentence.js';
import { exactTime } from './labels.js';

/**
 * Every change of a ticket as a sentence in the agent's language ("Li Na changed the priority
 * from Normal to High"), newest last, filtered by the kind of change and by who made it; and the
 * automations that fired on it.
 */
export function TicketHistory({ ticket, statusName }: { ticket: TicketDetail; statusName: (status: TicketStatus) => string }) {
  const { t, language } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<HistoryKind | ''>('');
  const [person, setPerson] = useState('');
  const names = ticket.historyNames ?? {};
  const words = { t, names, statusName, time: (iso: string) => exactTime(iso, language) };
  const kinds = useMemo(() => new Set(ticket.history.map(historyKind)), [ticket.history]);
  const people = useMemo(() => {
    const seen = new Map<string, string>();
    for (const line of ticket.history) {
      const key = historyActorKey(line);
      if (!seen.has(key)) seen.set(key, historyActor(line, { t, names }));
    }
    return [...seen];
  }, [ticket.history, t, names]);
  const shown = ticket.history.filter((line) => (!kind || historyKind(line) === kind) && (!person || historyActorKey(line) === person));
  return (
    <section aria-label={t('ticket.history')}>
      <h2>{t('ticket.history')}</h2>
      <div className="filters history-filters">
        <label htmlFor={`${id}-kind`}>{t('history.filterKind')}</label>
        <select id={`${id}-kind`} value={kind} onChange={(event) => setKind(event.target.value as HistoryKind | '')}>
          <option value="">{t('history.anyKind')}</option>
          {HISTORY_KINDS.filter((k) => kinds.has(k)).map((k) => (
            <option key={k} value={k}>
              {t(`history.kind.${k}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-person`}>{t('history.filterPerson')}</label>
        <select id={`${id}-person`} value={person} onChange={(event) => setPerson(event.target.value)}>
          <option value="">{t('history.anyone')}</option>
          {people.map(([key, name]) => (
            <option key={key} value={key}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 && <p>{t('history.noneMatch')}</p>}
      <ol className="ticket-history">
        {shown.map((line) => (
          <li key={line.id}>
            <time dateTime={line.at}>{exactTime(line.at, language)}</time> {historySentence(line, words)}
          </li>
        ))}
      </ol>
      {ticket.automationRuns.length > 0 && (
        <>
          <h3>{t('ticket.automations')}</h3>
          <ul>
            {ticket.automationRuns.map((run) => (
              <li key={run.id}>
                {run.name} · {exactTime(run.at, language)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
