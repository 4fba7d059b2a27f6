import { inboundRoutingKey, shardOf, type Bus } from '../bus/bus.js';
import { ValidationError } from '../errors.js';
import { conversationKey, inboundMessageSchema, type InboundEnvelope, type InboundMessage } from '../domain/messages.js';
import { assertStorable } from '../domain/storable-text.js';
import type { ChannelInfo } from './define.js';

/** The shape every normalize must produce (core/domain/messages.ts); checked before anything is published. */
export { inboundMessageSchema };

/**
 * The shape, and text PostgreSQL can store in every field (the router could not store it, would
 * retry, and dead-letter a message the provider was told was accepted): a ValidationError naming
 * the field, before anything is published. This covers every connector, pulled ones included.
 */
export function checkInboundMessage(message: InboundMessage): InboundMessage {
  const parsed = inboundMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new ValidationError(
      'the payload does not make a valid message',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
  assertStorable(message);
  return message;
}

/**
 * Puts accepted messages on the inbound shards and resolves once the broker confirmed every one:
 * only then may the provider hear 2xx. A message's shard follows its conversation, so one
 * conversation's messages stay in order. Rejects with BusUnavailableError when the broker
 * cannot take them; the caller answers 5xx and the provider sends again (the router dedupes).
 */
export async function publishInbound(
  bus: Bus,
  shards: number,
  channel: ChannelInfo,
  messages: readonly InboundMessage[],
  receivedAt = new Date(),
): Promise<void> {
  await Promise.all(
    messages.map((message) => {
      const envelope: InboundEnvelope = {
        version: 1,
        tenantId: channel.tenantId,
        channelId: channel.id,
        channelType: channel.type,
        receivedAt: receivedAt.toISOString(),
        message,
      };
      const shard = shardOf(conversationKey(channel.id, message), shards);
      return bus.publish('inbound', inboundRoutingKey(shard), envelope, {
        messageId: `in:${channel.id}:${message.externalId}`,
        headers: { kind: 'message.inbound' },
      });
    }),
  );
}
