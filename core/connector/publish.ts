import { inboundRoutingKey, shardOf, type Bus } from '../bus/bus.js';
import { conversationKey, type InboundEnvelope, type InboundMessage } from '../domain/messages.js';
import type { ChannelInfo } from './define.js';

// The shape every normalize must produce is the SDK's, so a connector's own tests check the same.
export { checkInboundMessage, inboundMessageSchema } from '@switchboard/connector-sdk';

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
