/**
 * Business hours of a calendar: weekly opening times in the calendar's own time zone, closed on
 * its holidays. Intl does the time-zone arithmetic (daylight saving included).
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
