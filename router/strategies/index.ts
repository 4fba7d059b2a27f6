import type { GroupStrategy } from '../../core/db/schema.js';
import { leastBusy } from './least-busy.js';
import { manualClaim } from './manual.js';
import { roundRobin } from './round-robin.js';
import { skillWeighted } from './skill-weighted.js';
import { sticky } from './sticky.js';
import type { Strategy } from './strategy.js';

export * from './strategy.js';

const strategies: Record<GroupStrategy, Strategy> = {
  round_robin: roundRobin,
  least_busy: leastBusy,
  skill_weighted: skillWeighted,
  sticky,
  manual: manualClaim,
};

export function strategyFor(name: GroupStrategy): Strategy {
  return strategies[name];
}
