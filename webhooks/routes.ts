import { sql } from 'kysely';
import { z } from 'zod';
import { sealSecret } from '../core/crypto/secrets.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { OutboundRefusedError } from '../core/net/outbound.js';
import { webhookSecretAssociatedData } from './deliver.js';
import { deliveryIdOf, WEBHOOK_EVENTS, type WebhookEvent } from './events.js';
import { webhookBindings } from './fan-out.js';
import { found, idParams } from '../console/server/api/checks.js';
import { decodeCursor, encodeCursor, pageQuery } from '../console/server/api/cursor.js';
import { route, type AnyRoute } from '../console/server/api/route.js';
import { audit } from '../console/server/audit.js';
import { answer } from '../console/server/api/answers.js';
import { randomToken } from '../console/server/auth/tokens.js';
import type { Context } from '../core/context.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const isoAt = (d: Date) => new Date(d).toISOString();
const at = z.string().describe('an instant, ISO 8601 (UTC)');

/** A webhook (never its secret); the list adds how its deliveries stand. */
const webhookViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    failureStreak: z.number(),
    disabledReason: z.string().nullable(),
    disabledAt: at.nullable(),
    createdAt: at,
    updatedAt: at,
    failedDeliveries: z.number().optional(),
    pendingDeliveries: z.number().optional(),
    lastDeliveryAt: at.nullable().optional(),
  })
  .meta({ id: 'WebhookView' });
const webhookList = z.object({ events: z.array(z.string()).readonly(), webhooks: z.array(webhookViewSchema) });
const webhookCreated = webhookViewSchema.extend({ secret: z.string().describe('the signing secret, shown only in this answer') });
const newSecret = z.object({ secret: z.string().describe('shown only in this answer') });
const replayedCount = z.object({ replayed: z.number() });

const webhookAttemptSchema = z
  .object({
    attempt: z.number(),
    statusCode: z.number().nullable(),
    error: z.string().nullable(),
    response: z.string().nullable().describe('the start of what the receiver answered'),
    durationMs: z.number(),
    at,
  })
  .meta({ id: 'WebhookAttempt' });
const webhookDeliverySchema = z
  .object({
    id: z.string(),
    event: z.string(),
    eventId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.array(webhookAttemptSchema),
    nextAttemptAt: at.nullable(),
    lastStatusCode: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: at,
    deliveredAt: at.nullable(),
    payload: z.unknown().describe('the JSON body sent'),
  })
  .meta({ id: 'WebhookDelivery' });
const deliveryPage = z.object({ deliveries: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() });
const hookColumns = ['id', 'name', 'url', 'events', 'enabled', 'failure_streak', 'disabled_reason', 'disabled_at', 'created_at', 'updated_at'] as const;
type HookRow = {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  failure_streak: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
};
const hookView = (r: HookRow, counts?: { failed: number; pending: number; lastDeliveryAt: Date | null }): z.infer<typeof webhookViewSchema> => ({
  id: r.id,
  name: r.name,
  url: r.url,
  events: r.events,
  enabled: r.enabled,
  failureStreak: r.failure_streak,
  disabledReason: r.disabled_reason,
  disabledAt: iso(r.disabled_at),
  createdAt: isoAt(r.created_at),
  updatedAt: isoAt(r.updated_at),
  ...(counts ? { failedDeliveries: counts.failed, pendingDeliveries: counts.pending, lastDeliveryAt: iso(counts.lastDeliveryAt) } : {}),
});

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS as unknown as [WebhookEvent, ...WebhookEvent[]]))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);
const urlSchema = z.url({ protocol: /^https?$/ }).max(2000);

/** A URL the guarded client would refuse (a private address the operator did not allow) is a 400 now, not a failure streak later. */
function checkReachable(ctx: Context, url: string): void {
  try {
    ctx.outbound.checkUrl(url);
  } catch (error) {
    if (error instanceof OutboundRefusedError)
      throw new ValidationError('the URL cannot be reached from this server', [{ field: 'url', message: error.message }]);
    throw error;
  }
}

const deliveryParams = z.object({ id: z.uuid(), deliveryId: z.string().regex(/^whd_[1-9][0-9]{0,17}$/, 'a delivery id such as whd_42') });
const rowIdOf = (deliveryId: string) => deliveryId.slice(4);

