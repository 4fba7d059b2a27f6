import { z } from 'zod';
import {
  assignConversation,
  claimConversation,
  reopenConversation,
  resolveConversation,
  setAgentCapacity,
  setAgentPhoneStatus,
  setAgentStatus,
  transferConversation,
} from '../../../router/actions.js';
import { ValidationError } from '../../../core/errors.js';
import { idParams, requireOwned } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { visibleConversation } from './conversations.js';
import { agentInfoSchema, answer, conversationChangedSchema } from '../api/answers.js';

const agentChanged = z.object({ agent: agentInfoSchema });

const AGENT_STATUSES = ['online', 'busy', 'away', 'offline'] as const;
const PHONE_STATUSES = ['offline', 'ip_phone', 'web_phone', 'mobile'] as const;
const capacity = z.object({
  chat: z.number().int().min(0).max(1000).optional(),
  email: z.number().int().min(0).max(10_000).optional(),
  voice: z.number().int().min(0).max(10).optional(),
});
const transferBody = z.object({
  to: z.union([z.object({ agentId: z.uuid() }).strict(), z.object({ groupId: z.uuid() }).strict(), z.object({ queue: z.literal(true) }).strict()]),
  note: z.string().trim().min(1).max(4000).optional(),
});

/**
 * What agents do with conversations and with themselves. The state changes are the router's
 * (router/actions.ts: one transaction, events through the outbox); these routes check who may
 * do them and on which conversations — only ones the caller may see.
 */
export function actionRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/conversations/:id/assign',
      responds: conversationChangedSchema,
      tag: 'conversations',
      summary: 'Assign a conversation to an agent',
      access: { permission: 'conversations.assign' },
      params: idParams,
      body: z.object({ agentId: z.uuid() }),
      example: { agentId: '00000000-0000-4000-8000-000000000000' },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        await requireOwned(ctx.database.db, 'users', tenant.id, [body.agentId], 'agentId');
        const conversation = await assignConversation(ctx, {
          tenantId: tenant.id,
          conversationId: params.id,
          agentId: body.agentId,
          actorId: auth.principal.userId,
        });
        return answer(c, conversationChangedSchema, { conversation });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/claim',
      responds: conversationChangedSchema,
      tag: 'conversations',
      summary: 'Take a waiting conversation for oneself',
      access: { permission: 'conversations.reply' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        const conversation = await claimConversation(ctx, { tenantId: tenant.id, conversationId: params.id, agentId: auth.principal.userId });
        return answer(c, conversationChangedSchema, { conversation });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/transfer',
      responds: conversationChangedSchema,
      tag: 'conversations',
      summary: 'Transfer a conversation to an agent, a group or back to the queue, with an optional internal note',
      access: { permission: 'conversations.transfer' },
      params: idParams,
      body: transferBody,
      example: { to: { queue: true } },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        await visibleConversation(db, auth.principal, params.id);
        if ('agentId' in body.to) await requireOwned(db, 'users', tenant.id, [body.to.agentId], 'to.agentId');
        if ('groupId' in body.to) await requireOwned(db, 'groups', tenant.id, [body.to.groupId], 'to.groupId');
        const conversation = await transferConversation(ctx, {
          tenantId: tenant.id,
          conversationId: params.id,
          actorId: auth.principal.userId,
          to: body.to,
          note: body.note,
        });
        return answer(c, conversationChangedSchema, { conversation });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/resolve',
      responds: conversationChangedSchema,
      tag: 'conversations',
      summary: 'Resolve a conversation',
      access: { permission: 'conversations.resolve' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        return answer(c, conversationChangedSchema, {
          conversation: await resolveConversation(ctx, { tenantId: tenant.id, conversationId: params.id, actorId: auth.principal.userId }),
        });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/reopen',
      responds: conversationChangedSchema,
      tag: 'conversations',
      summary: 'Reopen a resolved conversation',
      access: { permission: 'conversations.resolve' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        return answer(c, conversationChangedSchema, {
          conversation: await reopenConversation(ctx, { tenantId: tenant.id, conversationId: params.id, actorId: auth.principal.userId }),
        });
      },
    }),
    route({
      method: 'put',
      path: '/agent/status',
      tag: 'agents',
      summary: "Set one's own status (online, busy, away, offline) and phone status",
      access: { signedIn: true },
      body: z
        .object({ status: z.enum(AGENT_STATUSES).optional(), phoneStatus: z.enum(PHONE_STATUSES).optional() })
        .refine((b) => b.status || b.phoneStatus, { message: 'nothing to change', path: ['status'] }),
      example: { status: 'online' },
      responds: agentChanged,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const userId = auth.principal.userId;
        const afterStatus = body.status ? await setAgentStatus(ctx, { tenantId: tenant.id, userId, status: body.status }) : undefined;
        const afterPhone = body.phoneStatus ? await setAgentPhoneStatus(ctx, { tenantId: tenant.id, userId, phoneStatus: body.phoneStatus }) : undefined;
        const agent = afterPhone ?? afterStatus;
        // The body's check already asks for one of the two; this only tells the compiler.
        if (!agent) throw new ValidationError('nothing to change', [{ field: 'status', message: 'send status or phoneStatus' }]);
        return answer(c, agentChanged, { agent });
      },
    }),
    route({
      method: 'put',
      path: '/users/:id/status',
      tag: 'agents',
      summary: "Set an agent's status",
      access: { permission: 'admin.agents' },
      params: idParams,
      body: z.object({ status: z.enum(AGENT_STATUSES) }),
      example: { status: 'offline' },
      responds: agentChanged,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const agent = await setAgentStatus(ctx, { tenantId: tenant.id, userId: params.id, status: body.status });
        await audit(ctx.database.db, auth, 'user.status_set', { type: 'user', id: params.id }, body);
        return answer(c, agentChanged, { agent });
      },
    }),
    route({
      method: 'put',
      path: '/users/:id/capacity',
      tag: 'agents',
      summary: 'Set how many chats, e-mails and calls an agent handles at once',
      access: { anyOf: ['admin.agents', 'admin.routing'] },
      params: idParams,
      body: z.object({ capacity }),
      example: { capacity: { chat: 5 } },
      responds: agentChanged,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const agent = await setAgentCapacity(ctx, { tenantId: tenant.id, userId: params.id, capacity: body.capacity });
        await audit(ctx.database.db, auth, 'user.capacity_set', { type: 'user', id: params.id }, body);
        return answer(c, agentChanged, { agent });
      },
    }),
  ];
}
