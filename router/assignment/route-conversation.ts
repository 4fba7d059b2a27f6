import type { Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import type { EventLog } from '../events.js';
import type { RoutingConfig } from '../rules/config.js';
import { decideRoute } from '../rules/decide.js';
import type { RoutingFacts } from '../rules/facts.js';
import type { AgentPool } from './agent-pool.js';
import { sendAutomaticReply } from './auto-reply.js';
import { assignTo } from './assign.js';
import { loadAgent } from './candidates.js';
import { placeConversation } from './place.js';

/** Where a channel that routes by itself sends a conversation (see ChannelRouting). */
export interface RouteOverride {
  groupId?: string;
  agentId?: string;
  /** The agent is on it already (they placed the call): assign to them whatever their status or load. */
  direct?: boolean;
  priority?: number;
}

/** What routing decided for a conversation, before it is assigned or put in line. */
export interface RoutedConversation {
  /** The conversation with its group, required skills, priority and preferred agent. */
  conversation: Conversation;
  /** Why it went there, for the assignment log (`channel`, `rule:<id>`, `default`). */
  reason: string;
  /** The channel's agent is on it already (see RouteOverride.direct). */
  direct: boolean;
  autoReply: string | null;
}

/**
 * Routes a new (or reopened) conversation: the rules pick group, skills, priority, maybe an agent
 * and an automatic reply. A reopened conversation goes back to the agent who had it when that
 * agent has room and no rule names another. The caller holds the conversation's row; the
 * tenant's routing lock is not needed (nothing here reads an agent's load or status), only for
 * `placeRoutedConversation`, which then assigns it or puts it in line.
 */
export async function decideConversationRoute(
  trx: Transaction<Database>,
  conversation: Conversation,
  config: RoutingConfig,
  facts: RoutingFacts,
  previousAssigneeId: string | null = null,
  override?: RouteOverride,
): Promise<RoutedConversation> {
  const decision = { ...decideRoute(config, facts) };
  if (override) {
    // The channel decided (a caller chose a queue): its group, agent and priority stand; the
    // rules still add skills. No automatic reply: the channel speaks for itself.
    Object.assign(decision, { ruleId: null, autoReply: null, groupId: override.groupId ?? decision.groupId });
    if (override.agentId) decision.preferredAgentId = override.agentId;
    if (override.priority !== undefined) decision.priority = override.priority;
  }
  // A rule may still name a group that has since been deleted: fall back rather than fail.
  const groupId = [decision.groupId, config.defaultGroupId].find((id) => id && config.groups.has(id)) ?? null;
  let preferredAgentId = decision.preferredAgentId ?? previousAssigneeId;
  if (preferredAgentId) {
    const agent = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', conversation.tenant_id)
      .where('id', '=', preferredAgentId)
      .executeTakeFirst();
    if (!agent) preferredAgentId = null;
  }
  return {
    // Written by the placement, in the same statement as the assignment or the queueing.
    conversation: {
      ...conversation,
      group_id: groupId,
      required_skills: decision.requiredSkills,
      priority: decision.priority,
      preferred_agent_id: preferredAgentId,
    },
    reason: override ? 'channel' : decision.ruleId ? `rule:${decision.ruleId}` : 'default',
    direct: Boolean(override?.direct && preferredAgentId),
    autoReply: decision.autoReply,
  };
}

/** Assigns a routed conversation or puts it in its group's line; then its automatic reply, if any. */
export async function placeRoutedConversation(
  trx: Transaction<Database>,
  events: EventLog,
  pool: AgentPool,
  routed: RoutedConversation,
  config: RoutingConfig,
): Promise<Conversation> {
  const { conversation } = routed;
  const group = conversation.group_id ? config.groups.get(conversation.group_id) : undefined;
  const placed = routed.direct
    ? await assignDirectly(trx, events, pool, conversation, conversation.preferred_agent_id!, group)
    : await placeConversation(trx, events, pool, conversation, { reason: routed.reason, group });
  if (routed.autoReply) {
    // The reply's event carries the conversation as stored: the batch's writes go first.
    await pool.batch?.flush(trx);
    await sendAutomaticReply(trx, events, conversation.tenant_id, conversation.id, routed.autoReply);
  }
  return placed;
}

/**
 * The agent who placed a call is on it from the first ring: the conversation is theirs even when
 * their other calls, or a status not yet updated, would keep the router from offering it to them.
 * An agent no longer active gets nothing; the conversation is placed as usual.
 */
async function assignDirectly(
  trx: Transaction<Database>,
  events: EventLog,
  pool: AgentPool,
  conversation: Conversation,
  agentId: string,
  group: Group | undefined,
): Promise<Conversation> {
  // The agent's load is read from the database: this batch's assignments must be there first.
  await pool.batch?.flush(trx);
  const agent = await loadAgent(trx, conversation.tenant_id, agentId, conversation.kind);
  if (agent?.account_status !== 'active') return placeConversation(trx, events, pool, conversation, { reason: 'channel', group });
  return assignTo(trx, events, conversation, agent, 'channel', group, pool);
}
