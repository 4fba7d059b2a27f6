import { describe, expect, it } from 'vitest';
import { agent, noRequirements } from './fixtures.js';
import { leastBusy, occupancy } from './least-busy.js';

describe('least busy', () => {
  it('picks the lowest load relative to capacity, not the lowest load', () => {
    const picked = leastBusy.pick([agent('small', { load: 2, capacity: 4 }), agent('large', { load: 3, capacity: 10 })], noRequirements);
    expect(picked?.id).toBe('large');
    expect(occupancy(agent('x', { load: 3, capacity: 10 }))).toBeCloseTo(0.3);
  });

  it('lets equally busy agents take turns and never picks a full one', () => {
    const candidates = [
      agent('a', { load: 1, capacity: 2, lastAssignedAt: 50 }),
      agent('b', { load: 2, capacity: 4, lastAssignedAt: 10 }),
      agent('full', { load: 3, capacity: 3 }),
    ];
    expect(leastBusy.pick(candidates, noRequirements)?.id).toBe('b');
    expect(leastBusy.pick([agent('full', { load: 3, capacity: 3 })], noRequirements)).toBeUndefined();
  });
});
