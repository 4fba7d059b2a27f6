import type { Db } from '../db/database.js';
import type { ConversationSnapshot } from '../domain/events.js';

/**
 * The permission catalog. A role is a set of these; the two built-in roles (admin, agent) take
 * theirs from this file, so a company's built-ins always match the running version. Custom roles
 * keep theirs in `role_permissions`.
 */
export const PERMISSIONS = {
  'conversations.view.all': 'see every conversation',
  'conversations.view.group': "see the conversations of one's groups (and one's own)",
  'conversations.view.own': 'see the conversations assigned to oneself',
  'conversations.reply': 'reply and write internal notes',
  'conversations.assign': 'assign conversations to agents',
  'conversations.transfer': 'transfer conversations to another agent, group or the queue',
  'conversations.resolve': 'resolve and reopen conversations',
  'tickets.view': 'see tickets',
  'tickets.edit': 'create and edit tickets',
  'contacts.view': 'see contacts',
  'contacts.edit': 'edit contacts',
  'contacts.merge': "merge contacts' identities into one customer",
  'contacts.export': 'export contacts',
  'contacts.import': 'import contacts from CSV',
  'contacts.erase': 'erase a customer and everything held about them',
  'reports.view': 'see reports',
  'reports.view.own': "see reports narrowed to one's own work",
  'reports.monitor': 'watch the live monitor of queues and agents',
  'admin.channels': 'manage channels',
  'admin.agents': 'manage agents',
  'admin.roles': 'manage roles',
  'admin.routing': 'manage groups, skills, routing rules and business hours',
  'admin.sso': 'manage single sign-on',
  'admin.api_tokens': 'manage API tokens',
  'admin.webhooks': "manage the company's webhooks and replay their deliveries",
  'admin.canned_responses': 'manage canned responses',
  'admin.macros': 'manage macros (one-click sets of actions on a conversation)',
  'admin.custom_fields': "manage contacts' custom fields",
  'admin.audit': 'read the audit log',
  'admin.voice': "manage phone menus and agents' phones",
  'calls.listen': 'play call recordings of the conversations one may see',
  'calls.dial': 'place outbound calls',
  'admin.tickets': 'manage ticket fields and statuses, SLA policies, automations and shared views',
  'admin.retention': 'manage how long conversations and files are kept',
  'knowledge.manage': 'write, publish and restore knowledge base articles',
  'assistant.manage': "set up the company's AI model and see what its calls cost",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export const isPermission = (value: string): value is Permission => Object.hasOwn(PERMISSIONS, value);

export const BUILTIN_ROLE_PERMISSIONS: Record<'admin' | 'agent', readonly Permission[]> = {
  admin: PERMISSION_NAMES,
  agent: [
    'conversations.view.group',
    'conversations.view.own',
    'conversations.reply',
    'conversations.transfer',
    'conversations.resolve',
    'tickets.view',
    'tickets.edit',
    'contacts.view',
    'contacts.edit',
    'calls.listen',
    'calls.dial',
    'reports.view.own',
  ],
};

export type Visibility = 'all' | 'group' | 'own' | 'none';

/** Who is asking: enough to decide every permission and visibility question without a query. */
export interface Principal {
  tenantId: string;
  userId: string;
  roleId: string;
  roleName: string;
  permissions: ReadonlySet<Permission>;
  /** The groups the user belongs to; decides `group` visibility. */
  groupIds: readonly string[];
}

export function can(principal: Pick<Principal, 'permissions'>, permission: Permission): boolean {
  return principal.permissions.has(permission);
}

/** Narrower permissions a wider one already gives: seeing every conversation includes one's group's and one's own. */
const INCLUDES: Partial<Record<Permission, readonly Permission[]>> = {
  'conversations.view.all': ['conversations.view.group', 'conversations.view.own'],
  'conversations.view.group': ['conversations.view.own'],
  'reports.view': ['reports.view.own'],
};

/** The permissions of `wanted` the principal does not hold itself, nor through a wider one (empty: it may hand them on). */
export function lacking(principal: Pick<Principal, 'permissions'>, wanted: Iterable<Permission>): Permission[] {
  const held = new Set(principal.permissions);
  for (const p of principal.permissions) for (const included of INCLUDES[p] ?? []) held.add(included);
  return [...new Set(wanted)].filter((p) => !held.has(p));
}

/** The widest conversation visibility a set of permissions grants. */
export function visibilityOf(principal: Pick<Principal, 'permissions'>): Visibility {
  if (can(principal, 'conversations.view.all')) return 'all';
  if (can(principal, 'conversations.view.group')) return 'group';
  if (can(principal, 'conversations.view.own')) return 'own';
  return 'none';
}

/**
 * Whether a conversation (as an event's snapshot or a row carries it) is visible: `group` sees
 * the conversations of its groups and its own; `own` only those assigned to itself.
 */
export function canSeeConversation(principal: Principal, conversation: Pick<ConversationSnapshot, 'groupId' | 'assigneeId'>): boolean {
  switch (visibilityOf(principal)) {
    case 'all':
      return true;
    case 'group':
      return conversation.assigneeId === principal.userId || (conversation.groupId !== null && principal.groupIds.includes(conversation.groupId));
    case 'own':
      return conversation.assigneeId === principal.userId;
    case 'none':
      return false;
  }
}

/** A role's permissions: the catalog's for the built-ins, the stored ones for custom roles. */
export async function rolePermissions(db: Db, tenantId: string, role: { id: string; name: string; builtin: boolean }): Promise<Permission[]> {
  if (role.builtin && (role.name === 'admin' || role.name === 'agent')) return [...BUILTIN_ROLE_PERMISSIONS[role.name]];
  const rows = await db.selectFrom('role_permissions').select('permission').where('tenant_id', '=', tenantId).where('role_id', '=', role.id).execute();
  return rows.map((r) => r.permission).filter(isPermission);
}

/** Loads an active user's principal, or undefined when the user is missing or not active. */
export async function loadPrincipal(db: Db, tenantId: string, userId: string): Promise<Principal | undefined> {
  const user = await db
    .selectFrom('users')
    .innerJoin('roles', (join) => join.onRef('roles.id', '=', 'users.role_id').onRef('roles.tenant_id', '=', 'users.tenant_id'))
    .select(['users.id', 'users.role_id', 'roles.name as role_name', 'roles.builtin'])
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '=', userId)
    .where('users.account_status', '=', 'active')
    .executeTakeFirst();
  if (!user) return undefined;
  const [permissions, groups] = await Promise.all([
    rolePermissions(db, tenantId, { id: user.role_id, name: user.role_name, builtin: user.builtin }),
    db.selectFrom('group_members').select('group_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute(),
  ]);
  return {
    tenantId,
    userId,
    roleId: user.role_id,
    roleName: user.role_name,
    permissions: new Set(permissions),
    groupIds: groups.map((g) => g.group_id),
  };
}
