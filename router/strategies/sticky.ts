import { roundRobin } from './round-robin.js';
import { isEligible, type Strategy } from './strategy.js';

/**
 * The agent who last served this contact (within the group's `sticky_days`), when that agent is
 * eligible now; otherwise round robin, so a returning customer never waits for one person.
 */
export const sticky: Strategy = {
  name: 'sticky',
  waitsForClaim: false,
  pick: (candidates, request) => {
    if (request.previousAgentId) {
      const previous = candidates.find((c) => c.id === request.previousAgentId);
      if (previous && isEligible(previous, request)) return previous;
    }
    return roundRobin.pick(candidates, request);
  },
};
