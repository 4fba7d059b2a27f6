import { sql } from 'kysely';
import { conversationSnapshot, messageView } from '../../../core/domain/views.js';
import type { InboundStep } from '../pipeline.js';

/**
 * Step 4: every message of the batch in one insert, in arrival order (ids keep it per
 * conversation), each with its `message.created`; then the conversations' last-message time, one
 * update per conversation. A message another worker stored a moment ago (a replay racing its
 * original) counts as a duplicate.
 */
export const store: InboundStep = {
  name: 'store',
  async run(batch) {
    const { trx, threaded, outcome, events } = batch;
    if (threaded.length) {
      const rows = await trx
        .insertInto('messages')
        .values(
          threaded.map(({ envelope, contact, conversation }) => ({
            tenant_id: envelope.tenantId,
            conversation_id: conversation.id,
            channel_id: envelope.channelId,
            direction: 'in' as const,
            sender_type: 'contact' as const,
            sender_id: contact.id,
            external_id: envelope.message.externalId,
            client_id: null,
            content: JSON.stringify(envelope.message.parts),
            status: 'received' as const,
            error: null,
            sent_at: envelope.message.sentAt ?? null,
          })),
        )
        .onConflict((oc) => oc.columns(['channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
        .returningAll()
        .execute();
      const stored = new Map(rows.map((row) => [`${row.channel_id}|${row.external_id}`, row]));
      for (const { envelope, conversation } of threaded) {
        const message = stored.get(`${envelope.channelId}|${envelope.message.externalId}`);
        if (!message) {
          outcome.duplicates++;
          continue;
        }
        outcome.stored++;
        batch.stored.set(envelope, message);
        events.add(envelope.tenantId, 'message.created', { conversation: conversationSnapshot(conversation), message: messageView(message) });
      }
    }
    // Those made for this batch have the time already.
    const touched = [...new Set([...batch.conversations.values()].map((c) => c.id))].filter((id) => !batch.created.has(id));
    if (touched.length) {
      await trx.updateTable('conversations').set({ last_message_at: sql`now()`, updated_at: sql`now()` }).where('id', 'in', touched).execute();
    }
  },
};
