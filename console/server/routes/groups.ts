import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../../core/db/database.js';
import type { Group } from '../../../core/db/schema.js';
import { ConflictError, ValidationError } from '../../../core/errors.js';
import { found, idParams, requireOwned } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { transferConversation } from '../../../router/conversations/transfer-conversation.js';
import { audit } from '../audit.js';
import { answer, groupViewSchema } from '../api/answers.js';

const STRATEGIES = ['round_robin', 'least_busy', 'skill_weighted', 'sticky', 'manual'] as const;
const seconds = z
  .number()
  .int()
  .min(1)
  .max(30 * 86_400);
/** How a group queues and assigns (the router reads these). */
const queueSettings = {
  calendarId: z.uuid().nullable().optional(),
  overflowGroupId: z.uuid().nullable().optional(),
  overflowAfterSeconds: seconds.nullable().optional(),
  maxQueueLength: z.number().int().min(0).max(100_000).nullable().optional(),
  queueFullReply: z.string().min(1).max(2000).nullable().optional(),
  noAnswerSeconds: seconds.nullable().optional(),
  noAnswerSetAway: z.boolean().optional(),
  stickyDays: z.number().int().min(0).max(365).optional(),
  autoResolveAfterSeconds: seconds.nullable().optional(),
};
const groupBody = z.object({ name: z.string().trim().min(1).max(100), strategy: z.enum(STRATEGIES).default('round_robin'), ...queueSettings });
type GroupInput = Partial<z.infer<typeof groupBody>>;
/** Where a deleted group's work went: with `moveTo`, the group and how many conversations and members moved there. */
const groupDeleted = z.object({ movedTo: z.string().nullable(), conversations: z.number(), members: z.number() });

const columns = [
  'id',
  'name',
  'strategy',
  'calendar_id',
  'overflow_group_id',
  'overflow_after_seconds',
  'max_queue_length',
  'queue_full_reply',
  'no_answer_seconds',
  'no_answer_set_away',
  'sticky_days',
  'auto_resolve_after_seconds',
] as const;

function toRow(b: GroupInput) {
  const row: Record<string, unknown> = {};
  const map: [keyof GroupInput, string][] = [
    ['name', 'name'],
    ['strategy', 'strategy'],
    ['calendarId', 'calendar_id'],
    ['overflowGroupId', 'overflow_group_id'],
    ['overflowAfterSeconds', 'overflow_after_seconds'],
    ['maxQueueLength', 'max_queue_length'],
    ['queueFullReply', 'queue_full_reply'],
    ['noAnswerSeconds', 'no_answer_seconds'],
    ['noAnswerSetAway', 'no_answer_set_away'],
    ['stickyDays', 'sticky_days'],
    ['autoResolveAfterSeconds', 'auto_resolve_after_seconds'],
  ];
  for (const [key, column] of map) if (b[key] !== undefined) row[column] = b[key];
  return row;
}

const groupList = z.object({ groups: z.array(groupViewSchema) });
const skillView = z.object({ id: z.string(), name: z.string() });
const skillList = z.object({ skills: z.array(skillView) });
const skillLevels = z.object({ skills: z.array(z.object({ skillId: z.string(), level: z.number() })) });

type GroupRow = Pick<Group, (typeof columns)[number]>;
const groupView = (g: GroupRow, memberIds: string[]): z.infer<typeof groupViewSchema> => ({
  id: g.id,
  name: g.name,
  strategy: g.strategy,
  calendarId: g.calendar_id,
  overflowGroupId: g.overflow_group_id,
  overflowAfterSeconds: g.overflow_after_seconds,
  maxQueueLength: g.max_queue_length,
  queueFullReply: g.queue_full_reply,
  noAnswerSeconds: g.no_answer_seconds,
  noAnswerSetAway: g.no_answer_set_away,
  stickyDays: g.sticky_days,
  autoResolveAfterSeconds: g.auto_resolve_after_seconds,
  memberIds,
});

