import { describe, expect, it } from 'vitest';
import { channelCondition, matchesChannel } from './channel.js';
import { facts } from './fixtures.js';

describe('channel condition', () => {
  it('matches by channel type or id, and both when both are given', () => {
    const wechat = facts({ channel: { id: 'ch-1', type: 'wechat' } });
    expect(matchesChannel({ type: 'channel', channelTypes: ['wechat', 'weibo'] }, wechat)).toBe(true);
    expect(matchesChannel({ type: 'channel', channelTypes: ['email'] }, wechat)).toBe(false);
    expect(matchesChannel({ type: 'channel', channelIds: ['ch-1'] }, wechat)).toBe(true);
    expect(matchesChannel({ type: 'channel', channelIds: ['ch-1'], channelTypes: ['email'] }, wechat)).toBe(false);
  });

  it('refuses a condition that names nothing', () => {
    expect(channelCondition.safeParse({ type: 'channel' }).success).toBe(false);
  });
});
