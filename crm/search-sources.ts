import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { searchVisibleTickets } from '../tickets/part.js';
import { searchQuery, snippetOf, type SearchHit, type SearchKind } from './search.js';

/** Tickets whose number, subject or description match, among those the principal may see. */
export async function extraSearchSources(db: Db, principal: Principal, q: string, kinds: ReadonlySet<SearchKind>, limit: number): Promise<SearchHit[]> {
  const tsquery = searchQuery(q);
  if (!kinds.has('ticket') || !tsquery) return [];
  const number = /^#?(\d{1,15})$/.exec(q.trim())?.[1];
  const tickets = await searchVisibleTickets(db, principal, { matches: tsquery, number, limit });
  return tickets.map((t) => ({
    kind: 'ticket' as const,
    id: t.id,
    contactId: t.requesterId,
    conversationId: null,
    title: `#${t.number} ${t.subject}`,
    snippet: snippetOf(t.description || t.subject, q),
    at: t.updatedAt.toISOString(),
  }));
}
