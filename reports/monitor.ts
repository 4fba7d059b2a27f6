import { sql } from 'kysely';
import type { Db } from '../core/db/database.js';

export interface MonitorQueue {
  groupId: string | null;
  name: string | null;
  waitingConversations: number;
  waitingCalls: number;
  longestWaitSeconds: number | null;
  agents: { online: number; busy: number; away: number; offline: number };
}

/**
 * The wallboard right now: per group, the conversations and calls waiting, the longest wait and
 * the group's agents by status; plus every agent with their status and open conversations. Read
 * from the live tables (small: only what is waiting and who is signed up), so it is exact.
 */
export async function monitorSnapshot(db: Db, tenantId: string, now = new Date()) {
  const [groups, waiting, calls, members, agents] = await Promise.all([
    db.selectFrom('groups').select(['id', 'name']).where('tenant_id', '=', tenantId).orderBy('name').execute(),
    sql<{ group_id: string | null; n: number; oldest: Date | null }>`
      SELECT group_id, count(*)::int AS n, min(queued_at) AS oldest FROM conversations
       WHERE tenant_id = ${tenantId} AND status = 'queued' AND kind <> 'voice' GROUP BY group_id`.execute(db),
    sql<{ group_id: string | null; n: number; oldest: Date | null }>`
      SELECT group_id, count(*)::int AS n, min(queued_at) AS oldest FROM calls
       WHERE tenant_id = ${tenantId} AND state IN ('queued', 'ringing') GROUP BY group_id`.execute(db),
    sql<{ group_id: string; agent_status: string; n: number }>`
      SELECT m.group_id, u.agent_status, count(*)::int AS n FROM group_members m
        JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id AND u.account_status = 'active'
       WHERE m.tenant_id = ${tenantId} GROUP BY 1, 2`.execute(db),
    sql<{ id: string; name: string; agent_status: string; status_changed_at: Date; open: number }>`
      SELECT u.id, u.name, u.agent_status, u.status_changed_at,
             (SELECT count(*)::int FROM conversations c WHERE c.tenant_id = u.tenant_id AND c.assignee_id = u.id AND c.status = 'assigned') AS open
        FROM users u WHERE u.tenant_id = ${tenantId} AND u.account_status = 'active' ORDER BY u.name`.execute(db),
  ]);
  const waitOf = (oldest: Date | null | undefined) => (oldest ? Math.max(0, Math.round((now.getTime() - new Date(oldest).getTime()) / 1000)) : null);
  const queues: MonitorQueue[] = [...groups.map((g) => ({ id: g.id as string | null, name: g.name as string | null })), { id: null, name: null }].map((g) => {
    const conv = waiting.rows.find((r) => r.group_id === g.id);
    const call = calls.rows.find((r) => r.group_id === g.id);
    const counts = { online: 0, busy: 0, away: 0, offline: 0 };
    for (const m of members.rows) if (m.group_id === g.id) counts[m.agent_status as keyof typeof counts] += m.n;
    const waits = [waitOf(conv?.oldest), waitOf(call?.oldest)].filter((w): w is number => w !== null);
    return {
      groupId: g.id,
      name: g.name,
      waitingConversations: conv?.n ?? 0,
      waitingCalls: call?.n ?? 0,
      longestWaitSeconds: waits.length ? Math.max(...waits) : null,
      agents: counts,
    };
  });
  const byState = { online: 0, busy: 0, away: 0, offline: 0 };
  for (const a of agents.rows) byState[a.agent_status as keyof typeof byState]++;
  return {
    at: now.toISOString(),
    queues: queues.filter((q) => q.groupId !== null || q.waitingConversations > 0 || q.waitingCalls > 0),
    agents: agents.rows.map((a) => ({
      id: a.id,
      name: a.name,
      status: a.agent_status,
      since: new Date(a.status_changed_at).toISOString(),
      openConversations: a.open,
    })),
    agentsByState: byState,
  };
}
