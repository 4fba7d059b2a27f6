import type { ConversationSnapshot } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { ConflictError } from '../../core/errors.js';
import { assignTo, logRelease } from '../assignment/assign.js';
import { requireAvailableAgent } from '../assignment/available-agent.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import { loadGroup } from '../assignment/groups.js';
import type { RouterDeps } from '../deps.js';
import { withConversation } from './unit-of-work.js';

export interface AssignInput {
  tenantId: string;
  conversationId: string;
  agentId: string;
  /** Who assigned it (a supervisor), for the log. */
  actorId: string;
}

/**
 * A supervisor gives a conversation to a named agent, who must be online with room. The agent
 * who had it gets that capacity back at once (the next waiting conversation may go to them).
 */
export async function assignConversation(deps: RouterDeps, input: AssignInput): Promise<ConversationSnapshot> {
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status === 'resolved') throw new ConflictError('the conversation is resolved');
    if (conversation.status === 'assigned' && conversation.assignee_id === input.agentId) return conversationSnapshot(conversation);
    const agent = await requireAvailableAgent(trx, input.tenantId, input.agentId, conversation.kind);
    await logRelease(trx, conversation, `reassigned by ${input.actorId}`);
    const group = conversation.group_id ? await loadGroup(trx, input.tenantId, conversation.group_id) : undefined;
    const updated = await assignTo(trx, events, conversation, agent, `assigned by ${input.actorId}`, group);
    if (conversation.status === 'assigned' && conversation.assignee_id) {
      await assignWaiting(trx, events, input.tenantId, await linesOfAgent(trx, input.tenantId, conversation.assignee_id));
    }
    return conversationSnapshot(updated);
  });
}
