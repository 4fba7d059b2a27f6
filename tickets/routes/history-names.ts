import type { Db } from '../../core/db/database.js';
import { auditNames, type AuditRow } from '../../console/server/audit-names.js';

interface HistoryRow {
  actor_type: string;
  actor_id: string | null;
  field: string;
  old_value: unknown;
  new_value: unknown;
}

const ids = (...values: unknown[]) => values.flatMap((value) => (Array.isArray(value) ? value : [value])).filter((id): id is string => typeof id === 'string');

/**
 * The names, as they are now, of everyone and everything a ticket's history points at, so it
 * reads as sentences: who acted (agents, API tokens, automations), the assignees, groups and
 * followers it changed (`type:id` → name), and the company's ticket field labels (`ticket_field:key`).
 */
export async function historyNames(db: Db, tenantId: string, rows: readonly HistoryRow[]): Promise<Record<string, string>> {
  const lookups: AuditRow[] = rows.map((row) => ({
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    target_type: 'ticket',
    target_id: null,
    details: {
      userId: row.field === 'assignee_id' || row.field === 'followers' ? ids(row.old_value, row.new_value) : [],
      groupIds: row.field === 'group_id' ? ids(row.old_value, row.new_value) : [],
    },
  }));
  // Every field's label, also for the page's errors ("Order number: required").
  const [names, fields] = await Promise.all([
    auditNames(db, tenantId, lookups),
    db.selectFrom('ticket_fields').select(['key', 'label']).where('tenant_id', '=', tenantId).execute(),
  ]);
  for (const field of fields) names[`ticket_field:${field.key}`] = field.label;
  return names;
}
