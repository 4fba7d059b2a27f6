import { businessSeconds, type BusinessCalendar } from '../../core/calendar/business-hours.js';
import { hourOf, type ConversationsHourlyTable, type ReportTrx } from '../schema.js';
import { groupCalendars } from './calendars.js';
import type { Insertable } from 'kysely';
import type { AppliedBelow } from './increments.js';

export type ConversationCell = Insertable<ConversationsHourlyTable> & {
  created: number;
  first_responses: number;
  first_response_seconds: number;
  first_response_business_seconds: number;
  resolved: number;
  resolution_seconds: number;
  resolution_business_seconds: number;
  reopened: number;
  handled: number;
  queued: number;
  queue_waits: number;
  queue_wait_seconds: number;
  abandoned: number;
  abandoned_wait_seconds: number;
};

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** One row of the conversation history, as the rollup reads it. */
export interface ConversationLogEntry {
  tenant_id: string;
  kind: string;
  at: Date | string;
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  tags: string[];
  since: Date | string | null;
  wait_since: Date | string | null;
}

/**
 * What history rows add to the conversation rollup: each counts in the hour it happened, under
 * the channel, group, agent and contact tags it had then. Durations count in business hours too,
 * by the calendar of the conversation's group (`calendars`, by group id). One row per key.
 */
export function conversationCells(log: Iterable<ConversationLogEntry>, calendars: Map<string, BusinessCalendar>): ConversationCell[] {
  const cells = new Map<string, ConversationCell>();
  for (const entry of log) {
    const at = new Date(entry.at);
    const hour = hourOf(at);
    const tags = [...entry.tags].sort();
    const key = `${entry.tenant_id}|${hour}|${entry.channel_id}|${entry.group_id ?? ''}|${entry.agent_id ?? ''}|${tags.join('\u0001')}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        tenant_id: entry.tenant_id,
        hour: new Date(hour),
        channel_id: entry.channel_id,
        group_id: entry.group_id,
        agent_id: entry.agent_id,
        tags,
        created: 0,
        first_responses: 0,
        first_response_seconds: 0,
        first_response_business_seconds: 0,
        resolved: 0,
        resolution_seconds: 0,
        resolution_business_seconds: 0,
        reopened: 0,
        handled: 0,
        queued: 0,
        queue_waits: 0,
        queue_wait_seconds: 0,
        abandoned: 0,
        abandoned_wait_seconds: 0,
      };
      cells.set(key, cell);
    }
    const calendar = entry.group_id ? calendars.get(entry.group_id) : undefined;
    switch (entry.kind) {
      case 'created':
        cell.created++;
        break;
      case 'first_response':
        if (entry.since) {
          cell.first_responses++;
          cell.first_response_seconds += seconds(new Date(entry.since), at);
          cell.first_response_business_seconds += businessSeconds(calendar, new Date(entry.since), at);
        }
        break;
      case 'resolved':
        cell.resolved++;
        if (entry.since) {
          cell.resolution_seconds += seconds(new Date(entry.since), at);
          cell.resolution_business_seconds += businessSeconds(calendar, new Date(entry.since), at);
        }
        if (entry.wait_since) {
          cell.abandoned++;
          cell.abandoned_wait_seconds += seconds(new Date(entry.wait_since), at);
        }
        break;
      case 'reopened':
        cell.reopened++;
        break;
      case 'queued':
        cell.queued++;
        break;
      case 'assigned':
        cell.handled++;
        if (entry.wait_since) {
          cell.queue_waits++;
          cell.queue_wait_seconds += seconds(new Date(entry.wait_since), at);
        }
        break;
    }
  }
  return [...cells.values()];
}

/**
 * Recomputes the conversation rollup of [from, to) from the status history: the history rows
 * already in the rollups (`counted`, see increments.ts); those written since are the
 * consumer's to add.
 */
export async function rollUpConversations(trx: ReportTrx, tenantId: string, from: Date, to: Date, counted: AppliedBelow): Promise<number> {
  await trx.deleteFrom('report_conversations_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  const log = await trx
    .selectFrom('report_conversation_log')
    .select(['tenant_id', 'kind', 'at', 'channel_id', 'group_id', 'agent_id', 'tags', 'since', 'wait_since'])
    .where('tenant_id', '=', tenantId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .where(counted('insert_xid'))
    .execute();
  if (log.length === 0) return 0;
  const rows = conversationCells(log, await groupCalendars(trx, tenantId));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('report_conversations_hourly')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return rows.length;
}
