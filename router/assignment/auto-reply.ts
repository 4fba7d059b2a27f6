import type { Transaction } from 'kysely';
import { queueReply } from '../../core/conversations/reply.js';
import type { Database } from '../../core/db/schema.js';
import type { EventLog } from '../events.js';

/**
 * A system message to the customer (outside hours, queue full, a rule's greeting), sent through
 * the channel like any reply, in the same transaction as the routing that caused it.
 */
export async function sendAutomaticReply(trx: Transaction<Database>, events: EventLog, tenantId: string, conversationId: string, text: string): Promise<void> {
  // Events written so far go first, so the console hears of the conversation before the reply.
  await events.flush(trx);
  await queueReply(trx, { tenantId, conversationId, sender: { type: 'system', id: null }, parts: [{ type: 'text', text }] });
}
