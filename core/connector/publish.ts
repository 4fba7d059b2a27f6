import { z } from 'zod';
import { inboundRoutingKey, shardOf, type Bus } from '../bus/bus.js';
import { ValidationError } from '../errors.js';
import { conversationKey, type InboundEnvelope, type InboundMessage } from '../domain/messages.js';
import { assertStorable } from '../domain/storable-text.js';
import type { ChannelInfo } from './define.js';

const part = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), format: z.enum(['plain', 'html', 'markdown']).optional() }),
  z.object({
    type: z.enum(['image', 'audio', 'video', 'file']),
    attachmentId: z.string().optional(),
    url: z.string().optional(),
    providerId: z.string().optional(),
    name: z.string().optional(),
    mimeType: z.string().optional(),
    size: z.number().nonnegative().optional(),
    caption: z.string().optional(),
    duration: z.number().nonnegative().max(86_400).optional(),
  }),
  z.object({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), label: z.string().optional() }),
  z.object({ type: z.literal('link'), url: z.string(), title: z.string().optional(), description: z.string().optional() }),
  z.object({ type: z.literal('event'), name: z.string().min(1), data: z.record(z.string(), z.unknown()).optional() }),
]);

/** The shape every normalize must produce; checked before anything is published. */
export const inboundMessageSchema = z.object({
  externalId: z.string().min(1).max(512),
  threadKey: z.string().max(512).optional(),
  sender: z.object({
    externalId: z.string().min(1).max(512),
    displayName: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  }),
  parts: z.array(part).min(1),
  sentAt: z.string().optional(),
  kind: z.enum(['chat', 'email', 'voice']).optional(),
  subject: z.string().optional(),
  language: z.string().optional(),
  raw: z.unknown().optional(),
  routing: z
    .object({
      hold: z.boolean().optional(),
      groupId: z.uuid().optional(),
      agentId: z.uuid().optional(),
      direct: z.boolean().optional(),
      priority: z.number().int().min(0).max(100).optional(),
      end: z.boolean().optional(),
      leave: z.boolean().optional(),
    })
    .optional(),
});

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
