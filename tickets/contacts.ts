import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import type { TicketPriority, TicketStatus } from './schema.js';
import type { Trx } from './model.js';
import { ticketVisibleTo } from './read.js';

/**
 * What the customer record (crm/), the data rights (console/server/data-rights/) and the call
 * center's screen pop (callcenter/) read and change of tickets, through the tickets' part: a
 * contact's tickets for its timeline and for a call's screen pop, tickets for the search box, a contact's tickets moving with it when contacts are merged, and a customer's
 * tickets for their archive and erasure. Every query is scoped by company; what a person reads,
 * also by what they may see (`ticketVisibleTo`).
 */

/** A ticket on a contact's timeline. */
export interface TimelineTicket {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  mergedIntoId: string | null;
  createdAt: Date;
}

/** The contact's tickets the principal may see (the contact is the requester), newest first. */
export async function visibleTicketsOfContact(db: Db, principal: Principal, contactId: string, limit: number): Promise<TimelineTicket[]> {
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'priority', 'created_at', 'merged_into_id'])
    .where('tenant_id', '=', principal.tenantId)
    .where('requester_id', '=', contactId)
    .where((eb) => ticketVisibleTo(eb, principal))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(timelineTicket);
}

function timelineTicket(t: {
  id: string;
  number: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  created_at: Date;
  merged_into_id: string | null;
}): TimelineTicket {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    mergedIntoId: t.merged_into_id,
    createdAt: new Date(t.created_at),
  };
}

/**
 * A caller's earlier tickets for the call center's screen pop: of the contact's `newest` latest
 * tickets (whoever may see them), those the principal may see, newest first.
 */
export async function visibleRecentTicketsOfContact(db: Db, principal: Principal, contactId: string, newest: number): Promise<TimelineTicket[]> {
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'priority', 'created_at', 'merged_into_id'])
    .where('tenant_id', '=', principal.tenantId)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('tickets as latest')
        .select('latest.id')
        .where('latest.tenant_id', '=', principal.tenantId)
        .where('latest.requester_id', '=', contactId)
        .orderBy('latest.created_at', 'desc')
        .limit(newest),
    )
    .where((eb) => ticketVisibleTo(eb, principal))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(timelineTicket);
}

/** A ticket found by the search box. */
export interface FoundTicket {
  id: string;
  number: number;
  subject: string;
  description: string;
  requesterId: string;
  updatedAt: Date;
}

/**
 * Tickets whose subject and description match `matches` (a tsquery the caller builds from the
 * words typed) or whose number is `number`, among those the principal may see, the most
 * recently updated first.
 */
export async function searchVisibleTickets(
  db: Db,
  principal: Principal,
  query: { matches: RawBuilder<unknown>; number?: string; limit: number },
): Promise<FoundTicket[]> {
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'description', 'requester_id', 'updated_at'])
    .where('tenant_id', '=', principal.tenantId)
    .where((eb) =>
      eb.or([
        eb(sql<boolean>`sb_search_vector(tickets.subject || ' ' || tickets.description) @@ ${query.matches}`, '=', true),
        ...(query.number ? [eb('number', '=', query.number)] : []),
      ]),
    )
    .where((eb) => ticketVisibleTo(eb, principal))
    .orderBy('updated_at', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map((t) => ({
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    description: t.description,
    requesterId: t.requester_id,
    updatedAt: new Date(t.updated_at),
  }));
}

/**
 * Makes `to` the requester of the tickets `from` requested (contacts merged, or a merge undone);
 * with `only`, of those tickets alone. Returns the ids of the tickets moved, which a merge records
 * so that its undo moves back exactly those.
 */
export async function moveRequesterTickets(trx: Trx, tenantId: string, from: string, to: string, only?: string[]): Promise<string[]> {
  if (only && only.length === 0) return [];
  let q = trx.updateTable('tickets').set({ requester_id: to }).where('tenant_id', '=', tenantId).where('requester_id', '=', from);
  if (only) q = q.where('id', 'in', only);
  return (await q.returning('id').execute()).map((r) => String(r.id));
}

/**
 * Every ticket the contacts requested, with the tickets' comments and history, as stored: a
 * customer's archive (data rights) holds them. Tickets oldest first, comments and history in order.
 */
export async function ticketRecordsOfContacts(db: Db, tenantId: string, contactIds: readonly string[]) {
  const tickets = contactIds.length
    ? await db.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('requester_id', 'in', contactIds).orderBy('created_at').execute()
    : [];
  const ids = tickets.map((t) => t.id);
  const [comments, history] = ids.length
    ? await Promise.all([
        db.selectFrom('ticket_comments').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', 'in', ids).orderBy('id').execute(),
        db.selectFrom('ticket_history').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', 'in', ids).orderBy('id').execute(),
      ])
    : [[], []];
  return { tickets, comments, history };
}

/** How many tickets the contacts requested (an erasure reports it; the tickets go with the contacts). */
export async function countTicketsOfContacts(db: Db, tenantId: string, contactIds: readonly string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const row = await db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('requester_id', 'in', contactIds)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
