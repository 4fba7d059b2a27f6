import { describe, expect, it } from 'vitest';
import { agent } from './fixtures.js';
import { sticky } from './sticky.js';

describe('sticky', () => {
  it('returns to the agent who last served the contact when that agent is eligible', () => {
    const picked = sticky.pick([agent('a'), agent('previous', { lastAssignedAt: Date.now(), load: 3 })], { requiredSkills: [], previousAgentId: 'previous' });
    expect(picked?.id).toBe('previous');
  });

  it('falls through to round robin when the previous agent is full, not a candidate, or unknown', () => {
    const candidates = [agent('a', { lastAssignedAt: 20 }), agent('b', { lastAssignedAt: 10 }), agent('previous', { load: 5, capacity: 5 })];
    expect(sticky.pick(candidates, { requiredSkills: [], previousAgentId: 'previous' })?.id).toBe('b');
    expect(sticky.pick(candidates, { requiredSkills: [], previousAgentId: 'gone' })?.id).toBe('b');
    expect(sticky.pick(candidates, { requiredSkills: [] })?.id).toBe('b');
  });
});
