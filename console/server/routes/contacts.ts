import { sql } from 'kysely';
import { z } from 'zod';
import { visibilityOf, type Principal } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import { idParams } from '../api/checks.js';
import { decodeCursor, encodeCursor, pageQuery } from '../api/cursor.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { visibleTo } from '../conversations/visibility.js';
import { checkAttributes } from './custom-fields.js';

/**
 * Contacts a principal may see: every contact with `all` visibility; otherwise only customers
 * with a conversation the principal may see, so a search never surfaces another group's customer.
 */
function contactsQuery(db: Db, principal: Principal) {
  let q = db.selectFrom('contacts').selectAll('contacts').where('contacts.tenant_id', '=', principal.tenantId);
  if (visibilityOf(principal) !== 'all') {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations')
          .select(sql`1`.as('one'))
          .whereRef('conversations.contact_id', '=', 'contacts.id')
          .where('conversations.tenant_id', '=', principal.tenantId)
          .where((inner) => visibleTo(inner, principal)),
      ),
    );
  }
  return q;
}

type ContactRow = Awaited<ReturnType<ReturnType<typeof contactsQuery>['execute']>>[number];

const contactView = (r: ContactRow) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  tags: r.tags,
  attributes: r.attributes,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function visibleContact(db: Db, principal: Principal, id: string) {
  const row = await contactsQuery(db, principal).where('contacts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('contact');
  return row;
}

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote always; neutralise cells a spreadsheet would run as a formula.
  return `"${(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
};

const updateBody = z
  .object({
    name: z.string().trim().max(200).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    phone: z.string().trim().max(50).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export function contactRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/contacts',
      tag: 'contacts',
      summary: 'Search contacts by name, e-mail, phone or channel identity',
      access: { permission: 'contacts.view' },
      query: z.object({ q: z.string().trim().min(1).max(200).optional(), ...pageQuery }),
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
            ]),
          );
        }
        const cursor = decodeCursor(query.cursor);
        if (cursor) {
          if (!z.uuid().safeParse(cursor.id).success) throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
          q = q.where('contacts.id', '>', cursor.id);
        }
        const rows = await q.orderBy('contacts.id').limit(query.limit + 1).execute();
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return c.json({ contacts: page.map(contactView), nextCursor: rows.length > query.limit && last ? encodeCursor('', last.id) : null });
      },
    }),
    route({
      method: 'get',
      path: '/contacts/export',
      tag: 'contacts',
      summary: 'All contacts the caller may see, as CSV',
      access: { permission: 'contacts.export' },
      responds: 'text/csv',
      handler: async ({ c, ctx, auth }) => {
        const rows = await contactsQuery(ctx.database.db, auth.principal).orderBy('contacts.created_at').execute();
        const lines = [
          ['id', 'name', 'email', 'phone', 'tags', 'attributes', 'created_at'].map(csvCell).join(','),
          ...rows.map((r) => [r.id, r.name, r.email, r.phone, r.tags.join(' '), r.attributes, new Date(r.created_at).toISOString()].map(csvCell).join(',')),
        ];
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', 'attachment; filename="contacts.csv"');
        return c.body(`${lines.join('\r\n')}\r\n`);
      },
    }),
    route({
      method: 'get',
      path: '/contacts/:id',
      tag: 'contacts',
      summary: "One contact with their identities on every channel and the conversations the caller may see",
      access: { permission: 'contacts.view' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const [identities, conversations] = await Promise.all([
          db
            .selectFrom('contact_identities')
            .innerJoin('channels', (j) => j.onRef('channels.id', '=', 'contact_identities.channel_id').onRef('channels.tenant_id', '=', 'contact_identities.tenant_id'))
            .select(['contact_identities.id', 'contact_identities.channel_id', 'channels.type as channel_type', 'contact_identities.external_id', 'contact_identities.display_name'])
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
        ]);
        return c.json({
          ...contactView(contact),
          identities: identities.map((i) => ({ id: i.id, channelId: i.channel_id, channelType: i.channel_type, externalId: i.external_id, displayName: i.display_name })),
          conversations: conversations.map((v) => ({ id: v.id, status: v.status, channelId: v.channel_id, createdAt: new Date(v.created_at).toISOString() })),
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
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const attributes = body.attributes ? { ...contact.attributes, ...(await checkAttributes(db, tenant.id, body.attributes)) } : undefined;
        for (const [key, value] of Object.entries(attributes ?? {})) if (value === null) delete attributes![key];
        const row = await db
          .updateTable('contacts')
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.email !== undefined ? { email: body.email } : {}),
            ...(body.phone !== undefined ? { phone: body.phone } : {}),
            ...(body.tags ? { tags: [...new Set(body.tags)] } : {}),
            ...(attributes ? { attributes: JSON.stringify(attributes) } : {}),
            updated_at: sql`now()`,
          })
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', contact.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return c.json(contactView(row));
      },
    }),
    route({
      method: 'post',
      path: '/contacts/:id/merge',
      tag: 'contacts',
      summary: "Merge another contact into this one: identities, conversations, tags and fields move; the other is removed",
      access: { permission: 'contacts.merge' },
      params: idParams,
      body: z.object({ sourceId: z.uuid() }),
      example: { sourceId: '00000000-0000-4000-8000-000000000000' },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        if (body.sourceId === params.id) throw new ValidationError('a contact cannot be merged into itself', [{ field: 'sourceId', message: 'same as the target' }]);
        const target = await visibleContact(db, auth.principal, params.id);
        const source = await contactsQuery(db, auth.principal).where('contacts.id', '=', body.sourceId).executeTakeFirst();
        if (!source) throw new ValidationError('unknown sourceId', [{ field: 'sourceId', message: 'no such contact' }]);
        const merged = await db.transaction().execute(async (trx) => {
          const clash = await trx
            .selectFrom('conversations as a')
            .innerJoin('conversations as b', (j) => j.onRef('a.channel_id', '=', 'b.channel_id').onRef('a.thread_key', '=', 'b.thread_key'))
            .select('a.id')
            .where('a.tenant_id', '=', tenant.id)
            .where('a.contact_id', '=', source.id)
            .where('b.contact_id', '=', target.id)
            .where('a.status', '<>', 'resolved')
            .where('b.status', '<>', 'resolved')
            .executeTakeFirst();
          if (clash) throw new ConflictError('both contacts have an open conversation on the same channel; resolve one first');
          await trx.updateTable('contact_identities').set({ contact_id: target.id }).where('tenant_id', '=', tenant.id).where('contact_id', '=', source.id).execute();
          await trx.updateTable('conversations').set({ contact_id: target.id }).where('tenant_id', '=', tenant.id).where('contact_id', '=', source.id).execute();
          const row = await trx
            .updateTable('contacts')
            .set({
              name: target.name ?? source.name,
              email: target.email ?? source.email,
              phone: target.phone ?? source.phone,
              tags: [...new Set([...target.tags, ...source.tags])],
              attributes: JSON.stringify({ ...source.attributes, ...target.attributes }),
              updated_at: sql`now()`,
            })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', target.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx.deleteFrom('contacts').where('tenant_id', '=', tenant.id).where('id', '=', source.id).execute();
          await audit(trx, auth, 'contact.merged', { type: 'contact', id: target.id }, { sourceId: source.id });
          return row;
        });
        return c.json(contactView(merged));
      },
    }),
  ];
}
