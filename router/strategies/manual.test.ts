import { describe, expect, it } from 'vitest';
import { agent, noRequirements } from './fixtures.js';
import { strategyFor } from './index.js';
import { manualClaim } from './manual.js';

describe('manual claim', () => {
  it('never picks anyone: conversations wait for an agent to claim them', () => {
    expect(manualClaim.pick([agent('a'), agent('b')], noRequirements)).toBeUndefined();
    expect(manualClaim.waitsForClaim).toBe(true);
  });

  it('is what a group with strategy "manual" gets, while the others assign by themselves', () => {
    expect(strategyFor('manual')).toBe(manualClaim);
    for (const name of ['round_robin', 'least_busy', 'skill_weighted', 'sticky'] as const) {
      expect(strategyFor(name).name).toBe(name);
      expect(strategyFor(name).waitsForClaim).toBe(false);
    }
  });
});