async function checkGroupReferences(db: Db, tenantId: string, b: GroupInput, selfId?: string) {
  if (b.calendarId) await requireOwned(db, 'business_calendars', tenantId, [b.calendarId], 'calendarId');
  if (b.overflowGroupId) {
    await requireOwned(db, 'groups', tenantId, [b.overflowGroupId], 'overflowGroupId');
    if (b.overflowGroupId === selfId)
      throw new ValidationError('a group cannot overflow into itself', [{ field: 'overflowGroupId', message: 'same as the group' }]);
  }
}

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
      responds: groupList,
      handler: async ({ c, ctx, tenant }) => {
        const db = ctx.database.db;
        const [groups, members] = await Promise.all([
          db.selectFrom('groups').select(columns).where('tenant_id', '=', tenant.id).orderBy('name').execute(),
          db.selectFrom('group_members').select(['group_id', 'user_id']).where('tenant_id', '=', tenant.id).execute(),
        ]);
        return answer(c, groupList, {
          groups: groups.map((g) =>
            groupView(
              g,
              members.filter((m) => m.group_id === g.id).map((m) => m.user_id),
            ),
          ),
        });
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
      responds: groupViewSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await nameFree(db, 'groups', tenant.id, body.name);
        await checkGroupReferences(db, tenant.id, body);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('groups')
            .values({ tenant_id: tenant.id, ...toRow(body) } as never)
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'group.created', { type: 'group', id: created.id }, body);
          return created;
        });
        return answer(c, groupViewSchema, groupView(row, []), 201);
      },
    }),
    route({
      method: 'patch',
      path: '/groups/:id',
      tag: 'routing',
      summary: 'Change a group: name, assignment strategy, business hours, overflow, queue limit, no-answer and auto-resolve timers',
      access: { permission: 'admin.routing' },
      params: idParams,
      body: z
        .object({ name: groupBody.shape.name.optional(), strategy: z.enum(STRATEGIES).optional(), ...queueSettings })
        .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { strategy: 'round_robin' },
      responds: groupViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('groups').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'group');
        if (body.name) await nameFree(db, 'groups', tenant.id, body.name, params.id);
        await checkGroupReferences(db, tenant.id, body, params.id);
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('groups')
            .set(toRow(body) as never)
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'group.updated', { type: 'group', id: params.id }, body);
          return updated;
        });
        const members = await db.selectFrom('group_members').select('user_id').where('tenant_id', '=', tenant.id).where('group_id', '=', params.id).execute();
        return answer(
          c,
          groupViewSchema,
          groupView(
            row,
            members.map((m) => m.user_id),
          ),
        );
      },
    }),
    route({
      method: 'delete',
      path: '/groups/:id',
      tag: 'routing',
      summary:
        "Delete a group. With moveTo, its waiting conversations join that group's line, its open ones and its members move there, and rules and overflows that named it name that group; without, its conversations keep their assignee and lose the group",
      access: { permission: 'admin.routing' },
      params: idParams,
      query: z.object({ moveTo: z.uuid().optional() }),
      responds: groupDeleted,
      handler: async ({ c, ctx, tenant, auth, params, query }) => {
        const db = ctx.database.db;
        const group = found(
          await db.selectFrom('groups').select(['id', 'name']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'group',
        );
        const moveTo = query.moveTo;
        if (moveTo) {
          await requireOwned(db, 'groups', tenant.id, [moveTo], 'moveTo');
          if (moveTo === group.id) throw new ValidationError('move to another group', [{ field: 'moveTo', message: 'same as the group being deleted' }]);
          // Through the router, one by one: each joins the new line (or an agent of it) and agents' lists follow live.
          const waiting = await db
            .selectFrom('conversations')
            .select('id')
            .where('tenant_id', '=', tenant.id)
            .where('group_id', '=', group.id)
            .where('status', 'in', ['open', 'queued'])
            .orderBy('queued_at')
            .execute();
          for (const conversation of waiting) {
            await transferConversation(ctx, {
              tenantId: tenant.id,
              conversationId: conversation.id,
              actorId: auth.principal.userId,
              to: { groupId: moveTo },
            }).catch((error: unknown) => {
              // One that was taken or resolved meanwhile is no longer waiting; the rest still move.
              if (!(error instanceof ConflictError)) throw error;
            });
          }
        }
        const moved = await db.transaction().execute(async (trx) => {
          let counts = { conversations: 0, members: 0 };
          if (moveTo) {
            const conversations = await trx
              .updateTable('conversations')
              .set({ group_id: moveTo })
              .where('tenant_id', '=', tenant.id)
              .where('group_id', '=', group.id)
              .where('status', '<>', 'resolved')
              .executeTakeFirst();
            const members = await trx
              .insertInto('group_members')
              .columns(['tenant_id', 'group_id', 'user_id'])
              .expression((eb) =>
                eb
                  .selectFrom('group_members')
                  .select([eb.val(tenant.id).as('tenant_id'), eb.val(moveTo).as('group_id'), 'user_id'])
                  .where('tenant_id', '=', tenant.id)
                  .where('group_id', '=', group.id),
              )
              .onConflict((oc) => oc.doNothing())
              .executeTakeFirst();
            counts = { conversations: Number(conversations.numUpdatedRows), members: Number(members.numInsertedOrUpdatedRows ?? 0) };
            await trx
              .updateTable('routing_rules')
              .set({ actions: sql`jsonb_set(actions, '{groupId}', to_jsonb(${moveTo}::text))` })
              .where('tenant_id', '=', tenant.id)
              .where(sql<boolean>`actions->>'groupId' = ${group.id}`)
              .execute();
            await trx
              .updateTable('groups')
              .set({ overflow_group_id: moveTo })
              .where('tenant_id', '=', tenant.id)
              .where('overflow_group_id', '=', group.id)
              .where('id', '<>', moveTo)
              .execute();
          }
          await trx.deleteFrom('groups').where('tenant_id', '=', tenant.id).where('id', '=', group.id).execute();
          await audit(trx, auth, 'group.deleted', { type: 'group', id: group.id }, { name: group.name, ...(moveTo ? { movedTo: moveTo, ...counts } : {}) });
          return counts;
        });
        return answer(c, groupDeleted, { movedTo: moveTo ?? null, ...moved });
      },
    }),
    route({
      method: 'get',
      path: '/skills',
      tag: 'routing',
      summary: 'Skills agents can have',
      access: { signedIn: true },
      responds: skillList,
      handler: async ({ c, ctx, tenant }) =>
        answer(c, skillList, {
          skills: await ctx.database.db.selectFrom('skills').select(['id', 'name']).where('tenant_id', '=', tenant.id).orderBy('name').execute(),
        }),
    }),
    route({
      method: 'post',
      path: '/skills',
      tag: 'routing',
      summary: 'Add a skill',
      access: { permission: 'admin.routing' },
      body: z.object({ name: z.string().trim().min(1).max(100) }),
      example: { name: 'Mandarin' },
      responds: skillView,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await nameFree(db, 'skills', tenant.id, body.name);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx.insertInto('skills').values({ tenant_id: tenant.id, name: body.name }).returning(['id', 'name']).executeTakeFirstOrThrow();
          await audit(trx, auth, 'skill.created', { type: 'skill', id: created.id }, body);
          return created;
        });
        return answer(c, skillView, row, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/skills/:id',
      tag: 'routing',
      summary: 'Delete a skill',
      access: { permission: 'admin.routing' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const skill = found(
          await db.selectFrom('skills').select(['id', 'name']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'skill',
        );
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
      responds: skillLevels,
      handler: async ({ c, ctx, tenant, params }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'user');
        const rows = await db
          .selectFrom('agent_skills')
          .select(['skill_id as skillId', 'level'])
          .where('tenant_id', '=', tenant.id)
          .where('user_id', '=', params.id)
          .execute();
        return answer(c, skillLevels, { skills: rows });
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
      responds: skillLevels,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'user');
        await requireOwned(
          db,
          'skills',
          tenant.id,
          body.skills.map((s) => s.skillId),
          'skills',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('agent_skills').where('tenant_id', '=', tenant.id).where('user_id', '=', params.id).execute();
          const unique = [...new Map(body.skills.map((s) => [s.skillId, s])).values()];
          if (unique.length) {
            await trx
              .insertInto('agent_skills')
              .values(unique.map((s) => ({ tenant_id: tenant.id, user_id: params.id, skill_id: s.skillId, level: s.level })))
              .execute();
          }
          await audit(trx, auth, 'user.skills_set', { type: 'user', id: params.id }, body);
        });
        return answer(c, skillLevels, { skills: body.skills });
      },
    }),
  ];
}
