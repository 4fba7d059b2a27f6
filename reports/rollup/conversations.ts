import { businessSeconds } from '../../core/calendar/business-hours.js';
import { hourOf, type ConversationsHourlyTable, type ReportTrx } from '../schema.js';
import { groupCalendars } from './calendars.js';
import type { Insertable } from 'kysely';

type Row = Insertable<ConversationsHourlyTable> & {
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

/**
 * Recomputes the conversation rollup of [from, to) from the status history: each history row
 * counts in the hour it happened, under the channel, group, agent and contact tags it had then.
 * Durations count in business hours too, by the calendar of the conversation's group.
 */
export async function rollUpConversations(trx: ReportTrx, tenantId: string, from: Date, to: Date): Promise<number> {
  await trx.deleteFrom('report_conversations_hourly').where('tenant_id', '=', tenantId).where('hour', '>=', from).where('hour', '<', to).execute();
  const log = await trx
    .selectFrom('report_conversation_log')
    .select(['kind', 'at', 'channel_id', 'group_id', 'agent_id', 'tags', 'since', 'wait_since'])
    .where('tenant_id', '=', tenantId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .execute();
  if (log.length === 0) return 0;
  const calendars = await groupCalendars(trx, tenantId);
  const cells = new Map<string, Row>();
  for (const entry of log) {
    const at = new Date(entry.at);
    const hour = hourOf(at);
    const tags = [...entry.tags].sort();
    const key = `${hour}|${entry.channel_id}|${entry.group_id ?? ''}|${entry.agent_id ?? ''}|${tags.join('\u0001')}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        tenant_id: tenantId,
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
  const rows = [...cells.values()];
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('report_conversations_hourly')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return rows.length;
}
