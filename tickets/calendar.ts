import type { Db } from '../core/db/database.js';
import { isValidTimeZone, type BusinessCalendar } from '../core/calendar/business-hours.js';

/** A calendar from the database, or null when it is missing or its zone is unknown. */
export async function loadCalendar(db: Db, tenantId: string, calendarId: string | null): Promise<BusinessCalendar | null> {
  if (!calendarId) return null;
  const row = await db.selectFrom('business_calendars').selectAll().where('tenant_id', '=', tenantId).where('id', '=', calendarId).executeTakeFirst();
  if (!row || !isValidTimeZone(row.time_zone)) return null;
  const holidays = await db.selectFrom('calendar_holidays').select('day').where('tenant_id', '=', tenantId).where('calendar_id', '=', calendarId).execute();
  const days = holidays.map((h) => (typeof h.day === 'string' ? h.day.slice(0, 10) : new Date(h.day as unknown as Date).toISOString().slice(0, 10)));
  return { id: row.id, timeZone: row.time_zone, weeklyHours: row.weekly_hours, holidays: new Set(days) };
}
