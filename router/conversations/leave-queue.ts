import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { logRelease } from '../assignment/assign.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import { publishQueuePositions } from '../assignment/queue.js';
import type { EventLog } from '../events.js';
import { cancelJobs, JOB_KINDS } from '../timers/jobs.js';

/**
 * The customer left the line on the channel (a caller who waited the longest wait goes to
 * voicemail or a callback offer): the conversation stays open but is no longer offered, and an
 * agent it was just given to is freed for the next one. The caller holds the row and the
 * tenant's routing lock.
 */
export async function leaveQueueLocked(trx: Transaction<Database>, events: EventLog, conversation: Conversation): Promise<Conversation> {
  if (conversation.status !== 'queued' && conversation.status !== 'assigned') return conversation;
  await logRelease(trx, conversation, 'left the queue on the channel');
  const left = await trx
    .updateTable('conversations')
    .set({ status: 'open', assignee_id: null, queued_at: null, updated_at: sql`now()` })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await cancelJobs(trx, conversation.id, JOB_KINDS);
  events.add(conversation.tenant_id, 'conversation.transferred', {
    conversation: conversationSnapshot(left),
    from: { assigneeId: conversation.assignee_id, groupId: conversation.group_id },
    note: 'left the queue',
  });
  if (conversation.status === 'assigned' && conversation.assignee_id) {
    await assignWaiting(trx, events, conversation.tenant_id, await linesOfAgent(trx, conversation.tenant_id, conversation.assignee_id));
  } else {
    await publishQueuePositions(trx, events, conversation.tenant_id, conversation.group_id);
  }
  return left;
}
