import type { GroupStrategy, RequiredSkill } from '../../core/db/schema.js';

/** An agent who could take a conversation now: online, in the group, with their load for its kind. */
export interface AgentCandidate {
  id: string;
  /** Open conversations of the conversation's kind assigned to the agent now. */
  load: number;
  /** The agent's capacity for that kind. */
  capacity: number;
  /** Epoch ms of the agent's last assignment; null when never assigned. */
  lastAssignedAt: number | null;
  /** Skill id → level 1–5. */
  skills: Record<string, number>;
}

export interface AssignmentRequest {
  requiredSkills: readonly RequiredSkill[];
  /** For the sticky strategy: the agent who last served this contact within the window. */
  previousAgentId?: string | null;
}

/** How a group picks an agent among its candidates. */
export interface Strategy {
  readonly name: GroupStrategy;
  /** true when the group never assigns by itself: agents claim from its queue. */
  readonly waitsForClaim: boolean;
  /** The agent to assign, or undefined when nobody eligible has room (the conversation waits). */
  pick(candidates: readonly AgentCandidate[], request: AssignmentRequest): AgentCandidate | undefined;
}

export function hasRoom(agent: AgentCandidate): boolean {
  return agent.load < agent.capacity;
}

export function hasSkills(agent: AgentCandidate, required: readonly RequiredSkill[]): boolean {
  for (const skill of required) if ((agent.skills[skill.skillId] ?? 0) < skill.minLevel) return false;
  return true;
}

/** Eligible: room for one more and every required skill at the level asked for. */
export function isEligible(agent: AgentCandidate, request: AssignmentRequest): boolean {
  return hasRoom(agent) && hasSkills(agent, request.requiredSkills);
}

/** Never assigned first, then the longest ago; the id breaks ties so every process picks alike. */
export function assignedLongerAgo(a: AgentCandidate, b: AgentCandidate): number {
  const at = a.lastAssignedAt ?? -Infinity;
  const bt = b.lastAssignedAt ?? -Infinity;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The best of the eligible candidates by `better` (negative: the first is better), in one pass. */
export function bestEligible(
  candidates: readonly AgentCandidate[],
  request: AssignmentRequest,
  better: (a: AgentCandidate, b: AgentCandidate) => number,
): AgentCandidate | undefined {
  let best: AgentCandidate | undefined;
  for (const candidate of candidates) {
    if (!isEligible(candidate, request)) continue;
    if (!best || better(candidate, best) < 0) best = candidate;
  }
  return best;
}
