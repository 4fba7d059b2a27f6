import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, businessSeconds, zonedInstant, type BusinessCalendar } from './business-hours.js';

const nineToSix: BusinessCalendar = {
  id: 'c',
  timeZone: 'Asia/Shanghai',
  weeklyHours: [[], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], []],
  holidays: new Set(['2027-01-01']),
};

describe('business time', () => {
  it('finds the instant a local wall-clock time names, across daylight saving', () => {
    expect(zonedInstant('2027-03-01', 9 * 60, 'Asia/Shanghai').toISOString()).toBe('2027-03-01T01:00:00.000Z');
    expect(zonedInstant('2027-03-15', 9 * 60, 'America/New_York').toISOString()).toBe('2027-03-15T13:00:00.000Z');
    expect(zonedInstant('2027-01-15', 9 * 60, 'America/New_York').toISOString()).toBe('2027-01-15T14:00:00.000Z');
  });

  it('counts a target only while the calendar is open: Friday 17:00 plus two hours is Monday 10:00', () => {
    // 2027-03-05 is a Friday; 17:00 in Shanghai is 09:00 UTC.
    expect(addBusinessMinutes(nineToSix, new Date('2027-03-05T09:00:00Z'), 120).toISOString()).toBe('2027-03-08T02:00:00.000Z');
  });

  it('starts counting at opening time when a ticket arrives at night, and skips holidays', () => {
    // Thursday 2026-12-31 23:00 local → Friday is a holiday → Monday 2027-01-04 09:30.
    expect(addBusinessMinutes(nineToSix, new Date('2026-12-31T15:00:00Z'), 30).toISOString()).toBe('2027-01-04T01:30:00.000Z');
  });

  it('counts every minute without a calendar', () => {
    expect(addBusinessMinutes(null, new Date('2027-03-05T09:00:00Z'), 90).toISOString()).toBe('2027-03-05T10:30:00.000Z');
  });
  it('counts business seconds for the reports, an overnight opening belonging to the day it starts on', () => {
    // Friday 17:00:30 to Monday 09:00:15 local: 59.5 minutes on Friday, 15 seconds on Monday.
    expect(businessSeconds(nineToSix, new Date('2027-03-05T09:00:30Z'), new Date('2027-03-08T01:00:15Z'))).toBe(3585);
    expect(businessSeconds(undefined, new Date('2027-03-05T09:00:00Z'), new Date('2027-03-05T09:01:01Z'))).toBe(61);
    const nights: BusinessCalendar = {
      id: 'n',
      timeZone: 'Asia/Shanghai',
      weeklyHours: Array.from({ length: 7 }, () => [['22:00', '02:00'] as const]),
      holidays: new Set(['2027-03-05']),
    };
    // The night that starts on the holiday is closed; the one before it runs until 02:00 on it.
    expect(businessSeconds(nights, new Date('2027-03-04T13:00:00Z'), new Date('2027-03-05T19:00:00Z'))).toBe(4 * 3600);
  });

  it('measures the business minutes between two instants, the inverse of adding them', () => {
    // Friday 17:00 to Monday 10:00 local: one hour on Friday, one on Monday.
    expect(businessMinutesBetween(nineToSix, new Date('2027-03-05T09:00:00Z'), new Date('2027-03-08T02:00:00Z'))).toBe(120);
    // Across the New Year holiday: Thursday 17:30 to Monday 09:30 is 30 + 30 minutes.
    expect(businessMinutesBetween(nineToSix, new Date('2026-12-31T09:30:00Z'), new Date('2027-01-04T01:30:00Z'))).toBe(60);
    expect(businessMinutesBetween(nineToSix, new Date('2027-03-08T02:00:00Z'), new Date('2027-03-05T09:00:00Z'))).toBe(0);
    expect(businessMinutesBetween(null, new Date('2027-03-05T09:00:00Z'), new Date('2027-03-05T10:30:00Z'))).toBe(90);
    for (const minutes of [1, 59, 540, 541, 2000]) {
      const from = new Date('2027-03-04T07:17:00Z');
      expect(businessMinutesBetween(nineToSix, from, addBusinessMinutes(nineToSix, from, minutes))).toBe(minutes);
    }
  });
});
