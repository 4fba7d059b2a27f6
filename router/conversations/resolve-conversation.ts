import { sql } from 'kysely';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { ConflictError } from '../../core/errors.js';
import { logRelease } from '../assignment/assign.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import { AgentPool } from '../assignment/agent-pool.js';
import { placeConversation } from '../assignment/place.js';
import { publishQueuePositions } from '../assignment/queue.js';
import type { RouterDeps } from '../deps.js';
import { cancelJobs, JOB_KINDS } from '../timers/jobs.js';
import type { EventLog } from '../events.js';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { Transaction } from 'kysely';
import { withConversation } from './unit-of-work.js';

export interface ResolveInput {
  tenantId: string;
  conversationId: string;
  actorId: string;
}

/**
 * Closes a conversation (the caller holds its row and the tenant's routing lock). The agent's
 * freed seat goes at once to the next waiting conversation they can take.
 */
export async function resolveLocked(trx: Transaction<Database>, events: EventLog, conversation: Conversation, reason: string): Promise<Conversation> {
  await logRelease(trx, conversation, reason);
  const resolved = await trx
    .updateTable('conversations')
    .set({ status: 'resolved', resolved_at: sql`now()`, queued_at: null, updated_at: sql`now()` })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await cancelJobs(trx, conversation.id, JOB_KINDS);
  events.add(conversation.tenant_id, 'conversation.resolved', { conversation: conversationSnapshot(resolved) });
  if (conversation.status === 'assigned' && conversation.assignee_id) {
    await assignWaiting(trx, events, conversation.tenant_id, await linesOfAgent(trx, conversation.tenant_id, conversation.assignee_id));
  } else if (conversation.status === 'queued') {
    await publishQueuePositions(trx, events, conversation.tenant_id, conversation.group_id);
  }
  return resolved;
}

/** Resolving twice is harmless: the second time changes nothing. */
export async function resolveConversation(deps: RouterDeps, input: ResolveInput): Promise<ConversationSnapshot> {
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status === 'resolved') return conversationSnapshot(conversation);
    return conversationSnapshot(await resolveLocked(trx, events, conversation, `resolved by ${input.actorId}`));
  });
}

/**
 * Opens a resolved conversation again and routes it in its group, back to the agent who had it
 * when that agent has room. Refused while the customer has another open conversation on the same
 * channel and thread.
 */
export async function reopenConversation(deps: RouterDeps, input: ResolveInput): Promise<ConversationSnapshot> {
  return withConversation(deps, input.tenantId, input.conversationId, async (trx, conversation, events) => {
    if (conversation.status !== 'resolved') throw new ConflictError('the conversation is not resolved');
    const other = await trx
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', input.tenantId)
      .where('channel_id', '=', conversation.channel_id)
      .where('contact_id', '=', conversation.contact_id)
      .where('thread_key', '=', conversation.thread_key)
      .where('status', '<>', 'resolved')
      .executeTakeFirst();
    if (other) throw new ConflictError('the customer already has an open conversation on this channel');
    const reopened = await trx
      .updateTable('conversations')
      .set({ status: 'open', resolved_at: null, assignee_id: null, queued_at: null, preferred_agent_id: conversation.assignee_id, updated_at: sql`now()` })
      .where('id', '=', conversation.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    events.add(input.tenantId, 'conversation.reopened', { conversation: conversationSnapshot(reopened) });
    return conversationSnapshot(
      await placeConversation(trx, events, new AgentPool(trx, conversation.tenant_id), reopened, { reason: `reopened by ${input.actorId}` }),
    );
  });
}
