import { sql } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../../../core/auth/permissions.js';
import type { ContentPart } from '../../../core/domain/messages.js';
import { conversationSnapshot, messageView, SURVEY_CLIENT_PREFIX } from '../../../core/domain/views.js';
import { queueReply, retryMessage } from '../../../core/conversations/reply.js';
import { recordEvents } from '../../../core/outbox/outbox.js';
import { claimConversation } from '../../../router/actions.js';
import { withTransaction, type Db } from '../../../core/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import type { Context } from '../../../core/context.js';
import { idParams, requireOwned } from '../api/checks.js';
import { decodeCursor, encodeCursor, pageQuery } from '../api/cursor.js';
import { route, type AnyRoute } from '../api/route.js';
import { resolveReplyAttachments } from '../conversations/attachments.js';
import { replyPart, toContentParts } from '../conversations/parts.js';
import { visibleTo } from '../conversations/visibility.js';
import { answer, conversationDetailSchema, conversationPageSchema, type conversationViewSchema, messageViewSchema } from '../api/answers.js';

const VIEW_ANY = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;
const STATUSES = ['open', 'queued', 'assigned', 'resolved'] as const;

const listQuery = z.object({
  status: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  channelId: z.uuid().optional(),
  groupId: z.uuid().optional(),
  assigneeId: z.union([z.uuid(), z.enum(['me', 'none'])]).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  ...pageQuery,
});

function conversationsQuery(db: Db, principal: Principal) {
  return db
    .selectFrom('conversations')
    .innerJoin('contacts', (j) => j.onRef('contacts.id', '=', 'conversations.contact_id').onRef('contacts.tenant_id', '=', 'conversations.tenant_id'))
    .innerJoin('channels', (j) => j.onRef('channels.id', '=', 'conversations.channel_id').onRef('channels.tenant_id', '=', 'conversations.tenant_id'))
    .select([
      'conversations.id',
      'conversations.status',
      'conversations.kind',
      'conversations.group_id',
      'conversations.assignee_id',
      'conversations.priority',
      'conversations.subject',
      'conversations.created_at',
      'conversations.last_message_at',
      'conversations.channel_id',
      'conversations.contact_id',
      'contacts.name as contact_name',
      'channels.type as channel_type',
      'channels.name as channel_name',
      sql<string>`to_char(coalesce(conversations.last_message_at, conversations.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`.as('sort_key'),
      // The list's preview: the last message the customer or an agent wrote (never a note).
      (eb) =>
        eb
          .selectFrom('messages')
          .select(
            sql<LastMessage>`json_build_object('direction', messages.direction, 'senderType', messages.sender_type, 'parts', messages.content, 'createdAt', messages.created_at, 'survey', messages.sender_type = 'system' and messages.client_id like ${SURVEY_CLIENT_PREFIX + '%'})`.as(
              'm',
            ),
          )
          .whereRef('messages.conversation_id', '=', 'conversations.id')
          .where('messages.private', '=', false)
          .orderBy('messages.id', 'desc')
          .limit(1)
          .as('last_message'),
      // Since when the customer waits for an answer: their first message after the last reply.
      sql<Date | null>`(select min(w.created_at) from messages w where w.conversation_id = conversations.id and w.direction = 'in' and conversations.status <> 'resolved'
        and w.id > coalesce((select max(r.id) from messages r where r.conversation_id = conversations.id and r.direction = 'out' and not r.private), 0))`.as(
        'waiting_since',
      ),
    ])
    .where('conversations.tenant_id', '=', principal.tenantId)
    .where((eb) => visibleTo(eb, principal));
}

type ConversationRow = Awaited<ReturnType<ReturnType<typeof conversationsQuery>['execute']>>[number];

