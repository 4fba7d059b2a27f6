import type { Db } from '../../core/db/database.js';
import { event } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import type { ParsedEmail } from './parse.js';
import { bareId } from './threading.js';

/** The Message-ID of the mail a DSN reports on, from its returned headers. */
export function bouncedMessageId(mail: ParsedEmail): string | undefined {
  const headers = mail.report?.originalHeaders;
  if (!headers) return undefined;
  const match = /^Message-ID:\s*(<[^>\s]+>|\S+)/im.exec(headers.replace(/\r?\n[ \t]+/g, ' '));
  return match?.[1] ? bareId(match[1]) : undefined;
}

/** What the agent reads about a bounce: the remote server's words, else the status code. */
export function bounceReason(mail: ParsedEmail): string {
  const status = mail.report?.deliveryStatus ?? '';
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(status)?.[1];
  const code = /^Status:\s*(\S+)/im.exec(status)?.[1];
  const action = /^Action:\s*(\S+)/im.exec(status)?.[1]?.toLowerCase();
  return `bounced${action && action !== 'failed' ? ` (${action})` : ''}: ${(diagnostic ?? (code ? `status ${code}` : 'the receiving server refused the mail')).trim()}`;
}

/** Whether the DSN says delivery failed for good (Action: failed or a 5.x.x status), not just delayed. */
export function isPermanentBounce(mail: ParsedEmail): boolean {
  const status = mail.report?.deliveryStatus ?? '';
  const action = /^Action:\s*(\S+)/im.exec(status)?.[1]?.toLowerCase();
  if (action) return action === 'failed';
  return /^Status:\s*5\./im.test(status);
}

/**
 * Marks the outbound mail a bounce reports on as failed, with the reason, and tells the agents'
 * consoles (`message.updated`). A mail shown as sent can still bounce, so unlike a send
 * failure this moves sent or delivered messages too. Returns whether a message was marked.
 */
export async function markBounced(db: Db, target: { tenantId: string; channelId: string; messageId: string; reason: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('messages')
      .select(['id', 'status', 'conversation_id'])
      .where('tenant_id', '=', target.tenantId)
      .where('channel_id', '=', target.channelId)
      .where('direction', '=', 'out')
      .where('provider_message_id', '=', target.messageId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status === 'failed') return false;
    await trx.updateTable('messages').set({ status: 'failed', error: target.reason.slice(0, 1000) }).where('id', '=', row.id).execute();
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', target.tenantId)
      .where('id', '=', row.conversation_id)
      .executeTakeFirstOrThrow();
    await recordEvents(trx, [
      event(target.tenantId, 'message.updated', { conversation: conversationSnapshot(conversation), messageId: row.id, status: 'failed', error: target.reason }),
    ]);
    return true;
  });
}
