import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, MessageStatus } from '../db/schema.js';
import { event } from '../domain/events.js';
import { conversationSnapshot } from '../domain/views.js';
import { recordEvents } from '../outbox/outbox.js';

/**
 * The order statuses move in; a message never moves back (a late "sent" after "read" is ignored).
 * It can fail until it was delivered: a provider may accept a message and report later that it
 * could not deliver it.
 */
const RANK: Record<MessageStatus, number> = { received: 0, queued: 1, failed: 1, sent: 2, delivered: 3, read: 4 };

export interface StatusChange {
  tenantId: string;
  messageIds: string[];
  status: MessageStatus;
  error?: string | null;
  /** The provider's code for a failure (an HTTP status, its own error code). */
  errorCode?: string | null;
  providerMessageId?: string;
}

/**
 * Moves outbound messages to a new status and records `message.updated` for each one that
 * moved, in one transaction; returns the ids that moved. The caller pokes the outbox relay.
 */
export async function updateMessageStatus(db: Db, change: StatusChange): Promise<string[]> {
  if (change.messageIds.length === 0) return [];
  return db.transaction().execute((trx) => updateInTransaction(trx, change));
}

async function updateInTransaction(trx: Transaction<Database>, change: StatusChange): Promise<string[]> {
  const rows = await trx
    .selectFrom('messages')
    .select(['id', 'status', 'conversation_id'])
    .where('tenant_id', '=', change.tenantId)
    .where('id', 'in', change.messageIds)
    .where('direction', '=', 'out')
    .forUpdate()
    .execute();
  const moving = rows.filter((r) =>
    change.status === 'failed' ? r.status === 'queued' || r.status === 'failed' || r.status === 'sent' : RANK[change.status] > RANK[r.status],
  );
  if (moving.length === 0) return [];
  const ids = moving.map((r) => r.id);
  await trx
    .updateTable('messages')
    .set({
      status: change.status,
      error: change.status === 'failed' ? (change.error ?? 'delivery failed') : null,
      error_code: change.status === 'failed' ? (change.errorCode ?? null) : null,
      ...(change.providerMessageId ? { provider_message_id: change.providerMessageId } : {}),
      ...(change.status === 'sent' || change.status === 'delivered' ? { sent_at: sql`coalesce(sent_at, now())` } : {}),
    })
    .where('id', 'in', ids)
    .execute();
  const conversations = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('tenant_id', '=', change.tenantId)
    .where('id', 'in', [...new Set(moving.map((r) => r.conversation_id))])
    .execute();
  const byId = new Map(conversations.map((c) => [c.id, c]));
  await recordEvents(
    trx,
    moving.flatMap((row) => {
      const conversation = byId.get(row.conversation_id);
      if (!conversation) return [];
      return [
        event(change.tenantId, 'message.updated', {
          conversation: conversationSnapshot(conversation),
          messageId: row.id,
          status: change.status,
          ...(change.status === 'failed' ? { error: change.error ?? 'delivery failed', errorCode: change.errorCode ?? null } : {}),
        }),
      ];
    }),
  );
  return ids;
}

/** Notes why the last try failed while the message waits for the next one (it stays queued). */
export async function noteRetry(db: Db, tenantId: string, messageId: string, error: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ error: `retrying: ${error}`.slice(0, 1000) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', messageId)
    .where('status', '=', 'queued')
    .execute();
}
