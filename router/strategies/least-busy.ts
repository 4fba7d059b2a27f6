import { assignedLongerAgo, bestEligible, type AgentCandidate, type Strategy } from './strategy.js';

/** Load as a share of capacity, so an agent with room for 10 is less busy at 3 than one with room for 5. */
export function occupancy(agent: AgentCandidate): number {
  return agent.capacity > 0 ? agent.load / agent.capacity : Infinity;
}

export function lessBusy(a: AgentCandidate, b: AgentCandidate): number {
  const diff = occupancy(a) - occupancy(b);
  return diff !== 0 ? diff : assignedLongerAgo(a, b);
}

/** The eligible agent with the lowest load ÷ capacity; equal ones take turns. */
export const leastBusy: Strategy = {
  name: 'least_busy',
  waitsForClaim: false,
  pick: (candidates, request) => bestEligible(candidates, request, lessBusy),
};
