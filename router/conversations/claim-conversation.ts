import type { ConversationSnapshot } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { ConflictError, ForbiddenError } from '../../core/errors.js';
import { assignTo } from '../assignment/assign.js';
import { requireAvailableAgent } from '../assignment/available-agent.js';
import { loadGroup } from '../assignment/groups.js';
import { publishQueuePositions } from '../assignment/queue.js';
import type { RouterDeps } from '../deps.js';
import { withConversation } from './unit-of-work.js';

export interface ClaimInput {
  tenantId: string;
  conversationId: string;
  agentId: string;
}

/**
 * An agent takes a waiting conversation from a line they serve. The conversation's row lock makes
 * two claims at once take turns: the first wins, the second finds it taken (ConflictError).
 */
export async function claimConversation(deps: RouterDeps, input: ClaimInput): Promise<ConversationSnapshot> {
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status === 'assigned' || conversation.status === 'resolved' || conversation.assignee_id) {
      throw new ConflictError(conversation.status === 'resolved' ? 'the conversation is resolved' : 'the conversation has been taken');
    }
    if (conversation.group_id) {
      const member = await trx
        .selectFrom('group_members')
        .select('user_id')
        .where('tenant_id', '=', input.tenantId)
        .where('group_id', '=', conversation.group_id)
        .where('user_id', '=', input.agentId)
        .executeTakeFirst();
      if (!member) throw new ForbiddenError('the agent is not in the conversation\'s group');
    }
    const agent = await requireAvailableAgent(trx, input.tenantId, input.agentId, conversation.kind, ['online', 'busy']);
    const group = conversation.group_id ? await loadGroup(trx, input.tenantId, conversation.group_id) : undefined;
    const updated = await assignTo(trx, events, conversation, agent, 'claimed', group);
    if (conversation.status === 'queued') await publishQueuePositions(trx, events, input.tenantId, conversation.group_id);
    return conversationSnapshot(updated);
  });
}
