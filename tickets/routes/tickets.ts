import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { addComment } from '../comments.js';
import { applyChanges, lockTicket } from '../changes.js';
import { createTicket } from '../create.js';
import { mergeTickets } from '../merge.js';
import { ticketView } from '../model.js';
import { listTickets, ticketVisibleTo, visibleTicket } from '../read.js';
import { TICKET_STATUSES } from '../schema.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';
import { contactsQuery } from '../../crm/part.js';
import { findVisibleCall } from '../../callcenter/part.js';
import { customerRepliesBindings } from '../worker.js';
import {
  actorOf,
  createBody,
  filtersSchema,
  patchBody,
  sortField,
  ticketCommentSchema,
  ticketDetailSchema,
  ticketPageSchema,
  ticketSchema,
} from './schemas.js';
import { answer } from '../../console/server/api/answers.js';
import { ticketDetail } from './detail.js';

const listQuery = filtersSchema.extend({
  view: z.uuid().optional(),
  sort: sortField.optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const bulkResults = z.object({ results: z.array(z.object({ id: z.string(), ok: z.boolean(), error: z.string().optional() })) });
const commented = z.object({ ticket: ticketSchema, comment: ticketCommentSchema.pick({ id: true, public: true, body: true, messageId: true }) });

export function ticketRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/tickets',
      tag: 'tickets',
      summary: 'Tickets the caller may see, filtered and sorted directly or by a saved view',
      access: { permission: 'tickets.view' },
      query: listQuery,
      responds: ticketPageSchema,
      handler: async ({ c, ctx, auth, query }) => {
        const db = ctx.database.db;
        let filters: Record<string, unknown> = { ...query };
        let sort = { field: query.sort ?? 'updated', direction: query.direction ?? 'desc' } as const;
        let columns: string[] | undefined;
        if (query.view) {
          const view = found(
            await db
              .selectFrom('ticket_views')
              .selectAll()
              .where('tenant_id', '=', auth.principal.tenantId)
              .where('id', '=', query.view)
              .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', auth.principal.userId)]))
              .executeTakeFirst(),
            'view',
          );
          filters = {
            ...view.filters,
            ...Object.fromEntries(Object.entries(filters).filter(([k, v]) => v !== undefined && !['view', 'sort', 'direction', 'limit', 'offset'].includes(k))),
          };
          sort = {
            field: (query.sort ?? view.sort.field ?? 'updated') as typeof sort.field,
            direction: query.direction ?? view.sort.direction ?? 'desc',
          } as typeof sort;
          columns = view.columns;
        }
        const page = await listTickets(db, auth.principal, filters, sort, { limit: query.limit, offset: query.offset });
        return answer(c, ticketPageSchema, { ...page, ...(columns ? { columns } : {}) });
      },
    }),
    route({
      method: 'post',
      path: '/tickets',
      tag: 'tickets',
      summary: 'Open a ticket: from a conversation or a call (its customer, group, call id and recording), or for a requester',
      access: { permission: 'tickets.edit' },
      body: createBody,
      example: { subject: 'Refund for order A1001', requesterId: '00000000-0000-4000-8000-000000000000', priority: 'high' },
      responds: ticketSchema,
      handler: async ({ c, ctx, auth, body }) => {
        const db = ctx.database.db;
        if (body.conversationId) {
          const visible = await db
            .selectFrom('conversations')
            .select('id')
            .where('tenant_id', '=', auth.principal.tenantId)
            .where('id', '=', body.conversationId)
            .where((eb) => visibleTo(eb, auth.principal))
            .executeTakeFirst();
          if (!visible) throw new ValidationError('unknown conversation', [{ field: 'conversationId', message: 'no such conversation' }]);
        }
        // A customer or call the caller may not see answers exactly as a missing one (the ticket would show them).
        if (body.requesterId && !(await contactsQuery(db, auth.principal).where('contacts.id', '=', body.requesterId).executeTakeFirst())) {
          throw new ValidationError('unknown requester', [{ field: 'requesterId', message: 'no such contact' }]);
        }
        if (body.callId && !(await findVisibleCall(db, auth.principal.tenantId, auth.principal, { callId: body.callId }))) {
          throw new ValidationError('unknown call', [{ field: 'callId', message: 'no such call' }]);
        }
        // Whoever makes a ticket in the console follows it: one made from another group's conversation stays theirs to open.
        const followers = auth.via === 'token' ? body.followers : [...(body.followers ?? []), auth.principal.userId];
        const ticket = await db.transaction().execute(async (trx) => {
          const made = await createTicket(
            trx,
            auth.principal.tenantId,
            { ...body, followers, via: auth.via === 'token' ? 'api' : 'manual' },
            { actor: actorOf(auth), now: new Date() },
          );
          // With its first ticket, the company's customers' messages reach the ticket worker
          // (worker.ts); only then does making a ticket need the broker.
          const earlier = await trx
            .selectFrom('tickets')
            .select('id')
            .where('tenant_id', '=', auth.principal.tenantId)
            .where('id', '<>', made.id)
            .limit(1)
            .executeTakeFirst();
          if (!earlier) await customerRepliesBindings({ db, bus: ctx.bus }).widen(trx, auth.principal.tenantId);
          return made;
        });
        ctx.relay.poke();
        return answer(c, ticketSchema, ticketView(ticket), 201);
      },
    }),
    route({
      method: 'post',
      path: '/tickets/bulk',
      tag: 'tickets',
      summary: 'Change many tickets at once; each succeeds or fails on its own',
      access: { permission: 'tickets.edit' },
      body: z.object({ ids: z.array(z.uuid()).min(1).max(100), changes: patchBody }).strict(),
      example: { ids: ['00000000-0000-4000-8000-000000000000'], changes: { status: 'pending' } },
      responds: bulkResults,
      handler: async ({ c, ctx, auth, body }) => {
        const db = ctx.database.db;
        const results: { id: string; ok: boolean; error?: string }[] = [];
        for (const id of [...new Set(body.ids)]) {
          try {
            await visibleTicket(db, auth.principal, id);
            await db
              .transaction()
              .execute(async (trx) =>
                applyChanges(trx, await lockTicket(trx, auth.principal.tenantId, id), body.changes, { actor: actorOf(auth), now: new Date() }),
              );
            results.push({ id, ok: true });
          } catch (error) {
            results.push({ id, ok: false, error: error instanceof Error ? error.message : 'failed' });
          }
        }
        ctx.relay.poke();
        return answer(c, bulkResults, { results });
      },
    }),
    route({
      method: 'get',
      path: '/tickets/:id',
      tag: 'tickets',
      summary: 'One ticket with its requester, followers, replies and notes, history and automation firings',
      access: { permission: 'tickets.view' },
      params: idParams,
      responds: ticketDetailSchema,
      // One snapshot for the whole page: a reply landing meanwhile shows with the status it set.
      handler: async ({ c, ctx, auth, params }) =>
        answer(
          c,
          ticketDetailSchema,
          await ctx.database.db
            .transaction()
            .setIsolationLevel('repeatable read')
            .execute(async (trx) => ticketDetail(trx, await visibleTicket(trx, auth.principal, params.id))),
        ),
    }),
    route({
      method: 'patch',
      path: '/tickets/:id',
      tag: 'tickets',
      summary: 'Change a ticket’s fields; every change goes into its history',
      access: { permission: 'tickets.edit' },
      params: idParams,
      body: patchBody,
      example: { status: 'pending', addTags: ['refund'] },
      responds: ticketSchema,
      handler: async ({ c, ctx, auth, params, body }) => {
        const db = ctx.database.db;
        await visibleTicket(db, auth.principal, params.id);
        const { ticket } = await db
          .transaction()
          .execute(async (trx) =>
            applyChanges(trx, await lockTicket(trx, auth.principal.tenantId, params.id), body, { actor: actorOf(auth), now: new Date() }),
          );
        ctx.relay.poke();
        return answer(c, ticketSchema, ticketView(ticket));
      },
    }),
    route({
      method: 'post',
      path: '/tickets/:id/comments',
      tag: 'tickets',
      summary: 'A public reply (sent to the requester on the ticket’s channel, e-mail by default) or an internal note; optionally a new status',
      access: { permission: 'tickets.edit' },
      params: idParams,
      body: z.object({ body: z.string().trim().min(1).max(20_000), public: z.boolean(), status: z.enum(TICKET_STATUSES).optional() }).strict(),
      example: { body: 'We have refunded the order.', public: false },
      responds: commented,
      handler: async ({ c, ctx, auth, params, body }) => {
        const db = ctx.database.db;
        await visibleTicket(db, auth.principal, params.id);
        const now = new Date();
        const { ticket, comment } = await db.transaction().execute(async (trx) => {
          const locked = await lockTicket(trx, auth.principal.tenantId, params.id);
          const added = await addComment(trx, locked, { body: body.body, public: body.public }, { actor: actorOf(auth), now });
          if (!body.status || body.status === added.ticket.status) return added;
          return { comment: added.comment, ticket: (await applyChanges(trx, added.ticket, { status: body.status }, { actor: actorOf(auth), now })).ticket };
        });
        ctx.relay.poke();
        return answer(
          c,
          commented,
          { ticket: ticketView(ticket), comment: { id: comment.id, public: comment.public, body: comment.body, messageId: comment.message_id } },
          201,
        );
      },
    }),
    route({
      method: 'post',
      path: '/tickets/:id/merge',
      tag: 'tickets',
      summary: 'Merge this ticket into another: comments, followers and tags move, this one closes',
      access: { permission: 'tickets.edit' },
      params: idParams,
      body: z.object({ targetId: z.uuid() }).strict(),
      example: { targetId: '00000000-0000-4000-8000-000000000000' },
      responds: ticketSchema,
      handler: async ({ c, ctx, auth, params, body }) => {
        const db = ctx.database.db;
        await visibleTicket(db, auth.principal, params.id);
        const target = await db
          .selectFrom('tickets')
          .select('id')
          .where('tenant_id', '=', auth.principal.tenantId)
          .where('id', '=', body.targetId)
          .where((eb) => ticketVisibleTo(eb, auth.principal))
          .executeTakeFirst();
        if (!target) throw new ValidationError('unknown ticket', [{ field: 'targetId', message: 'no such ticket' }]);
        const merged = await db
          .transaction()
          .execute((trx) => mergeTickets(trx, auth.principal.tenantId, params.id, target.id, { actor: actorOf(auth), now: new Date() }));
        ctx.relay.poke();
        return answer(c, ticketSchema, ticketView(merged));
      },
    }),
  ];
}
