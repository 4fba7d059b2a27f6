import { sql, type Selectable, type Transaction } from 'kysely';
import type { BusinessCalendarTable, Database, Group, RouterSettingsTable, RoutingRuleTable } from '../../core/db/schema.js';
import { isOpen, isValidTimeZone, type BusinessCalendar } from '../../core/calendar/business-hours.js';
import type { RoutingFacts } from './facts.js';
import { ruleSchema, type RoutingRule } from './rule.js';

/** One tenant's routing set-up, as of one `tenants.routing_config_version`. Shared: never changed once read. */
export interface RoutingConfig {
  tenantId: string;
  /** The company's `routing_config_version` this set-up was read at (int8, as text). */
  version: string;
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

/**
 * Reads the configuration in one round trip: each table's rows come back as one JSON array (the
 * rules in their order), and the few timestamps a group has are turned back into dates. The
 * version comes in the same statement, so it is the version of exactly these rows.
 */
export async function loadRoutingConfig(trx: Transaction<Database>, tenantId: string): Promise<RoutingConfig> {
  const { rows } = await sql<{
    rules: Selectable<RoutingRuleTable>[];
    calendars: Selectable<BusinessCalendarTable>[];
    holidays: { calendar_id: string; day: string }[];
    groups: (Omit<Group, 'created_at'> & { created_at: string })[];
    settings: Selectable<RouterSettingsTable> | null;
    version: string;
  }>`
    SELECT
      (SELECT t.routing_config_version::text FROM tenants t WHERE t.id = ${tenantId}) AS version,
      (SELECT coalesce(json_agg(r ORDER BY r.position, r.created_at), '[]') FROM routing_rules r WHERE r.tenant_id = ${tenantId} AND r.enabled) AS rules,
      (SELECT coalesce(json_agg(c), '[]') FROM business_calendars c WHERE c.tenant_id = ${tenantId}) AS calendars,
      (SELECT coalesce(json_agg(json_build_object('calendar_id', h.calendar_id, 'day', h.day)), '[]') FROM calendar_holidays h WHERE h.tenant_id = ${tenantId}) AS holidays,
      (SELECT coalesce(json_agg(g), '[]') FROM groups g WHERE g.tenant_id = ${tenantId}) AS groups,
      (SELECT row_to_json(s) FROM router_settings s WHERE s.tenant_id = ${tenantId}) AS settings`.execute(trx);
  const { rules: ruleRows, calendars: calendarRows, holidays: holidayRows, groups, settings, version } = rows[0]!;
  const groupRows: Group[] = groups.map((g) => ({ ...g, created_at: new Date(g.created_at) }));
  const rules: RoutingRule[] = [];
  const invalidRules: RoutingConfig['invalidRules'] = [];
  for (const row of ruleRows) {
    const parsed = ruleSchema.safeParse({ id: row.id, name: row.name, conditions: row.conditions, actions: row.actions });
    if (parsed.success) rules.push(parsed.data);
    else invalidRules.push({ id: row.id, name: row.name, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  }
  const holidays = new Map<string, Set<string>>();
  for (const h of holidayRows) {
    (holidays.get(h.calendar_id) ?? holidays.set(h.calendar_id, new Set()).get(h.calendar_id)!).add(h.day.slice(0, 10));
  }
  const calendars = new Map<string, BusinessCalendar>();
  for (const c of calendarRows) {
    if (!isValidTimeZone(c.time_zone)) continue;
    calendars.set(c.id, { id: c.id, timeZone: c.time_zone, weeklyHours: c.weekly_hours, holidays: holidays.get(c.id) ?? new Set() });
  }
  return {
    tenantId,
    version,
    rules,
    invalidRules,
    calendars,
    groups: new Map(groupRows.map((g) => [g.id, g])),
    reopenWindowSeconds: settings?.reopen_window_seconds ?? DEFAULT_REOPEN_WINDOW_SECONDS,
    defaultGroupId: settings?.default_group_id ?? null,
  };
}

/**
 * The routing set-ups this process has read, one per company, kept while the company's
 * `routing_config_version` stays where it was: a batch that knows the version (read with its
 * channels) costs no statement for its set-up unless it changed, and then one. Every change
 * moves the version in its own transaction (triggers, migration 0043), so the first batch whose
 * version read follows a change's commit reads the new set-up — in this process or any other.
 * Least recently used companies are dropped beyond `capacity`.
 */
export class RoutingConfigCache {
  private readonly entries = new Map<string, RoutingConfig>();

  constructor(readonly capacity = 1_000) {}

  /** The set-up at `version` (the company's current one when not given: one small read more). */
  async get(trx: Transaction<Database>, tenantId: string, version?: string): Promise<RoutingConfig> {
    const current = version ?? (await currentVersion(trx, tenantId));
    const cached = this.entries.get(tenantId);
    this.entries.delete(tenantId);
    const config = cached && cached.version === current ? cached : await loadRoutingConfig(trx, tenantId);
    this.entries.set(tenantId, config);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return config;
  }

  get size(): number {
    return this.entries.size;
  }
}

async function currentVersion(trx: Transaction<Database>, tenantId: string): Promise<string> {
  const row = await trx.selectFrom('tenants').select(sql<string>`routing_config_version::text`.as('version')).where('id', '=', tenantId).executeTakeFirst();
  return row?.version ?? '';
}

/** This process's routing set-ups (the router's batches and held conversations share it). */
export const routingConfigs = new RoutingConfigCache();

/** `isOpen` for RoutingFacts over a loaded configuration. */
export function calendarLookup(config: Pick<RoutingConfig, 'calendars' | 'groups'>, now: Date): RoutingFacts['isOpen'] {
  return ({ calendarId, groupId }) => {
    const id = calendarId ?? (groupId ? (config.groups.get(groupId)?.calendar_id ?? undefined) : undefined);
    const calendar = id ? config.calendars.get(id) : undefined;
    return calendar ? isOpen(calendar, now) : undefined;
  };
}
