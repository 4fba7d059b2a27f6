import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { ConversationView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ChannelIcon } from './ChannelIcon.js';
import { previewLine, waitedFor } from './preview.js';
import { formatTime } from './time.js';
import { shownContactName } from '../lib/contact-name.js';

/** The conversations of one tab: who, where from, what was said last, how long the customer waits, and whether something new came in. */
export function ConversationList({
  conversations,
  unread,
  selectedId,
  label,
}: {
  conversations: ConversationView[];
  unread: Record<string, number>;
  selectedId: string | undefined;
  label: string;
}) {
  const { t, language } = useI18n();
  const now = useMinuteClock();
  if (conversations.length === 0) return <p className="empty hint">{t('inbox.empty')}</p>;
  return (
    <ul className="conversation-list" aria-label={label}>
      {conversations.map((conversation) => {
        const count = unread[conversation.id] ?? 0;
        const name = shownContactName(conversation.contact.name, t);
        const preview = previewLine(conversation.lastMessage, t);
        const waiting = conversation.status !== 'resolved' ? conversation.waitingSince : null;
        return (
          <li key={conversation.id}>
            <Link
              href={`/conversations/${conversation.id}`}
              className={conversation.id === selectedId ? 'conversation-item selected' : 'conversation-item'}
              aria-current={conversation.id === selectedId ? 'true' : undefined}
              data-conversation-id={conversation.id}
            >
              <ChannelIcon type={conversation.channel.type} name={conversation.channel.name} />
              <span className="conversation-who">
                <strong className={count > 0 ? 'unread' : undefined}>{name}</strong>
                {preview && <span className="conversation-preview">{preview}</span>}
                <small className="hint">
                  {conversation.subject ?? conversation.channel.name} · {t(`status.${conversation.status}`)}
                </small>
              </span>
              <span className="conversation-meta">
                <time dateTime={conversation.lastMessageAt ?? conversation.createdAt}>
                  {formatTime(conversation.lastMessageAt ?? conversation.createdAt, language)}
                </time>
                {waiting && (
                  <small className="conversation-waiting" title={t('preview.waitingLabel', { time: formatTime(waiting, language) })}>
                    {waitedFor(waiting, now, t)}
                  </small>
                )}
                {count > 0 && <UnreadBadge count={count} label={t('inbox.unreadCount', { count })} />}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The time now, renewed every half minute so waiting times move on their own. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** A count that reads as "3 unread" to assistive technology. */
export function UnreadBadge({ count, label }: { count: number; label: string }) {
  return (
    <span className="badge">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