/** Company webhooks: subscriptions, their delivery log with each attempt's answer, and replays. */
export function webhookRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/webhooks',
      tag: 'admin',
      summary: "The company's webhooks (never their secret), with how many deliveries failed or wait",
      access: { permission: 'admin.webhooks' },
      responds: webhookList,
      handler: async ({ c, ctx, tenant }) => {
        const db = ctx.database.db;
        const rows = await db.selectFrom('company_webhooks').select(hookColumns).where('tenant_id', '=', tenant.id).orderBy('created_at').execute();
        const counts = await db
          .selectFrom('company_webhook_deliveries')
          .select([
            'webhook_id',
            sql<number>`count(*) filter (where status = 'failed')::int`.as('failed'),
            sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
            sql<Date | null>`max(created_at)`.as('last'),
          ])
          .where('tenant_id', '=', tenant.id)
          .groupBy('webhook_id')
          .execute();
        const byHook = new Map(counts.map((r) => [r.webhook_id, { failed: r.failed, pending: r.pending, lastDeliveryAt: r.last }]));
        return answer(c, webhookList, {
          events: WEBHOOK_EVENTS,
          webhooks: rows.map((r) => hookView(r, byHook.get(r.id) ?? { failed: 0, pending: 0, lastDeliveryAt: null })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/webhooks',
      tag: 'admin',
      summary: 'Subscribe a URL to events; the signing secret is shown only in this answer',
      access: { permission: 'admin.webhooks' },
      body: z.object({ name: z.string().trim().min(1).max(100), url: urlSchema, events: eventsSchema }),
      example: { name: 'CRM sync', url: 'https://hooks.example.com/switchboard', events: ['message.created'] },
      responds: webhookCreated,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        checkReachable(ctx, body.url);
        const secret = randomToken('whsec_');
        const bindings = webhookBindings({ db: ctx.database.db, bus: ctx.bus });
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const id = crypto.randomUUID();
          const created = await trx
            .insertInto('company_webhooks')
            .values({
              id,
              tenant_id: tenant.id,
              name: body.name,
              url: body.url,
              events: body.events,
              secret: sealSecret(ctx.config.secretKey, secret, webhookSecretAssociatedData(tenant.id, id)),
            })
            .returning(hookColumns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'webhook.created', { type: 'webhook', id }, { name: body.name, url: body.url, events: body.events });
          await bindings.widen(trx, tenant.id);
          return created;
        });
        await bindings.reconcileQuietly(tenant.id, ctx.logger);
        return answer(c, webhookCreated, { ...hookView(row), secret }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/webhooks/:id',
      tag: 'admin',
      summary: 'Change a webhook; enabling it again clears its failure streak',
      access: { permission: 'admin.webhooks' },
      params: idParams,
      body: z.object({
        name: z.string().trim().min(1).max(100).optional(),
        url: urlSchema.optional(),
        events: eventsSchema.optional(),
        enabled: z.boolean().optional(),
      }),
      example: { enabled: true },
      responds: webhookViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        if (body.url) checkReachable(ctx, body.url);
        const bindings = webhookBindings({ db: ctx.database.db, bus: ctx.bus });
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          found(
            await trx.selectFrom('company_webhooks').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).forUpdate().executeTakeFirst(),
            'webhook',
          );
          const updated = await trx
            .updateTable('company_webhooks')
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.url !== undefined ? { url: body.url } : {}),
              ...(body.events !== undefined ? { events: body.events } : {}),
              ...(body.enabled === true ? { enabled: true, failure_streak: 0, disabled_reason: null, disabled_at: null } : {}),
              ...(body.enabled === false ? { enabled: false, disabled_reason: null, disabled_at: sql`now()` } : {}),
              updated_at: sql`now()`,
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning(hookColumns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'webhook.updated', { type: 'webhook', id: params.id }, { fields: Object.keys(body) });
          if (body.events) await bindings.widen(trx, tenant.id);
          return updated;
        });
        if (body.events) await bindings.reconcileQuietly(tenant.id, ctx.logger);
        return answer(c, webhookViewSchema, hookView(row));
      },
    }),
    route({
      method: 'post',
      path: '/webhooks/:id/secret',
      tag: 'admin',
      summary: 'Replace the signing secret; the new one is shown only in this answer',
      access: { permission: 'admin.webhooks' },
      params: idParams,
      responds: newSecret,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const secret = randomToken('whsec_');
        await ctx.database.db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('company_webhooks')
            .set({ secret: sealSecret(ctx.config.secretKey, secret, webhookSecretAssociatedData(tenant.id, params.id)), updated_at: sql`now()` })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) found(undefined, 'webhook');
          await audit(trx, auth, 'webhook.secret_rotated', { type: 'webhook', id: params.id });
        });
        return answer(c, newSecret, { secret });
      },
    }),
    route({
      method: 'delete',
      path: '/webhooks/:id',
      tag: 'admin',
      summary: 'Delete a webhook and its delivery log',
      access: { permission: 'admin.webhooks' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await ctx.database.db.transaction().execute(async (trx) => {
          const gone = await trx
            .deleteFrom('company_webhooks')
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning('name')
            .executeTakeFirst();
          found(gone, 'webhook');
          await audit(trx, auth, 'webhook.deleted', { type: 'webhook', id: params.id }, { name: gone!.name });
        });
        // The company's other webhooks may still want the kinds this one had: only the rest is unbound.
        await webhookBindings({ db: ctx.database.db, bus: ctx.bus }).reconcileQuietly(tenant.id, ctx.logger);
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/webhooks/:id/deliveries',
      tag: 'admin',
      summary: "A webhook's deliveries, newest first, each with every attempt and the receiver's answer",
      access: { permission: 'admin.webhooks' },
      params: idParams,
      query: z.object({ ...pageQuery, status: z.enum(['pending', 'delivered', 'failed']).optional() }),
      responds: deliveryPage,
      handler: async ({ c, ctx, tenant, params, query }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('company_webhooks').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'webhook',
        );
        let q = db
          .selectFrom('company_webhook_deliveries')
          .select(['id', 'event_id', 'kind', 'status', 'attempts', 'next_attempt_at', 'last_status_code', 'last_error', 'created_at', 'delivered_at', 'body'])
          .where('tenant_id', '=', tenant.id)
          .where('webhook_id', '=', params.id);
        if (query.status) q = q.where('status', '=', query.status);
        const cursor = decodeCursor(query.cursor);
        if (cursor) {
          if (!/^[1-9][0-9]{0,17}$/.test(cursor.id)) throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
          q = q.where('id', '<', cursor.id as never);
        }
        const rows = await q
          .orderBy('id', 'desc')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        const attempts = page.length
          ? await db
              .selectFrom('company_webhook_attempts')
              .select(['delivery_id', 'attempt', 'status_code', 'error', 'response', 'duration_ms', 'created_at'])
              .where(
                'delivery_id',
                'in',
                page.map((r) => r.id),
              )
              .orderBy('delivery_id')
              .orderBy('attempt')
              .execute()
          : [];
        const last = page[page.length - 1];
        return answer(c, deliveryPage, {
          deliveries: page.map((r) => ({
            id: deliveryIdOf(r.id),
            event: r.kind,
            eventId: String(r.event_id),
            status: r.status,
            attempts: attempts
              .filter((a) => a.delivery_id === r.id)
              .map((a) => ({
                attempt: a.attempt,
                statusCode: a.status_code,
                error: a.error,
                response: a.response,
                durationMs: a.duration_ms,
                at: isoAt(a.created_at),
              })),
            nextAttemptAt: r.status === 'pending' ? isoAt(r.next_attempt_at) : null,
            lastStatusCode: r.last_status_code,
            lastError: r.last_error,
            createdAt: isoAt(r.created_at),
            deliveredAt: iso(r.delivered_at),
            payload: JSON.parse(r.body) as unknown,
          })),
          nextCursor: rows.length > query.limit && last ? encodeCursor('', last.id) : null,
        });
      },
    }),
    route({
      method: 'post',
      path: '/webhooks/:id/deliveries/:deliveryId/replay',
      tag: 'admin',
      summary: 'Send a failed delivery again, under the same delivery id (the receiver can drop a repeat)',
      access: { permission: 'admin.webhooks' },
      params: deliveryParams,
      responds: replayedCount,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const hook = found(
          await db.selectFrom('company_webhooks').select(['id', 'enabled']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'webhook',
        );
        if (!hook.enabled) throw new ConflictError('enable the webhook before replaying its deliveries', 'disabled');
        const row = found(
          await db
            .selectFrom('company_webhook_deliveries')
            .select(['id', 'status'])
            .where('tenant_id', '=', tenant.id)
            .where('webhook_id', '=', params.id)
            .where('id', '=', rowIdOf(params.deliveryId) as never)
            .executeTakeFirst(),
          'delivery',
        );
        if (row.status !== 'failed') throw new ConflictError(`only a failed delivery can be replayed; this one is ${row.status}`, row.status);
        const replayed = await replay(ctx, tenant.id, params.id, [row.id]);
        await audit(db, auth, 'webhook.replayed', { type: 'webhook', id: params.id }, { deliveries: replayed });
        return answer(c, replayedCount, { replayed }, 202);
      },
    }),
    route({
      method: 'post',
      path: '/webhooks/:id/replay-failed',
      tag: 'admin',
      summary: 'Send every failed delivery of a webhook again, each under its own delivery id',
      access: { permission: 'admin.webhooks' },
      params: idParams,
      responds: replayedCount,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const hook = found(
          await db.selectFrom('company_webhooks').select(['id', 'enabled']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'webhook',
        );
        if (!hook.enabled) throw new ConflictError('enable the webhook before replaying its deliveries', 'disabled');
        const replayed = await replay(ctx, tenant.id, params.id, 'all');
        await audit(db, auth, 'webhook.replayed', { type: 'webhook', id: params.id }, { deliveries: replayed });
        return answer(c, replayedCount, { replayed }, 202);
      },
    }),
  ];
}

/** Failed → pending, due now, with a fresh count of attempts (the log keeps the old ones). */
async function replay(ctx: Context, tenantId: string, webhookId: string, ids: string[] | 'all'): Promise<number> {
  let q = ctx.database.db
    .updateTable('company_webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql`now()`, attempts_before_replay: sql`attempts` })
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'failed');
  if (ids !== 'all') q = q.where('id', 'in', ids as never[]);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
