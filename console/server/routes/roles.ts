import { z } from 'zod';
import { PERMISSIONS, PERMISSION_NAMES, lacking, rolePermissions } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import { ConflictError, ForbiddenError } from '../../../core/errors.js';
import { found, idParams } from '../api/checks.js';
import { route, type AnyRoute, type Auth } from '../api/route.js';
import { audit } from '../audit.js';
import { assertHolds } from '../auth/grants.js';
import { answer, permissionSchema, roleViewSchema } from '../api/answers.js';

const permissionList = z.array(permissionSchema).max(PERMISSION_NAMES.length);
const roleBody = z.object({ name: z.string().trim().min(1).max(100), permissions: permissionList });

async function roleViews(db: Db, tenantId: string, id?: string) {
  let query = db.selectFrom('roles').select(['id', 'name', 'builtin']).where('tenant_id', '=', tenantId).orderBy('builtin', 'desc').orderBy('name');
  if (id) query = query.where('id', '=', id);
  const roles = await query.execute();
  return Promise.all(roles.map(async (r) => ({ id: r.id, name: r.name, builtin: r.builtin, permissions: await rolePermissions(db, tenantId, r) })));
}

/**
 * A custom role the caller may change or delete: not the one they hold (they would widen it for
 * themselves), and not one holding a permission they lack (its holders rank above them).
 */
async function editableRole(db: Db, auth: Auth, id: string) {
  const tenantId = auth.principal.tenantId;
  const role = found(
    await db.selectFrom('roles').select(['id', 'builtin', 'name']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    'role',
  );
  if (role.builtin) throw new ConflictError('built-in roles cannot be changed or deleted');
  if (role.id === auth.principal.roleId) throw new ForbiddenError('you cannot change the role you hold');
  const above = lacking(auth.principal, await rolePermissions(db, tenantId, role));
  if (above.length) throw new ForbiddenError(`the role "${role.name}" holds ${above.join(', ')}, which you do not`);
  return role;
}

async function assertNameFree(db: Db, tenantId: string, name: string, exceptId?: string) {
  let query = db.selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', name);
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw new ConflictError('a role with that name exists');
}

const permissionCatalog = z.object({ permissions: z.array(z.object({ name: permissionSchema, description: z.string() })) });

export function roleRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/permissions',
      tag: 'roles',
      summary: 'The permission catalog roles are made of',
      access: { signedIn: true },
      responds: permissionCatalog,
      handler: ({ c }) => answer(c, permissionCatalog, { permissions: PERMISSION_NAMES.map((name) => ({ name, description: PERMISSIONS[name] })) }),
    }),
    route({
      method: 'get',
      path: '/roles',
      tag: 'roles',
      summary: 'Roles with their permissions',
      access: { anyOf: ['admin.roles', 'admin.agents'] },
      responds: z.object({ roles: z.array(roleViewSchema) }),
      handler: async ({ c, ctx, tenant }) => answer(c, z.object({ roles: z.array(roleViewSchema) }), { roles: await roleViews(ctx.database.db, tenant.id) }),
    }),
    route({
      method: 'post',
      path: '/roles',
      tag: 'roles',
      summary: 'Add a role',
      access: { permission: 'admin.roles' },
      body: roleBody,
      example: { name: 'Night shift', permissions: ['conversations.view.own', 'conversations.reply'] },
      responds: roleViewSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        assertHolds(auth.principal, body.permissions, 'the role');
        await assertNameFree(db, tenant.id, body.name);
        const id = await db.transaction().execute(async (trx) => {
          const role = await trx.insertInto('roles').values({ tenant_id: tenant.id, name: body.name }).returning('id').executeTakeFirstOrThrow();
          const permissions = [...new Set(body.permissions)];
          if (permissions.length)
            await trx
              .insertInto('role_permissions')
              .values(permissions.map((permission) => ({ tenant_id: tenant.id, role_id: role.id, permission })))
              .execute();
          await audit(trx, auth, 'role.created', { type: 'role', id: role.id }, body);
          return role.id;
        });
        return answer(c, roleViewSchema, found((await roleViews(db, tenant.id, id))[0], 'role'), 201);
      },
    }),
    route({
      method: 'patch',
      path: '/roles/:id',
      tag: 'roles',
      summary: "Rename a role or replace its permissions (built-in roles can't be changed)",
      access: { permission: 'admin.roles' },
      params: idParams,
      body: roleBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { permissions: ['conversations.view.own'] },
      responds: roleViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const role = await editableRole(db, auth, params.id);
        if (body.permissions) assertHolds(auth.principal, body.permissions, 'the role');
        if (body.name) await assertNameFree(db, tenant.id, body.name, role.id);
        await db.transaction().execute(async (trx) => {
          if (body.name) await trx.updateTable('roles').set({ name: body.name }).where('tenant_id', '=', tenant.id).where('id', '=', role.id).execute();
          if (body.permissions) {
            await trx.deleteFrom('role_permissions').where('tenant_id', '=', tenant.id).where('role_id', '=', role.id).execute();
            const permissions = [...new Set(body.permissions)];
            if (permissions.length)
              await trx
                .insertInto('role_permissions')
                .values(permissions.map((permission) => ({ tenant_id: tenant.id, role_id: role.id, permission })))
                .execute();
          }
          await audit(trx, auth, 'role.updated', { type: 'role', id: role.id }, body);
        });
        return answer(c, roleViewSchema, found((await roleViews(db, tenant.id, role.id))[0], 'role'));
      },
    }),
    route({
      method: 'delete',
      path: '/roles/:id',
      tag: 'roles',
      summary: 'Delete a role nobody has',
      access: { permission: 'admin.roles' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const role = await editableRole(db, auth, params.id);
        const holder = await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('role_id', '=', role.id).executeTakeFirst();
        if (holder) throw new ConflictError('users still have this role');
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('roles').where('tenant_id', '=', tenant.id).where('id', '=', role.id).execute();
          await audit(trx, auth, 'role.deleted', { type: 'role', id: role.id }, { name: role.name });
        });
        return c.body(null, 204);
      },
    }),
  ];
}
