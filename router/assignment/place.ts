import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import type { EventLog } from '../events.js';
import { hasSkills, strategyFor, type AgentCandidate, type AssignmentRequest } from '../strategies/index.js';
import { assignTo } from './assign.js';
import { loadAgent, loadCandidates } from './candidates.js';
import { loadGroup } from './groups.js';
import { enqueue } from './queue.js';

export interface PlaceOptions {
  reason: string;
  /** Agents not to pick (the one who did not answer). */
  excludeAgentIds?: readonly string[];
  /** Put it in line even if someone has room (a transfer back to the queue). */
  queueOnly?: boolean;
}

/** The agent who last took a conversation of this contact within `days`. */
async function previousAgentOf(trx: Transaction<Database>, conversation: Conversation, days: number): Promise<string | null> {
  if (days <= 0) return null;
  const row = await trx
    .selectFrom('assignment_log as l')
    .innerJoin('conversations as c', 'c.id', 'l.conversation_id')
    .select('l.agent_id')
    .where('l.tenant_id', '=', conversation.tenant_id)
    .where('c.contact_id', '=', conversation.contact_id)
    .where('l.action', '=', 'assign')
    .where('l.at', '>', sql<Date>`now() - make_interval(days => ${days})`)
    .orderBy('l.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.agent_id ?? null;
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
  conversation: Conversation,
  group: Group | undefined,
  options: PlaceOptions,
): Promise<AgentCandidate | undefined> {
  const preferred = await preferredAgent(trx, conversation, options);
  if (preferred) return preferred;
  const strategy = strategyFor(group?.strategy ?? 'round_robin');
  if (strategy.waitsForClaim) return undefined;
  const candidates = await loadCandidates(trx, conversation.tenant_id, conversation.group_id, conversation.kind, {
    excludeAgentIds: options.excludeAgentIds,
  });
  if (candidates.length === 0) return undefined;
  const request: AssignmentRequest = { requiredSkills: conversation.required_skills };
  if (strategy.name === 'sticky') request.previousAgentId = await previousAgentOf(trx, conversation, group?.sticky_days ?? 7);
  return strategy.pick(candidates, request);
}

/**
 * Assigns a conversation that has been routed (group, skills, priority set) to an agent, or
 * puts it in its group's line. The caller holds the conversation's row and the tenant's routing
 * lock (see ../locking.ts).
 */
export async function placeConversation(
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  options: PlaceOptions,
): Promise<Conversation> {
  const group = conversation.group_id ? await loadGroup(trx, conversation.tenant_id, conversation.group_id) : undefined;
  const agent = options.queueOnly ? undefined : await chooseAgent(trx, conversation, group, options);
  if (agent) return assignTo(trx, events, conversation, agent, options.reason, group);
  return enqueue(trx, events, conversation, group);
}
