import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { can, visibilityOf, type Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import type { Database } from '../core/db/schema.js';
import { NotFoundError } from '../core/errors.js';
import { ticketView, type TicketView } from './model.js';

/**
 * Which tickets a principal may see, in SQL: with `tickets.view`, the same reach as their
 * conversations (all; their groups' and their own; only their own), plus the tickets they
 * follow — whoever makes a ticket follows it, so a ticket made from a conversation of another
 * group stays open to its maker. None without `tickets.view`.
 */
export function ticketVisibleTo(eb: ExpressionBuilder<Database, 'tickets'>, principal: Principal): Expression<SqlBool> {
  if (!can(principal, 'tickets.view')) return sql<SqlBool>`false`;
  const followed = eb.exists(
    eb
      .selectFrom('ticket_followers')
      .select('ticket_followers.user_id')
      .whereRef('ticket_followers.ticket_id', '=', 'tickets.id')
      .where('ticket_followers.user_id', '=', principal.userId),
  );
  switch (visibilityOf(principal)) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'group':
      return principal.groupIds.length
        ? eb.or([eb('tickets.assignee_id', '=', principal.userId), eb('tickets.group_id', 'in', [...principal.groupIds]), followed])
        : eb.or([eb('tickets.assignee_id', '=', principal.userId), followed]);
    case 'own':
      return eb.or([eb('tickets.assignee_id', '=', principal.userId), followed]);
    case 'none':
      return sql<SqlBool>`false`;
  }
}

export async function visibleTicket(db: Db, principal: Principal, id: string) {
  const row = await db
    .selectFrom('tickets')
    .selectAll()
    .where('tenant_id', '=', principal.tenantId)
    .where('id', '=', id)
    .where((eb) => ticketVisibleTo(eb, principal))
    .executeTakeFirst();
  if (!row) throw new NotFoundError('ticket');
  return row;
}

export interface TicketFilters {
  status?: string[];
  priority?: string[];
  /** `me`, `none` or an agent's id. */
  assignee?: string;
  groupId?: string;
  tags?: string[];
  requesterId?: string;
  sla?: 'breached' | 'warning';
  q?: string;
}
export const SORT_FIELDS = { updated: 'updated_at', created: 'created_at', number: 'number', priority: 'priority', due: 'due_at', status: 'status' } as const;
export type SortField = keyof typeof SORT_FIELDS;

const PRIORITY_RANK = sql<number>`array_position(ARRAY['low','normal','high','urgent']::text[], tickets.priority)`;
const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** One page of the tickets a principal may see, filtered and sorted as a view says. */
export async function listTickets(
  db: Db,
  principal: Principal,
  filters: TicketFilters,
  sort: { field: SortField; direction: 'asc' | 'desc' },
  page: { limit: number; offset: number },
) {
  let q = db
    .selectFrom('tickets')
    .selectAll()
    .where('tenant_id', '=', principal.tenantId)
    .where((eb) => ticketVisibleTo(eb, principal));
  if (filters.status?.length) q = q.where('status', 'in', filters.status as TicketView['status'][]);
  if (filters.priority?.length) q = q.where('priority', 'in', filters.priority as TicketView['priority'][]);
  if (filters.assignee === 'me') q = q.where('assignee_id', '=', principal.userId);
  else if (filters.assignee === 'none') q = q.where('assignee_id', 'is', null);
  else if (filters.assignee) q = q.where('assignee_id', '=', filters.assignee);
  if (filters.groupId) q = q.where('group_id', '=', filters.groupId);
  if (filters.requesterId) q = q.where('requester_id', '=', filters.requesterId);
  if (filters.tags?.length) q = q.where(sql<SqlBool>`tags @> ${sql.val(filters.tags)}::text[]`);
  if (filters.q) {
    const n = /^#?(\d{1,12})$/.exec(filters.q)?.[1];
    q = q.where((eb) => eb.or([eb('subject', 'ilike', escapeLike(filters.q!)), ...(n ? [eb('number', '=', n)] : [])]));
  }
  if (filters.sla === 'breached')
    q = q.where(sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_each(tickets.sla->'clocks') c WHERE c.value->>'state' = 'active' AND c.value ? 'breachedAt')`);
  if (filters.sla === 'warning')
    q = q.where(sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_each(tickets.sla->'clocks') c WHERE c.value->>'state' = 'active' AND (c.value->>'warned')::boolean)`);
  const column = SORT_FIELDS[sort.field];
  const ordered =
    column === 'priority' ? q.orderBy(PRIORITY_RANK, sort.direction) : q.orderBy(column, (ob) => (sort.direction === 'asc' ? ob.asc() : ob.desc()).nullsLast());
  const rows = await ordered
    .orderBy('number', 'desc')
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  return { tickets: rows.slice(0, page.limit).map((r) => ticketView(r)), more: rows.length > page.limit };
}

/**
 * A customer's tickets, newest first, for the contact's timeline and the call center's screen
 * pop. It filters nothing by agent: callers that answer an agent filter with `ticketVisibleTo`.
 */
export async function listTicketsForContact(db: Db, tenantId: string, contactId: string, limit = 50): Promise<TicketView[]> {
  const rows = await db
    .selectFrom('tickets')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('requester_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ticketView(r));
}
