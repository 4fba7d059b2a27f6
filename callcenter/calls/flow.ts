import type { Transaction } from 'kysely';
import { isOpen } from '../../core/calendar/business-hours.js';
import type { Database } from '../../core/db/schema.js';
import { parseFlow, type Flow } from '../ivr.js';
import type { CallScope } from './scope.js';

type Ctx = CallScope;

export async function loadFlow(trx: Transaction<Database>, ctx: Ctx): Promise<Flow | undefined> {
  if (!ctx.config.ivrFlowId) return undefined;
  const row = await trx
    .selectFrom('ivr_flows')
    .select('definition')
    .where('tenant_id', '=', ctx.channel.tenantId)
    .where('id', '=', ctx.config.ivrFlowId)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    return parseFlow(row.definition);
  } catch (error) {
    ctx.logger.warn({ channelId: ctx.channel.id, err: String(error) }, 'phone menu does not validate; callers go to the default queue');
    return undefined;
  }
}

export async function calendarOpen(trx: Transaction<Database>, tenantId: string, flow: Flow): Promise<boolean | undefined> {
  if (!flow.businessHours) return undefined;
  const calendar = await trx
    .selectFrom('business_calendars')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', flow.businessHours.calendarId)
    .executeTakeFirst();
  if (!calendar) return undefined;
  const holidays = await trx.selectFrom('calendar_holidays').select('day').where('tenant_id', '=', tenantId).where('calendar_id', '=', calendar.id).execute();
  return isOpen(
    {
      id: calendar.id,
      timeZone: calendar.time_zone,
      weeklyHours: calendar.weekly_hours,
      holidays: new Set(holidays.map((h) => (typeof h.day === 'string' ? h.day : new Date(h.day).toISOString().slice(0, 10)))),
    },
    new Date(),
  );
}
