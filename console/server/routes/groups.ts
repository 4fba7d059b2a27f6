import { z } from 'zod';
import type { Db } from '../../../core/db/database.js';
import { ConflictError } from '../../../core/errors.js';
import { found, idParams, requireOwned } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';

const STRATEGIES = ['round_robin', 'least_busy', 'skill_weighted', 'sticky', 'manual'] as const;
const groupBody = z.object({ name: z.string().trim().min(1).max(100), strategy: z.enum(STRATEGIES).default('round_robin') });

async function nameFree(db: Db, table: 'groups' | 'skills', tenantId: string, name: string, exceptId?: string) {
  let q = db.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new ConflictError(`a ${table.replace(/s$/, '')} with that name exists`);
}

/** Agent groups and skills: what routing assigns by. */
export function groupRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/groups',
      tag: 'routing',
      summary: 'Agent groups with their members',
      access: { signedIn: true },
      handler: async ({ c, ctx, tenant }) => {
        const db = ctx.database.db;
        const [groups, members] = await Promise.all([
          db.selectFrom('groups').select(['id', 'name', 'strategy']).where('tenant_id', '=', tenant.id).orderBy('name').execute(),
          db.selectFrom('group_members').select(['group_id', 'user_id']).where('tenant_id', '=', tenant.id).execute(),
        ]);
        return c.json({ groups: groups.map((g) => ({ ...g, memberIds: members.filter((m) => m.group_id === g.id).map((m) => m.user_id) })) });
      },
    }),
    route({
      method: 'post',
      path: '/groups',
      tag: 'routing',
      summary: 'Add an agent group',
      access: { permission: 'admin.routing' },
      body: groupBody,
      example: { name: 'Billing', strategy: 'least_busy' },
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await nameFree(db, 'groups', tenant.id, body.name);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx.insertInto('groups').values({ tenant_id: tenant.id, name: body.name, strategy: body.strategy }).returning(['id', 'name', 'strategy']).executeTakeFirstOrThrow();
          await audit(trx, auth, 'group.created', { type: 'group', id: created.id }, body);
          return created;
        });
        return c.json({ ...row, memberIds: [] }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/groups/:id',
      tag: 'routing',
      summary: "Rename a group or change how it assigns",
      access: { permission: 'admin.routing' },
      params: idParams,
      body: z
        .object({ name: groupBody.shape.name.optional(), strategy: z.enum(STRATEGIES).optional() })
        .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { strategy: 'round_robin' },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('groups').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'group');
        if (body.name) await nameFree(db, 'groups', tenant.id, body.name, params.id);
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx.updateTable('groups').set(body).where('tenant_id', '=', tenant.id).where('id', '=', params.id).returning(['id', 'name', 'strategy']).executeTakeFirstOrThrow();
          await audit(trx, auth, 'group.updated', { type: 'group', id: params.id }, body);
          return updated;
        });
        return c.json(row);
      },
    }),
    route({
      method: 'delete',
      path: '/groups/:id',
      tag: 'routing',
      summary: 'Delete a group (its conversations keep their assignee and lose the group)',
      access: { permission: 'admin.routing' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const group = found(await db.selectFrom('groups').select(['id', 'name']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'group');
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('groups').where('tenant_id', '=', tenant.id).where('id', '=', group.id).execute();
          await audit(trx, auth, 'group.deleted', { type: 'group', id: group.id }, { name: group.name });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/skills',
      tag: 'routing',
      summary: 'Skills agents can have',
      access: { signedIn: true },
      handler: async ({ c, ctx, tenant }) =>
        c.json({ skills: await ctx.database.db.selectFrom('skills').select(['id', 'name']).where('tenant_id', '=', tenant.id).orderBy('name').execute() }),
    }),
    route({
      method: 'post',
      path: '/skills',
      tag: 'routing',
      summary: 'Add a skill',
      access: { permission: 'admin.routing' },
      body: z.object({ name: z.string().trim().min(1).max(100) }),
      example: { name: 'Mandarin' },
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await nameFree(db, 'skills', tenant.id, body.name);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx.insertInto('skills').values({ tenant_id: tenant.id, name: body.name }).returning(['id', 'name']).executeTakeFirstOrThrow();
          await audit(trx, auth, 'skill.created', { type: 'skill', id: created.id }, body);
          return created;
        });
        return c.json(row, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/skills/:id',
      tag: 'routing',
      summary: 'Delete a skill',
      access: { permission: 'admin.routing' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const skill = found(await db.selectFrom('skills').select(['id', 'name']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'skill');
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('skills').where('tenant_id', '=', tenant.id).where('id', '=', skill.id).execute();
          await audit(trx, auth, 'skill.deleted', { type: 'skill', id: skill.id }, { name: skill.name });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/users/:id/skills',
      tag: 'routing',
      summary: "An agent's skills and levels",
      access: { anyOf: ['admin.routing', 'admin.agents'] },
      params: idParams,
      handler: async ({ c, ctx, tenant, params }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'user');
        const rows = await db.selectFrom('agent_skills').select(['skill_id as skillId', 'level']).where('tenant_id', '=', tenant.id).where('user_id', '=', params.id).execute();
        return c.json({ skills: rows });
      },
    }),
    route({
      method: 'put',
      path: '/users/:id/skills',
      tag: 'routing',
      summary: "Replace an agent's skills (level 1 to 5)",
      access: { permission: 'admin.routing' },
      params: idParams,
      body: z.object({ skills: z.array(z.object({ skillId: z.uuid(), level: z.number().int().min(1).max(5) })).max(100) }),
      example: { skills: [] },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'user');
        await requireOwned(db, 'skills', tenant.id, body.skills.map((s) => s.skillId), 'skills');
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('agent_skills').where('tenant_id', '=', tenant.id).where('user_id', '=', params.id).execute();
          const unique = [...new Map(body.skills.map((s) => [s.skillId, s])).values()];
          if (unique.length) {
            await trx.insertInto('agent_skills').values(unique.map((s) => ({ tenant_id: tenant.id, user_id: params.id, skill_id: s.skillId, level: s.level }))).execute();
          }
          await audit(trx, auth, 'user.skills_set', { type: 'user', id: params.id }, body);
        });
        return c.json({ skills: body.skills });
      },
    }),
  ];
}
