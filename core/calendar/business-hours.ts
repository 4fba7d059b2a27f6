/**
 * Business hours of a calendar: weekly opening times in the calendar's own time zone, closed on
 * its holidays, and time counted in them. Intl does the time-zone arithmetic (daylight saving
 * included). The one business-time module: routing rules, phone menus, ticket SLAs and reports
 * all use it.
 */
export interface BusinessCalendar {
  id: string;
  timeZone: string;
  /** Seven lists, Sunday first, of `[start, end]` local `HH:MM`; an end before its start runs past midnight. */
  weeklyHours: readonly (readonly [string, string])[][];
  /** Local dates `YYYY-MM-DD` on which it is closed all day. */
  holidays: ReadonlySet<string>;
}

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** `HH:MM` → minutes; `24:00` is the end of the day. */
export function parseClock(value: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) throw new RangeError(`not a time of day: ${value}`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60 || Number(match[2]) > 59) throw new RangeError(`not a time of day: ${value}`);
  return minutes;
}

export function isOpen(calendar: BusinessCalendar, at: Date): boolean {
  const local = localTime(at, calendar.timeZone);
  if (calendar.holidays.has(local.date)) return false;
  for (const [start, end] of calendar.weeklyHours[local.weekday] ?? []) {
    const from = parseClock(start);
    const to = parseClock(end);
    if (from <= to ? local.minutes >= from && local.minutes < to : local.minutes >= from) return true;
  }
  // The tail of yesterday's overnight opening (e.g. 22:00–02:00).
  for (const [start, end] of calendar.weeklyHours[(local.weekday + 6) % 7] ?? []) {
    const from = parseClock(start);
    const to = parseClock(end);
    if (to < from && local.minutes < to) return true;
  }
  return false;
}

// Time counted in business hours: the SLA clocks of tickets (minutes) and the reports' business
// response and resolution times (seconds) walk the same opening intervals.

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

/**
 * The seconds of [from, to) that fall in the calendar's opening hours, rounded. An opening that
 * runs past midnight belongs to the day it starts on; a holiday closes the openings that start on
 * it. Without a calendar every second counts.
 */
export function businessSeconds(calendar: BusinessCalendar | undefined, from: Date, to: Date): number {
  return Math.round((businessMinutesBetween(calendar ?? null, from, to) * MINUTE) / 1000);
}
