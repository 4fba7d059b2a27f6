import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import type { EventLog } from '../events.js';
import { cancelJobs, scheduleJob } from '../timers/jobs.js';
import type { AgentPool } from './agent-pool.js';
import { capacityFor } from './candidates.js';

/**
 * How a conversation is routed, written with every placement so a routing decision made in
 * memory lands in the same statement as the assignment or the queueing.
 */
export function routingFields(conversation: Conversation) {
  return {
    group_id: conversation.group_id,
    required_skills: JSON.stringify(conversation.required_skills),
    priority: conversation.priority,
    preferred_agent_id: conversation.preferred_agent_id,
  };
}

/**
 * Gives a conversation to an agent. The caller holds the conversation's row and the tenant's
 * routing lock and has checked the agent has room (`load` is the agent's load before).
 */
export async function assignTo(
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  agent: { id: string; load: number; capacity: number },
  reason: string,
  group: Group | undefined,
  pool?: AgentPool,
): Promise<Conversation> {
  const updated = await trx
    .updateTable('conversations')
    .set({
      ...routingFields(conversation),
      status: 'assigned',
      assignee_id: agent.id,
      assigned_at: sql`now()`,
      queued_at: null,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', conversation.tenant_id)
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // clock_timestamp, not now(): several assignments in one transaction must still take turns.
  await trx
    .updateTable('users')
    .set({ last_assigned_at: sql`clock_timestamp()` })
    .where('tenant_id', '=', conversation.tenant_id)
    .where('id', '=', agent.id)
    .execute();
  await trx
    .insertInto('assignment_log')
    .values({
      tenant_id: conversation.tenant_id,
      conversation_id: conversation.id,
      agent_id: agent.id,
      kind: conversation.kind,
      action: 'assign',
      reason,
      load_after: agent.load + 1,
      capacity: agent.capacity,
    })
    .execute();
  pool?.recordAssignment(agent.id, conversation.kind, conversation.contact_id);
  await cancelJobs(trx, conversation.id, ['router.overflow', 'router.no_answer']);
  if (group?.no_answer_seconds) {
    await scheduleJob(trx, conversation.tenant_id, 'router.no_answer', { conversationId: conversation.id, agentId: agent.id }, group.no_answer_seconds);
  }
  events.add(conversation.tenant_id, 'conversation.assigned', {
    conversation: conversationSnapshot(updated),
    previousAssigneeId: conversation.status === 'assigned' ? conversation.assignee_id : null,
  });
  return updated;
}

/**
 * Takes a conversation off its agent (resolved, transferred, re-routed) and logs the agent's load
 * after it. The conversation row itself is changed by the caller.
 */
export async function logRelease(trx: Transaction<Database>, conversation: Conversation, reason: string): Promise<void> {
  if (conversation.status !== 'assigned' || !conversation.assignee_id) return;
  const agent = await trx
    .selectFrom('users as u')
    .select([
      'u.capacity',
      // The agent's counter, less this conversation while it still counts there.
      sql<number>`coalesce((select l.assigned from agent_load l where l.user_id = u.id and l.kind = ${conversation.kind}), 0)
        - (select count(*)::int from conversations c where c.id = ${conversation.id} and c.assignee_id = u.id
          and c.status = 'assigned' and c.kind = ${conversation.kind})`.as('load'),
    ])
    .where('u.tenant_id', '=', conversation.tenant_id)
    .where('u.id', '=', conversation.assignee_id)
    .executeTakeFirst();
  if (!agent) return;
  await trx
    .insertInto('assignment_log')
    .values({
      tenant_id: conversation.tenant_id,
      conversation_id: conversation.id,
      agent_id: conversation.assignee_id,
      kind: conversation.kind,
      action: 'release',
      reason,
      load_after: agent.load,
      capacity: capacityFor(agent.capacity, conversation.kind),
    })
    .execute();
}
