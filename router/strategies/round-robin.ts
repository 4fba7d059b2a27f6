import { assignedLongerAgo, bestEligible, type Strategy } from './strategy.js';

/** Turns in order: the eligible agent whose last assignment is the oldest. */
export const roundRobin: Strategy = {
  name: 'round_robin',
  waitsForClaim: false,
  pick: (candidates, request) => bestEligible(candidates, request, assignedLongerAgo),
};
