import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { ticketVisibleTo } from '../tickets/part.js';
import type { TimelineItem } from './timeline.js';

/** The customer's tickets the principal may see (requester = the contact), for the timeline. */
export async function extraTimelineSources(db: Db, principal: Principal, contactId: string, limit: number): Promise<TimelineItem[]> {
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'priority', 'created_at', 'merged_into_id'])
    .where('tenant_id', '=', principal.tenantId)
    .where('requester_id', '=', contactId)
    .where((eb) => ticketVisibleTo(eb, principal))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((t) => ({
    kind: 'ticket' as const,
    id: t.id,
    at: new Date(t.created_at).toISOString(),
    title: `#${Number(t.number)} ${t.subject}`,
    detail: { number: Number(t.number), status: t.status, priority: t.priority, mergedIntoId: t.merged_into_id },
  }));
}
