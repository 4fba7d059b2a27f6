import { sql } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../../core/auth/permissions.js';
import type { Db } from '../../core/db/database.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';

const VIEW_ANY = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;

/** Checks values against the company's custom fields (by key and type); unknown keys are refused. */
async function checkFields(db: Db, tenantId: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const keys = Object.keys(fields);
  if (keys.length === 0) return {};
  const defined = new Map(
    (await db.selectFrom('custom_fields').selectAll().where('tenant_id', '=', tenantId).where('key', 'in', keys).execute()).map((f) => [f.key, f]),
  );
  const issues: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const field = defined.get(key);
    if (!field) issues.push({ field: `fields.${key}`, message: 'no such custom field' });
    else if (value === null) continue;
    else if (field.type === 'number' && typeof value !== 'number') issues.push({ field: `fields.${key}`, message: 'a number' });
    else if (field.type === 'boolean' && typeof value !== 'boolean') issues.push({ field: `fields.${key}`, message: 'true or false' });
    else if (field.type === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)))
      issues.push({ field: `fields.${key}`, message: 'a date YYYY-MM-DD' });
    else if (field.type === 'select' && !field.options.includes(String(value)))
      issues.push({ field: `fields.${key}`, message: `one of ${field.options.join(', ')}` });
    else if (field.type === 'text' && (typeof value !== 'string' || value.length > 2000))
      issues.push({ field: `fields.${key}`, message: 'text up to 2000 characters' });
  }
  if (issues.length) throw new ValidationError('invalid custom fields', issues);
  return fields;
}

function recordsQuery(db: Db, tenantId: string, principal: Principal) {
  return db
    .selectFrom('business_records as r')
    .innerJoin('conversations', 'conversations.id', 'r.conversation_id')
    .leftJoin('calls', 'calls.id', 'r.call_id')
    .select([
      'r.id',
      'r.conversation_id',
      'r.call_id',
      'r.contact_id',
      'r.subject',
      'r.fields',
      'r.body',
      'r.created_by',
      'r.created_at',
      sql<boolean>`calls.recording_ref is not null`.as('has_recording'),
    ])
    .where('r.tenant_id', '=', tenantId)
    .where((eb) => visibleTo(eb as never, principal));
}

/** A business record: what an agent wrote down on a conversation, with its call when it was one. */
const businessRecordSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    callId: z.string().nullable(),
    contactId: z.string().nullable(),
    subject: z.string(),
    fields: z.record(z.string(), z.unknown()).describe('values of the company’s custom fields, by key'),
    body: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string().describe('an instant, ISO 8601 (UTC)'),
    hasRecording: z.boolean().describe('its call has a recording, at /api/calls/{callId}/recording'),
  })
  .meta({ id: 'BusinessRecord' });
const recordList = z.object({ records: z.array(businessRecordSchema) });

type RecordRow = Awaited<ReturnType<ReturnType<typeof recordsQuery>['executeTakeFirstOrThrow']>>;
const view = (r: RecordRow): z.infer<typeof businessRecordSchema> => ({
  id: r.id,
  conversationId: r.conversation_id,
  callId: r.call_id,
  contactId: r.contact_id,
  subject: r.subject,
  fields: r.fields,
  body: r.body,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
  // Played back through GET /api/calls/:callId/recording.
  hasRecording: Boolean(r.has_recording),
});

/** Business records (业务记录): written on a call, listed and searched by subject and custom fields. */
export function businessRecordRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/conversations/:id/business-records',
      tag: 'call center',
      summary: "Write a business record on a conversation (a call's record gets the call attached): subject, custom fields, text",
      access: { permission: 'conversations.reply' },
      params: idParams,
      body: z.object({
        subject: z.string().trim().min(1).max(300),
        fields: z.record(z.string(), z.unknown()).default({}),
        body: z.string().max(20_000).default(''),
      }),
      example: { subject: '客户要求退货', fields: { order_no: 'A1001' }, body: '' },
      responds: businessRecordSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const conversation = await db
          .selectFrom('conversations')
          .select(['conversations.id', 'conversations.contact_id', 'conversations.channel_id', 'conversations.thread_key', 'conversations.kind'])
          .where('conversations.tenant_id', '=', tenant.id)
          .where('conversations.id', '=', params.id)
          .where((eb) => visibleTo(eb, auth.principal))
          .executeTakeFirst();
        if (!conversation) throw new NotFoundError('conversation');
        const fields = await checkFields(db, tenant.id, body.fields);
        const call =
          conversation.kind === 'voice'
            ? await db
                .selectFrom('calls')
                .select('id')
                .where('channel_id', '=', conversation.channel_id)
                .where('provider_call_id', '=', conversation.thread_key)
                .executeTakeFirst()
            : undefined;
        const id = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('business_records')
            .values({
              tenant_id: tenant.id,
              conversation_id: conversation.id,
              call_id: call?.id ?? null,
              contact_id: conversation.contact_id,
              subject: body.subject,
              fields: JSON.stringify(fields),
              body: body.body,
              created_by: auth.principal.userId,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'business_record.created', { type: 'business_record', id: created.id }, {});
          return created.id;
        });
        return answer(c, businessRecordSchema, view(await recordsQuery(db, tenant.id, auth.principal).where('r.id', '=', id).executeTakeFirstOrThrow()), 201);
      },
    }),
    route({
      method: 'get',
      path: '/business-records',
      tag: 'call center',
      summary: 'Business records the caller may see, newest first; `q` matches subject, custom field values and text (substring, any script)',
      access: VIEW_ANY,
      query: z.object({
        q: z.string().trim().min(1).max(100).optional(),
        contactId: z.uuid().optional(),
        field: z
          .string()
          .regex(/^[a-z0-9_]{1,40}$/)
          .optional(),
        value: z.string().max(200).optional(),
      }),
      responds: recordList,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        let q = recordsQuery(ctx.database.db, tenant.id, auth.principal);
        if (query.q) {
          const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          q = q.where((eb) => eb.or([eb('r.subject', 'ilike', like), eb('r.body', 'ilike', like), eb(sql`r.fields::text`, 'ilike', like)]));
        }
        if (query.field && query.value !== undefined) {
          const like = `%${query.value.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          q = q.where(sql`r.fields->>${query.field}`, 'ilike', like);
        }
        if (query.contactId) q = q.where('r.contact_id', '=', query.contactId);
        return answer(c, recordList, { records: (await q.orderBy('r.created_at', 'desc').limit(200).execute()).map(view) });
      },
    }),
    route({
      method: 'get',
      path: '/business-records/:id',
      tag: 'call center',
      summary: 'One business record, with its call (whose recording plays through /api/calls/:id/recording)',
      access: VIEW_ANY,
      params: idParams,
      responds: businessRecordSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const row = await recordsQuery(ctx.database.db, tenant.id, auth.principal).where('r.id', '=', params.id).executeTakeFirst();
        if (!row) throw new NotFoundError('business record');
        return answer(c, businessRecordSchema, view(row));
      },
    }),
  ];
}
