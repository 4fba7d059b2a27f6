import { sql } from 'kysely';
import { z } from 'zod';
import type { ConnectorDeps } from '../../../core/connector/channel-context.js';
import type { Db } from '../../../core/db/database.js';
import { ValidationError } from '../../../core/errors.js';
import { isValidTimeZone } from '../../../core/calendar/business-hours.js';
import { conditionSchema, type Condition } from '../../../router/rules/conditions/index.js';
import { ruleActionsSchema } from '../../../router/rules/rule.js';
import { checkChannelTypes } from '../api/channel-types.js';
import { found, idParams, requireOwned } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer } from '../api/answers.js';

/** Rules are checked with the router's own schemas: what is saved here is what the router runs. */
const ruleBody = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  conditions: z.array(conditionSchema).max(50),
  actions: ruleActionsSchema,
});

/** The channel types a rule's conditions name, with the field each sits in. */
const channelTypeLists = (conditions: readonly Condition[] | undefined) =>
  (conditions ?? []).flatMap((condition, index) =>
    condition.type === 'channel' ? [{ field: `conditions.${index}.channelTypes`, types: condition.channelTypes }] : [],
  );

/** Ids a rule points at must be this company's. */
async function checkRuleReferences(db: Db, tenantId: string, actions: z.infer<typeof ruleActionsSchema>): Promise<void> {
  if (actions.groupId) await requireOwned(db, 'groups', tenantId, [actions.groupId], 'actions.groupId');
  if (actions.agentId) await requireOwned(db, 'users', tenantId, [actions.agentId], 'actions.agentId');
  if (actions.requiredSkills?.length)
    await requireOwned(
      db,
      'skills',
      tenantId,
      actions.requiredSkills.map((s) => s.skillId),
      'actions.requiredSkills',
    );
}

const ruleViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number(),
    enabled: z.boolean(),
    conditions: z.array(conditionSchema),
    actions: ruleActionsSchema,
  })
  .meta({ id: 'RoutingRuleView' });
type RuleView = z.infer<typeof ruleViewSchema>;

// Conditions and actions are only ever stored through `ruleBody`, so they have its parsed shape.
const ruleView = (r: { id: string; name: string; position: number; enabled: boolean; conditions: unknown; actions: unknown }): RuleView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  enabled: r.enabled,
  conditions: r.conditions as RuleView['conditions'],
  actions: r.actions as RuleView['actions'],
});
const ruleList = z.object({ rules: z.array(ruleViewSchema) });
const ruleChannelTypes = z.object({ types: z.array(z.object({ type: z.string(), displayName: z.string() })) });

const clock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'HH:MM');
const calendarBody = z.object({
  name: z.string().trim().min(1).max(100),
  timeZone: z.string().refine(isValidTimeZone, 'not an IANA time zone'),
  /** Seven lists, Sunday first, of [start, end]. */
  weeklyHours: z.array(z.array(z.tuple([clock, clock])).max(10)).length(7),
});

/** A business-hours calendar: weekly hours (Sunday first) in its time zone, and holidays. */
const calendarViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    weeklyHours: z.array(z.array(z.tuple([z.string(), z.string()]))).describe('seven lists, Sunday first, of [start, end] local times HH:MM'),
    holidays: z.array(z.object({ day: z.string().describe('a local date, YYYY-MM-DD'), name: z.string() })),
  })
  .meta({ id: 'CalendarView' });
const calendarList = z.object({ calendars: z.array(calendarViewSchema) });

/** The one calendar, as it is now (its existence was checked in this request). */
async function calendarView(db: Db, tenantId: string, id: string): Promise<z.infer<typeof calendarViewSchema>> {
  return found((await calendarViews(db, tenantId, id))[0], 'calendar');
}

async function calendarViews(db: Db, tenantId: string, id?: string): Promise<z.infer<typeof calendarViewSchema>[]> {
  let q = db.selectFrom('business_calendars').select(['id', 'name', 'time_zone', 'weekly_hours']).where('tenant_id', '=', tenantId).orderBy('name');
  if (id) q = q.where('id', '=', id);
  const calendars = await q.execute();
  const holidays = calendars.length
    ? await db
        .selectFrom('calendar_holidays')
        .select(['calendar_id', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'name'])
        .where('tenant_id', '=', tenantId)
        .where(
          'calendar_id',
          'in',
          calendars.map((c) => c.id),
        )
        .orderBy('day')
        .execute()
    : [];
  return calendars.map((c) => ({
    id: c.id,
    name: c.name,
    timeZone: c.time_zone,
    weeklyHours: c.weekly_hours,
    holidays: holidays.filter((h) => h.calendar_id === c.id).map((h) => ({ day: h.day, name: h.name })),
  }));
}

