import type { Transaction } from 'kysely';
import { lacking, rolePermissions, type Permission, type Principal } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import type { Database } from '../../../core/db/schema.js';
import { ConflictError, ForbiddenError } from '../../../core/errors.js';

/*
 * Nobody grants more than they hold. Without these checks a custom role holding only
 * `admin.agents` could give its own user the built-in admin role, and `admin.roles` could widen
 * the role its holder has: every narrow admin permission would be a way to all of them.
 */

type Conn = Db | Transaction<Database>;

/** Refuses (403) handing on permissions the caller lacks, naming them. */
export function assertHolds(principal: Principal, wanted: Iterable<Permission>, what: string): void {
  const missing = lacking(principal, wanted);
  if (missing.length) throw new ForbiddenError(`${what} would grant ${missing.join(', ')}, which you do not hold`);
}

/** A role of the company with its permissions; undefined when it is not one. */
export async function roleWithPermissions(db: Conn, tenantId: string, roleId: string) {
  const role = await db.selectFrom('roles').select(['id', 'name', 'builtin']).where('tenant_id', '=', tenantId).where('id', '=', roleId).executeTakeFirst();
  return role ? { ...role, permissions: await rolePermissions(db, tenantId, role) } : undefined;
}

/** Refuses assigning a role (to oneself or anyone) that carries a permission the caller lacks. */
export async function assertMayAssignRole(db: Conn, principal: Principal, roleId: string): Promise<void> {
  const role = await roleWithPermissions(db, principal.tenantId, roleId);
  if (role) assertHolds(principal, role.permissions, `the role "${role.name}"`);
}

/**
 * Refuses changing, deactivating or reactivating a user whose role holds a permission the caller
 * lacks: an agent manager cannot demote or lock out the admins above them.
 */
export async function assertWithinReach(db: Conn, principal: Principal, userId: string): Promise<void> {
  const user = await db.selectFrom('users').select('role_id').where('tenant_id', '=', principal.tenantId).where('id', '=', userId).executeTakeFirst();
  if (!user) return;
  const role = await roleWithPermissions(db, principal.tenantId, user.role_id);
  if (role && lacking(principal, role.permissions).length) throw new ForbiddenError('this user holds permissions you do not');
}

/**
 * Refuses leaving the company without an active admin. Locks the admins' rows first, so two
 * admins demoting each other at the same moment cannot both pass the check.
 */
export async function assertNotLastAdmin(trx: Transaction<Database>, tenantId: string, userId: string): Promise<void> {
  const admins = await trx
    .selectFrom('users')
    .innerJoin('roles', (j) => j.onRef('roles.id', '=', 'users.role_id').onRef('roles.tenant_id', '=', 'users.tenant_id'))
    .select('users.id')
    .where('users.tenant_id', '=', tenantId)
    .where('roles.builtin', '=', true)
    .where('roles.name', '=', 'admin')
    .where('users.account_status', '=', 'active')
    .forUpdate('users')
    .execute();
  if (admins.length === 1 && admins[0]!.id === userId) throw new ConflictError('the company needs at least one active admin');
}

/**
 * Refuses changing single sign-on unless the caller holds every permission any user of the
 * company holds: whoever sets the shared secret or the identity provider decides who signs in as
 * whom, so `admin.sso` alone would be a way to sign in as the admin.
 */
export async function assertHoldsWhatEveryoneHolds(db: Conn, principal: Principal, what = 'single sign-on decides who signs in as whom'): Promise<void> {
  const roles = await db
    .selectFrom('roles')
    .select(['id', 'name', 'builtin'])
    .where('tenant_id', '=', principal.tenantId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('users')
          .select('users.id')
          .whereRef('users.role_id', '=', 'roles.id')
          .where('users.tenant_id', '=', principal.tenantId)
          .where('users.account_status', '<>', 'deactivated'),
      ),
    )
    .execute();
  const missing = new Set<Permission>();
  for (const role of roles) for (const p of lacking(principal, await rolePermissions(db, principal.tenantId, role))) missing.add(p);
  if (missing.size) throw new ForbiddenError(`${what}: it needs ${[...missing].join(', ')}, which others hold and you do not`);
}
