import type { Db } from '../../core/db/database.js';

/**
 * Replays a tenant's assignment log in order (its ids are taken under the tenant's routing lock,
 * so id order is the order the changes committed) and reports every breach: an agent's load
 * going above the capacity it had at that moment, a log line that disagrees with the replayed
 * load, a conversation assigned while still assigned to someone, a release of nothing — and a
 * final load that differs from the conversations table, in the log or in the load counters.
 */
export async function assignmentViolations(db: Db, tenantId: string): Promise<string[]> {
  const log = await db.selectFrom('assignment_log').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const violations: string[] = [];
  const load = new Map<string, number>();
  const holder = new Map<string, string>();
  for (const entry of log) {
    const key = `${entry.agent_id}|${entry.kind}`;
    const current = load.get(key) ?? 0;
    if (entry.action === 'assign') {
      const other = holder.get(entry.conversation_id);
      if (other) violations.push(`log ${entry.id}: conversation ${entry.conversation_id} assigned to ${entry.agent_id} while ${other} had it`);
      holder.set(entry.conversation_id, entry.agent_id);
      load.set(key, current + 1);
      if (current + 1 !== entry.load_after) violations.push(`log ${entry.id}: load_after ${entry.load_after}, replayed ${current + 1}`);
      if (current + 1 > entry.capacity) violations.push(`log ${entry.id}: agent ${entry.agent_id} at ${current + 1} with capacity ${entry.capacity}`);
    } else {
      if (holder.get(entry.conversation_id) !== entry.agent_id) violations.push(`log ${entry.id}: release of a conversation ${entry.agent_id} did not hold`);
      holder.delete(entry.conversation_id);
      load.set(key, current - 1);
      if (current - 1 !== entry.load_after) violations.push(`log ${entry.id}: release load_after ${entry.load_after}, replayed ${current - 1}`);
    }
  }
  const assigned = await db
    .selectFrom('conversations')
    .select(['id', 'assignee_id', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'assigned')
    .execute();
  const actual = new Map<string, number>();
  for (const c of assigned) {
    if (holder.get(c.id) !== c.assignee_id) violations.push(`conversation ${c.id} is with ${c.assignee_id}, the log says ${holder.get(c.id)}`);
    const key = `${c.assignee_id}|${c.kind}`;
    actual.set(key, (actual.get(key) ?? 0) + 1);
  }
  for (const [key, n] of load) if ((actual.get(key) ?? 0) !== n) violations.push(`${key}: ${actual.get(key) ?? 0} assigned, the log says ${n}`);
  // The maintained counters routing reads must match the conversations table exactly.
  const counters = await db.selectFrom('agent_load').select(['user_id', 'kind', 'assigned']).where('tenant_id', '=', tenantId).execute();
  const counted = new Set<string>();
  for (const row of counters) {
    const key = `${row.user_id}|${row.kind}`;
    counted.add(key);
    if ((actual.get(key) ?? 0) !== row.assigned) violations.push(`${key}: ${actual.get(key) ?? 0} assigned, the load counter says ${row.assigned}`);
  }
  for (const [key, n] of actual) if (!counted.has(key)) violations.push(`${key}: ${n} assigned, no load counter`);
  return violations;
}
