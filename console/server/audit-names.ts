import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';

/** Where the name of each kind of thing the audit log points at is kept. */
const NAMED: Record<string, { table: string; column: string }> = {
  user: { table: 'users', column: 'name' },
  api_token: { table: 'api_tokens', column: 'name' },
  automation: { table: 'automations', column: 'name' },
  business_hours: { table: 'business_calendars', column: 'name' },
  call_task: { table: 'call_tasks', column: 'name' },
  canned_response: { table: 'canned_responses', column: 'title' },
  channel: { table: 'channels', column: 'name' },
  contact: { table: 'contacts', column: 'name' },
  custom_field: { table: 'custom_fields', column: 'label' },
  group: { table: 'groups', column: 'name' },
  ivr_flow: { table: 'ivr_flows', column: 'name' },
  macro: { table: 'macros', column: 'name' },
  role: { table: 'roles', column: 'name' },
  routing_rule: { table: 'routing_rules', column: 'name' },
  skill: { table: 'skills', column: 'name' },
  sla_policy: { table: 'sla_policies', column: 'name' },
  ticket_field: { table: 'ticket_fields', column: 'label' },
};

/** The ids in an entry's details that name things, and what they name. */
const DETAIL_IDS: Record<string, string> = { roleId: 'role', groupIds: 'group', groupId: 'group', userId: 'user', channelId: 'channel' };

export interface AuditRow {
  actor_type: string;
  actor_id: string | null;
  target_type: string;
  target_id: string | null;
  details: unknown;
}

/**
 * The names, as they are now, of every user, token and thing a page of the audit log points at,
 * so the log reads as sentences; `type:id` → name. A deleted thing has no name here (the console
 * falls back to the name its entry recorded, if any).
 */
export async function auditNames(db: Db, tenantId: string, rows: readonly AuditRow[]): Promise<Record<string, string>> {
  const wanted = new Map<string, Set<string>>();
  const want = (type: string, id: unknown) => {
    if (typeof id !== 'string' || !NAMED[type]) return;
    if (!wanted.has(type)) wanted.set(type, new Set());
    wanted.get(type)!.add(id);
  };
  for (const row of rows) {
    if (row.actor_id) want(row.actor_type, row.actor_id);
    if (row.target_id) want(row.target_type, row.target_id);
    const details = (row.details ?? {}) as Record<string, unknown>;
    for (const [field, type] of Object.entries(DETAIL_IDS)) {
      const value = details[field];
      for (const id of Array.isArray(value) ? value : [value]) want(type, id);
    }
  }
  const names: Record<string, string> = {};
  await Promise.all(
    [...wanted].map(async ([type, ids]) => {
      const { table, column } = NAMED[type]!;
      const found = await sql<{ id: string; name: string | null }>`
        select id::text as id, ${sql.ref(column)}::text as name from ${sql.table(table)}
        where tenant_id = ${tenantId} and id::text = any(${[...ids]}::text[])`.execute(db);
      for (const row of found.rows) if (row.name) names[`${type}:${row.id}`] = row.name;
    }),
  );
  return names;
}
