import { useCallback, useEffect, useRef } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { describeError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import { formatFigure } from './columns.js';
import type { ReportsApi } from './reports-api.js';

const LIVE_KINDS = new Set([
  'conversation.created',
  'conversation.queued',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'agent.status',
  'call.ringing',
  'queue.position',
]);

/**
 * The wallboard: per queue the waiting conversations and calls, the longest wait and the agents by
 * status. Any change the live feed announces reloads it within a moment; a slow tick keeps the
 * waits counting.
 */
export function MonitorPage({ api }: { api: ReportsApi }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(useCallback(() => api.monitor(), [api]));
  const pending = useRef<number | undefined>(undefined);
  useFeedEvents((event) => {
    if (!LIVE_KINDS.has(event.kind) || pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      reload();
    }, 100);
  });
  useEffect(() => {
    const tick = window.setInterval(reload, 5000);
    return () => {
      window.clearInterval(tick);
      if (pending.current !== undefined) window.clearTimeout(pending.current);
    };
  }, [reload]);
  return (
    <>
      <h1>{t('reports.monitor')}</h1>
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      {data && (
        <>
          <dl className="report-cards" aria-label={t('reports.agentsByState')}>
            {(['online', 'busy', 'away', 'offline'] as const).map((s) => (
              <div key={s} className="report-card" data-state={s}>
                <dt>{t(`agentStatus.${s}` as MessageKey)}</dt>
                <dd>{data.agentsByState[s]}</dd>
              </div>
            ))}
          </dl>
          <div className="table-scroll">
            <table className="admin-table" aria-label={t('reports.queues')}>
              <thead>
                <tr>
                  <th scope="col">{t('reports.col.name')}</th>
                  <th scope="col">{t('reports.waitingConversations')}</th>
                  <th scope="col">{t('reports.waitingCalls')}</th>
                  <th scope="col">{t('reports.longestWait')}</th>
                  <th scope="col">{t('reports.agentsOnline')}</th>
                  <th scope="col">{t('reports.agentsBusy')}</th>
                  <th scope="col">{t('reports.agentsAway')}</th>
                </tr>
              </thead>
              <tbody>
                {data.queues.map((q) => (
                  <tr key={q.groupId ?? 'none'} data-group={q.groupId ?? ''}>
                    <th scope="row">{q.name ?? t('reports.none')}</th>
                    <td data-figure="waitingConversations">{q.waitingConversations}</td>
                    <td data-figure="waitingCalls">{q.waitingCalls}</td>
                    <td>{formatFigure('longestWaitSeconds', q.longestWaitSeconds)}</td>
                    <td>{q.agents.online}</td>
                    <td>{q.agents.busy}</td>
                    <td>{q.agents.away}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="table-scroll">
            <table className="admin-table" aria-label={t('reports.agents')}>
              <thead>
                <tr>
                  <th scope="col">{t('reports.col.name')}</th>
                  <th scope="col">{t('reports.status')}</th>
                  <th scope="col">{t('reports.openConversations')}</th>
                </tr>
              </thead>
              <tbody>
                {data.agents.map((a) => (
                  <tr key={a.id} data-agent={a.id}>
                    <td>{a.name}</td>
                    <td>{t(`agentStatus.${a.status}` as MessageKey)}</td>
                    <td data-figure="openConversations">{a.openConversations}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
