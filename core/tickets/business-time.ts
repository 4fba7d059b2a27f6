import type { Db } from '../db/database.js';
import { isValidTimeZone, localTime, parseClock, type BusinessCalendar } from '../calendar/business-hours.js';

const MINUTE = 60_000;

/** The instant at which the local wall clock in `timeZone` reads `date` plus `minutes` (may pass midnight). */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // Start from the wall time read as UTC and correct by the zone's offset; twice covers DST edges.
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const local = localTime(new Date(guess), timeZone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    const seen = Date.UTC(ly, lm - 1, ld, 0, local.minutes);
    guess += wall - seen;
  }
  return new Date(guess);
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The calendar's opening intervals on one local date, as instants, in order (none on a holiday). */
function openingsOn(calendar: BusinessCalendar, date: string): (readonly [number, number])[] {
  if (calendar.holidays.has(date)) return [];
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return (calendar.weeklyHours[weekday] ?? [])
    .map(([s, e]) => {
      const startMin = parseClock(s);
      let endMin = parseClock(e);
      if (endMin <= startMin) endMin += 24 * 60;
      return [zonedInstant(date, startMin, calendar.timeZone).getTime(), zonedInstant(date, endMin, calendar.timeZone).getTime()] as const;
    })
    .sort((a, b) => a[0] - b[0]);
}

/**
 * The business minutes from `from` to `to` (0 when `to` is not later): the inverse of
 * addBusinessMinutes, so a paused SLA clock knows how much of its target is left.
 */
export function businessMinutesBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (!calendar) return (end - start) / MINUTE;
  let total = 0;
  let date = localTime(new Date(start - 24 * 60 * MINUTE), calendar.timeZone).date;
  for (let day = 0; day < 800; day++, date = nextDate(date)) {
    const intervals = openingsOn(calendar, date);
    for (const [open, close] of intervals) total += Math.max(0, Math.min(close, end) - Math.max(open, start));
    if (zonedInstant(date, 0, calendar.timeZone).getTime() > end) break;
  }
  return total / MINUTE;
}

/**
 * The instant `minutes` of business time after `start`: counted only while the calendar is
 * open (weekly hours in its zone, closed on holidays). Without a calendar every minute counts.
 * Walks the calendar's opening intervals day by day, so a long target costs days, not minutes.
 */
export function addBusinessMinutes(calendar: BusinessCalendar | null, start: Date, minutes: number): Date {
  if (!calendar || minutes <= 0) return new Date(start.getTime() + Math.max(0, minutes) * MINUTE);
  let remaining = minutes * MINUTE;
  const from = start.getTime();
  // Begin a day early: an overnight opening that started yesterday may still be running.
  let date = localTime(new Date(from - 24 * 60 * MINUTE), calendar.timeZone).date;
  for (let day = 0; day < 800; day++, date = nextDate(date)) {
    const intervals = openingsOn(calendar, date);
    for (const [open, close] of intervals) {
      if (close <= from) continue;
      const begin = Math.max(open, from);
      const available = close - begin;
      if (available >= remaining) return new Date(begin + remaining);
      remaining -= available;
    }
  }
  // A calendar with no opening hours at all: the target can never be reached in business time.
  return new Date(from + 3650 * 24 * 60 * MINUTE);
}

/** A calendar from the database, or null when it is missing or its zone is unknown. */
export async function loadCalendar(db: Db, tenantId: string, calendarId: string | null): Promise<BusinessCalendar | null> {
  if (!calendarId) return null;
  const row = await db.selectFrom('business_calendars').selectAll().where('tenant_id', '=', tenantId).where('id', '=', calendarId).executeTakeFirst();
  if (!row || !isValidTimeZone(row.time_zone)) return null;
  const holidays = await db.selectFrom('calendar_holidays').select('day').where('tenant_id', '=', tenantId).where('calendar_id', '=', calendarId).execute();
  const days = holidays.map((h) => (typeof h.day === 'string' ? h.day.slice(0, 10) : new Date(h.day as unknown as Date).toISOString().slice(0, 10)));
  return { id: row.id, timeZone: row.time_zone, weeklyHours: row.weekly_hours, holidays: new Set(days) };
}
