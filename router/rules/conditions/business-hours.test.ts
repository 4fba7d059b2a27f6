import { describe, expect, it } from 'vitest';
import { businessHoursCondition, matchesBusinessHours } from './business-hours.js';
import { facts } from './fixtures.js';

describe('business hours condition', () => {
  const closedSupport = facts({ isOpen: ({ groupId, calendarId }) => (groupId === 'support' || calendarId === 'cal' ? false : undefined) });

  it('matches outside hours when asked for open: false, and not when asked for open: true', () => {
    expect(matchesBusinessHours({ type: 'business_hours', groupId: 'support', open: false }, closedSupport)).toBe(true);
    expect(matchesBusinessHours({ type: 'business_hours', calendarId: 'cal', open: true }, closedSupport)).toBe(false);
  });

  it('never matches a calendar that does not exist', () => {
    expect(matchesBusinessHours({ type: 'business_hours', calendarId: 'gone', open: false }, closedSupport)).toBe(false);
    expect(businessHoursCondition.safeParse({ type: 'business_hours', open: true }).success).toBe(false);
  });
});
