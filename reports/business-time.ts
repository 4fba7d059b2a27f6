import { localTime, parseClock, type BusinessCalendar } from '../core/calendar/business-hours.js';

const DAY_MS = 86_400_000;

/** The instant a local wall-clock time (date + minutes) has in a zone; daylight saving included. */
export function zonedInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = wall - offsetAt(wall, timeZone);
  // A second pass settles the offset when the first guess fell on the other side of a change.
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

/** Local wall time minus UTC, in milliseconds, at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const local = localTime(new Date(instant), timeZone);
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + local.minutes * 60_000;
  return wall - Math.floor(instant / 60_000) * 60_000;
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * Seconds of [from, to) that fall in the calendar's opening hours. An opening that runs past
 * midnight belongs to the day it starts on; a holiday closes the openings that start on it.
 * Without a calendar every second counts.
 */
export function businessSeconds(calendar: BusinessCalendar | undefined, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (!calendar) return Math.round((end - start) / 1000);
  let total = 0;
  // From the day before `from` (its overnight opening may reach into `from`'s day) to `to`'s day.
  let date = localTime(new Date(start - DAY_MS), calendar.timeZone).date;
  const last = localTime(to, calendar.timeZone).date;
  for (let guard = 0; guard < 4000; guard++) {
    if (!calendar.holidays.has(date)) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
      for (const [open, close] of calendar.weeklyHours[weekday] ?? []) {
        const openMin = parseClock(open);
        let closeMin = parseClock(close);
        if (closeMin <= openMin) closeMin += 24 * 60;
        const a = Math.max(start, zonedInstant(date, openMin, calendar.timeZone));
        const b = Math.min(end, zonedInstant(date, closeMin, calendar.timeZone));
        if (b > a) total += b - a;
      }
    }
    if (date === last) break;
    date = nextDate(date);
  }
  return Math.round(total / 1000);
}
