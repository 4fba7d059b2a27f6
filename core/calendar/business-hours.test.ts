import { describe, expect, it } from 'vitest';
import { isOpen, isValidTimeZone, localTime, parseClock, type BusinessCalendar } from './business-hours.js';

const weekdays: [string, string][] = [['09:00', '18:00']];
const shanghai: BusinessCalendar = {
  id: 'cn',
  timeZone: 'Asia/Shanghai',
  weeklyHours: [[], weekdays, weekdays, weekdays, weekdays, weekdays, []],
  holidays: new Set(['2026-10-01']),
};

describe('business hours', () => {
  it('reads the local time in the calendar zone, not the server zone', () => {
    // 01:30 UTC on Wednesday 25 Nov 2026 is 09:30 in Shanghai.
    expect(localTime(new Date('2026-11-25T01:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-25', weekday: 3, minutes: 570 });
    expect(isOpen(shanghai, new Date('2026-11-25T01:30:00Z'))).toBe(true);
    expect(isOpen(shanghai, new Date('2026-11-25T00:59:00Z'))).toBe(false); // 08:59 local
    expect(isOpen(shanghai, new Date('2026-11-25T10:00:00Z'))).toBe(false); // 18:00 local: closed
  });

  it('is closed at weekends and on holidays', () => {
    expect(isOpen(shanghai, new Date('2026-11-28T03:00:00Z'))).toBe(false); // Saturday 11:00
    expect(isOpen(shanghai, new Date('2026-10-01T03:00:00Z'))).toBe(false); // Thursday, National Day
    expect(isOpen(shanghai, new Date('2026-10-02T03:00:00Z'))).toBe(true);
  });

  it('follows daylight saving time', () => {
    const berlin: BusinessCalendar = {
      id: 'de',
      timeZone: 'Europe/Berlin',
      weeklyHours: Array.from({ length: 7 }, () => [['09:00', '17:00']]),
      holidays: new Set(),
    };
    // 07:30 UTC is 09:30 in summer (UTC+2) but 08:30 in winter (UTC+1).
    expect(isOpen(berlin, new Date('2026-07-01T07:30:00Z'))).toBe(true);
    expect(isOpen(berlin, new Date('2026-12-01T07:30:00Z'))).toBe(false);
  });

  it('handles opening hours that run past midnight', () => {
    const night: BusinessCalendar = { id: 'n', timeZone: 'UTC', weeklyHours: [[], [['22:00', '02:00']], [], [], [], [], []], holidays: new Set() };
    expect(isOpen(night, new Date('2026-11-23T23:00:00Z'))).toBe(true); // Monday 23:00
    expect(isOpen(night, new Date('2026-11-24T01:00:00Z'))).toBe(true); // Tuesday 01:00, Monday's tail
    expect(isOpen(night, new Date('2026-11-24T02:00:00Z'))).toBe(false);
    expect(isOpen(night, new Date('2026-11-24T23:00:00Z'))).toBe(false); // Tuesday has no hours
  });

  it('parses clock times and refuses nonsense', () => {
    expect(parseClock('24:00')).toBe(1440);
    expect(() => parseClock('9am')).toThrow(RangeError);
    expect(() => parseClock('12:75')).toThrow(RangeError);
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
