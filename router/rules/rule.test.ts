import { describe, expect, it } from 'vitest';
import { facts } from './conditions/fixtures.js';
import { decideRoute } from './decide.js';
import { firstMatchingRule, ruleSchema, type RoutingRule } from './rule.js';

const G_VIP = '00000000-0000-4000-8000-000000000001';
const G_DEFAULT = '00000000-0000-4000-8000-000000000002';
const rules: RoutingRule[] = [
  {
    id: 'vip',
    name: 'VIP',
    conditions: [
      { type: 'contact_tag', anyOf: ['vip'] },
      { type: 'channel', channelTypes: ['web'] },
    ],
    actions: { groupId: G_VIP, priority: 10 },
  },
  { id: 'refund', name: 'Refunds', conditions: [{ type: 'keyword', anyOf: ['退款'] }], actions: { priority: 5, autoReply: '稍等' } },
];

describe('routing rules', () => {
  it('takes the first rule whose every condition holds', () => {
    const vipRefund = facts({ contact: { attributes: {}, tags: ['VIP'] }, text: '退款' });
    expect(firstMatchingRule(rules, vipRefund)?.id).toBe('vip');
    expect(firstMatchingRule(rules, { ...vipRefund, channel: { id: 'x', type: 'email' } })?.id).toBe('refund');
    expect(firstMatchingRule(rules, facts({ text: 'hi' }))).toBeUndefined();
  });

  it('falls back to the default group for what a rule leaves open, and for no match at all', () => {
    const config = { rules, defaultGroupId: G_DEFAULT };
    expect(decideRoute(config, facts({ text: '退款' }))).toEqual({
      ruleId: 'refund',
      groupId: G_DEFAULT,
      requiredSkills: [],
      priority: 5,
      preferredAgentId: null,
      autoReply: '稍等',
    });
    expect(decideRoute(config, facts({ text: 'hi' }))).toMatchObject({ ruleId: null, groupId: G_DEFAULT, priority: 0 });
  });

  it('treats a rule without conditions as always matching', () => {
    expect(firstMatchingRule([{ id: 'all', name: 'All', conditions: [], actions: {} }], facts())?.id).toBe('all');
  });

  it('refuses unknown condition types and out-of-range skill levels', () => {
    expect(ruleSchema.safeParse({ id: 'x', name: 'x', conditions: [{ type: 'weather' }], actions: {} }).success).toBe(false);
    expect(ruleSchema.safeParse({ id: 'x', name: 'x', conditions: [], actions: { requiredSkills: [{ skillId: G_VIP, minLevel: 6 }] } }).success).toBe(false);
  });
});