export function routingRoutes(connectorDeps?: () => Promise<ConnectorDeps>): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/routing-rules/channel-types',
      tag: 'routing',
      summary: 'The channel types a routing rule or an SLA policy can match: every installed connector, with its display name',
      access: { anyOf: ['admin.routing', 'admin.tickets'] },
      responds: ruleChannelTypes,
      handler: async ({ c }) => {
        const connectors = connectorDeps ? (await connectorDeps()).registry.list() : [];
        return answer(c, ruleChannelTypes, { types: connectors.map((connector) => ({ type: connector.type, displayName: connector.displayName })) });
      },
    }),
    route({
      method: 'get',
      path: '/routing-rules',
      tag: 'routing',
      summary: 'Routing rules in the order they are tried (the first that matches wins)',
      access: { permission: 'admin.routing' },
      responds: ruleList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('routing_rules')
          .selectAll()
          .where('tenant_id', '=', tenant.id)
          .orderBy('position')
          .orderBy('created_at')
          .execute();
        return answer(c, ruleList, { rules: rows.map(ruleView) });
      },
    }),
    route({
      method: 'post',
      path: '/routing-rules',
      tag: 'routing',
      summary: 'Add a routing rule at the end',
      access: { permission: 'admin.routing' },
      body: ruleBody,
      example: { name: 'VIP first', conditions: [], actions: { priority: 10 } },
      responds: ruleViewSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await checkRuleReferences(db, tenant.id, body.actions);
        await checkChannelTypes(connectorDeps, channelTypeLists(body.conditions));
        const row = await db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom('routing_rules')
            .select(sql<number>`coalesce(max(position), 0)`.as('n'))
            .where('tenant_id', '=', tenant.id)
            .executeTakeFirstOrThrow();
          const created = await trx
            .insertInto('routing_rules')
            .values({
              tenant_id: tenant.id,
              name: body.name,
              enabled: body.enabled,
              position: Number(last.n) + 10,
              conditions: JSON.stringify(body.conditions),
              actions: JSON.stringify(body.actions),
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'routing_rule.created', { type: 'routing_rule', id: created.id }, body);
          return created;
        });
        return answer(c, ruleViewSchema, ruleView(row), 201);
      },
    }),
    route({
      method: 'patch',
      path: '/routing-rules/:id',
      tag: 'routing',
      summary: 'Change a routing rule',
      access: { permission: 'admin.routing' },
      params: idParams,
      body: ruleBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { enabled: false },
      responds: ruleViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('routing_rules').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'routing rule',
        );
        if (body.actions) await checkRuleReferences(db, tenant.id, body.actions);
        await checkChannelTypes(connectorDeps, channelTypeLists(body.conditions));
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('routing_rules')
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
              ...(body.conditions ? { conditions: JSON.stringify(body.conditions) } : {}),
              ...(body.actions ? { actions: JSON.stringify(body.actions) } : {}),
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'routing_rule.updated', { type: 'routing_rule', id: params.id }, body);
          return updated;
        });
        return answer(c, ruleViewSchema, ruleView(row));
      },
    }),
    route({
      method: 'put',
      path: '/routing-rules/order',
      tag: 'routing',
      summary: "Set the rules' order: every rule id, first to last",
      access: { permission: 'admin.routing' },
      body: z.object({ ids: z.array(z.uuid()).max(1000) }),
      example: { ids: [] },
      responds: z.object({ ids: z.array(z.string()) }),
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const existing = await db.selectFrom('routing_rules').select('id').where('tenant_id', '=', tenant.id).execute();
        const given = new Set(body.ids);
        if (given.size !== body.ids.length || existing.length !== given.size || existing.some((r) => !given.has(r.id))) {
          throw new ValidationError('name every rule once', [{ field: 'ids', message: 'must list every routing rule of the company exactly once' }]);
        }
        await db.transaction().execute(async (trx) => {
          for (const [index, id] of body.ids.entries())
            await trx
              .updateTable('routing_rules')
              .set({ position: (index + 1) * 10 })
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', id)
              .execute();
          await audit(trx, auth, 'routing_rule.reordered', { type: 'routing_rule' }, body);
        });
        return answer(c, z.object({ ids: z.array(z.string()) }), { ids: body.ids });
      },
    }),
    route({
      method: 'delete',
      path: '/routing-rules/:id',
      tag: 'routing',
      summary: 'Delete a routing rule',
      access: { permission: 'admin.routing' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('routing_rules').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'routing rule',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('routing_rules').where('tenant_id', '=', tenant.id).where('id', '=', params.id).execute();
          await audit(trx, auth, 'routing_rule.deleted', { type: 'routing_rule', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/business-hours',
      tag: 'routing',
      summary: 'Business-hours calendars with their holidays',
      access: { permission: 'admin.routing' },
      responds: calendarList,
      handler: async ({ c, ctx, tenant }) => answer(c, calendarList, { calendars: await calendarViews(ctx.database.db, tenant.id) }),
    }),
    route({
      method: 'post',
      path: '/business-hours',
      tag: 'routing',
      summary: 'Add a business-hours calendar (time zone and weekly hours, Sunday first)',
      access: { permission: 'admin.routing' },
      body: calendarBody,
      example: {
        name: 'Office',
        timeZone: 'Asia/Shanghai',
        weeklyHours: [[], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], []],
      },
      responds: calendarViewSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const id = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('business_calendars')
            .values({ tenant_id: tenant.id, name: body.name, time_zone: body.timeZone, weekly_hours: JSON.stringify(body.weeklyHours) })
            .returning('id')
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'business_hours.created', { type: 'business_hours', id: created.id }, body);
          return created.id;
        });
        return answer(c, calendarViewSchema, await calendarView(db, tenant.id, id), 201);
      },
    }),
    route({
      method: 'patch',
      path: '/business-hours/:id',
      tag: 'routing',
      summary: 'Change a calendar',
      access: { permission: 'admin.routing' },
      params: idParams,
      body: calendarBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { name: 'Head office' },
      responds: calendarViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('business_calendars').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'calendar',
        );
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('business_calendars')
            .set({
              ...(body.name ? { name: body.name } : {}),
              ...(body.timeZone ? { time_zone: body.timeZone } : {}),
              ...(body.weeklyHours ? { weekly_hours: JSON.stringify(body.weeklyHours) } : {}),
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .execute();
          await audit(trx, auth, 'business_hours.updated', { type: 'business_hours', id: params.id }, body);
        });
        return answer(c, calendarViewSchema, await calendarView(db, tenant.id, params.id));
      },
    }),
    route({
      method: 'put',
      path: '/business-hours/:id/holidays',
      tag: 'routing',
      summary: "Replace a calendar's holidays (local dates)",
      access: { permission: 'admin.routing' },
      params: idParams,
      body: z.object({ holidays: z.array(z.object({ day: z.iso.date(), name: z.string().max(100).default('') })).max(400) }),
      example: { holidays: [{ day: '2027-01-01', name: 'New year' }] },
      responds: calendarViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('business_calendars').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'calendar',
        );
        const unique = [...new Map(body.holidays.map((h) => [h.day, h])).values()];
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('calendar_holidays').where('tenant_id', '=', tenant.id).where('calendar_id', '=', params.id).execute();
          if (unique.length)
            await trx
              .insertInto('calendar_holidays')
              .values(unique.map((h) => ({ tenant_id: tenant.id, calendar_id: params.id, day: h.day, name: h.name })))
              .execute();
          await audit(trx, auth, 'business_hours.holidays_set', { type: 'business_hours', id: params.id }, { days: unique.length });
        });
        return answer(c, calendarViewSchema, await calendarView(db, tenant.id, params.id));
      },
    }),
    route({
      method: 'delete',
      path: '/business-hours/:id',
      tag: 'routing',
      summary: 'Delete a calendar (groups using it lose it)',
      access: { permission: 'admin.routing' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('business_calendars').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'calendar',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('business_calendars').where('tenant_id', '=', tenant.id).where('id', '=', params.id).execute();
          await audit(trx, auth, 'business_hours.deleted', { type: 'business_hours', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
  ];
}
