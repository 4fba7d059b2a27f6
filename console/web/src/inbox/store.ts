import type { ConversationSnapshot, MessageView } from '../api/domain.js';
import type { ConversationView } from '../api/types.js';

/**
 * What the inbox knows: every conversation any of its tabs loaded or a live event brought, and
 * how many customer messages in each have arrived since the agent last looked.
 */
export interface InboxState {
  conversations: Record<string, ConversationView>;
  unread: Record<string, number>;
  /** The conversation open in the pane; its new messages are read as they arrive. */
  openId: string | undefined;
}

export type InboxAction =
  | { type: 'loaded'; conversations: ConversationView[]; lastSeen: Record<string, string>; replace?: boolean }
  | { type: 'fetched'; conversation: ConversationView }
  | { type: 'snapshot'; snapshot: ConversationSnapshot }
  | { type: 'message'; snapshot: ConversationSnapshot; message: MessageView }
  | { type: 'contact'; contact: { id: string; name: string | null } }
  | { type: 'opened'; id: string | undefined };

export const emptyInbox: InboxState = { conversations: {}, unread: {}, openId: undefined };

export function applySnapshot(view: ConversationView, snapshot: ConversationSnapshot): ConversationView {
  return { ...view, status: snapshot.status, groupId: snapshot.groupId, assigneeId: snapshot.assigneeId, priority: snapshot.priority };
}

export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'loaded': {
      // A new set of filters replaces the lists; unread counts carry over.
      const conversations = action.replace ? {} : { ...state.conversations };
      const unread = { ...state.unread };
      for (const conversation of action.conversations) {
        conversations[conversation.id] = conversation;
        // Counted live already, or unknown: then one mark says "something new".
        if (unread[conversation.id] === undefined) {
          const seen = action.lastSeen[conversation.id];
          const latest = conversation.lastMessageAt;
          unread[conversation.id] = latest && conversation.id !== state.openId && (!seen || latest > seen) ? 1 : 0;
        }
      }
      return { ...state, conversations, unread };
    }
    case 'fetched':
      return { ...state, conversations: { ...state.conversations, [action.conversation.id]: action.conversation } };
    case 'snapshot': {
      const known = state.conversations[action.snapshot.id];
      if (!known) return state;
      return { ...state, conversations: { ...state.conversations, [known.id]: applySnapshot(known, action.snapshot) } };
    }
    case 'message': {
      const known = state.conversations[action.snapshot.id];
      const fromCustomer = action.message.direction === 'in';
      const unread =
        fromCustomer && action.snapshot.id !== state.openId
          ? { ...state.unread, [action.snapshot.id]: (state.unread[action.snapshot.id] ?? 0) + 1 }
          : state.unread;
      if (!known) return { ...state, unread };
      const updated = {
        ...applySnapshot(known, action.snapshot),
        lastMessageAt: maxIso(known.lastMessageAt, action.message.createdAt),
        ...previewAfter(known, action.message),
      };
      return { ...state, unread, conversations: { ...state.conversations, [known.id]: updated } };
    }
    case 'contact': {
      // A name edited anywhere: every conversation of that customer shows it.
      const conversations = { ...state.conversations };
      let changed = false;
      for (const c of Object.values(conversations)) {
        if (c.contact.id !== action.contact.id) continue;
        conversations[c.id] = { ...c, contact: { ...c.contact, name: action.contact.name } };
        changed = true;
      }
      return changed ? { ...state, conversations } : state;
    }
    case 'opened':
      return { ...state, openId: action.id, unread: action.id ? { ...state.unread, [action.id]: 0 } : state.unread };
  }
}

const maxIso = (a: string | null, b: string) => (a && a > b ? a : b);

/** The list line after a live message: a note changes nothing; a reply ends the customer's wait. */
function previewAfter(known: ConversationView, message: MessageView): Partial<ConversationView> {
  if (message.private) return {};
  if (known.lastMessage && known.lastMessage.createdAt > message.createdAt) return {};
  const lastMessage = {
    direction: message.direction,
    senderType: message.senderType,
    parts: message.parts,
    createdAt: message.createdAt,
    ...(message.about ? { about: message.about } : {}),
  };
  const waitingSince = message.direction === 'in' ? (known.waitingSince ?? message.createdAt) : null;
  return { lastMessage, waitingSince };
}

/** Where the agent last looked at each conversation, kept per user in the browser. */
export function lastSeenStore(userId: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined) {
  const key = `switchboard.seen.${userId}`;
  const read = (): Record<string, string> => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return {
    read,
    mark(conversationId: string, at: string) {
      const seen = read();
      if ((seen[conversationId] ?? '') >= at) return;
      seen[conversationId] = at;
      // Keep the newest 500: enough for any inbox, small enough for storage.
      const kept = Object.fromEntries(
        Object.entries(seen)
          .sort((a, b) => b[1].localeCompare(a[1]))
          .slice(0, 500),
      );
      try {
        storage?.setItem(key, JSON.stringify(kept));
      } catch {
        // Storage full or refused: unread marks fall back to this page's memory.
      }
    },
  };
}
