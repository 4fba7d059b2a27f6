import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useRoute } from 'wouter';
import type { ConversationView } from '../api/types.js';
import { useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { FeedIndicator } from '../realtime/FeedIndicator.js';
import { ConversationList, UnreadBadge } from './ConversationList.js';
import { ConversationPane } from './ConversationPane.js';
import { InboxFilters } from './InboxFilters.js';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.js';
import { NotificationsButton } from './NotificationsButton.js';
import { notifyDesktop, playChime } from './notify.js';
import { availableTabs, type Filters, type InboxTab, type Viewer } from './tabs.js';
import { useAgentNames } from './useAgentNames.js';
import { useInbox } from './useInbox.js';
import { shownContactName } from '../lib/contact-name.js';

/** The agent's inbox: tabs and filters on the left, the open conversation beside them. */
export default function InboxPage() {
  const { t } = useI18n();
  const session = useSignedIn();
  const [, params] = useRoute('/conversations/:id');
  const [, navigate] = useLocation();
  const selectedId = params?.id;
  const viewer = useMemo<Viewer>(
    () => ({ userId: session.user.id, groupIds: session.user.groupIds, permissions: session.permissions }),
    [session.user.id, session.user.groupIds, session.permissions],
  );
  const tabs = useMemo(() => availableTabs(viewer), [viewer]);
  const [tab, setTab] = useState<InboxTab>('mine');
  const [filters, setFilters] = useState<Filters>({ status: 'open' });
  const agentName = useAgentNames(session.user);

  const onAssignedToMe = useCallback(
    (conversation: ConversationView) => {
      playChime();
      notifyDesktop(t('notify.assigned'), shownContactName(conversation.contact.name, t), () => navigate(`/conversations/${conversation.id}`));
    },
    [t, navigate],
  );
  const inbox = useInbox(viewer, tabs, filters, onAssignedToMe);
  const { open } = inbox;
  useEffect(() => open(selectedId), [open, selectedId]);

  const current = inbox.tabs.find((state) => state.tab === tab) ?? inbox.tabs[0];
  const channels = useMemo(() => {
    const seen = new Map<string, ConversationView['channel']>();
    for (const conversation of Object.values(inbox.conversations)) seen.set(conversation.channel.id, conversation.channel);
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [inbox.conversations]);

  if (tabs.length === 0) return <main className="page">{t('inbox.noAccess')}</main>;
  return (
    <main className={selectedId ? 'inbox has-selection' : 'inbox'}>
      <section className="inbox-list" aria-label={t('nav.inbox')}>
        <div role="tablist" aria-label={t('inbox.tabs')} className="tabs">
          {inbox.tabs.map((state) => (
            <button
              key={state.tab}
              type="button"
              role="tab"
              aria-selected={state.tab === current?.tab}
              tabIndex={state.tab === current?.tab ? 0 : -1}
              onClick={() => setTab(state.tab)}
              onKeyDown={(event) => {
                // The tab pattern: arrows, Home and End move between the tabs; Tab leaves them.
                const order = inbox.tabs.map((s) => s.tab);
                const at = order.indexOf(state.tab);
                const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: order.length - 1 }[event.key];
                if (next === undefined) return;
                event.preventDefault();
                const target = order[(next + order.length) % order.length]!;
                setTab(target);
                const buttons = event.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('[role="tab"]');
                buttons?.[order.indexOf(target)]?.focus();
              }}
              className={state.tab === current?.tab ? 'tab selected' : 'tab'}
            >
              {t(`tab.${state.tab}`)}
              {state.unreadConversations > 0 && (
                <UnreadBadge count={state.unreadConversations} label={t('inbox.unreadCount', { count: state.unreadConversations })} />
              )}
            </button>
          ))}
        </div>
        <div className="list-tools">
          <InboxFilters filters={filters} onChange={setFilters} channels={channels} />
          <FeedIndicator />
        </div>
        <NotificationsButton />
        <NewMessageAnnouncer conversations={inbox.conversations} openId={selectedId} />
        <div role="tabpanel" aria-label={current ? t(`tab.${current.tab}`) : undefined} className="tab-panel" aria-busy={inbox.loading}>
          {inbox.error !== undefined && (
            <p role="alert" className="error">
              {describeError(inbox.error, t)}
            </p>
          )}
          {current && <ConversationList conversations={current.conversations} unread={inbox.unread} selectedId={selectedId} label={t(`tab.${current.tab}`)} />}
        </div>
      </section>
      {selectedId ? (
        <ConversationPane key={selectedId} id={selectedId} agentName={agentName} />
      ) : (
        <section className="conversation-pane empty-pane">
          <p className="hint">{t('inbox.pick')}</p>
        </section>
      )}
    </main>
  );
}
