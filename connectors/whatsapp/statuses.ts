import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import { updateMessageStatus } from '../../core/connector/status.js';
import { event } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { graphError } from './api.js';
import type { WhatsAppConfig } from './connector.js';

export const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() })).optional(),
});

/**
 * Delivery receipts → the status of our outbound messages (found by their wamid). sent,
 * delivered and read only move forward; failed marks a message WhatsApp accepted and then could
 * not deliver, with the reason the agent sees. Receipts for messages we do not know are ignored.
 */
export async function applyStatuses(ctx: ChannelContext<WhatsAppConfig>, statuses: z.infer<typeof statusSchema>[]): Promise<void> {
  for (const s of statuses) {
    const rows = await ctx.db
      .selectFrom('messages')
      .select('id')
      .where('tenant_id', '=', ctx.channel.tenantId)
      .where('channel_id', '=', ctx.channel.id)
      .where('direction', '=', 'out')
      .where('provider_message_id', '=', s.id)
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) continue;
    if (s.status === 'sent' || s.status === 'delivered' || s.status === 'read') {
      await updateMessageStatus(ctx.db, { tenantId: ctx.channel.tenantId, messageIds: ids, status: s.status });
    } else if (s.status === 'failed') {
      const e = s.errors?.[0];
      await markFailed(ctx, ids, graphError(e?.code, e?.error_data?.details ?? e?.title ?? 'delivery failed').message);
    }
  }
}

async function markFailed(ctx: ChannelContext<WhatsAppConfig>, ids: string[], error: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('messages')
      .set({ status: 'failed', error })
      .where('id', 'in', ids)
      .where('status', 'in', ['queued', 'sent', 'delivered'])
      .returning(['id', 'conversation_id'])
      .execute();
    for (const row of moved) {
      const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', row.conversation_id).executeTakeFirstOrThrow();
      await recordEvents(trx, [
        event(ctx.channel.tenantId, 'message.updated', { conversation: conversationSnapshot(conversation), messageId: row.id, status: 'failed', error }),
      ]);
    }
  });
}
