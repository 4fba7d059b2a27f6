import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { mean, percent, sumRollup, valuesOf, type GroupBy, type ReportScope } from './rollup-query.js';

/*
 * Each figure as docs/reports.md defines it, from the rollups' sums. Durations are seconds;
 * a mean or a share with nothing to measure is null.
 */

export const CONVERSATION_COLUMNS = [
  'created',
  'first_responses',
  'first_response_seconds',
  'first_response_business_seconds',
  'resolved',
  'resolution_seconds',
  'resolution_business_seconds',
  'reopened',
  'handled',
  'queued',
  'queue_waits',
  'queue_wait_seconds',
  'abandoned',
  'abandoned_wait_seconds',
] as const;
export const MESSAGE_COLUMNS = ['messages_in', 'messages_out'] as const;
export const AGENT_STATE_COLUMNS = ['online_seconds', 'busy_seconds', 'away_seconds'] as const;
export const CALL_COLUMNS = ['offered', 'answered', 'abandoned', 'answered_wait_seconds', 'answered_within_sl', 'talk_seconds'] as const;
export const CSAT_COLUMNS = ['responses', 'rating_sum', 'satisfied'] as const;
export const TICKET_COLUMNS = ['created', 'solved', 'sla_achieved', 'sla_breached'] as const;

type Sums<C extends readonly string[]> = Record<C[number], number>;

export function conversationFigures(s: Sums<typeof CONVERSATION_COLUMNS>) {
  return {
    created: s.created,
    resolved: s.resolved,
    reopened: s.reopened,
    handled: s.handled,
    queued: s.queued,
    abandoned: s.abandoned,
    firstResponses: s.first_responses,
    avgFirstResponseSeconds: mean(s.first_response_seconds, s.first_responses),
    avgFirstResponseBusinessSeconds: mean(s.first_response_business_seconds, s.first_responses),
    avgResolutionSeconds: mean(s.resolution_seconds, s.resolved),
    avgResolutionBusinessSeconds: mean(s.resolution_business_seconds, s.resolved),
    avgQueueWaitSeconds: mean(s.queue_wait_seconds, s.queue_waits),
    avgAbandonWaitSeconds: mean(s.abandoned_wait_seconds, s.abandoned),
  };
}

export function messageFigures(s: Sums<typeof MESSAGE_COLUMNS>) {
  return { messagesIn: s.messages_in, messagesOut: s.messages_out };
}

export function callFigures(s: Sums<typeof CALL_COLUMNS>) {
  return {
    callsOffered: s.offered,
    callsAnswered: s.answered,
    callsAbandoned: s.abandoned,
    avgCallWaitSeconds: mean(s.answered_wait_seconds, s.answered),
    serviceLevelPercent: percent(s.answered_within_sl, s.offered),
    avgHandleSeconds: mean(s.talk_seconds, s.answered),
  };
}

export function csatFigures(s: Sums<typeof CSAT_COLUMNS>) {
  return { csatResponses: s.responses, csatAverage: mean(s.rating_sum, s.responses), csatPercent: percent(s.satisfied, s.responses) };
}

export function ticketFigures(s: Sums<typeof TICKET_COLUMNS>) {
  return {
    ticketsCreated: s.created,
    ticketsSolved: s.solved,
    slaAchieved: s.sla_achieved,
    slaBreached: s.sla_breached,
    slaAchievedPercent: percent(s.sla_achieved, s.sla_achieved + s.sla_breached),
  };
}

export type ConversationFigures = ReturnType<typeof conversationFigures>;

/** Every family of figures for one grouping of the scope, keyed the same way. */
type Family = 'conversations' | 'messages' | 'states' | 'calls' | 'csat' | 'tickets';
const ALL_FAMILIES: readonly Family[] = ['conversations', 'messages', 'states', 'calls', 'csat', 'tickets'];