const conversationView = (r: ConversationRow): z.infer<typeof conversationViewSchema> => ({
  id: r.id,
  status: r.status,
  kind: r.kind,
  channel: { id: r.channel_id, type: r.channel_type, name: r.channel_name },
  contact: { id: r.contact_id, name: r.contact_name },
  groupId: r.group_id,
  assigneeId: r.assignee_id,
  priority: r.priority,
  subject: r.subject,
  createdAt: new Date(r.created_at).toISOString(),
  lastMessageAt: r.last_message_at ? new Date(r.last_message_at).toISOString() : null,
  lastMessage: r.last_message
    ? {
        direction: r.last_message.direction,
        senderType: r.last_message.senderType,
        parts: previewParts(r.last_message.parts),
        createdAt: new Date(r.last_message.createdAt).toISOString(),
        ...(r.last_message.survey ? { about: 'survey' as const } : {}),
      }
    : null,
  waitingSince: r.waiting_since ? new Date(r.waiting_since).toISOString() : null,
});

interface LastMessage {
  direction: 'in' | 'out';
  senderType: string;
  parts: ContentPart[];
  createdAt: string;
  survey: boolean;
}

/** A message's parts cut down to what a list line shows: text shortened, files by kind and name. */
function previewParts(parts: ContentPart[]): ContentPart[] {
  return parts.slice(0, 3).map((p) => {
    if (p.type === 'text') {
      const text =
        p.format === 'html'
          ? p.text
              .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
              .replace(/<[^>]*>/g, ' ')
              .replace(/&nbsp;/g, ' ')
          : p.text;
      return { type: 'text', text: text.replace(/\s+/g, ' ').trim().slice(0, 160) };
    }
    if (p.type === 'event') return { type: 'event', name: p.name };
    if (p.type === 'location' || p.type === 'link') return { ...p, ...(p.type === 'link' ? { description: undefined } : {}) };
    return { type: p.type, name: p.name } as ContentPart;
  });
}

