import type { Transaction } from 'kysely';
import type { Database, Group } from '../../core/db/schema.js';
import { isOpen, isValidTimeZone, type BusinessCalendar } from '../calendar/business-hours.js';
import type { RoutingFacts } from './facts.js';
import { ruleSchema, type RoutingRule } from './rule.js';

/** One tenant's routing set-up, read once per batch. */
export interface RoutingConfig {
  tenantId: string;
  rules: RoutingRule[];
  /** Rules that failed validation: skipped, reported once per load. */
  invalidRules: { id: string; name: string; problem: string }[];
  calendars: Map<string, BusinessCalendar>;
  /** Every group of the tenant, by id. */
  groups: Map<string, Group>;
  reopenWindowSeconds: number;
  defaultGroupId: string | null;
}

export const DEFAULT_REOPEN_WINDOW_SECONDS = 86_400;

export async function loadRoutingConfig(trx: Transaction<Database>, tenantId: string): Promise<RoutingConfig> {
  const [ruleRows, calendarRows, holidayRows, groupRows, settings] = await Promise.all([
    trx.selectFrom('routing_rules').selectAll().where('tenant_id', '=', tenantId).where('enabled', '=', true).orderBy('position').orderBy('created_at').execute(),
    trx.selectFrom('business_calendars').selectAll().where('tenant_id', '=', tenantId).execute(),
    trx.selectFrom('calendar_holidays').select(['calendar_id', 'day']).where('tenant_id', '=', tenantId).execute(),
    trx.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).execute(),
    trx.selectFrom('router_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),
  ]);
  const rules: RoutingRule[] = [];
  const invalidRules: RoutingConfig['invalidRules'] = [];
  for (const row of ruleRows) {
    const parsed = ruleSchema.safeParse({ id: row.id, name: row.name, conditions: row.conditions, actions: row.actions });
    if (parsed.success) rules.push(parsed.data);
    else invalidRules.push({ id: row.id, name: row.name, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  }
  const holidays = new Map<string, Set<string>>();
  for (const h of holidayRows) {
    const day = typeof h.day === 'string' ? h.day.slice(0, 10) : new Date(h.day as unknown as Date).toISOString().slice(0, 10);
    (holidays.get(h.calendar_id) ?? holidays.set(h.calendar_id, new Set()).get(h.calendar_id)!).add(day);
  }
  const calendars = new Map<string, BusinessCalendar>();
  for (const c of calendarRows) {
    if (!isValidTimeZone(c.time_zone)) continue;
    calendars.set(c.id, { id: c.id, timeZone: c.time_zone, weeklyHours: c.weekly_hours, holidays: holidays.get(c.id) ?? new Set() });
  }
  return {
    tenantId,
    rules,
    invalidRules,
    calendars,
    groups: new Map(groupRows.map((g) => [g.id, g])),
    reopenWindowSeconds: settings?.reopen_window_seconds ?? DEFAULT_REOPEN_WINDOW_SECONDS,
    defaultGroupId: settings?.default_group_id ?? null,
  };
}

/** `isOpen` for RoutingFacts over a loaded configuration. */
export function calendarLookup(config: Pick<RoutingConfig, 'calendars' | 'groups'>, now: Date): RoutingFacts['isOpen'] {
  return ({ calendarId, groupId }) => {
    const id = calendarId ?? (groupId ? config.groups.get(groupId)?.calendar_id ?? undefined : undefined);
    const calendar = id ? config.calendars.get(id) : undefined;
    return calendar ? isOpen(calendar, now) : undefined;
  };
}