export async function allSums(db: Db, scope: ReportScope, groupBy: GroupBy, families: readonly Family[] = ALL_FAMILIES) {
  const none = () => Promise.resolve(new Map());
  const wants = (f: Family) => families.includes(f);
  const [conversations, messages, states, calls, csat, tickets] = await Promise.all([
    wants('conversations') ? sumRollup(db, 'report_conversations_hourly', CONVERSATION_COLUMNS, scope, groupBy) : none(),
    wants('messages') ? sumRollup(db, 'report_messages_hourly', MESSAGE_COLUMNS, scope, groupBy) : none(),
    groupBy === 'channel' || !wants('states') ? none() : sumRollup(db, 'report_agent_states_hourly', AGENT_STATE_COLUMNS, scope, groupBy),
    wants('calls') ? sumRollup(db, 'report_calls_hourly', CALL_COLUMNS, scope, groupBy) : none(),
    wants('csat') ? sumRollup(db, 'report_csat_hourly', CSAT_COLUMNS, scope, groupBy) : none(),
    wants('tickets') ? sumRollup(db, 'report_tickets_hourly', TICKET_COLUMNS, scope, groupBy) : none(),
  ]);
  const keys = new Set([...conversations.keys(), ...messages.keys(), ...states.keys(), ...calls.keys(), ...csat.keys(), ...tickets.keys()]);
  const figures = (pick: <C extends string>(map: Map<string, Record<C, number>>, columns: readonly C[]) => Record<C, number>) => ({
    ...conversationFigures(pick(conversations, CONVERSATION_COLUMNS)),
    ...messageFigures(pick(messages, MESSAGE_COLUMNS)),
    ...callFigures(pick(calls, CALL_COLUMNS)),
    ...csatFigures(pick(csat, CSAT_COLUMNS)),
    ...ticketFigures(pick(tickets, TICKET_COLUMNS)),
  });
  return {
    keys,
    figuresOf(key: string) {
      return figures((map, columns) => valuesOf(map, key, columns));
    },
    /**
     * The figures of every key together. Equal to grouping by 'all' only where every rollup has the
     * grouped dimension (the agent: each table has an agent column, a row without one is the key '').
     */
    totalFigures() {
      return figures(<C extends string>(map: Map<string, Record<C, number>>, columns: readonly C[]) => {
        const total = valuesOf(new Map<string, Record<C, number>>(), '', columns);
        for (const values of map.values()) for (const c of columns) total[c] += values[c];
        return total;
      });
    },
    statesOf(key: string) {
      const s = valuesOf(states, key, AGENT_STATE_COLUMNS);
      return { onlineSeconds: s.online_seconds, busySeconds: s.busy_seconds, awaySeconds: s.away_seconds };
    },
  };
}

/**
 * The part of each agent's current status that the rollup does not hold yet (it holds closed
 * intervals only): from their last change to now, within the range.
 */
export async function openStateSeconds(db: Db, scope: ReportScope, now: Date): Promise<Map<string, { status: string; seconds: number }>> {
  // Each agent's last change before the range's end: one probe of the (tenant, agent, at) index
  // per agent, rather than reading and sorting the whole history.
  const { rows } = await sql<{ agent_id: string; status: string; at: Date }>`
    SELECT u.id AS agent_id, l.status, l.at FROM users u
     CROSS JOIN LATERAL (
       SELECT status, at FROM report_agent_log
        WHERE tenant_id = ${scope.tenantId} AND agent_id = u.id AND at < ${scope.to}
        ORDER BY at DESC, id DESC LIMIT 1) l
     WHERE u.tenant_id = ${scope.tenantId}
       ${scope.agentId ? sql`AND u.id = ${scope.agentId}` : sql``}`.execute(db);
  const result = new Map<string, { status: string; seconds: number }>();
  for (const row of rows) {
    const start = Math.max(new Date(row.at).getTime(), scope.from.getTime());
    const end = Math.min(now.getTime(), scope.to.getTime());
    if (end > start && ['online', 'busy', 'away'].includes(row.status))
      result.set(row.agent_id, { status: row.status, seconds: Math.round((end - start) / 1000) });
  }
  return result;
}
