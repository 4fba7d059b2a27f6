import { sql } from 'kysely';
import { answersGiven } from '../../surveys/part.js';
import { ticketFacts } from '../../tickets/part.js';
import { reportSettings, type ReportTrx } from '../schema.js';
import type { AppliedBelow } from './increments.js';

/*
 * The rollups that plain SQL computes: each deletes its rows of [from, to) and inserts them
 * again from the raw tables. Hours are UTC hours (date_trunc on the UTC wall time).
 */

const utcHour = (column: string) => sql.raw(`date_trunc('hour', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);

/**
 * Messages in (from customers) and out (agents' replies; notes, bots and automatic replies
 * excluded): those already in the rollups (`counted`, see increments.ts); the consumer adds the
 * ones written since.
 */
export async function rollUpMessages(trx: ReportTrx, tenantId: string, from: Date, to: Date, counted: AppliedBelow): Promise<void> {
  await trx.deleteFrom('report_messages_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  await sql`
    INSERT INTO report_messages_hourly (tenant_id, hour, channel_id, agent_id, messages_in, messages_out)
    SELECT tenant_id, ${utcHour('created_at')}, channel_id,
           CASE WHEN direction = 'out' THEN sender_id END,
           count(*) FILTER (WHERE direction = 'in'),
           count(*) FILTER (WHERE direction = 'out')
      FROM messages
     WHERE tenant_id = ${tenantId} AND created_at >= ${from} AND created_at < ${to} AND ${counted('insert_xid')}
       AND (direction = 'in' OR (sender_type = 'agent' AND NOT private))
     GROUP BY 1, 2, 3, 4`.execute(trx);
}

/**
 * Seconds each agent spent online, busy and away in each hour: the intervals between one status
 * change and the next, cut at hour boundaries. The interval still running is not in the rollup
 * (the reports add it when they read).
 */
export async function rollUpAgentStates(trx: ReportTrx, tenantId: string, from: Date, to: Date): Promise<void> {
  await trx.deleteFrom('report_agent_states_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  await sql`
    WITH starts AS (
      SELECT id, agent_id, status, at FROM report_agent_log
       WHERE tenant_id = ${tenantId} AND at >= ${from} AND at < ${to}
      UNION
      (SELECT DISTINCT ON (agent_id) id, agent_id, status, at FROM report_agent_log
        WHERE tenant_id = ${tenantId} AND at < ${from}
        ORDER BY agent_id, at DESC, id DESC)
    ), spans AS (
      SELECT s.agent_id, s.status, greatest(s.at, ${from}::timestamptz) AS a, least(n.at, ${to}::timestamptz) AS b
        FROM starts s
        CROSS JOIN LATERAL (
          SELECT l.at FROM report_agent_log l
           WHERE l.tenant_id = ${tenantId} AND l.agent_id = s.agent_id AND (l.at, l.id) > (s.at, s.id)
           ORDER BY l.at, l.id LIMIT 1
        ) n
       WHERE s.status IN ('online', 'busy', 'away')
    ), cut AS (
      SELECT sp.agent_id, sp.status, h AS hour,
             extract(epoch FROM least(sp.b, h + interval '1 hour') - greatest(sp.a, h)) AS secs
        FROM spans sp
        CROSS JOIN LATERAL generate_series(${utcHour('sp.a')}, sp.b - interval '1 microsecond', interval '1 hour') h
       WHERE sp.b > sp.a
    )
    INSERT INTO report_agent_states_hourly (tenant_id, hour, agent_id, online_seconds, busy_seconds, away_seconds)
    SELECT ${tenantId}, hour, agent_id,
           round(coalesce(sum(secs) FILTER (WHERE status = 'online'), 0)),
           round(coalesce(sum(secs) FILTER (WHERE status = 'busy'), 0)),
           round(coalesce(sum(secs) FILTER (WHERE status = 'away'), 0))
      FROM cut WHERE secs > 0
     GROUP BY hour, agent_id`.execute(trx);
}

/**
 * Inbound calls that reached a queue, counted in the hour they ended: answered or abandoned,
 * their wait, talk time, and how many were answered within the service-level threshold.
 */
export async function rollUpCalls(trx: ReportTrx, tenantId: string, from: Date, to: Date): Promise<void> {
  await trx.deleteFrom('report_calls_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  const { serviceLevelSeconds } = await reportSettings(trx, tenantId);
  await sql`
    INSERT INTO report_calls_hourly (tenant_id, hour, channel_id, group_id, agent_id, offered, answered, abandoned, answered_wait_seconds, answered_within_sl, talk_seconds)
    SELECT tenant_id, ${utcHour('ended_at')}, channel_id, group_id, agent_id,
           count(*),
           count(*) FILTER (WHERE answered_at IS NOT NULL),
           count(*) FILTER (WHERE answered_at IS NULL),
           coalesce(sum(wait_seconds) FILTER (WHERE answered_at IS NOT NULL), 0),
           count(*) FILTER (WHERE answered_at IS NOT NULL AND wait_seconds <= ${serviceLevelSeconds}),
           coalesce(sum(talk_seconds) FILTER (WHERE answered_at IS NOT NULL), 0)
      FROM calls
     WHERE tenant_id = ${tenantId} AND ended_at >= ${from} AND ended_at < ${to}
       AND direction = 'in' AND queued_at IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5`.execute(trx);
}

/** Survey answers in the hour they were given, under the conversation's channel, group and agent. */
export async function rollUpCsat(trx: ReportTrx, tenantId: string, from: Date, to: Date): Promise<void> {
  await trx.deleteFrom('report_csat_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  await sql`
    INSERT INTO report_csat_hourly (tenant_id, hour, channel_id, group_id, agent_id, responses, rating_sum, satisfied)
    SELECT tenant_id, ${utcHour('answered_at')}, channel_id, group_id, agent_id,
           count(*), sum(rating), count(*) FILTER (WHERE rating >= 4)
      FROM ${answersGiven(tenantId, from, to)} a
     GROUP BY 1, 2, 3, 4, 5`.execute(trx);
}

/**
 * Tickets (merged ones left out) under their group and assignee: created and solved in the hour;
 * SLA targets achieved (met without breaching) in the hour they were met, breached in the hour
 * they breached.
 */
export async function rollUpTickets(trx: ReportTrx, tenantId: string, from: Date, to: Date): Promise<void> {
  await sql`DELETE FROM report_tickets_hourly WHERE tenant_id = ${tenantId} AND hour >= ${from} AND hour < ${to}`.execute(trx);
  await sql`
    INSERT INTO report_tickets_hourly (tenant_id, hour, group_id, agent_id, created, solved, sla_achieved, sla_breached)
    SELECT ${tenantId}, ${utcHour('at')}, group_id, assignee_id, sum(created), sum(solved), sum(achieved), sum(breached)
      FROM ${ticketFacts(tenantId, from, to)} f
     GROUP BY 2, 3, 4`.execute(trx);
}
