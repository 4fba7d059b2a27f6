import { describe, expect, it } from 'vitest';
import { agent, noRequirements } from './fixtures.js';
import { roundRobin } from './round-robin.js';

describe('round robin', () => {
  it('picks the eligible agent whose last assignment is the oldest, never-assigned first', () => {
    const picked = roundRobin.pick(
      [agent('a', { lastAssignedAt: 3000 }), agent('b', { lastAssignedAt: 1000 }), agent('c', { lastAssignedAt: 2000 })],
      noRequirements,
    );
    expect(picked?.id).toBe('b');
    expect(roundRobin.pick([agent('a', { lastAssignedAt: 1 }), agent('b')], noRequirements)?.id).toBe('b');
  });

  it('skips agents at capacity or without the required skill level, and breaks ties by id', () => {
    const candidates = [
      agent('full', { load: 5, capacity: 5 }),
      agent('junior', { skills: { billing: 2 } }),
      agent('senior-b', { skills: { billing: 4 } }),
      agent('senior-a', { skills: { billing: 5 } }),
    ];
    expect(roundRobin.pick(candidates, { requiredSkills: [{ skillId: 'billing', minLevel: 3 }] })?.id).toBe('senior-a');
    expect(roundRobin.pick([agent('full', { load: 1, capacity: 1 }), agent('zero', { capacity: 0 })], noRequirements)).toBeUndefined();
  });
});