/** The conversation if this principal may see it; 404 otherwise, so its existence does not leak. */
export async function visibleConversation(db: Db, principal: Principal, id: string) {
  const row = await conversationsQuery(db, principal).where('conversations.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('conversation');
  return row;
}

/** Takes a waiting conversation for its replier; the same reply sent twice at once takes it once. */
async function takeForReply(ctx: Context, tenantId: string, conversationId: string, agentId: string): Promise<void> {
  try {
    await claimConversation(ctx, { tenantId, conversationId, agentId });
  } catch (error) {
    const now = await ctx.database.db
      .selectFrom('conversations')
      .select('assignee_id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!(error instanceof ConflictError && now?.assignee_id === agentId)) throw error;
  }
}

const replyBody = z
  .object({
    clientId: z.string().min(1).max(100),
    text: z.string().min(1).max(20_000).optional(),
    parts: z.array(replyPart).max(20).optional(),
    private: z.boolean().default(false),
    mentions: z.array(z.uuid()).max(50).default([]),
  })
  .refine((b) => b.text !== undefined || (b.parts?.length ?? 0) > 0, { message: 'a message needs text or parts', path: ['text'] })
  .refine((b) => b.mentions.length === 0 || b.private, { message: 'mentions belong in internal notes', path: ['mentions'] });

/** A reply: the message, and whether its clientId had been sent before (then nothing was sent again). */
const sentMessage = z.object({ message: messageViewSchema, duplicate: z.boolean() });

const mentionList = z.object({
  mentions: z.array(z.object({ messageId: z.string(), conversationId: z.string(), createdAt: z.string(), read: z.boolean() })),
});

export function conversationRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/conversations',
      responds: conversationPageSchema,
      tag: 'conversations',
      summary: 'Conversations the caller may see, newest activity first; filter by status, channel, group, assignee, text',
      access: VIEW_ANY,
      query: listQuery,
      handler: async ({ c, ctx, auth, query }) => {
        const principal = auth.principal;
        let q = conversationsQuery(ctx.database.db, principal);
        if (query.status?.length) q = q.where('conversations.status', 'in', query.status);
        if (query.channelId) q = q.where('conversations.channel_id', '=', query.channelId);
        if (query.groupId) q = q.where('conversations.group_id', '=', query.groupId);
        if (query.assigneeId === 'me') q = q.where('conversations.assignee_id', '=', principal.userId);
        else if (query.assigneeId === 'none') q = q.where('conversations.assignee_id', 'is', null);
        else if (query.assigneeId) q = q.where('conversations.assignee_id', '=', query.assigneeId);
        if (query.q) {
          const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          q = q.where((eb) =>
            eb.or([
              eb('contacts.name', 'ilike', like),
              eb('contacts.email', 'ilike', like),
              eb('contacts.phone', 'ilike', like),
              eb('conversations.subject', 'ilike', like),
              eb.exists(
                eb
                  .selectFrom('messages')
                  .select(sql`1`.as('one'))
                  .whereRef('messages.conversation_id', '=', 'conversations.id')
                  .where('messages.tenant_id', '=', principal.tenantId)
                  .where(sql<string>`messages.content::text`, 'ilike', like),
              ),
            ]),
          );
        }
        const cursor = decodeCursor(query.cursor);
        if (cursor) {
          if (!z.uuid().safeParse(cursor.id).success || Number.isNaN(Date.parse(`${cursor.key}Z`))) {
            throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
          }
          q = q.where(
            sql<boolean>`(coalesce(conversations.last_message_at, conversations.created_at), conversations.id) < (${cursor.key}::timestamp at time zone 'UTC', ${cursor.id}::uuid)`,
          );
        }
        const rows = await q
          .orderBy(sql`coalesce(conversations.last_message_at, conversations.created_at)`, 'desc')
          .orderBy('conversations.id', 'desc')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return answer(c, conversationPageSchema, {
          conversations: page.map(conversationView),
          nextCursor: rows.length > query.limit && last ? encodeCursor(last.sort_key, last.id) : null,
        });
      },
    }),
    route({
      method: 'get',
      path: '/conversations/:id',
      responds: conversationDetailSchema,
      tag: 'conversations',
      summary: 'One conversation with its latest messages (older ones with ?before=<message id>)',
      access: VIEW_ANY,
      params: idParams,
      query: z.object({
        before: z
          .string()
          .regex(/^[1-9][0-9]{0,17}$/, 'a message id')
          .optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      handler: async ({ c, ctx, tenant, auth, params, query }) => {
        const db = ctx.database.db;
        const conversation = await visibleConversation(db, auth.principal, params.id);
        let messages = db.selectFrom('messages').selectAll().where('tenant_id', '=', tenant.id).where('conversation_id', '=', conversation.id);
        if (query.before) messages = messages.where('id', '<', query.before as never);
        const rows = await messages
          .orderBy('id', 'desc')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit).reverse();
        return answer(c, conversationDetailSchema, {
          conversation: conversationView(conversation),
          messages: page.map(messageView),
          olderBefore: rows.length > query.limit ? (page[0]?.id ?? null) : null,
        });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/read',
      tag: 'conversations',
      summary: 'Mark the customer\'s messages read (the console viewed them); a web chat visitor sees "Read" live',
      access: VIEW_ANY,
      params: idParams,
      responds: z.object({ read: z.number().describe('how many messages turned read') }),
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const conversation = await visibleConversation(db, auth.principal, params.id);
        const moved = await withTransaction(db, async (trx) => {
          const rows = await trx
            .updateTable('messages')
            .set({ status: 'read' })
            .where('tenant_id', '=', tenant.id)
            .where('conversation_id', '=', conversation.id)
            .where('direction', '=', 'in')
            .where('status', '=', 'received')
            .returning('id')
            .execute();
          if (rows.length === 0) return 0;
          let upTo = 0n;
          for (const row of rows) if (BigInt(row.id) > upTo) upTo = BigInt(row.id);
          await recordEvents(trx, [
            {
              tenantId: tenant.id,
              kind: 'conversation.read',
              payload: {
                conversation: {
                  id: conversation.id,
                  channelId: conversation.channel_id,
                  contactId: conversation.contact_id,
                  status: conversation.status,
                  groupId: conversation.group_id,
                  assigneeId: conversation.assignee_id,
                  priority: conversation.priority,
                },
                upTo: String(upTo),
                by: auth.principal.userId,
              },
            },
          ]);
          return rows.length;
        });
        if (moved) ctx.relay.poke();
        return answer(c, z.object({ read: z.number() }), { read: moved });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/messages/:messageId/retry',
      responds: z.object({ message: messageViewSchema }),
      tag: 'conversations',
      summary: 'Send a failed reply again (its error is cleared; it is queued for the channel once more)',
      access: { permission: 'conversations.reply' },
      params: z.object({ id: z.uuid(), messageId: z.string().regex(/^[1-9][0-9]{0,17}$/, 'a message id') }),
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const conversation = await visibleConversation(db, auth.principal, params.id);
        const message = await retryMessage(db, { tenantId: tenant.id, conversationId: conversation.id, messageId: params.messageId });
        ctx.relay.poke();
        return answer(c, z.object({ message: messageViewSchema }), { message }, 202);
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/messages',
      responds: sentMessage,
      tag: 'conversations',
      summary: 'Reply (text and attachments) or write an internal note with @mentions; the same clientId twice sends once',
      access: { permission: 'conversations.reply' },
      params: idParams,
      body: replyBody,
      example: { clientId: 'c-1', text: 'Hello!' },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const conversation = await visibleConversation(db, auth.principal, params.id);
        await requireOwned(db, 'users', tenant.id, body.mentions, 'mentions');
        const parts = await resolveReplyAttachments(db, auth.principal, conversation.channel_id, [
          ...(body.text ? [{ type: 'text' as const, text: body.text }] : []),
          ...toContentParts(body.parts ?? []),
        ]);
        // A reply to a waiting conversation takes it first, through the router (capacity, the
        // routing lock, the queue positions behind it); one the replier may not take is refused
        // with the reason, before anything reaches the customer.
        if (!body.private && !conversation.assignee_id && (conversation.status === 'queued' || conversation.status === 'open')) {
          const sent = await db
            .selectFrom('messages')
            .select('id')
            .where('conversation_id', '=', conversation.id)
            .where('client_id', '=', body.clientId)
            .executeTakeFirst();
          if (!sent) await takeForReply(ctx, tenant.id, conversation.id, auth.principal.userId);
        }
        // The note and its mentions commit together: a mention is never lost, never doubled.
        const { message, duplicate } = await withTransaction(db, async (trx) => {
          const written = await queueReply(trx, {
            tenantId: tenant.id,
            conversationId: conversation.id,
            sender: { type: 'agent', id: auth.principal.userId },
            parts,
            clientId: body.clientId,
            private: body.private,
          });
          if (!written.duplicate && body.mentions.length) {
            const mentioned = [...new Set(body.mentions)];
            await trx
              .insertInto('mentions')
              .values(mentioned.map((userId) => ({ tenant_id: tenant.id, message_id: written.message.id, conversation_id: conversation.id, user_id: userId })))
              .execute();
            const current = await trx
              .selectFrom('conversations')
              .selectAll()
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', conversation.id)
              .executeTakeFirstOrThrow();
            await recordEvents(trx, [
              {
                tenantId: tenant.id,
                kind: 'note.mentioned',
                payload: { conversation: conversationSnapshot(current), messageId: written.message.id, userIds: mentioned },
              },
            ]);
          }
          return written;
        });
        ctx.relay.poke();
        return answer(c, sentMessage, { message, duplicate }, duplicate ? 200 : 201);
      },
    }),
    route({
      method: 'get',
      path: '/mentions',
      tag: 'conversations',
      summary: 'Internal notes that mention the caller, in conversations they may see',
      access: VIEW_ANY,
      query: z.object({ unread: z.stringbool().optional(), limit: pageQuery.limit }),
      responds: mentionList,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        const principal = auth.principal;
        let q = ctx.database.db
          .selectFrom('mentions')
          .innerJoin('conversations', (j) =>
            j.onRef('conversations.id', '=', 'mentions.conversation_id').onRef('conversations.tenant_id', '=', 'mentions.tenant_id'),
          )
          .select(['mentions.message_id', 'mentions.conversation_id', 'mentions.created_at', 'mentions.read_at'])
          .where('mentions.tenant_id', '=', tenant.id)
          .where('mentions.user_id', '=', principal.userId)
          .where((eb) => visibleTo(eb, principal));
        if (query.unread) q = q.where('mentions.read_at', 'is', null);
        const rows = await q.orderBy('mentions.created_at', 'desc').limit(query.limit).execute();
        return answer(c, mentionList, {
          mentions: rows.map((r) => ({
            messageId: r.message_id,
            conversationId: r.conversation_id,
            createdAt: new Date(r.created_at).toISOString(),
            read: r.read_at !== null,
          })),
        });
      },
    }),
  ];
}
