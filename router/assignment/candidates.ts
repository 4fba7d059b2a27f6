import { sql, type Transaction } from 'kysely';
import type { Capacity, ConversationKind, Database } from '../../core/db/schema.js';

export function capacityFor(capacity: Capacity, kind: ConversationKind): number {
  return capacity[kind] ?? 0;
}

/** One agent's load and capacity for a kind, whatever their status (for transfers and claims). */
export async function loadAgent(trx: Transaction<Database>, tenantId: string, agentId: string, kind: ConversationKind) {
  const row = await trx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.capacity',
      'u.agent_status',
      'u.account_status',
      'u.phone_status',
      sql<number>`coalesce((select l.assigned from agent_load l where l.user_id = u.id and l.kind = ${kind}), 0)`.as('load'),
    ])
    .where('u.tenant_id', '=', tenantId)
    .where('u.id', '=', agentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, capacity: capacityFor(row.capacity, kind) };
}
