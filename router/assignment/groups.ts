import type { Transaction } from 'kysely';
import type { Database, Group } from '../../core/db/schema.js';

export async function loadGroup(trx: Transaction<Database>, tenantId: string, groupId: string): Promise<Group | undefined> {
  return trx.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', groupId).executeTakeFirst();
}

/** The groups an agent belongs to. */
export async function groupsOfAgent(trx: Transaction<Database>, tenantId: string, agentId: string): Promise<string[]> {
  const rows = await trx.selectFrom('group_members').select('group_id').where('tenant_id', '=', tenantId).where('user_id', '=', agentId).execute();
  return rows.map((r) => r.group_id);
}
