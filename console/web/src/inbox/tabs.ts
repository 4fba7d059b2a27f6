import type { ConversationQuery, ConversationView } from '../api/types.js';

export type InboxTab = 'mine' | 'unassigned' | 'groups' | 'all';
export type StatusFilter = 'open' | 'resolved';

/** Who is looking: enough to decide which conversations belong to which tab. */
export interface Viewer {
  userId: string;
  groupIds: readonly string[];
  permissions: readonly string[];
}

export interface Filters {
  status: StatusFilter;
  channelId?: string;
  q?: string;
}

type Visibility = 'all' | 'group' | 'own' | 'none';

export function visibility(viewer: Viewer): Visibility {
  if (viewer.permissions.includes('conversations.view.all')) return 'all';
  if (viewer.permissions.includes('conversations.view.group')) return 'group';
  if (viewer.permissions.includes('conversations.view.own')) return 'own';
  return 'none';
}

/** The tabs a viewer has: Mine for anyone who sees conversations; the others as visibility allows. */
export function availableTabs(viewer: Viewer): InboxTab[] {
  switch (visibility(viewer)) {
    case 'all':
      return ['mine', 'unassigned', 'groups', 'all'];
    case 'group':
      return ['mine', 'unassigned', 'groups'];
    case 'own':
      return ['mine'];
    case 'none':
      return [];
  }
}

export const statusesOf = (status: StatusFilter) => (status === 'open' ? ['open', 'queued', 'assigned'] : ['resolved']);

/**
 * The API queries that fill a tab. "My groups" for someone who sees everything is one query per
 * group (the API filters by one group at a time); for someone who sees their groups the server
 * already narrows the list.
 */
export function tabQueries(tab: InboxTab, viewer: Viewer, filters: Filters): ConversationQuery[] {
  const base: ConversationQuery = { status: statusesOf(filters.status).join(','), channelId: filters.channelId, q: filters.q || undefined };
  switch (tab) {
    case 'mine':
      return [{ ...base, assigneeId: 'me' }];
    case 'unassigned':
      return [{ ...base, assigneeId: 'none' }];
    case 'groups':
      if (visibility(viewer) === 'all') return viewer.groupIds.map((groupId) => ({ ...base, groupId }));
      return viewer.groupIds.length > 0 ? [base] : [];
    case 'all':
      return [base];
  }
}

/** Whether the viewer may see a conversation at all (the server's rule, applied to live updates). */
export function canSee(viewer: Viewer, conversation: Pick<ConversationView, 'groupId' | 'assigneeId'>): boolean {
  switch (visibility(viewer)) {
    case 'all':
      return true;
    case 'group':
      return conversation.assigneeId === viewer.userId || (conversation.groupId !== null && viewer.groupIds.includes(conversation.groupId));
    case 'own':
      return conversation.assigneeId === viewer.userId;
    case 'none':
      return false;
  }
}

/** Whether a conversation, as it is now, belongs in a tab under the current filters (text search aside). */
export function belongsToTab(tab: InboxTab, viewer: Viewer, filters: Filters, conversation: ConversationView): boolean {
  if (!canSee(viewer, conversation)) return false;
  if (!statusesOf(filters.status).includes(conversation.status)) return false;
  if (filters.channelId && conversation.channel.id !== filters.channelId) return false;
  switch (tab) {
    case 'mine':
      return conversation.assigneeId === viewer.userId;
    case 'unassigned':
      return conversation.assigneeId === null;
    case 'groups':
      return conversation.groupId !== null && viewer.groupIds.includes(conversation.groupId);
    case 'all':
      return true;
  }
}

/** Newest activity first, like the API's order. */
export function byActivity(a: ConversationView, b: ConversationView): number {
  const at = (c: ConversationView) => c.lastMessageAt ?? c.createdAt;
  return at(b).localeCompare(at(a)) || b.id.localeCompare(a.id);
}
