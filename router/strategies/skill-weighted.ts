import type { RequiredSkill } from '../../core/db/schema.js';
import { lessBusy } from './least-busy.js';
import { bestEligible, type AgentCandidate, type Strategy } from './strategy.js';

/** The sum of the agent's levels in the skills asked for (all of the agent's skills when none are). */
export function skillScore(agent: AgentCandidate, required: readonly RequiredSkill[]): number {
  let score = 0;
  if (required.length === 0) for (const level of Object.values(agent.skills)) score += level;
  else for (const skill of required) score += agent.skills[skill.skillId] ?? 0;
  return score;
}

/** The most skilled eligible agent for what the conversation needs; among equals the least busy. */
export const skillWeighted: Strategy = {
  name: 'skill_weighted',
  waitsForClaim: false,
  pick: (candidates, request) =>
    bestEligible(candidates, request, (a, b) => {
      const diff = skillScore(b, request.requiredSkills) - skillScore(a, request.requiredSkills);
      return diff !== 0 ? diff : lessBusy(a, b);
    }),
};
