import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { visibleTicketsOfContact } from '../tickets/part.js';
import type { TimelineItem } from './timeline.js';

/** The customer's tickets the principal may see (requester = the contact), for the timeline. */
export async function extraTimelineSources(db: Db, principal: Principal, contactId: string, limit: number): Promise<TimelineItem[]> {
  const tickets = await visibleTicketsOfContact(db, principal, contactId, limit);
  return tickets.map((t) => ({
    kind: 'ticket' as const,
    id: t.id,
    at: t.createdAt.toISOString(),
    title: `#${t.number} ${t.subject}`,
    detail: { number: t.number, status: t.status, priority: t.priority, mergedIntoId: t.mergedIntoId },
  }));
}
