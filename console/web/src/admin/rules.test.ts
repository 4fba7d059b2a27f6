import { describe, expect, it } from 'vitest';
import { formFromRule, moveRule, ruleFromForm } from './rules.js';

describe('routing rules editor', () => {
  it('moves a rule up or down, and not past the ends', () => {
    expect(moveRule(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRule(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveRule(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
  it('makes conditions and actions from the form', () => {
    expect(ruleFromForm({ keywords: 'refund, 退款，refund', channelTypes: ['wechat-oa'], groupId: 'g1', priority: '10' })).toEqual({
      conditions: [
        { type: 'keyword', anyOf: ['refund', '退款'] },
        { type: 'channel', channelTypes: ['wechat-oa'] },
      ],
      actions: { groupId: 'g1', priority: 10 },
    });
    // No condition: a rule that always matches (a default at the end).
    expect(ruleFromForm({ keywords: ' ', channelTypes: [], groupId: '', priority: '' })).toEqual({ conditions: [], actions: {} });
  });
  it('edits a rule without losing what the form does not show', () => {
    const before = {
      conditions: [
        { type: 'contact_tag' as const, anyOf: ['vip'] },
        { type: 'keyword' as const, anyOf: ['refund'] },
        { type: 'channel' as const, channelTypes: ['web'] },
      ],
      actions: { groupId: 'g1', priority: 5, autoReply: 'Hello' },
    };
    expect(formFromRule(before)).toEqual({ keywords: 'refund', channelTypes: ['web'], groupId: 'g1', priority: '5' });
    expect(ruleFromForm({ keywords: 'invoice', channelTypes: ['email'], groupId: '', priority: '' }, before)).toEqual({
      conditions: [
        { type: 'contact_tag', anyOf: ['vip'] },
        { type: 'keyword', anyOf: ['invoice'] },
        { type: 'channel', channelTypes: ['email'] },
      ],
      actions: { autoReply: 'Hello' },
    });
  });
});
