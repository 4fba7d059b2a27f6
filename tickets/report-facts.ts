import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../core/db/database.js';

/*
 * What the reports (reports/) read of tickets, through the tickets' part: the facts the hourly
 * rollup counts, the span of time a rebuild covers, and the hours a changed ticket touches. The
 * reports name no ticket table themselves.
 */

/**
 * A company's ticket facts in [from, to), as a table (at, group_id, assignee_id, created, solved,
 * achieved, breached), one row per fact, merged tickets left out: a ticket created or solved at
 * `at`; an SLA target met without breaching (achieved) or breached at `at`. Group and assignee are
 * the ticket's now.
 */
export function ticketFacts(tenantId: string, from: Date, to: Date): RawBuilder<unknown> {
  return sql`(SELECT * FROM (
      SELECT created_at AS at, group_id, assignee_id, 1 AS created, 0 AS solved, 0 AS achieved, 0 AS breached
        FROM tickets WHERE tenant_id = ${tenantId} AND merged_into_id IS NULL AND created_at >= ${from} AND created_at < ${to}
      UNION ALL
      SELECT solved_at, group_id, assignee_id, 0, 1, 0, 0
        FROM tickets WHERE tenant_id = ${tenantId} AND merged_into_id IS NULL AND solved_at >= ${from} AND solved_at < ${to}
      UNION ALL
      SELECT CASE WHEN c.value ? 'breachedAt' THEN (c.value->>'breachedAt')::timestamptz ELSE (c.value->>'metAt')::timestamptz END,
             t.group_id, t.assignee_id, 0, 0, CASE WHEN c.value ? 'breachedAt' THEN 0 ELSE 1 END, CASE WHEN c.value ? 'breachedAt' THEN 1 ELSE 0 END
        FROM tickets t CROSS JOIN LATERAL jsonb_each(coalesce(t.sla->'clocks', '{}'::jsonb)) c
       WHERE t.tenant_id = ${tenantId} AND t.merged_into_id IS NULL AND jsonb_typeof(c.value) = 'object'
         AND (c.value ? 'breachedAt' OR (c.value->>'state' = 'met' AND c.value ? 'metAt'))
    ) facts WHERE at >= ${from} AND at < ${to})`;
}

/** A query of one row (first, last): the company's first ticket made and its last ticket change. */
export function ticketExtent(tenantId: string): RawBuilder<unknown> {
  return sql`SELECT min(created_at) AS first, greatest(max(created_at), max(solved_at), max(updated_at)) AS last FROM tickets WHERE tenant_id = ${tenantId}`;
}

/** When a company's ticket was made and solved (the hours a change to it may move in the reports); none if there is no such ticket. */
export async function ticketTimes(db: Db, tenantId: string, ticketId: string): Promise<{ createdAt: Date; solvedAt: Date | null } | undefined> {
  const row = await db
    .selectFrom('tickets')
    .select(['created_at', 'solved_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', ticketId)
    .executeTakeFirst();
  return row && { createdAt: row.created_at, solvedAt: row.solved_at };
}
