import { describe, expect, it } from 'vitest';
import { eventCondition, matchesEvent } from './event.js';
import { facts } from './fixtures.js';

describe('event condition', () => {
  const menuClick = facts({ events: [{ name: 'wechat.click', data: { key: 'V1001_AFTER_SALES' } }] });

  it('matches a menu click by name, and by its key when one is given', () => {
    expect(matchesEvent({ type: 'event', name: 'wechat.click' }, menuClick)).toBe(true);
    expect(matchesEvent({ type: 'event', name: 'wechat.click', key: 'V1001_AFTER_SALES' }, menuClick)).toBe(true);
    expect(matchesEvent({ type: 'event', name: 'wechat.click', key: 'V1002_SALES' }, menuClick)).toBe(false);
    expect(matchesEvent({ type: 'event', name: 'wechat.subscribe' }, menuClick)).toBe(false);
  });

  it('never matches a message without events, and refuses a condition without a name', () => {
    expect(matchesEvent({ type: 'event', name: 'wechat.click' }, facts())).toBe(false);
    expect(eventCondition.safeParse({ type: 'event' }).success).toBe(false);
  });
});
