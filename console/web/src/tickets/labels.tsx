import { useCallback, useEffect, useState } from 'react';
import type { SlaBadge, TicketStatus, TicketsApi } from '../api/tickets.js';
import { useI18n } from '../i18n/i18n.js';

/** A status as the company names it (Settings), else the built-in name in the agent's language. */
export function useStatusName(api: TicketsApi) {
  const { t, language } = useI18n();
  const [names, setNames] = useState<Partial<Record<TicketStatus, { en?: string; zh?: string }>>>({});
  useEffect(() => {
    let current = true;
    api.statuses().then(
      (answer) => current && setNames(answer.names),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api]);
  return useCallback((status: TicketStatus) => names[status]?.[language] ?? t(`ticketStatus.${status}`), [names, language, t]);
}

const exact = (iso: string, language: 'zh' | 'en') =>
  new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The SLA badge of a ticket: green while counting, amber after the warning, red once breached. */
export function SlaBadgeView({ sla }: { sla: SlaBadge | null }) {
  const { t, language } = useI18n();
  if (!sla) return null;
  const text = t(`sla.${sla.state}`, { metric: t(`sla.${sla.metric}`), time: exact(sla.dueAt, language) });
  return (
    <span className={`sla-badge sla-${sla.state}`} title={text}>
      {text}
    </span>
  );
}

export { exact as exactTime };
