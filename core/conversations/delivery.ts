import type { Db } from '../db/database.js';
import { event } from '../domain/events.js';
import { conversationSnapshot } from '../domain/views.js';
import { recordEvents } from '../outbox/outbox.js';

/**
 * Marks a reply the provider reported undelivered after the send returned (a mail that bounced)
 * as failed, with the reason, and tells the agents' consoles (`message.updated`). A reply shown
 * as sent can still fail this way, so unlike a send failure this moves sent or delivered
 * messages too. Returns whether a message was marked. What `ctx.deliveries.failed` does.
 */
export async function markDeliveryFailed(db: Db, target: { tenantId: string; channelId: string; providerMessageId: string; reason: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('messages')
      .select(['id', 'status', 'conversation_id'])
      .where('tenant_id', '=', target.tenantId)
      .where('channel_id', '=', target.channelId)
      .where('direction', '=', 'out')
      .where('provider_message_id', '=', target.providerMessageId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status === 'failed') return false;
    await trx
      .updateTable('messages')
      .set({ status: 'failed', error: target.reason.slice(0, 1000) })
      .where('id', '=', row.id)
      .execute();
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', target.tenantId)
      .where('id', '=', row.conversation_id)
      .executeTakeFirstOrThrow();
    await recordEvents(trx, [
      event(target.tenantId, 'message.updated', {
        conversation: conversationSnapshot(conversation),
        messageId: row.id,
        status: 'failed',
        error: target.reason,
      }),
    ]);
    return true;
  });
}
