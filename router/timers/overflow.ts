import { sql } from 'kysely';
import { conversationSnapshot } from '../../core/domain/views.js';
import { loadGroup } from '../assignment/groups.js';
import { AgentPool } from '../assignment/agent-pool.js';
import { placeConversation } from '../assignment/place.js';
import { publishQueuePositions } from '../assignment/queue.js';
import type { TimerHandler } from './runner.js';

/**
 * A conversation has waited the group's `overflow_after_seconds`: it moves to the overflow group,
 * keeping its place in time, and is assigned there or waits in that line.
 */
export const runOverflow: TimerHandler = async (trx, events, conversation, payload) => {
  if (conversation.status !== 'queued' || conversation.group_id !== payload.groupId || !payload.groupId) return 'done';
  const group = await loadGroup(trx, conversation.tenant_id, payload.groupId);
  const targetId = group?.overflow_group_id;
  if (!targetId || !(await loadGroup(trx, conversation.tenant_id, targetId))) return 'done';
  const moved = await trx
    .updateTable('conversations')
    .set({ status: 'open', group_id: targetId, updated_at: sql`now()` })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const placed = await placeConversation(trx, events, new AgentPool(trx, conversation.tenant_id), moved, { reason: 'overflow' });
  events.add(conversation.tenant_id, 'conversation.transferred', {
    conversation: conversationSnapshot(placed),
    from: { assigneeId: null, groupId: payload.groupId },
  });
  await publishQueuePositions(trx, events, conversation.tenant_id, payload.groupId);
  return 'done';
};
