/** Weekly hours as the API keeps them: seven days, Sunday first, each a list of [from, to] clock times. */
export type WeeklyHours = [string, string][][];

/** Monday first, as people read a week; the numbers index the API's Sunday-first list. */
export const DAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

export const OFFICE_HOURS: WeeklyHours = [[], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], []];

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** The first problem of a week's hours, as a day index and what is wrong; undefined when all is well. */
export function checkWeek(week: WeeklyHours): { day: number; problem: 'clock' | 'order' | 'overlap' } | undefined {
  for (let day = 0; day < 7; day++) {
    const ranges = [...(week[day] ?? [])].sort((a, b) => a[0].localeCompare(b[0]));
    for (const [from, to] of ranges) {
      if (!CLOCK.test(from) || !CLOCK.test(to)) return { day, problem: 'clock' };
      if (from >= to) return { day, problem: 'order' };
    }
    for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] < ranges[i - 1]![1]) return { day, problem: 'overlap' };
  }
  return undefined;
}

/**
 * Holidays written one a line, `2027-02-06 Spring festival` (the name is optional); blank lines
 * are skipped. Answers the holidays, or the first line that is not one.
 */
export function parseHolidays(text: string): { holidays: { day: string; name: string }[] } | { badLine: string } {
  const holidays: { day: string; name: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$/.exec(line);
    if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) return { badLine: line };
    holidays.push({ day: match[1]!, name: (match[2] ?? '').trim().slice(0, 100) });
  }
  return { holidays };
}

export const formatHolidays = (holidays: { day: string; name: string }[]): string => holidays.map((h) => (h.name ? `${h.day} ${h.name}` : h.day)).join('\n');

/**
 * The IANA time zones the browser knows, sorted, for the time-zone picker, with UTC and the
 * `keep` zones (the saved one, the browser's own) even when the browser lists them under
 * another name (Asia/Calcutta for Asia/Kolkata).
 */
export function timeZones(keep: readonly (string | undefined)[] = []): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const known = new Set(intl.supportedValuesOf?.('timeZone') ?? []);
  for (const zone of ['UTC', ...keep]) if (zone) known.add(zone);
  return [...known].sort();
}
