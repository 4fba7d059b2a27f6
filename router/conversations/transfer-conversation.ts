import { sql } from 'kysely';
import type { Conversation } from '../../core/db/schema.js';
import { queueReply } from '../../core/conversations/reply.js';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { assignTo, logRelease } from '../assignment/assign.js';
import { requireAvailableAgent } from '../assignment/available-agent.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import { loadGroup } from '../assignment/groups.js';
import { AgentPool } from '../assignment/agent-pool.js';
import { placeConversation } from '../assignment/place.js';
import { publishQueuePositions } from '../assignment/queue.js';
import type { RouterDeps } from '../deps.js';
import { withConversation } from './unit-of-work.js';

export type TransferTarget = { agentId: string } | { groupId: string } | { queue: true };

export interface TransferInput {
  tenantId: string;
  conversationId: string;
  actorId: string;
  to: TransferTarget;
  /** An internal note for whoever takes it next; never sent to the customer. */
  note?: string;
}

/**
 * Hands a conversation on: to an agent (who must be online with room), to a group (its strategy
 * picks someone other than the current agent, or it waits in that group's line), or back to the
 * line it came from. The note is kept as a private message. The agent who let it go gets that
 * capacity back at once.
 */
export async function transferConversation(deps: RouterDeps, input: TransferInput): Promise<ConversationSnapshot> {
  const to = input.to as Partial<{ agentId: string; groupId: string; queue: true }>;
  if ([to.agentId, to.groupId, to.queue].filter((t) => t !== undefined).length !== 1) {
    throw new ValidationError('transfer to one agent, one group, or the queue', [{ field: 'to', message: 'name exactly one target' }]);
  }
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status === 'resolved') throw new ConflictError('the conversation is resolved');
    const from = { assigneeId: conversation.assignee_id, groupId: conversation.group_id };
    const previousAgent = conversation.status === 'assigned' ? conversation.assignee_id : null;
    let result: Conversation;
    if (to.agentId) {
      if (to.agentId === previousAgent) throw new ConflictError('the conversation is already with this agent');
      const agent = await requireAvailableAgent(trx, input.tenantId, to.agentId, conversation.kind);
      await logRelease(trx, conversation, `transferred by ${input.actorId}`);
      const group = conversation.group_id ? await loadGroup(trx, input.tenantId, conversation.group_id) : undefined;
      result = await assignTo(trx, events, conversation, agent, `transferred by ${input.actorId}`, group);
    } else {
      let groupId = conversation.group_id;
      if (to.groupId) {
        if (!(await loadGroup(trx, input.tenantId, to.groupId))) throw new NotFoundError('group');
        groupId = to.groupId;
      }
      await logRelease(trx, conversation, `transferred by ${input.actorId}`);
      const released = await trx
        .updateTable('conversations')
        .set({
          status: 'open',
          assignee_id: null,
          group_id: groupId,
          preferred_agent_id: null,
          // A new line starts a new wait; back to the same line keeps the place.
          queued_at: groupId === conversation.group_id ? conversation.queued_at : null,
          updated_at: sql`now()`,
        })
        .where('id', '=', conversation.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      result = await placeConversation(trx, events, new AgentPool(trx, conversation.tenant_id), released, {
        reason: `transferred by ${input.actorId}`,
        excludeAgentIds: previousAgent ? [previousAgent] : [],
      });
    }
    if (input.note?.trim()) {
      await events.flush(trx);
      await queueReply(trx, {
        tenantId: input.tenantId,
        conversationId: conversation.id,
        sender: { type: 'agent', id: input.actorId },
        parts: [{ type: 'text', text: input.note }],
        private: true,
      });
    }
    events.add(input.tenantId, 'conversation.transferred', {
      conversation: conversationSnapshot(result),
      from,
      ...(input.note?.trim() ? { note: input.note } : {}),
    });
    if (conversation.status === 'queued' && result.group_id !== conversation.group_id) {
      // It left a line: the ones behind it moved up.
      await publishQueuePositions(trx, events, input.tenantId, conversation.group_id);
    }
    if (previousAgent) {
      await assignWaiting(trx, events, input.tenantId, await linesOfAgent(trx, input.tenantId, previousAgent), {
        skipConversationIds: [conversation.id],
      });
    }
    return conversationSnapshot(result);
  });
}
