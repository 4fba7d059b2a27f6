import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { ConversationSnapshot } from '../api/domain.js';
import type { ConversationView } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { conversationOf } from '../realtime/events.js';
import { useFeed, useFeedEvents } from '../realtime/feed.js';
import { emptyInbox, inboxReducer, lastSeenStore } from './store.js';
import { belongsToTab, byActivity, tabQueries, type Filters, type InboxTab, type Viewer } from './tabs.js';

export interface InboxTabState {
  tab: InboxTab;
  conversations: ConversationView[];
  /** Conversations in the tab with customer messages the agent has not looked at. */
  unreadConversations: number;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The inbox's data: every tab loaded with the filters, kept current by the live feed (new
 * conversations fetched when an event names one this inbox does not know yet).
 */
export function useInbox(viewer: Viewer, tabs: readonly InboxTab[], filters: Filters, onAssignedToMe: (conversation: ConversationView) => void) {
  const { conversations: api } = useApi();
  const { generation } = useFeed();
  const [state, dispatch] = useReducer(inboxReducer, emptyInbox);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const seen = useMemo(() => lastSeenStore(viewer.userId, storage()), [viewer.userId]);

  const queryKey = JSON.stringify([filters, tabs, viewer.groupIds]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey stands for filters, tabs and groups
  useEffect(() => {
    let current = true;
    setLoading(true);
    const queries = tabs.flatMap((tab) => tabQueries(tab, viewer, filters));
    Promise.all(queries.map((query) => api.list({ ...query, limit: 100 }))).then(
      (pages) => {
        if (!current) return;
        dispatch({ type: 'loaded', conversations: pages.flatMap((page) => page.conversations), lastSeen: seen.read(), replace: true });
        setError(undefined);
        setLoading(false);
      },
      (caught: unknown) => {
        if (!current) return;
        setError(caught);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, queryKey, generation, seen]);

  const fetchUnknown = useCallback(
    async (snapshot: ConversationSnapshot) => {
      // A text search shows only what the server matched; live additions would not honour it.
      if (filters.q) return;
      try {
        const detail = await api.get(snapshot.id);
        dispatch({ type: 'fetched', conversation: detail.conversation });
        return detail.conversation;
      } catch {
        return undefined;
      }
    },
    [api, filters.q],
  );

  useFeedEvents((event) => {
    if (event.kind === 'contact.updated') {
      dispatch({ type: 'contact', contact: event.payload.contact });
      return;
    }
    if (event.kind === 'message.updated' || event.kind === 'typing' || event.kind === 'conversation.read') return;
    const snapshot = conversationOf(event);
    if (!snapshot) return;
    const known = state.conversations[snapshot.id];
    if (event.kind === 'message.created') dispatch({ type: 'message', snapshot, message: event.payload.message });
    else dispatch({ type: 'snapshot', snapshot });
    const assignedToMe = event.kind === 'conversation.assigned' && snapshot.assigneeId === viewer.userId && event.payload.previousAssigneeId !== viewer.userId;
    const transferredToMe =
      event.kind === 'conversation.transferred' && snapshot.assigneeId === viewer.userId && event.payload.from.assigneeId !== viewer.userId;
    if (known) {
      if (assignedToMe || transferredToMe) onAssignedToMe({ ...known, assigneeId: snapshot.assigneeId });
    } else {
      void fetchUnknown(snapshot).then((conversation) => {
        if (conversation && (assignedToMe || transferredToMe)) onAssignedToMe(conversation);
      });
    }
  });

  const open = useCallback(
    (id: string | undefined) => {
      dispatch({ type: 'opened', id });
      if (id) seen.mark(id, new Date().toISOString());
    },
    [seen],
  );

  // While a conversation is open, what arrives in it is seen.
  const openConversation = state.openId ? state.conversations[state.openId] : undefined;
  useEffect(() => {
    if (openConversation?.lastMessageAt) seen.mark(openConversation.id, openConversation.lastMessageAt);
  }, [openConversation?.id, openConversation?.lastMessageAt, seen]);
  // ... and read, for the customer too (a web chat visitor sees "Read"), while the screen shows it.
  const openId = openConversation?.id;
  const lastMessageAt = openConversation?.lastMessageAt;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new message in the open conversation is read again
  useEffect(() => {
    if (!openId) return;
    const markRead = () => {
      if (document.visibilityState === 'visible') api.markRead(openId).catch(() => {});
    };
    markRead();
    document.addEventListener('visibilitychange', markRead);
    return () => document.removeEventListener('visibilitychange', markRead);
  }, [api, openId, lastMessageAt]);

  const tabStates = useMemo<InboxTabState[]>(() => {
    const all = Object.values(state.conversations);
    return tabs.map((tab) => {
      const conversations = all.filter((conversation) => belongsToTab(tab, viewer, filters, conversation)).sort(byActivity);
      return { tab, conversations, unreadConversations: conversations.filter((c) => (state.unread[c.id] ?? 0) > 0).length };
    });
  }, [state.conversations, state.unread, tabs, viewer, filters]);

  return { tabs: tabStates, unread: state.unread, conversations: state.conversations, loading, error, open };
}
