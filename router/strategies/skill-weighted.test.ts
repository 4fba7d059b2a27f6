import { describe, expect, it } from 'vitest';
import { agent } from './fixtures.js';
import { skillScore, skillWeighted } from './skill-weighted.js';

const billing = [{ skillId: 'billing', minLevel: 2 }];

describe('skill weighted', () => {
  it('picks the highest level in the skills asked for', () => {
    const picked = skillWeighted.pick(
      [agent('two', { skills: { billing: 2 } }), agent('five', { skills: { billing: 5 }, load: 4 }), agent('one', { skills: { billing: 1 } })],
      { requiredSkills: billing },
    );
    expect(picked?.id).toBe('five');
  });

  it('breaks a tie in level by load, and leaves out agents below the minimum or at capacity', () => {
    const candidates = [
      agent('busy', { skills: { billing: 4 }, load: 3 }),
      agent('free', { skills: { billing: 4 }, load: 1 }),
      agent('full-expert', { skills: { billing: 5 }, load: 5, capacity: 5 }),
      agent('novice', { skills: { billing: 1 } }),
    ];
    expect(skillWeighted.pick(candidates, { requiredSkills: billing })?.id).toBe('free');
    expect(skillWeighted.pick([agent('novice', { skills: { billing: 1 } })], { requiredSkills: billing })).toBeUndefined();
  });

  it('scores every skill the agent has when the conversation asks for none', () => {
    expect(skillScore(agent('a', { skills: { x: 2, y: 3 } }), [])).toBe(5);
    expect(skillWeighted.pick([agent('a', { skills: { x: 2 } }), agent('b', { skills: { x: 2, y: 1 } })], { requiredSkills: [] })?.id).toBe('b');
  });
});
