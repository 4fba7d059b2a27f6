import type { Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import type { EventLog } from '../events.js';
import { hasSkills, strategyFor, type AgentCandidate, type AssignmentRequest } from '../strategies/index.js';
import { assignTo } from './assign.js';
import type { AgentPool } from './agent-pool.js';
import { loadAgent } from './candidates.js';
import { loadGroup } from './groups.js';
import { enqueue } from './queue.js';

export interface PlaceOptions {
  reason: string;
  /** Agents not to pick (the one who did not answer). */
  excludeAgentIds?: readonly string[];
  /** Put it in line even if someone has room (a transfer back to the queue). */
  queueOnly?: boolean;
  /** The conversation's group when the caller has it already (the pipeline reads all once per batch). */
  group?: Group;
}

/** The agent a rule named, when that agent is online with room and the skills asked for. */
async function preferredAgent(trx: Transaction<Database>, conversation: Conversation, options: PlaceOptions): Promise<AgentCandidate | undefined> {
  const agentId = conversation.preferred_agent_id;
  if (!agentId || options.excludeAgentIds?.includes(agentId)) return undefined;
  const agent = await loadAgent(trx, conversation.tenant_id, agentId, conversation.kind);
  if (agent?.agent_status !== 'online' || agent.account_status !== 'active' || agent.load >= agent.capacity) return undefined;
  if (conversation.kind === 'voice' && agent.phone_status === 'offline') return undefined;
  const skills = await trx.selectFrom('agent_skills').select(['skill_id', 'level']).where('user_id', '=', agentId).execute();
  const candidate: AgentCandidate = {
    id: agent.id,
    load: agent.load,
    capacity: agent.capacity,
    lastAssignedAt: null,
    skills: Object.fromEntries(skills.map((s) => [s.skill_id, s.level])),
  };
  return hasSkills(candidate, conversation.required_skills) ? candidate : undefined;
}

/** Picks the agent for a conversation by its group's strategy, or undefined when it must wait. */
export async function chooseAgent(
  trx: Transaction<Database>,
  pool: AgentPool,
  conversation: Conversation,
  group: Group | undefined,
  options: PlaceOptions,
): Promise<AgentCandidate | undefined> {
  // The named agent's load is read from the database: this batch's assignments must be there first.
  if (conversation.preferred_agent_id) await pool.batch?.flush(trx);
  const preferred = await preferredAgent(trx, conversation, options);
  if (preferred) return preferred;
  const strategy = strategyFor(group?.strategy ?? 'round_robin');
  if (strategy.waitsForClaim) return undefined;
  const candidates = await pool.candidates(conversation.group_id, conversation.kind, options.excludeAgentIds);
  if (candidates.length === 0) return undefined;
  const request: AssignmentRequest = { requiredSkills: conversation.required_skills };
  if (strategy.name === 'sticky') request.previousAgentId = await pool.previousAgentOf(conversation.contact_id, group?.sticky_days ?? 7);
  return strategy.pick(candidates, request);
}

/**
 * Assigns a conversation that has been routed (group, skills, priority set) to an agent, or
 * puts it in its group's line. The caller holds the conversation's row and the tenant's routing
 * lock (see ../locking.ts), and the pool was loaded under that lock.
 */
export async function placeConversation(
  trx: Transaction<Database>,
  events: EventLog,
  pool: AgentPool,
  conversation: Conversation,
  options: PlaceOptions,
): Promise<Conversation> {
  const group =
    options.group?.id === conversation.group_id
      ? options.group
      : conversation.group_id
        ? await loadGroup(trx, conversation.tenant_id, conversation.group_id)
        : undefined;
  const agent = options.queueOnly ? undefined : await chooseAgent(trx, pool, conversation, group, options);
  if (agent) return assignTo(trx, events, conversation, agent, options.reason, group, pool);
  return enqueue(trx, events, conversation, group, pool.batch);
}
