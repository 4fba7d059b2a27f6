import { useCallback } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import { usePhoneApi } from './usePhoneApi.js';

/** What a supervisor sees: every agent's phone status, work state and the queues they sit in. */
export function TeamPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const load = useCallback(() => api.team(), [api]);
  const { data, error, reload } = useLoad(load);
  useFeedEvents((event) => {
    if (event.kind === 'agent.status' || event.kind === 'call.ringing' || event.kind.startsWith('conversation.')) reload();
  });
  if (error) return <p role="alert">{describeError(error, t)}</p>;
  if (!data) return <p>{t('app.loading')}</p>;
  return (
    <section aria-label={t('phone.nav.team')}>
      <h1>{t('phone.nav.team')}</h1>
      <table className="table">
        <thead>
          <tr>
            <th>{t('phone.col.agent')}</th>
            <th>{t('phone.phoneStatus')}</th>
            <th>{t('phone.workState')}</th>
            <th>{t('phone.myQueues')}</th>
          </tr>
        </thead>
        <tbody>
          {data.agents.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>{t(`phone.status.${a.phoneStatus}`)}</td>
              <td>{t(`phone.work.${a.workState}`)}</td>
              <td>{a.queues.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
