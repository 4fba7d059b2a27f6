import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import { withTransaction, type Db } from '../db/database.js';
import type { Conversation, Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { event, type MessageView } from '../domain/events.js';
import { outboundRoutingKey, type ContentPart, type OutboundEnvelope } from '../domain/messages.js';
import { conversationSnapshot, messageView } from '../domain/views.js';
import { recordEvents, recordMessage } from '../outbox/outbox.js';

export interface ReplyInput {
  tenantId: string;
  conversationId: string;
  sender: { type: 'agent' | 'system' | 'bot'; id: string | null };
  parts: ContentPart[];
  /** Chosen by the client: the same id twice (a double submit, a retry) sends once. */
  clientId?: string;
  /** An internal note: shown to agents, never sent to the customer. */
  private?: boolean;
}

/**
 * Writes an agent's (or the system's) message into a conversation. In one transaction: the
 * message row (queued, or a note), the conversation's times, the `message.created` event and,
 * for a reply, the delivery for the channel's connector on the `outbound` exchange. The outbox
 * relay publishes both once it commits: a reply is never half-sent or sent twice. Given a
 * transaction, it writes into it (an automatic reply beside the routing that caused it).
 */
export async function queueReply(db: Db, input: ReplyInput): Promise<{ message: MessageView; duplicate: boolean }> {
  if (input.parts.length === 0) throw new ValidationError('a message needs content', [{ field: 'parts', message: 'must not be empty' }]);
  return withTransaction(db, async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) throw new NotFoundError('conversation');

    if (input.clientId) {
      const existing = await trx
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversation.id)
        .where('client_id', '=', input.clientId)
        .executeTakeFirst();
      if (existing) return { message: messageView(existing), duplicate: true };
    }

    const isNote = input.private === true;
    const row = await trx
      .insertInto('messages')
      .values({
        tenant_id: input.tenantId,
        conversation_id: conversation.id,
        channel_id: conversation.channel_id,
        direction: 'out',
        sender_type: input.sender.type,
        sender_id: input.sender.id,
        client_id: input.clientId ?? null,
        private: isNote,
        content: JSON.stringify(input.parts),
        status: isNote ? 'sent' : 'queued',
        error: null,
        external_id: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    const updated = await trx
      .updateTable('conversations')
      .set({
        updated_at: sql`now()`,
        last_message_at: isNote ? conversation.last_message_at : sql`now()`,
        first_response_at: !isNote && input.sender.type === 'agent' && !conversation.first_response_at ? sql`now()` : conversation.first_response_at,
      })
      .where('id', '=', conversation.id)
      .returningAll()
      .executeTakeFirstOrThrow();

    const message = messageView(row);
    await recordEvents(trx, [event(input.tenantId, 'message.created', { conversation: conversationSnapshot(updated), message })]);

    if (!isNote) await recordDelivery(trx, input.tenantId, conversation, row.id, input.parts, input.sender.type);
    return { message, duplicate: false };
  });
}

/** The delivery of a reply for the channel's connector, on the `outbound` exchange, in the caller's transaction. */
async function recordDelivery(
  trx: Transaction<Database>,
  tenantId: string,
  conversation: Conversation,
  messageId: string,
  parts: ContentPart[],
  sender?: OutboundEnvelope['sender'],
): Promise<void> {
  const channel = await trx
    .selectFrom('channels')
    .select(['id', 'type'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', conversation.channel_id)
    .executeTakeFirstOrThrow();
  const identity = await trx
    .selectFrom('contact_identities')
    .select(['external_id', 'display_name'])
    .where('tenant_id', '=', tenantId)
    .where('contact_id', '=', conversation.contact_id)
    .where('channel_id', '=', conversation.channel_id)
    .orderBy('created_at')
    .executeTakeFirst();
  if (!identity) throw new ValidationError('the customer has no identity on this channel to reply to');
  const lastInbound = await trx
    .selectFrom('messages')
    .select('external_id')
    .where('conversation_id', '=', conversation.id)
    .where('direction', '=', 'in')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const envelope: OutboundEnvelope = {
    version: 1,
    tenantId,
    channelId: channel.id,
    channelType: channel.type,
    messageId,
    conversationId: conversation.id,
    recipient: { externalId: identity.external_id, displayName: identity.display_name ?? undefined },
    threadKey: conversation.thread_key,
    parts,
    subject: conversation.subject ?? undefined,
    inReplyTo: lastInbound?.external_id ?? undefined,
    ...(sender ? { sender } : {}),
  };
  await recordMessage(trx, {
    tenantId,
    exchange: 'outbound',
    routingKey: outboundRoutingKey(channel.type, channel.id),
    kind: 'message.outbound',
    body: envelope as unknown as Record<string, unknown>,
  });
}

/**
 * Sends a failed reply again: the message goes back to queued (its error cleared) and a new
 * delivery is written for the connector, in one transaction. Only a failed message can be retried.
 */
export async function retryMessage(db: Db, input: { tenantId: string; conversationId: string; messageId: string }): Promise<MessageView> {
  return withTransaction(db, async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.conversationId)
      .executeTakeFirst();
    if (!conversation) throw new NotFoundError('conversation');
    const row = await trx
      .selectFrom('messages')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('conversation_id', '=', conversation.id)
      .where('id', '=', input.messageId)
      .forUpdate()
      .executeTakeFirst();
    if (row?.direction !== 'out' || row.private) throw new NotFoundError('message');
    if (row.status !== 'failed') throw new ConflictError(`only a failed message can be sent again; this one is ${row.status}`, row.status);
    const queued = await trx
      .updateTable('messages')
      .set({ status: 'queued', error: null, error_code: null })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvents(trx, [
      event(input.tenantId, 'message.updated', { conversation: conversationSnapshot(conversation), messageId: row.id, status: 'queued' }),
    ]);
    await recordDelivery(trx, input.tenantId, conversation, row.id, row.content as ContentPart[], row.sender_type === 'contact' ? undefined : row.sender_type);
    return messageView(queued);
  });
}
