import { sql, type Transaction } from 'kysely';
import type { Capacity, ConversationKind, Database } from '../../core/db/schema.js';
import type { AgentCandidate } from '../strategies/index.js';

export function capacityFor(capacity: Capacity, kind: ConversationKind): number {
  return capacity[kind] ?? 0;
}

/**
 * The agents who may take a conversation of `kind` in `groupId` (any agent of the tenant when
 * null) right now: active accounts, status online (and a phone that is on, for voice), with their
 * current load of that kind. Read under the tenant's routing lock, so the load is exact.
 */
export async function loadCandidates(
  trx: Transaction<Database>,
  tenantId: string,
  groupId: string | null,
  kind: ConversationKind,
  options: { excludeAgentIds?: readonly string[] } = {},
): Promise<AgentCandidate[]> {
  let query = trx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.capacity',
      'u.last_assigned_at',
      sql<number>`(select count(*)::int from conversations c
        where c.assignee_id = u.id and c.status = 'assigned' and c.kind = ${kind})`.as('load'),
      sql<Record<string, number>>`coalesce((select jsonb_object_agg(s.skill_id, s.level)
        from agent_skills s where s.user_id = u.id), '{}'::jsonb)`.as('skills'),
    ])
    .where('u.tenant_id', '=', tenantId)
    .where('u.account_status', '=', 'active')
    .where('u.agent_status', '=', 'online');
  if (groupId) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('group_members as gm')
          .select(sql`1`.as('one'))
          .whereRef('gm.user_id', '=', 'u.id')
          .where('gm.group_id', '=', groupId),
      ),
    );
  }
  if (kind === 'voice') query = query.where('u.phone_status', '<>', 'offline');
  if (options.excludeAgentIds?.length) query = query.where('u.id', 'not in', [...options.excludeAgentIds]);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    load: row.load,
    capacity: capacityFor(row.capacity, kind),
    lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at).getTime() : null,
    skills: row.skills,
  }));
}

/** One agent's load and capacity for a kind, whatever their status (for transfers and claims). */
export async function loadAgent(
  trx: Transaction<Database>,
  tenantId: string,
  agentId: string,
  kind: ConversationKind,
) {
  const row = await trx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.capacity',
      'u.agent_status',
      'u.account_status',
      'u.phone_status',
      sql<number>`(select count(*)::int from conversations c
        where c.assignee_id = u.id and c.status = 'assigned' and c.kind = ${kind})`.as('load'),
    ])
    .where('u.tenant_id', '=', tenantId)
    .where('u.id', '=', agentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, capacity: capacityFor(row.capacity, kind) };
}
