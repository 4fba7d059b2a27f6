import { useState } from 'react';
import type { AgentStatus } from '../api/domain.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeedEvents } from '../realtime/feed.js';
import { useSignedIn } from './session.js';

/**
 * The agent's own status, always in the top bar: online while a console tab is open, away when
 * the last one is gone (the server decides from heartbeats), kept current by the live feed.
 */
export function MyStatus() {
  const { t } = useI18n();
  const session = useSignedIn();
  const [status, setStatus] = useState<AgentStatus>(session.user.agentStatus);
  useFeedEvents((event) => {
    if (event.kind === 'agent.status' && event.payload.userId === session.user.id) setStatus(event.payload.status);
  });
  const label = t(`agentStatus.${status}`);
  return (
    <span className={`my-status ${status}`} role="status" aria-label={t('agentStatus.label', { status: label })}>
      <span className="status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
