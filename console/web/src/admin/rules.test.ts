import { describe, expect, it } from 'vitest';
import { moveRule, ruleFromForm } from './rules.js';

describe('routing rules editor', () => {
  it('moves a rule up or down, and not past the ends', () => {
    expect(moveRule(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRule(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveRule(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
  it('makes conditions and actions from the form', () => {
    expect(ruleFromForm({ keywords: 'refund, 退款，refund', channelTypes: 'wechat', groupId: 'g1', priority: '10' })).toEqual({
      conditions: [
        { type: 'keyword', anyOf: ['refund', '退款'] },
        { type: 'channel', channelTypes: ['wechat'] },
      ],
      actions: { groupId: 'g1', priority: 10 },
    });
    // No condition: a rule that always matches (a default at the end).
    expect(ruleFromForm({ keywords: ' ', channelTypes: '', groupId: '', priority: '' })).toEqual({ conditions: [], actions: {} });
  });
});
