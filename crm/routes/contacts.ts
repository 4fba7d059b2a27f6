import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { idParams, requireOwned } from '../../console/server/api/checks.js';
import { decodeCursor, encodeCursor, pageQuery } from '../../console/server/api/cursor.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { answer, conversationStatusSchema } from '../../console/server/api/answers.js';
import { audit } from '../../console/server/audit.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';
import { recordContactsMerged, recordContactUpdated } from '../contact-events.js';
import { exportContacts } from '../contact-export.js';
import { mergeContacts } from '../merge.js';
import { containsPattern as escapeLike, contactsQuery, contactView, visibleContact } from '../visibility.js';
import { checkAttributes } from './custom-fields.js';
import { HANDLE_KINDS, type HandleKind } from '../schema.js';

const updateBody = z
  .object({
    name: z.string().trim().max(200).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    phone: z.string().trim().max(50).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    companyId: z.uuid().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

const createBody = z.object({
  name: z.string().trim().max(200).nullable().default(null),
  email: z.email().max(320).nullable().default(null),
  phone: z.string().trim().max(50).nullable().default(null),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  attributes: z.record(z.string(), z.unknown()).default({}),
  companyId: z.uuid().nullable().default(null),
});

/** A contact as lists and edits answer it (`contactView`). */
export const contactViewSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    companyId: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()).describe('custom fields by key'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ContactView' });

const contactPage = z.object({ contacts: z.array(contactViewSchema), nextCursor: z.string().nullable() });

/** One contact with where they write from and what the caller may see of their conversations. */
export const contactDetailSchema = contactViewSchema
  .extend({
    identities: z.array(
      z.object({ id: z.string(), channelId: z.string(), channelType: z.string(), externalId: z.string(), displayName: z.string().nullable() }),
    ),
    conversations: z
      .array(z.object({ id: z.string(), status: conversationStatusSchema, channelId: z.string(), createdAt: z.string() }))
      .describe('the latest 50 the caller may see'),
    handles: z.array(z.object({ id: z.string(), kind: z.enum(HANDLE_KINDS as [HandleKind, ...HandleKind[]]), value: z.string() })),
    company: z.object({ id: z.string(), name: z.string(), domain: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ContactDetail' });

const contactMerged = contactViewSchema.extend({ mergeId: z.string().describe('undo with POST /contact-merges/{id}/undo') });

export function contactRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/contacts',
      tag: 'contacts',
      summary: 'Search contacts by name, e-mail, phone, channel identity or identifier',
      access: { permission: 'contacts.view' },
      query: z.object({ q: z.string().trim().min(1).max(200).optional(), ...pageQuery }),
      responds: contactPage,
      handler: async ({ c, ctx, auth, query }) => {
        let q = contactsQuery(ctx.database.db, auth.principal);
        if (query.q) {
          const like = escapeLike(query.q);
          q = q.where((eb) =>
            eb.or([
              eb('contacts.name', 'ilike', like),
              eb('contacts.email', 'ilike', like),
              eb('contacts.phone', 'ilike', like),
              eb.exists(
                eb
                  .selectFrom('contact_identities')
                  .select(sql`1`.as('one'))
                  .whereRef('contact_identities.contact_id', '=', 'contacts.id')
                  .where('contact_identities.tenant_id', '=', auth.principal.tenantId)
                  .where((i) => i.or([i('contact_identities.external_id', 'ilike', like), i('contact_identities.display_name', 'ilike', like)])),
              ),
              // Identifiers agents or imports added (UnionID, app user id, a second phone).
              eb.exists(
                eb
                  .selectFrom('contact_handles')
                  .select(sql`1`.as('one'))
                  .whereRef('contact_handles.contact_id', '=', 'contacts.id')
                  .where('contact_handles.tenant_id', '=', auth.principal.tenantId)
                  .where('contact_handles.value', 'ilike', like),
              ),
            ]),
          );
        }
        const cursor = decodeCursor(query.cursor);
        if (cursor) {
          if (!z.uuid().safeParse(cursor.id).success) throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
          q = q.where('contacts.id', '>', cursor.id);
        }
        const rows = await q
          .orderBy('contacts.id')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return answer(c, contactPage, { contacts: page.map(contactView), nextCursor: rows.length > query.limit && last ? encodeCursor('', last.id) : null });
      },
    }),
    route({
      method: 'post',
      path: '/contacts',
      tag: 'contacts',
      summary: 'Add a contact by hand',
      access: { permission: 'contacts.edit' },
      body: createBody,
      example: { name: 'Wang Fang', email: 'fang@example.com', tags: ['vip'] },
      responds: contactViewSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        if (body.companyId) await requireOwned(db, 'companies', tenant.id, [body.companyId], 'companyId');
        const attributes = await checkAttributes(db, tenant.id, body.attributes);
        for (const [key, value] of Object.entries(attributes)) if (value === null) delete attributes[key];
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('contacts')
            .values({
              tenant_id: tenant.id,
              name: body.name,
              email: body.email,
              phone: body.phone,
              tags: [...new Set(body.tags)],
              attributes: JSON.stringify(attributes),
              company_id: body.companyId,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'contact.created', { type: 'contact', id: created.id });
          await recordContactUpdated(trx, tenant.id, created, 'contact.created');
          return created;
        });
        ctx.relay.poke();
        return answer(c, contactViewSchema, contactView(row), 201);
      },
    }),
    route({
      method: 'get',
      path: '/contacts/export',
      tag: 'contacts',
      summary: 'All contacts the caller may see, as CSV (streamed; the columns import reads)',
      access: { permission: 'contacts.export' },
      responds: 'text/csv',
      handler: async ({ c, ctx, auth }) => {
        const csv = await exportContacts(ctx.database.db, auth.principal);
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', 'attachment; filename="contacts.csv"');
        return c.body(Readable.toWeb(csv) as unknown as ReadableStream);
      },
    }),
    route({
      method: 'get',
      path: '/contacts/:id',
      tag: 'contacts',
      summary: 'One contact with their identities on every channel and the conversations the caller may see',
      access: { permission: 'contacts.view' },
      params: idParams,
      responds: contactDetailSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const [identities, conversations, handles, company] = await Promise.all([
          db
            .selectFrom('contact_identities')
            .innerJoin('channels', (j) =>
              j.onRef('channels.id', '=', 'contact_identities.channel_id').onRef('channels.tenant_id', '=', 'contact_identities.tenant_id'),
            )
            .select([
              'contact_identities.id',
              'contact_identities.channel_id',
              'channels.type as channel_type',
              'contact_identities.external_id',
              'contact_identities.display_name',
            ])
            .where('contact_identities.tenant_id', '=', tenant.id)
            .where('contact_identities.contact_id', '=', contact.id)
            .orderBy('contact_identities.created_at')
            .execute(),
          db
            .selectFrom('conversations')
            .select(['id', 'status', 'channel_id', 'created_at'])
            .where('tenant_id', '=', tenant.id)
            .where('contact_id', '=', contact.id)
            .where((eb) => visibleTo(eb, auth.principal))
            .orderBy('created_at', 'desc')
            .limit(50)
            .execute(),
          db
            .selectFrom('contact_handles')
            .select(['id', 'kind', 'value'])
            .where('tenant_id', '=', tenant.id)
            .where('contact_id', '=', contact.id)
            .orderBy('created_at')
            .execute(),
          contact.company_id
            ? db
                .selectFrom('companies')
                .select(['id', 'name', 'domain'])
                .where('tenant_id', '=', tenant.id)
                .where('id', '=', contact.company_id)
                .executeTakeFirst()
            : undefined,
        ]);
        return answer(c, contactDetailSchema, {
          ...contactView(contact),
          identities: identities.map((i) => ({
            id: i.id,
            channelId: i.channel_id,
            channelType: i.channel_type,
            externalId: i.external_id,
            displayName: i.display_name,
          })),
          conversations: conversations.map((v) => ({ id: v.id, status: v.status, channelId: v.channel_id, createdAt: new Date(v.created_at).toISOString() })),
          handles,
          company: company ?? null,
        });
      },
    }),
    route({
      method: 'patch',
      path: '/contacts/:id',
      tag: 'contacts',
      summary: "Edit a contact's name, e-mail, phone, tags and custom fields",
      access: { permission: 'contacts.edit' },
      params: idParams,
      body: updateBody,
      example: { tags: ['vip'] },
      responds: contactViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        if (body.companyId) await requireOwned(db, 'companies', tenant.id, [body.companyId], 'companyId');
        const attributes = body.attributes ? { ...contact.attributes, ...(await checkAttributes(db, tenant.id, body.attributes)) } : undefined;
        for (const [key, value] of Object.entries(attributes ?? {})) if (value === null) delete attributes![key];
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('contacts')
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              // A value the agent typed (not the one a visitor gave, saved again unchanged) is verified.
              ...(body.email !== undefined ? { email: body.email, ...(body.email !== contact.email ? { email_verified: true } : {}) } : {}),
              ...(body.phone !== undefined ? { phone: body.phone, ...(body.phone !== contact.phone ? { phone_verified: true } : {}) } : {}),
              ...(body.tags ? { tags: [...new Set(body.tags)] } : {}),
              ...(body.companyId !== undefined ? { company_id: body.companyId } : {}),
              ...(attributes ? { attributes: JSON.stringify(attributes) } : {}),
              updated_at: sql`now()`,
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', contact.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await recordContactUpdated(trx, tenant.id, updated);
          return updated;
        });
        return answer(c, contactViewSchema, contactView(row));
      },
    }),
    route({
      method: 'post',
      path: '/contacts/:id/merge',
      tag: 'contacts',
      summary:
        'Merge another contact into this one: identities, conversations, notes and the rest move, tags and fields unite; answers the merge id to undo it with',
      access: { permission: 'contacts.merge' },
      params: idParams,
      body: z.object({ sourceId: z.uuid() }),
      example: { sourceId: '00000000-0000-4000-8000-000000000000' },
      responds: contactMerged,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        if (body.sourceId === params.id)
          throw new ValidationError('a contact cannot be merged into itself', [{ field: 'sourceId', message: 'same as the target' }]);
        const target = await visibleContact(db, auth.principal, params.id);
        const source = await contactsQuery(db, auth.principal).where('contacts.id', '=', body.sourceId).executeTakeFirst();
        if (!source) throw new ValidationError('unknown sourceId', [{ field: 'sourceId', message: 'no such contact' }]);
        const merged = await db.transaction().execute(async (trx) => {
          const mergeId = await mergeContacts(trx, tenant.id, target.id, source.id, auth.principal.userId);
          await audit(trx, auth, 'contact.merged', { type: 'contact', id: target.id }, { sourceId: source.id, mergeId });
          const row = await trx.selectFrom('contacts').selectAll().where('tenant_id', '=', tenant.id).where('id', '=', target.id).executeTakeFirstOrThrow();
          await recordContactsMerged(trx, tenant.id, row, [source.id]);
          return { row, mergeId };
        });
        ctx.relay.poke();
        return answer(c, contactMerged, { ...contactView(merged.row), mergeId: merged.mergeId });
      },
    }),
  ];
}
