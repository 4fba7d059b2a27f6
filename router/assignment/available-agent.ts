import type { Transaction } from 'kysely';
import type { AgentStatus, ConversationKind, Database } from '../../core/db/schema.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { loadAgent } from './candidates.js';

/**
 * An agent named by a person (assign, transfer, claim) must be able to take the conversation
 * now: active, in an accepted status, a phone on for calls, and room left for its kind.
 */
export async function requireAvailableAgent(
  trx: Transaction<Database>,
  tenantId: string,
  agentId: string,
  kind: ConversationKind,
  accepted: readonly AgentStatus[] = ['online'],
): Promise<{ id: string; load: number; capacity: number }> {
  const agent = await loadAgent(trx, tenantId, agentId, kind);
  if (!agent) throw new NotFoundError('agent');
  if (agent.account_status !== 'active') throw new ConflictError('the agent account is not active', 'agent_inactive');
  if (!accepted.includes(agent.agent_status)) throw new ConflictError(`the agent is ${agent.agent_status}`, 'agent_unavailable');
  if (kind === 'voice' && agent.phone_status === 'offline') throw new ConflictError('the agent has no phone on', 'no_phone');
  if (agent.load >= agent.capacity) throw new ConflictError(`the agent is at capacity for ${kind} (${agent.load}/${agent.capacity})`, 'at_capacity');
  return agent;
}
