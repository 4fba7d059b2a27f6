import { sql } from 'kysely';
import { z } from 'zod';
import { SLA_METRICS, TICKET_PRIORITIES, type SlaMetric, type TicketPriority } from '../schema.js';
import { ValidationError } from '../../core/errors.js';
import { actionSchema, conditionSchema, TRIGGER_EVENTS } from '../rules.js';
import type { ConnectorDeps } from '../../core/connector/channel-context.js';
import type { Context } from '../../core/context.js';
import { checkChannelTypes } from '../../console/server/api/channel-types.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';

const minutes = z.number().int().min(1).max(525_600);
const targets = z.object({ firstResponse: minutes.optional(), nextResponse: minutes.optional(), resolution: minutes.optional() }).strict();

const policyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    position: z.number().int().min(0).max(10_000).default(0),
    enabled: z.boolean().default(true),
    match: z
      .object({ channelTypes: z.array(z.string().min(1).max(40)).max(20).optional(), contactTags: z.array(z.string().min(1).max(50)).max(20).optional() })
      .strict()
      .default({}),
    targets: z.partialRecord(z.enum(TICKET_PRIORITIES), targets),
    warnBeforeMinutes: z.number().int().min(0).max(10_080).default(30),
  })
  .strict();

const automationBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['trigger', 'time']),
    events: z.array(z.enum(TRIGGER_EVENTS)).max(TRIGGER_EVENTS.length).default([]),
    conditions: z.array(conditionSchema).max(20).default([]),
    actions: z.array(actionSchema).min(1).max(10),
    enabled: z.boolean().default(true),
    position: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .superRefine((b, issue) => {
    if (b.kind === 'trigger' && b.events.length === 0) issue.addIssue({ code: 'custom', path: ['events'], message: 'a trigger needs at least one event' });
    // A time rule must say how long: otherwise it would fire on every ticket at once.
    if (b.kind === 'time' && !b.conditions.some((c) => c.field.startsWith('hours_since_') && c.op === 'gte'))
      issue.addIssue({ code: 'custom', path: ['conditions'], message: 'a time rule needs an hours_since_… at-least condition' });
  });

/** An SLA policy: which tickets it covers and the minutes of business time per priority and metric. */
const slaPolicySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number(),
    enabled: z.boolean(),
    match: z.object({ channelTypes: z.array(z.string()).optional(), contactTags: z.array(z.string()).optional() }).describe('empty covers every ticket'),
    targets: z.partialRecord(z.enum(TICKET_PRIORITIES), z.partialRecord(z.enum(SLA_METRICS), z.number())),
    warnBeforeMinutes: z.number(),
  })
  .meta({ id: 'SlaPolicy' });
const policyList = z.object({ policies: z.array(slaPolicySchema) });

/** An automation as stored; its conditions and actions are the shapes POST /automations takes. */
const automationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['trigger', 'time']),
    events: z.array(z.string()),
    conditions: z.array(z.unknown()),
    actions: z.array(z.unknown()),
    enabled: z.boolean(),
    position: z.number(),
  })
  .meta({ id: 'Automation' });
const automationList = z.object({
  automations: z.array(automationSchema.extend({ firings: z.number(), lastFiredAt: z.string().nullable() })),
});
const automationRuns = z.object({
  runs: z.array(z.object({ id: z.string(), ticketId: z.string(), ticketNumber: z.number(), event: z.string(), at: z.string() })),
});

type PolicyRow = {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  match: { channelTypes?: string[]; contactTags?: string[] };
  targets: Partial<Record<TicketPriority, Partial<Record<SlaMetric, number>>>>;
  warn_before_minutes: number;
};
const policyView = (p: PolicyRow): z.infer<typeof slaPolicySchema> => ({
  id: p.id,
  name: p.name,
  position: p.position,
  enabled: p.enabled,
  match: p.match,
  targets: p.targets,
  warnBeforeMinutes: p.warn_before_minutes,
});
type AutomationRow = {
  id: string;
  name: string;
  kind: 'trigger' | 'time';
  events: string[];
  conditions: unknown[];
  actions: unknown[];
  enabled: boolean;
  position: number;
};
const automationView = (a: AutomationRow): z.infer<typeof automationSchema> => ({
  id: a.id,
  name: a.name,
  kind: a.kind,
  events: a.events,
  conditions: a.conditions,
  actions: a.actions,
  enabled: a.enabled,
  position: a.position,
});

