import { z } from 'zod';
import { ConflictError, ForbiddenError, ValidationError } from '../../core/errors.js';
import { TICKET_FIELD_TYPES, TICKET_STATUSES, type TicketFieldType, type TicketStatus } from '../schema.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { sortField, TICKET_COLUMNS, viewFilters } from './schemas.js';
import { answer } from '../../console/server/api/answers.js';

const fieldBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _, starting with a letter'),
    label: z.string().trim().min(1).max(100),
    type: z.enum(TICKET_FIELD_TYPES),
    options: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
    requiredOn: z.array(z.enum(TICKET_STATUSES)).max(6).default([]),
    position: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .refine((b) => !['dropdown', 'multiselect'].includes(b.type) || b.options.length > 0, {
    message: 'a dropdown or multi-select field needs options',
    path: ['options'],
  });

/** What may change on a field: not its key (stored values and automations use it) nor its type (stored values would not fit). */
const fieldChanges = z
  .object({
    label: z.string().trim().min(1).max(100).optional(),
    options: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
    requiredOn: z.array(z.enum(TICKET_STATUSES)).max(6).optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

const statusNames = z.partialRecord(
  z.enum(TICKET_STATUSES),
  z.object({ en: z.string().trim().min(1).max(40).optional(), zh: z.string().trim().min(1).max(40).optional() }).strict(),
);

const viewBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    shared: z.boolean().default(false),
    filters: viewFilters.default({}),
    sort: z
      .object({ field: sortField, direction: z.enum(['asc', 'desc']) })
      .strict()
      .default({ field: 'updated', direction: 'desc' }),
    columns: z
      .array(z.enum(TICKET_COLUMNS))
      .min(1)
      .max(TICKET_COLUMNS.length)
      .default(['number', 'subject', 'status', 'priority', 'assignee', 'sla', 'updated']),
  })
  .strict();

/** A custom ticket field of the company. */
const ticketFieldSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    label: z.string(),
    type: z.enum(TICKET_FIELD_TYPES),
    options: z.array(z.string()),
    requiredOn: z.array(z.enum(TICKET_STATUSES)).describe('the statuses a ticket cannot take while the field is empty'),
    position: z.number(),
  })
  .meta({ id: 'TicketFieldDef' });
const fieldList = z.object({ fields: z.array(ticketFieldSchema) });

const statusNamesAnswer = z.object({
  statuses: z.array(z.enum(TICKET_STATUSES)).readonly(),
  names: z.partialRecord(z.enum(TICKET_STATUSES), z.object({ en: z.string().optional(), zh: z.string().optional() })).describe("the company's own names"),
});

/** A saved ticket view: filters as the list's query takes them (lists as arrays), sort and columns. */
const ticketViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    shared: z.boolean(),
    filters: z.record(z.string(), z.unknown()),
    sort: z.object({ field: z.string().optional(), direction: z.enum(['asc', 'desc']).optional() }),
    columns: z.array(z.string()),
  })
  .meta({ id: 'TicketView' });
const viewList = z.object({ views: z.array(ticketViewSchema) });

const fieldView = (f: {
  id: string;
  key: string;
  label: string;
  type: TicketFieldType;
  options: string[];
  required_on: TicketStatus[];
  position: number;
}): z.infer<typeof ticketFieldSchema> => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options,
  requiredOn: f.required_on,
  position: f.position,
});

const viewOf = (v: {
  id: string;
  owner_id: string | null;
  name: string;
  filters: Record<string, unknown>;
  sort: { field?: string; direction?: 'asc' | 'desc' };
  columns: string[];
}): z.infer<typeof ticketViewSchema> => ({
  id: v.id,
  name: v.name,
  shared: v.owner_id === null,
  filters: v.filters,
  sort: v.sort,
  columns: v.columns,
});

