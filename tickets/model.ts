import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';
import type { SlaClock, SlaMetric, TicketSla, TicketTable } from './schema.js';
import './schema.js';

export type Ticket = Selectable<TicketTable>;
export type Trx = Transaction<Database>;

/** Who made a change: a person, an API token, an automation, or the system itself (SLA timers). */
export interface Actor {
  type: 'user' | 'api_token' | 'automation' | 'system';
  id: string | null;
}

/** The clock ticket code reads; tests pass a fixed one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** What a ticket looks like in answers and events. */
export function ticketView(t: Ticket, extra: { followers?: string[] } = {}) {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    type: t.type,
    requesterId: t.requester_id,
    assigneeId: t.assignee_id,
    groupId: t.group_id,
    tags: t.tags,
    dueAt: t.due_at ? new Date(t.due_at).toISOString() : null,
    fields: t.fields,
    source: t.source,
    conversationId: t.conversation_id,
    callId: t.call_id,
    recordingRef: t.recording_ref,
    mergedIntoId: t.merged_into_id,
    sla: slaBadge(t.sla),
    createdAt: new Date(t.created_at).toISOString(),
    updatedAt: new Date(t.updated_at).toISOString(),
    statusChangedAt: new Date(t.status_changed_at).toISOString(),
    solvedAt: t.solved_at ? new Date(t.solved_at).toISOString() : null,
    ...(extra.followers ? { followers: extra.followers } : {}),
  };
}
export type TicketView = ReturnType<typeof ticketView>;

/**
 * The badge a ticket list shows: the most urgent SLA clock. `breached` once any target was
 * missed and is still counting, `warning` once a warning fired, `ok` while counting; `paused`
 * while the ticket waits on the customer (pending) with its clocks stopped (`dueAt` is then when
 * they stopped); else none.
 */
export function slaBadge(sla: TicketSla): { state: 'ok' | 'warning' | 'breached' | 'paused'; metric: SlaMetric; dueAt: string } | null {
  const entries = Object.entries(sla.clocks ?? {}) as [SlaMetric, SlaClock | undefined][];
  const clocks = entries.filter(([, c]) => c && c.state === 'active');
  if (clocks.length === 0) {
    const paused = entries.filter(([, c]) => c && c.state === 'paused');
    if (paused.length === 0) return null;
    const [metric, clock] = paused.sort(([, a], [, b]) => (a!.dueLeftMinutes ?? 0) - (b!.dueLeftMinutes ?? 0))[0]!;
    return { state: 'paused', metric, dueAt: clock!.pausedAt ?? clock!.dueAt };
  }
  const [metric, clock] = clocks.sort(([, a], [, b]) => Date.parse(a!.dueAt) - Date.parse(b!.dueAt))[0]!;
  const state = clock!.breachedAt ? 'breached' : clock!.warned ? 'warning' : 'ok';
  return { state, metric, dueAt: clock!.dueAt };
}

/** A ticket for events: enough to decide who may see it and what it is. */
export function ticketSummary(t: Ticket) {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    groupId: t.group_id,
    assigneeId: t.assignee_id,
    requesterId: t.requester_id,
  };
}
