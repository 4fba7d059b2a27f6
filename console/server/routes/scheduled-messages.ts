import { z } from 'zod';
import { cancelScheduledReply, scheduledReplies, scheduleReply } from '../../../core/conversations/scheduled-replies.js';
import { NotFoundError, ValidationError } from '../../../core/errors.js';
import { idParams } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { visibleConversation } from './conversations.js';
import { answer, scheduledMessageSchema } from '../api/answers.js';

const scheduledList = z.object({ scheduled: z.array(scheduledMessageSchema) });

const DAY = 24 * 3600_000;

/** "Send later": a reply kept until its time, then sent as its author; not sent if the customer writes first. */
export function scheduledMessageRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/conversations/:id/scheduled',
      responds: scheduledList,
      tag: 'conversations',
      summary: 'Messages waiting to be sent later in this conversation, soonest first',
      access: { permission: 'conversations.reply' },
      params: idParams,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        return answer(c, scheduledList, { scheduled: await scheduledReplies(ctx.database.db, tenant.id, params.id) });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/scheduled',
      responds: z.object({ scheduled: scheduledMessageSchema }),
      tag: 'conversations',
      summary: 'Send a reply later (at sendAt, up to a year ahead); it is not sent if the customer writes first',
      access: { permission: 'conversations.reply' },
      params: idParams,
      body: z.object({ text: z.string().trim().min(1).max(20_000), sendAt: z.iso.datetime({ offset: true }) }),
      example: { text: 'Did the new card arrive?', sendAt: '2030-01-01T09:00:00+08:00' },
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const conversation = await visibleConversation(ctx.database.db, auth.principal, params.id);
        const sendAt = new Date(body.sendAt);
        if (sendAt.getTime() <= Date.now()) throw new ValidationError('sendAt has passed', [{ field: 'sendAt', message: 'must be in the future' }]);
        if (sendAt.getTime() > Date.now() + 366 * DAY)
          throw new ValidationError('sendAt is too far ahead', [{ field: 'sendAt', message: 'at most a year ahead' }]);
        if (conversation.status === 'resolved')
          throw new ValidationError('the conversation is resolved', [{ field: 'id', message: 'reopen it to schedule a message' }]);
        const scheduled = await scheduleReply(ctx.database.db, {
          tenantId: tenant.id,
          conversationId: params.id,
          agentId: auth.principal.userId,
          text: body.text,
          sendAt,
        });
        return answer(c, z.object({ scheduled: scheduledMessageSchema }), { scheduled }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/conversations/:id/scheduled/:scheduledId',
      tag: 'conversations',
      summary: 'Cancel a message waiting to be sent',
      access: { permission: 'conversations.reply' },
      params: z.object({ id: z.uuid(), scheduledId: z.uuid() }),
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        await visibleConversation(ctx.database.db, auth.principal, params.id);
        if (!(await cancelScheduledReply(ctx.database.db, tenant.id, params.id, params.scheduledId))) throw new NotFoundError('scheduled message');
        return c.body(null, 204);
      },
    }),
  ];
}
