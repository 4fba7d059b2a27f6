import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import type { EventLog } from '../events.js';
import { cancelJobs, scheduleJob } from '../timers/jobs.js';
import { routingFields, type AssignmentBatch } from './assign.js';
import { sendAutomaticReply } from './auto-reply.js';
import { queuePosition } from '../../core/conversations/queue-position.js';

export { queuePosition };

/** Waiting conversations of one queue (a group, or the tenant's ungrouped queue), first in line first. */
export function waitingQuery(trx: Transaction<Database>, tenantId: string, groupId: string | null) {
  return trx
    .selectFrom('conversations')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'queued')
    .where((eb) => (groupId ? eb('group_id', '=', groupId) : eb('group_id', 'is', null)))
    .orderBy('priority', 'desc')
    .orderBy('queued_at')
    .orderBy('id');
}

/**
 * Puts a conversation nobody can take now in its group's line: position published, overflow timer
 * set. When the line is at the group's limit it stays out of it (open, visible to agents to
 * claim) and the customer gets the group's automatic reply instead.
 */
export async function enqueue(
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  group: Group | undefined,
  /** The inbound batch's writes, when the caller has them: the conversation joins the line there. */
  batch?: AssignmentBatch,
): Promise<Conversation> {
  if (batch?.canQueue(conversation, group)) {
    const queued: Conversation = { ...conversation, status: 'queued', assignee_id: null };
    const position = await batch.queue(trx, queued, group);
    events.add(conversation.tenant_id, 'conversation.queued', { conversation: conversationSnapshot(queued), position });
    return queued;
  }
  // Counted and written at once: what the batch holds must be in the table first.
  await batch?.flush(trx);
  if (group?.max_queue_length != null) {
    const waiting = await waitingQuery(trx, conversation.tenant_id, group.id)
      .select(sql<number>`count(*)::int`.as('n'))
      .clearOrderBy()
      .where('id', '<>', conversation.id)
      .executeTakeFirstOrThrow();
    if (waiting.n >= group.max_queue_length) {
      const open = await trx
        .updateTable('conversations')
        .set({ ...routingFields(conversation), status: 'open', assignee_id: null, queued_at: null, updated_at: sql`now()` })
        .where('tenant_id', '=', conversation.tenant_id)
        .where('id', '=', conversation.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await cancelJobs(trx, conversation.id, ['router.overflow', 'router.no_answer']);
      if (group.queue_full_reply) await sendAutomaticReply(trx, events, conversation.tenant_id, conversation.id, group.queue_full_reply);
      return open;
    }
  }
  const queued = await trx
    .updateTable('conversations')
    .set({
      ...routingFields(conversation),
      status: 'queued',
      assignee_id: null,
      // A conversation put back in line keeps its place from when it first waited. The clock,
      // not the transaction's start: a batch queues several in the order they came.
      queued_at: conversation.queued_at ?? sql`clock_timestamp()`,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', conversation.tenant_id)
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await cancelJobs(trx, conversation.id, ['router.no_answer']);
  if (group?.overflow_group_id && group.overflow_after_seconds) {
    await scheduleJob(trx, conversation.tenant_id, 'router.overflow', { conversationId: conversation.id, groupId: group.id }, group.overflow_after_seconds);
  }
  const position = await queuePosition(trx, queued);
  events.add(conversation.tenant_id, 'conversation.queued', { conversation: conversationSnapshot(queued), position });
  return queued;
}

/** Tells the first `limit` waiting in a line where they stand now (after someone left it). */
export async function publishQueuePositions(trx: Transaction<Database>, events: EventLog, tenantId: string, groupId: string | null, limit = 50): Promise<void> {
  const rows = await waitingQuery(trx, tenantId, groupId).selectAll().limit(limit).execute();
  rows.forEach((row, index) => {
    events.add(tenantId, 'queue.position', { conversation: conversationSnapshot(row), position: index + 1 });
  });
}
