import type { ConversationSnapshot } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { canSeeConversation, loadPrincipal, visibilityOf } from '../../core/auth/permissions.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.js';
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
 * An agent takes a waiting conversation they may see (by their role: all, their groups'). The conversation's row lock makes
 * two claims at once take turns: the first wins, the second finds it taken (ConflictError).
 */
export async function claimConversation(deps: RouterDeps, input: ClaimInput): Promise<ConversationSnapshot> {
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status === 'assigned' || conversation.status === 'resolved' || conversation.assignee_id) {
      throw conversation.status === 'resolved'
        ? new ConflictError('the conversation is resolved', 'resolved')
        : new ConflictError('the conversation has been taken', 'taken');
    }
    // Whoever may see the waiting conversation may take it: a supervisor who sees every
    // conversation takes one outside their groups, an agent who sees by group only in theirs.
    const principal = await loadPrincipal(trx, input.tenantId, input.agentId);
    if (!principal) throw new NotFoundError('agent');
    if (!canSeeConversation(principal, { groupId: conversation.group_id, assigneeId: conversation.assignee_id })) {
      throw new ForbiddenError(visibilityOf(principal) === 'group' ? "the agent is not in the conversation's group" : 'the agent may not see the conversation');
    }
    const agent = await requireAvailableAgent(trx, input.tenantId, input.agentId, conversation.kind, ['online', 'busy']);
    const group = conversation.group_id ? await loadGroup(trx, input.tenantId, conversation.group_id) : undefined;
    const updated = await assignTo(trx, events, conversation, agent, 'claimed', group);
    if (conversation.status === 'queued') await publishQueuePositions(trx, events, input.tenantId, conversation.group_id);
    return conversationSnapshot(updated);
  });
}
