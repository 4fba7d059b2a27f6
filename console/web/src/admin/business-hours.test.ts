import { describe, expect, it } from 'vitest';
import { checkWeek, formatHolidays, OFFICE_HOURS, parseHolidays } from './business-hours.js';

describe('business hours in the settings', () => {
  it('checks clock times, their order and overlaps, day by day', () => {
    expect(checkWeek(OFFICE_HOURS)).toBeUndefined();
    const week = OFFICE_HOURS.map((d) => [...d]);
    week[2] = [
      ['09:00', '12:00'],
      ['13:00', '24:00'],
    ];
    expect(checkWeek(week)).toBeUndefined();
    week[3] = [['18:00', '09:00']];
    expect(checkWeek(week)).toEqual({ day: 3, problem: 'order' });
    week[3] = [
      ['09:00', '12:00'],
      ['11:00', '14:00'],
    ];
    expect(checkWeek(week)).toEqual({ day: 3, problem: 'overlap' });
    week[3] = [['9', '12:00']];
    expect(checkWeek(week)).toEqual({ day: 3, problem: 'clock' });
  });

  it('reads holidays one a line, names optional, and points at a bad line', () => {
    expect(parseHolidays('2027-02-06 Spring festival\n\n 2027-10-01 国庆节 \n2027-12-25')).toEqual({
      holidays: [
        { day: '2027-02-06', name: 'Spring festival' },
        { day: '2027-10-01', name: '国庆节' },
        { day: '2027-12-25', name: '' },
      ],
    });
    expect(parseHolidays('2027-02-06\nnext friday')).toEqual({ badLine: 'next friday' });
    expect(
      formatHolidays([
        { day: '2027-02-06', name: 'Spring festival' },
        { day: '2027-12-25', name: '' },
      ]),
    ).toBe('2027-02-06 Spring festival\n2027-12-25');
  });
});
