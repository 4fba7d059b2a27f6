import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../core/db/database.js';

/** Which answers a report counts: a company's, given in [from, to), narrowed by channel, group, agent. */
export interface AnswerFilter {
  tenantId: string;
  from: Date;
  to: Date;
  channelId?: string | undefined;
  groupId?: string | undefined;
  agentId?: string | undefined;
}

/**
 * The answers given in [from, to) as a table (tenant_id, answered_at, channel_id, group_id,
 * agent_id, rating) for a rollup's INSERT … SELECT: the reports count them where they are.
 */
export function answersGiven(tenantId: string, from: Date, to: Date): RawBuilder<unknown> {
  return sql`(SELECT tenant_id, answered_at, channel_id, group_id, agent_id, rating FROM csat_responses
     WHERE tenant_id = ${tenantId} AND answered_at >= ${from} AND answered_at < ${to})`;
}

/**
 * A company's answers as a table (conversation_id, rating), to join to one's own rows by
 * conversation: the assistant's report rates the conversations its bot resolved alone.
 */
export function answersByConversation(tenantId: string): RawBuilder<unknown> {
  return sql`(SELECT conversation_id, rating FROM csat_responses WHERE tenant_id = ${tenantId})`;
}

/** A query of one row (first, last): when the company's first and last answers were given. */
export function answerExtent(tenantId: string): RawBuilder<unknown> {
  return sql`SELECT min(answered_at) AS first, max(answered_at) AS last FROM csat_responses WHERE tenant_id = ${tenantId}`;
}

function whereOf(filter: AnswerFilter): RawBuilder<unknown> {
  const filters = [sql`tenant_id = ${filter.tenantId}`, sql`answered_at >= ${filter.from}`, sql`answered_at < ${filter.to}`];
  if (filter.channelId) filters.push(sql`channel_id = ${filter.channelId}`);
  if (filter.groupId) filters.push(sql`group_id = ${filter.groupId}`);
  if (filter.agentId) filters.push(sql`agent_id = ${filter.agentId}`);
  return sql.join(filters, sql` AND `);
}

/** How many answers gave each rating (ratings nobody gave are absent). */
export async function ratingCounts(db: Db, filter: AnswerFilter): Promise<{ rating: number; count: number }[]> {
  const { rows } = await sql<{ rating: number; count: number }>`SELECT rating, count(*)::int AS count FROM csat_responses WHERE ${whereOf(filter)}
    GROUP BY rating ORDER BY rating`.execute(db);
  return rows;
}

/** The newest answers that carry a comment, newest first. */
export async function latestComments(
  db: Db,
  filter: AnswerFilter,
  limit: number,
): Promise<{ conversation_id: string; rating: number; comment: string; answered_at: Date; agent_id: string | null }[]> {
  const { rows } = await sql<{ conversation_id: string; rating: number; comment: string; answered_at: Date; agent_id: string | null }>`
    SELECT conversation_id, rating, comment, answered_at, agent_id FROM csat_responses
     WHERE ${whereOf(filter)} AND comment <> '' ORDER BY answered_at DESC LIMIT ${limit}`.execute(db);
  return rows;
}
