import type { TicketDetail } from '../api/tickets.js';
import { useI18n } from '../i18n/i18n.js';
import { exactTime } from './labels.js';

const show = (value: unknown) => (value === null || value === undefined ? '—' : Array.isArray(value) ? value.join(', ') || '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Every change of a ticket: who, when, which field, old → new; and the automations that fired on it. */
export function TicketHistory({ ticket, agentName }: { ticket: TicketDetail; agentName: (id: string | null) => string }) {
  const { t, language } = useI18n();
  const who = (line: TicketDetail['history'][number]) => (line.actorType === 'automation' ? t('ticket.byAutomation') : line.actorType === 'system' ? t('ticket.bySystem') : agentName(line.actorId));
  return (
    <section aria-label={t('ticket.history')}>
      <h2>{t('ticket.history')}</h2>
      <ol className="ticket-history">
        {ticket.history.map((line) => (
          <li key={line.id}>
            <time dateTime={line.at}>{exactTime(line.at, language)}</time> {t('ticket.historyLine', { field: line.field, from: show(line.from), to: show(line.to) })} {t('ticket.by', { who: who(line) })}
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