/** Ids inside automation actions must be this company's, so a rule can never reach another's rows. */
async function checkActionIds(db: import('../../core/db/database.js').Db, tenantId: string, actions: z.infer<typeof actionSchema>[]): Promise<void> {
  const issues: { field: string; message: string }[] = [];
  for (const [i, a] of actions.entries()) {
    if (
      a.type === 'assign' &&
      a.assigneeId &&
      !(await db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.assigneeId).executeTakeFirst())
    )
      issues.push({ field: `actions.${i}.assigneeId`, message: 'no such agent' });
    if (
      a.type === 'assign' &&
      a.groupId &&
      !(await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.groupId).executeTakeFirst())
    )
      issues.push({ field: `actions.${i}.groupId`, message: 'no such group' });
    if (
      a.type === 'reply' &&
      a.cannedResponseId &&
      !(await db.selectFrom('canned_responses').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.cannedResponseId).executeTakeFirst())
    )
      issues.push({ field: `actions.${i}.cannedResponseId`, message: 'no such canned response' });
  }
  if (issues.length) throw new ValidationError('invalid actions', issues);
}

export function ticketRuleRoutes(connectorDeps?: (ctx: Context) => Promise<ConnectorDeps>): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/sla-policies',
      tag: 'tickets',
      summary: 'SLA policies, in the order they are tried',
      access: { anyOf: ['tickets.view', 'admin.tickets'] },
      responds: policyList,
      handler: async ({ c, ctx, tenant }) =>
        answer(c, policyList, {
          policies: (
            await ctx.database.db.selectFrom('sla_policies').selectAll().where('tenant_id', '=', tenant.id).orderBy('position').orderBy('created_at').execute()
          ).map(policyView),
        }),
    }),
    route({
      method: 'post',
      path: '/sla-policies',
      tag: 'tickets',
      summary: 'Add an SLA policy: minutes of business time per priority for first response, next response and resolution',
      access: { permission: 'admin.tickets' },
      body: policyBody,
      example: { name: 'Standard', targets: { urgent: { firstResponse: 30, resolution: 240 }, normal: { firstResponse: 240 } } },
      responds: slaPolicySchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await checkChannelTypes(connectorDeps && (() => connectorDeps(ctx)), [{ field: 'match.channelTypes', types: body.match.channelTypes }]);
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('sla_policies')
            .values({
              tenant_id: tenant.id,
              name: body.name,
              position: body.position,
              enabled: body.enabled,
              match: JSON.stringify(body.match),
              targets: JSON.stringify(body.targets),
              warn_before_minutes: body.warnBeforeMinutes,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'sla_policy.created', { type: 'sla_policy', id: created.id }, { name: body.name });
          return created;
        });
        return answer(c, slaPolicySchema, policyView(row), 201);
      },
    }),
    route({
      method: 'put',
      path: '/sla-policies/:id',
      tag: 'tickets',
      summary: 'Replace an SLA policy (tickets already counting keep their clocks until their priority or group changes)',
      access: { permission: 'admin.tickets' },
      params: idParams,
      body: policyBody,
      example: { name: 'Standard', targets: { high: { firstResponse: 60 } } },
      responds: slaPolicySchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        await checkChannelTypes(connectorDeps && (() => connectorDeps(ctx)), [{ field: 'match.channelTypes', types: body.match.channelTypes }]);
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const updated = found(
            await trx
              .updateTable('sla_policies')
              .set({
                name: body.name,
                position: body.position,
                enabled: body.enabled,
                match: JSON.stringify(body.match),
                targets: JSON.stringify(body.targets),
                warn_before_minutes: body.warnBeforeMinutes,
              })
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', params.id)
              .returningAll()
              .executeTakeFirst(),
            'SLA policy',
          );
          await audit(trx, auth, 'sla_policy.updated', { type: 'sla_policy', id: updated.id }, { name: body.name });
          return updated;
        });
        return answer(c, slaPolicySchema, policyView(row));
      },
    }),
    route({
      method: 'delete',
      path: '/sla-policies/:id',
      tag: 'tickets',
      summary: 'Remove an SLA policy',
      access: { permission: 'admin.tickets' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await ctx.database.db.transaction().execute(async (trx) => {
          found(
            await trx.deleteFrom('sla_policies').where('tenant_id', '=', tenant.id).where('id', '=', params.id).returning('id').executeTakeFirst(),
            'SLA policy',
          );
          await audit(trx, auth, 'sla_policy.deleted', { type: 'sla_policy', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/automations',
      tag: 'tickets',
      summary: 'Ticket automations: event triggers and time rules, with how often each fired',
      access: { permission: 'admin.tickets' },
      responds: automationList,
      handler: async ({ c, ctx, tenant }) => {
        const db = ctx.database.db;
        const rows = await db
          .selectFrom('automations')
          .selectAll()
          .where('tenant_id', '=', tenant.id)
          .orderBy('kind')
          .orderBy('position')
          .orderBy('created_at')
          .execute();
        const counts = await db
          .selectFrom('automation_runs')
          .select(['automation_id', sql<string>`count(*)`.as('n'), sql<Date>`max(fired_at)`.as('last')])
          .where('tenant_id', '=', tenant.id)
          .groupBy('automation_id')
          .execute();
        return answer(c, automationList, {
          automations: rows.map((r) => {
            const n = counts.find((x) => x.automation_id === r.id);
            return { ...automationView(r), firings: Number(n?.n ?? 0), lastFiredAt: n?.last ? new Date(n.last).toISOString() : null };
          }),
        });
      },
    }),
    route({
      method: 'get',
      path: '/automations/:id/runs',
      tag: 'tickets',
      summary: 'The latest firings of an automation: which ticket, on what event, when',
      access: { permission: 'admin.tickets' },
      params: idParams,
      responds: automationRuns,
      handler: async ({ c, ctx, tenant, params }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('automations').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'automation');
        const runs = await db
          .selectFrom('automation_runs')
          .innerJoin('tickets', 'tickets.id', 'automation_runs.ticket_id')
          .select(['automation_runs.id', 'automation_runs.ticket_id', 'tickets.number', 'automation_runs.event', 'automation_runs.fired_at'])
          .where('automation_runs.tenant_id', '=', tenant.id)
          .where('automation_runs.automation_id', '=', params.id)
          .orderBy('automation_runs.id', 'desc')
          .limit(200)
          .execute();
        return answer(c, automationRuns, {
          runs: runs.map((r) => ({ id: r.id, ticketId: r.ticket_id, ticketNumber: Number(r.number), event: r.event, at: new Date(r.fired_at).toISOString() })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/automations',
      tag: 'tickets',
      summary: 'Add an automation: a trigger (on ticket events) or a time rule, with conditions and actions',
      access: { permission: 'admin.tickets' },
      body: automationBody,
      example: {
        name: 'Close solved tickets after 7 days',
        kind: 'time',
        conditions: [
          { field: 'status', op: 'is', value: 'solved' },
          { field: 'hours_since_status_change', op: 'gte', value: 168 },
        ],
        actions: [{ type: 'set_status', value: 'closed' }],
      },
      responds: automationSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await checkActionIds(ctx.database.db, tenant.id, body.actions);
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('automations')
            .values({
              tenant_id: tenant.id,
              name: body.name,
              kind: body.kind,
              events: body.kind === 'trigger' ? body.events : [],
              conditions: JSON.stringify(body.conditions),
              actions: JSON.stringify(body.actions),
              enabled: body.enabled,
              position: body.position,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'automation.created', { type: 'automation', id: created.id }, { name: body.name, kind: body.kind });
          return created;
        });
        return answer(c, automationSchema, automationView(row), 201);
      },
    }),
    route({
      method: 'put',
      path: '/automations/:id',
      tag: 'tickets',
      summary: 'Replace an automation',
      access: { permission: 'admin.tickets' },
      params: idParams,
      body: automationBody,
      example: {
        name: 'Tag urgent',
        kind: 'trigger',
        events: ['ticket.created'],
        conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
        actions: [{ type: 'add_tag', tag: 'urgent' }],
      },
      responds: automationSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        await checkActionIds(ctx.database.db, tenant.id, body.actions);
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const updated = found(
            await trx
              .updateTable('automations')
              .set({
                name: body.name,
                kind: body.kind,
                events: body.kind === 'trigger' ? body.events : [],
                conditions: JSON.stringify(body.conditions),
                actions: JSON.stringify(body.actions),
                enabled: body.enabled,
                position: body.position,
              })
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', params.id)
              .returningAll()
              .executeTakeFirst(),
            'automation',
          );
          await audit(trx, auth, 'automation.updated', { type: 'automation', id: updated.id }, { name: body.name });
          return updated;
        });
        return answer(c, automationSchema, automationView(row));
      },
    }),
    route({
      method: 'delete',
      path: '/automations/:id',
      tag: 'tickets',
      summary: 'Remove an automation and its log',
      access: { permission: 'admin.tickets' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await ctx.database.db.transaction().execute(async (trx) => {
          found(
            await trx.deleteFrom('automations').where('tenant_id', '=', tenant.id).where('id', '=', params.id).returning('id').executeTakeFirst(),
            'automation',
          );
          await audit(trx, auth, 'automation.deleted', { type: 'automation', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
  ];
}
