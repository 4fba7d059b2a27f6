import { useState } from 'react';
import type { AgentStatus } from '../api/domain.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import { useSignedIn } from './session.js';

const STATUSES: AgentStatus[] = ['online', 'busy', 'away', 'offline'];

/**
 * The agent's own status, always in the top bar, and the switch to change it (online, busy,
 * away, offline). The live feed keeps it current when the server changes it (the last console
 * tab closed, an admin set it); a refused change goes back and says why.
 */
export function MyStatus() {
  const { t } = useI18n();
  const { conversations } = useApi();
  const session = useSignedIn();
  const [status, setStatus] = useState<AgentStatus>(session.user.agentStatus);
  const [error, setError] = useState<string>();
  useFeedEvents((event) => {
    if (event.kind === 'agent.status' && event.payload.userId === session.user.id) setStatus(event.payload.status);
  });
  const change = async (next: AgentStatus) => {
    const before = status;
    setStatus(next);
    setError(undefined);
    try {
      const answer = await conversations.setMyStatus(next);
      setStatus(answer.agent.status);
    } catch (caught) {
      setStatus(before);
      setError(describeError(caught, t));
    }
  };
  return (
    <span className={`my-status ${status}`} title={error}>
      <span className="status-dot" aria-hidden="true" />
      <select aria-label={t('agentStatus.switch')} value={status} onChange={(event) => void change(event.target.value as AgentStatus)}>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`agentStatus.${s}`)}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="visually-hidden">
          {error}
        </span>
      )}
    </span>
  );
}
