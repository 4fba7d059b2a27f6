import type { Strategy } from './strategy.js';

/** Nobody is assigned automatically: conversations wait in the group's queue until an agent claims one. */
export const manualClaim: Strategy = {
  name: 'manual',
  waitsForClaim: true,
  pick: () => undefined,
};
