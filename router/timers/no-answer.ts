import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { logRelease } from '../assignment/assign.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import { loadGroup } from '../assignment/groups.js';
import { AgentPool } from '../assignment/agent-pool.js';
import { placeConversation } from '../assignment/place.js';
import type { TimerHandler } from './runner.js';

/**
 * Whether the agent picked up the call since it was offered (the voice connector logs it). The
 * call's row is locked first: an answer being stored right now (a slow or retried webhook) is
 * waited for, never overlooked — else the agent talking would be set away and the call moved on.
 */
async function callAnswered(trx: Transaction<Database>, conversation: Conversation, agentId: string) {
  const call = await trx
    .selectFrom('calls')
    .select(['id', 'state', 'agent_id'])
    .where('tenant_id', '=', conversation.tenant_id)
    .where('channel_id', '=', conversation.channel_id)
    .where('provider_call_id', '=', conversation.thread_key)
    .forUpdate()
    .executeTakeFirst();
  if (!call) return undefined;
  if (call.state === 'answered' && call.agent_id === agentId) return call;
  return trx
    .selectFrom('call_events as e')
    .select('e.id')
    .where('e.call_id', '=', call.id)
    .where('e.kind', '=', 'answered')
    .where(sql<string>`e.detail->>'agentId'`, '=', agentId)
    .where('e.at', '>=', conversation.assigned_at ?? new Date(0))
    .limit(1)
    .executeTakeFirst();
}

/**
 * The assigned agent has not answered in the group's `no_answer_seconds`: the conversation goes
 * to someone else (or back in line), and the agent is set away when the group says so.
 */
export const runNoAnswer: TimerHandler = async (trx, events, conversation, payload) => {
  if (conversation.status !== 'assigned' || conversation.assignee_id !== payload.agentId || !payload.agentId) return 'done';
  const agentId = payload.agentId;
  const answered =
    conversation.kind === 'voice'
      ? await callAnswered(trx, conversation, agentId)
      : await trx
          .selectFrom('messages')
          .select('id')
          .where('conversation_id', '=', conversation.id)
          .where('direction', '=', 'out')
          .where('sender_type', '=', 'agent')
          .where('private', '=', false)
          .where('created_at', '>=', conversation.assigned_at ?? new Date(0))
          .limit(1)
          .executeTakeFirst();
  if (answered) return 'done';

  const group = conversation.group_id ? await loadGroup(trx, conversation.tenant_id, conversation.group_id) : undefined;
  await logRelease(trx, conversation, 'no answer');
  const released = await trx
    .updateTable('conversations')
    .set({ status: 'open', assignee_id: null, preferred_agent_id: null, updated_at: sql`now()` })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (group?.no_answer_set_away) {
    const agent = await trx
      .updateTable('users')
      .set({ agent_status: 'away', status_changed_at: sql`now()` })
      .where('tenant_id', '=', conversation.tenant_id)
      .where('id', '=', agentId)
      .where('agent_status', '=', 'online')
      .returning(['id', 'phone_status'])
      .executeTakeFirst();
    if (agent) events.add(conversation.tenant_id, 'agent.status', { userId: agentId, status: 'away', phoneStatus: agent.phone_status });
  }
  const placed = await placeConversation(trx, events, new AgentPool(trx, conversation.tenant_id), released, {
    reason: 'no answer',
    excludeAgentIds: [agentId],
  });
  events.add(conversation.tenant_id, 'conversation.transferred', {
    conversation: conversationSnapshot(placed),
    from: { assigneeId: agentId, groupId: conversation.group_id },
  });
  if (!group?.no_answer_set_away) {
    await assignWaiting(trx, events, conversation.tenant_id, await linesOfAgent(trx, conversation.tenant_id, agentId), {
      skipConversationIds: [conversation.id],
    });
  }
  return 'done';
};
