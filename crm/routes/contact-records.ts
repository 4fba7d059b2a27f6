import { z } from 'zod';
import { can } from '../../core/auth/permissions.js';
import { HANDLE_KINDS, type HandleKind } from '../schema.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { duplicateGroups, duplicatesOf } from '../duplicates.js';
import { undoMerge } from '../merge.js';
import { contactTimeline } from '../timeline.js';
import { contactsQuery, contactView, visibleContact } from '../visibility.js';
import { answer } from '../../console/server/api/answers.js';
import { contactViewSchema } from './contacts.js';

const handleBody = z.object({ kind: z.enum(HANDLE_KINDS as [string, ...string[]]), value: z.string().trim().min(1).max(320) });
const noteBody = z.object({ body: z.string().trim().min(1).max(10_000) });

const at = z.string().describe('an instant, ISO 8601 (UTC)');
const duplicateReason = z.enum(['email', 'phone', 'wechat_unionid']);

/** One line of a customer's history across channels. */
const timelineItemSchema = z
  .object({
    kind: z.enum(['conversation', 'call', 'business_record', 'callback_plan', 'note', 'merge', 'ticket']),
    id: z.string(),
    at,
    title: z.string().describe('a short line for the list: a subject, the first words of a message, a note'),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineItem' });
const timeline = z.object({ items: z.array(timelineItemSchema) });
const handleView = z.object({ id: z.string(), kind: z.enum(HANDLE_KINDS as [HandleKind, ...HandleKind[]]), value: z.string() });
const noteView = z.object({ id: z.string(), contactId: z.string(), authorId: z.string().nullable(), body: z.string(), createdAt: at });
const duplicates = z.object({ duplicates: z.array(z.object({ contact: contactViewSchema, reasons: z.array(duplicateReason) })) });
const duplicateGroupList = z.object({ groups: z.array(z.object({ reason: duplicateReason, key: z.string(), contacts: z.array(contactViewSchema) })) });
const mergeView = z.object({
  id: z.string(),
  targetId: z.string(),
  sourceId: z.string(),
  moved: z.record(z.string(), z.number()).describe('how many rows of each kind moved'),
  createdAt: at,
  undoneAt: at.nullable(),
});
const mergeUndone = z.object({ target: contactViewSchema.nullable(), source: contactViewSchema.nullable() });
const mergeList = z.object({
  merges: z.array(z.object({ id: z.string(), sourceId: z.string(), sourceName: z.string().nullable(), createdAt: at, undoneAt: at.nullable() })),
});

/**
 * A contact's record beyond its own fields: identifiers on any channel (handles), notes, the
 * timeline, merges and their undo, and suggested duplicates. Every read and change first finds
 * the contact through the caller's visibility, so another group's customer is a 404.
 */
export function contactRecordRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/contacts/:id/timeline',
      tag: 'contacts',
      summary: "The customer's history across channels, newest first: conversations, tickets, calls, business records, callback plans, notes and merges",
      access: { permission: 'contacts.view' },
      params: idParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responds: timeline,
      handler: async ({ c, ctx, auth, params, query }) => {
        const contact = await visibleContact(ctx.database.db, auth.principal, params.id);
        return answer(c, timeline, { items: await contactTimeline(ctx.database.db, auth.principal, contact.id, query.limit) });
      },
    }),
    route({
      method: 'post',
      path: '/contacts/:id/handles',
      tag: 'contacts',
      summary: 'Add an identifier of the customer: e-mail, phone, WeChat OpenID or UnionID, Weibo id, X id, app user id or web visitor id',
      access: { permission: 'contacts.edit' },
      params: idParams,
      body: handleBody,
      example: { kind: 'wechat_unionid', value: 'o6_bmasdasdsad6_2sgVt7hMZOPfL' },
      responds: handleView,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('contact_handles')
            .values({ tenant_id: tenant.id, contact_id: contact.id, kind: body.kind as never, value: body.value })
            .onConflict((oc) => oc.columns(['contact_id', 'kind', 'value']).doNothing())
            .returning(['id', 'kind', 'value'])
            .executeTakeFirst();
          if (!created) throw new ConflictError('the contact has that identifier already');
          await audit(trx, auth, 'contact.handle_added', { type: 'contact', id: contact.id }, { kind: body.kind });
          return created;
        });
        return answer(c, handleView, row, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/contact-handles/:id',
      tag: 'contacts',
      summary: "Remove one of a customer's identifiers",
      access: { permission: 'contacts.edit' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const handle = found(
          await db
            .selectFrom('contact_handles')
            .select(['id', 'contact_id', 'kind'])
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst(),
          'identifier',
        );
        await visibleContact(db, auth.principal, handle.contact_id);
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('contact_handles').where('tenant_id', '=', tenant.id).where('id', '=', handle.id).execute();
          await audit(trx, auth, 'contact.handle_removed', { type: 'contact', id: handle.contact_id }, { kind: handle.kind });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/contacts/:id/notes',
      tag: 'contacts',
      summary: 'Write a note on the customer (seen by whoever may see the customer)',
      access: { permission: 'contacts.edit' },
      params: idParams,
      body: noteBody,
      example: { body: 'Prefers a call after 18:00' },
      responds: noteView,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const row = await db
          .insertInto('contact_notes')
          .values({ tenant_id: tenant.id, contact_id: contact.id, author_id: auth.via === 'session' ? auth.principal.userId : null, body: body.body })
          .returning(['id', 'contact_id', 'author_id', 'body', 'created_at'])
          .executeTakeFirstOrThrow();
        return answer(
          c,
          noteView,
          { id: row.id, contactId: row.contact_id, authorId: row.author_id, body: row.body, createdAt: new Date(row.created_at).toISOString() },
          201,
        );
      },
    }),
    route({
      method: 'delete',
      path: '/contact-notes/:id',
      tag: 'contacts',
      summary: 'Remove a note: its author, or anyone who may merge contacts',
      access: { permission: 'contacts.edit' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const note = found(
          await db
            .selectFrom('contact_notes')
            .select(['id', 'contact_id', 'author_id'])
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst(),
          'note',
        );
        await visibleContact(db, auth.principal, note.contact_id);
        if (note.author_id !== auth.principal.userId && !can(auth.principal, 'contacts.merge'))
          throw new ForbiddenError("only the note's author may remove it");
        await db.deleteFrom('contact_notes').where('tenant_id', '=', tenant.id).where('id', '=', note.id).execute();
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/contacts/:id/duplicates',
      tag: 'contacts',
      summary: 'Contacts that look like the same customer: the same e-mail, phone number or WeChat UnionID',
      access: { permission: 'contacts.view' },
      params: idParams,
      responds: duplicates,
      handler: async ({ c, ctx, auth, params }) => {
        const contact = await visibleContact(ctx.database.db, auth.principal, params.id);
        return answer(c, duplicates, { duplicates: await duplicatesOf(ctx.database.db, auth.principal, contact.id) });
      },
    }),
    route({
      method: 'get',
      path: '/contact-duplicates',
      tag: 'contacts',
      summary: 'Suggested merges across the company: groups of contacts sharing an e-mail, phone number or WeChat UnionID',
      access: { permission: 'contacts.merge' },
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responds: duplicateGroupList,
      handler: async ({ c, ctx, auth, query }) =>
        answer(c, duplicateGroupList, { groups: await duplicateGroups(ctx.database.db, auth.principal, query.limit) }),
    }),
    route({
      method: 'get',
      path: '/contact-merges/:id',
      tag: 'contacts',
      summary: 'One merge: which contact went into which, what moved, and whether it was undone',
      access: { permission: 'contacts.merge' },
      params: idParams,
      responds: mergeView,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const merge = found(
          await ctx.database.db.selectFrom('contact_merges').selectAll().where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'merge',
        );
        await visibleContact(ctx.database.db, auth.principal, merge.target_id);
        return answer(c, mergeView, {
          id: merge.id,
          targetId: merge.target_id,
          sourceId: merge.source_id,
          moved: Object.fromEntries(Object.entries(merge.moved).map(([table, ids]) => [table, ids.length])),
          createdAt: new Date(merge.created_at).toISOString(),
          undoneAt: merge.undone_at ? new Date(merge.undone_at).toISOString() : null,
        });
      },
    }),
    route({
      method: 'post',
      path: '/contact-merges/:id/undo',
      tag: 'contacts',
      summary: 'Undo a mistaken merge: the merged contact comes back with the identities, conversations and the rest it brought',
      access: { permission: 'contacts.merge' },
      params: idParams,
      responds: mergeUndone,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        // Only a merge into a customer the caller may see; another group's is a 404 like a missing one.
        const merge = found(
          await db.selectFrom('contact_merges').select('target_id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'merge',
        );
        found(await contactsQuery(db, auth.principal).where('contacts.id', '=', merge.target_id).executeTakeFirst(), 'merge');
        const result = await db.transaction().execute(async (trx) => {
          const undone = await undoMerge(trx, tenant.id, params.id, auth.principal.userId);
          await audit(trx, auth, 'contact.merge_undone', { type: 'contact', id: undone.targetId }, { sourceId: undone.sourceId, mergeId: params.id });
          return undone;
        });
        const [target, source] = await Promise.all([
          contactsQuery(db, auth.principal).where('contacts.id', '=', result.targetId).executeTakeFirst(),
          contactsQuery(db, auth.principal).where('contacts.id', '=', result.sourceId).executeTakeFirst(),
        ]);
        if (!target && !source) throw new NotFoundError('contact');
        return answer(c, mergeUndone, { target: target ? contactView(target) : null, source: source ? contactView(source) : null });
      },
    }),
    route({
      method: 'get',
      path: '/contacts/:id/merges',
      tag: 'contacts',
      summary: 'The merges into this contact, newest first, with whether each was undone',
      access: { permission: 'contacts.view' },
      params: idParams,
      responds: mergeList,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const rows = await db
          .selectFrom('contact_merges')
          .leftJoin('contacts as s', (j) => j.onRef('s.id', '=', 'contact_merges.source_id').onRef('s.tenant_id', '=', 'contact_merges.tenant_id'))
          .select(['contact_merges.id', 'contact_merges.source_id', 's.name as source_name', 'contact_merges.created_at', 'contact_merges.undone_at'])
          .where('contact_merges.tenant_id', '=', tenant.id)
          .where('contact_merges.target_id', '=', contact.id)
          .orderBy('contact_merges.created_at', 'desc')
          .limit(50)
          .execute();
        return answer(c, mergeList, {
          merges: rows.map((m) => ({
            id: m.id,
            sourceId: m.source_id,
            sourceName: m.source_name,
            createdAt: new Date(m.created_at).toISOString(),
            undoneAt: m.undone_at ? new Date(m.undone_at).toISOString() : null,
          })),
        });
      },
    }),
  ];
}
