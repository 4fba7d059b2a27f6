import type { AgentCandidate } from './strategy.js';

/** A candidate with sensible defaults, for the strategies' tests. */
export function agent(id: string, overrides: Partial<AgentCandidate> = {}): AgentCandidate {
  return { id, load: 0, capacity: 5, lastAssignedAt: null, skills: {}, ...overrides };
}

export const noRequirements = { requiredSkills: [] };