export function ticketSettingRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/ticket-fields',
      tag: 'tickets',
      summary: "The company's custom ticket fields",
      access: { anyOf: ['tickets.view', 'admin.tickets'] },
      responds: fieldList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('ticket_fields')
          .selectAll()
          .where('tenant_id', '=', tenant.id)
          .orderBy('position')
          .orderBy('key')
          .execute();
        return answer(c, fieldList, { fields: rows.map(fieldView) });
      },
    }),
    route({
      method: 'post',
      path: '/ticket-fields',
      tag: 'tickets',
      summary: 'Add a custom ticket field (text, number, date, dropdown, multi-select, checkbox), optionally required in some statuses',
      access: { permission: 'admin.tickets' },
      body: fieldBody,
      example: { key: 'order_no', label: 'Order number', type: 'text', requiredOn: ['solved'] },
      responds: ticketFieldSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const taken = await db.selectFrom('ticket_fields').select('id').where('tenant_id', '=', tenant.id).where('key', '=', body.key).executeTakeFirst();
        if (taken) throw new ConflictError('a field with that key exists');
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('ticket_fields')
            .values({
              tenant_id: tenant.id,
              key: body.key,
              label: body.label,
              type: body.type,
              options: body.options,
              required_on: body.requiredOn,
              position: body.position,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'ticket_field.created', { type: 'ticket_field', id: created.id }, body);
          return created;
        });
        return answer(c, ticketFieldSchema, fieldView(row), 201);
      },
    }),
    route({
      method: 'patch',
      path: '/ticket-fields/:id',
      tag: 'tickets',
      summary: 'Change a custom ticket field: its label, options, the statuses that require it, its position (not its key or type)',
      access: { permission: 'admin.tickets' },
      params: idParams,
      body: fieldChanges,
      example: { label: 'Order no.', requiredOn: ['pending', 'solved'] },
      responds: ticketFieldSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const field = found(
          await db.selectFrom('ticket_fields').selectAll().where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'ticket field',
        );
        if ((field.type === 'dropdown' || field.type === 'multiselect') && body.options !== undefined && body.options.length === 0)
          throw new ValidationError('invalid body', [{ field: 'options', message: 'a dropdown or multi-select field needs options' }]);
        if (Object.keys(body).length === 0) return answer(c, ticketFieldSchema, fieldView(field));
        const row = await db.transaction().execute(async (trx) => {
          const changed = await trx
            .updateTable('ticket_fields')
            .set({
              ...(body.label !== undefined ? { label: body.label } : {}),
              ...(body.options !== undefined ? { options: field.type === 'dropdown' || field.type === 'multiselect' ? body.options : [] } : {}),
              ...(body.requiredOn !== undefined ? { required_on: body.requiredOn } : {}),
              ...(body.position !== undefined ? { position: body.position } : {}),
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', field.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'ticket_field.changed', { type: 'ticket_field', id: field.id }, body);
          return changed;
        });
        return answer(c, ticketFieldSchema, fieldView(row));
      },
    }),
    route({
      method: 'delete',
      path: '/ticket-fields/:id',
      tag: 'tickets',
      summary: 'Remove a custom ticket field (values already stored stay on the tickets)',
      access: { permission: 'admin.tickets' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const field = found(
          await db.selectFrom('ticket_fields').select(['id', 'key']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'ticket field',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('ticket_fields').where('tenant_id', '=', tenant.id).where('id', '=', field.id).execute();
          await audit(trx, auth, 'ticket_field.deleted', { type: 'ticket_field', id: field.id }, { key: field.key });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/ticket-statuses',
      tag: 'tickets',
      summary: "The ticket statuses and the company's own names for them",
      access: { signedIn: true },
      responds: statusNamesAnswer,
      handler: async ({ c, ctx, tenant }) => {
        const row = await ctx.database.db.selectFrom('ticket_settings').select('status_names').where('tenant_id', '=', tenant.id).executeTakeFirst();
        return answer(c, statusNamesAnswer, { statuses: TICKET_STATUSES, names: row?.status_names ?? {} });
      },
    }),
    route({
      method: 'put',
      path: '/ticket-statuses',
      tag: 'tickets',
      summary: 'Name the ticket statuses for the company, in English and Chinese',
      access: { permission: 'admin.tickets' },
      body: z.object({ names: statusNames }).strict(),
      example: { names: { on_hold: { en: 'Waiting on supplier', zh: '等待供应商' } } },
      responds: statusNamesAnswer,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await ctx.database.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('ticket_settings')
            .values({ tenant_id: tenant.id, status_names: JSON.stringify(body.names) })
            .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ status_names: JSON.stringify(body.names) }))
            .execute();
          await audit(trx, auth, 'ticket_statuses.named', { type: 'ticket_settings' }, body);
        });
        return answer(c, statusNamesAnswer, { statuses: TICKET_STATUSES, names: body.names });
      },
    }),
    route({
      method: 'get',
      path: '/ticket-views',
      tag: 'tickets',
      summary: "The caller's own saved ticket views and the company's shared ones",
      access: { permission: 'tickets.view' },
      responds: viewList,
      handler: async ({ c, ctx, auth }) => {
        const rows = await ctx.database.db
          .selectFrom('ticket_views')
          .selectAll()
          .where('tenant_id', '=', auth.principal.tenantId)
          .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', auth.principal.userId)]))
          .orderBy('name')
          .execute();
        return answer(c, viewList, { views: rows.map(viewOf) });
      },
    }),
    route({
      method: 'post',
      path: '/ticket-views',
      tag: 'tickets',
      summary: 'Save a ticket view (filters, sort, columns) for oneself, or shared with the company (needs admin.tickets)',
      access: { permission: 'tickets.view' },
      body: viewBody,
      example: { name: 'My open tickets', filters: { assignee: 'me', status: ['open'] } },
      responds: ticketViewSchema,
      handler: async ({ c, ctx, auth, body }) => {
        if (body.shared && !auth.principal.permissions.has('admin.tickets')) throw new ForbiddenError('sharing a view needs admin.tickets');
        const row = await ctx.database.db
          .insertInto('ticket_views')
          .values({
            tenant_id: auth.principal.tenantId,
            owner_id: body.shared ? null : auth.principal.userId,
            name: body.name,
            filters: JSON.stringify(body.filters),
            sort: JSON.stringify(body.sort),
            columns: body.columns,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return answer(c, ticketViewSchema, viewOf(row), 201);
      },
    }),
    route({
      method: 'delete',
      path: '/ticket-views/:id',
      tag: 'tickets',
      summary: 'Delete one of one’s views (a shared one needs admin.tickets)',
      access: { permission: 'tickets.view' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, auth, params }) => {
        const db = ctx.database.db;
        const admin = auth.principal.permissions.has('admin.tickets');
        const view = found(
          await db
            .selectFrom('ticket_views')
            .select(['id', 'owner_id'])
            .where('tenant_id', '=', auth.principal.tenantId)
            .where('id', '=', params.id)
            .where((eb) =>
              admin ? eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', auth.principal.userId)]) : eb('owner_id', '=', auth.principal.userId),
            )
            .executeTakeFirst(),
          'view',
        );
        await db.deleteFrom('ticket_views').where('id', '=', view.id).execute();
        return c.body(null, 204);
      },
    }),
  ];
}
