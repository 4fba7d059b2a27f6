import { isValidTimeZone, type BusinessCalendar } from '../../core/calendar/business-hours.js';
import type { ReportTrx } from '../schema.js';

/** Each group's business calendar (groups without one are open all the time). */
export async function groupCalendars(trx: ReportTrx, tenantId: string): Promise<Map<string, BusinessCalendar>> {
  const [calendars, holidays, groups] = await Promise.all([
    trx.selectFrom('business_calendars').select(['id', 'time_zone', 'weekly_hours']).where('tenant_id', '=', tenantId).execute(),
    trx.selectFrom('calendar_holidays').select(['calendar_id', 'day']).where('tenant_id', '=', tenantId).execute(),
    trx.selectFrom('groups').select(['id', 'calendar_id']).where('tenant_id', '=', tenantId).where('calendar_id', 'is not', null).execute(),
  ]);
  const days = new Map<string, Set<string>>();
  for (const h of holidays) {
    const day = typeof h.day === 'string' ? (h.day as string).slice(0, 10) : localDate(h.day as unknown as Date);
    (days.get(h.calendar_id) ?? days.set(h.calendar_id, new Set()).get(h.calendar_id)!).add(day);
  }
  const byId = new Map<string, BusinessCalendar>();
  for (const c of calendars) {
    if (!isValidTimeZone(c.time_zone)) continue;
    byId.set(c.id, { id: c.id, timeZone: c.time_zone, weeklyHours: c.weekly_hours, holidays: days.get(c.id) ?? new Set() });
  }
  const result = new Map<string, BusinessCalendar>();
  for (const g of groups) {
    const calendar = g.calendar_id ? byId.get(g.calendar_id) : undefined;
    if (calendar) result.set(g.id, calendar);
  }
  return result;
}

/** pg hands a `date` back as local midnight. */
function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
