import { sql } from 'kysely';
import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { ticketVisibleTo } from '../tickets/part.js';
import { searchQuery, snippetOf, type SearchHit, type SearchKind } from './search.js';

/** Tickets whose number, subject or description match, among those the principal may see. */
export async function extraSearchSources(db: Db, principal: Principal, q: string, kinds: ReadonlySet<SearchKind>, limit: number): Promise<SearchHit[]> {
  const tsquery = searchQuery(q);
  if (!kinds.has('ticket') || !tsquery) return [];
  const number = /^#?(\d{1,15})$/.exec(q.trim())?.[1];
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'description', 'requester_id', 'conversation_id', 'updated_at'])
    .where('tenant_id', '=', principal.tenantId)
    .where((eb) =>
      eb.or([
        eb(sql<boolean>`sb_search_vector(tickets.subject || ' ' || tickets.description) @@ ${tsquery}`, '=', true),
        ...(number ? [eb('number', '=', number)] : []),
      ]),
    )
    .where((eb) => ticketVisibleTo(eb, principal))
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((t) => ({
    kind: 'ticket' as const,
    id: t.id,
    contactId: t.requester_id,
    conversationId: null,
    title: `#${Number(t.number)} ${t.subject}`,
    snippet: snippetOf(t.description || t.subject, q),
    at: new Date(t.updated_at).toISOString(),
  }));
}
