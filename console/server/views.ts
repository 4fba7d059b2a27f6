import type { Db } from '../../core/db/database.js';
import type { Capacity } from '../../core/db/schema.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  roleId: string;
  groupIds: string[];
  accountStatus: 'invited' | 'active' | 'deactivated';
  agentStatus: 'online' | 'busy' | 'away' | 'offline';
  /** How many conversations of each kind the agent takes at once. */
  capacity: Capacity;
  /** Whether the user signs in with a second step (TOTP); admins see it to reset a lost phone. */
  twoFactor: boolean;
  createdAt: string;
}

/** Users of one company as the API shows them (never a password hash). */
export async function userViews(db: Db, tenantId: string, filter: { ids?: string[] } = {}): Promise<UserView[]> {
  let query = db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role_id', 'account_status', 'agent_status', 'capacity', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .orderBy('id');
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  }
  const users = await query.execute();
  if (users.length === 0) return [];
  const memberships = await db
    .selectFrom('group_members')
    .select(['user_id', 'group_id'])
    .where('tenant_id', '=', tenantId)
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  const secured = await db
    .selectFrom('user_two_factor')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('enabled_at', 'is not', null)
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  const withTwoFactor = new Set(secured.map((r) => r.user_id));
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    roleId: u.role_id,
    groupIds: memberships.filter((m) => m.user_id === u.id).map((m) => m.group_id),
    accountStatus: u.account_status,
    agentStatus: u.agent_status,
    capacity: u.capacity,
    twoFactor: withTwoFactor.has(u.id),
    createdAt: new Date(u.created_at).toISOString(),
  }));
}

export async function userView(db: Db, tenantId: string, id: string): Promise<UserView | undefined> {
  return (await userViews(db, tenantId, { ids: [id] }))[0];
}
