import { z } from 'zod';
import { ValidationError } from './errors.js';
import { assertStorable } from './storable-text.js';

/** The kind of conversation a message opens: each counts against its own capacity of an agent. */
export type ConversationKind = 'chat' | 'email' | 'voice';

/**
 * The one shape every channel's traffic is turned into, and the shape replies take on the way
 * out, as zod schemas with the types inferred from them: `checkInboundMessage` (core/connector)
 * checks what a connector's normalize made before it is published, and the router checks every
 * envelope it takes off the bus with the same schema. Content is a list of parts, so an e-mail
 * with text and two attachments and a WeChat image are the same kind of thing.
 */
export const contentPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), format: z.enum(['plain', 'html', 'markdown']).optional() }),
  z.object({
    type: z.enum(['image', 'audio', 'video', 'file']),
    /** An attachment in the project's store, when it has been downloaded or uploaded. */
    attachmentId: z.string().optional(),
    /**
     * Where the provider serves it, when it has not (yet) been stored. The console never loads
     * it by itself: the router copies it into the store (router/media/), else the agent gets a link.
     */
    url: z.string().optional(),
    /** The copy of `url` into the store was refused (a forbidden address) or failed for good. */
    unfetched: z.enum(['refused', 'failed']).optional(),
    /** The provider's own handle (WeChat MediaId, Telegram file_id, …). */
    providerId: z.string().optional(),
    name: z.string().optional(),
    mimeType: z.string().optional(),
    size: z.number().nonnegative().optional(),
    caption: z.string().optional(),
    /** How long a recording plays, in seconds (a voice message). */
    duration: z.number().nonnegative().max(86_400).optional(),
  }),
  z.object({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), label: z.string().optional() }),
  z.object({ type: z.literal('link'), url: z.string(), title: z.string().optional(), description: z.string().optional() }),
  z.object({ type: z.literal('event'), name: z.string().min(1), data: z.record(z.string(), z.unknown()).optional() }),
]);
export type ContentPart = z.infer<typeof contentPartSchema>;
export type ContentKind = ContentPart['type'];

/** Who wrote an inbound message, as the channel knows them. */
export const senderIdentitySchema = z.object({
  /** Stable id of the customer on this channel (OpenID, e-mail address, phone number, visitor id). */
  externalId: z.string().min(1).max(512),
  displayName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  /**
   * Which of `phone` and `email` the channel itself proves — the number a call or a WhatsApp
   * message comes from, the address a mail comes from — as opposed to what the customer typed.
   * A proven value lets a new sender land on the one contact that has it verified.
   */
  verified: z
    .array(z.enum(['phone', 'email']))
    .readonly()
    .optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type SenderIdentity = z.infer<typeof senderIdentitySchema>;

/**
 * What a channel that decides routing itself tells the router about the message's conversation.
 * A call waits in the phone menu (`hold`), is put in a queue the caller chose (`groupId`), and
 * ends on the phone network (`end`) whatever the agents do.
 */
export const channelRoutingSchema = z.object({
  /** Thread and store, but do not route yet: the channel will say where it goes. */
  hold: z.boolean().optional(),
  /** Route now to this group (and agent, priority) instead of what the rules say. */
  groupId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  /** The named agent is on it already (they placed the call): theirs whatever their status or load. */
  direct: z.boolean().optional(),
  priority: z.number().int().min(0).max(100).optional(),
  /** The conversation is over on the channel: resolve it and free its agent. */
  end: z.boolean().optional(),
  /** The customer left the queue (a caller sent to voicemail or a callback offer): stop offering it, keep it open. */
  leave: z.boolean().optional(),
});
export type ChannelRouting = z.infer<typeof channelRoutingSchema>;

/** What a connector's `normalize` returns for one provider message. */
export const inboundMessageSchema = z.object({
  /**
   * The provider's message id, or a key derived from the payload when it has none (e.g.
   * sender + time + type). With the channel id it is the dedupe key: a replay is a no-op.
   */
  externalId: z.string().min(1).max(512),
  /** Separates parallel threads of one customer on one channel (an e-mail thread, a call). '' when the channel has none. */
  threadKey: z.string().max(512).optional(),
  sender: senderIdentitySchema,
  parts: z.array(contentPartSchema).min(1),
  /** When the customer sent it (ISO 8601), if the provider says. */
  sentAt: z.string().optional(),
  /** The conversation kind it opens: chat by default; e-mail and voice count against other capacities. */
  kind: z.enum(['chat', 'email', 'voice'] satisfies ConversationKind[]).optional(),
  subject: z.string().optional(),
  language: z.string().optional(),
  /** The provider's payload, kept for audit and for fields nobody has mapped yet. */
  raw: z.unknown().optional(),
  /** Set by channels that route by themselves (a phone menu); the router follows it over its rules. */
  routing: channelRoutingSchema.optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/** An inbound message on the bus (`inbound` exchange, key `shard.<n>`). */
export const inboundEnvelopeSchema = z.object({
  version: z.literal(1),
  tenantId: z.uuid(),
  channelId: z.uuid(),
  channelType: z.string().min(1),
  /** When the gateway accepted it (ISO 8601). */
  receivedAt: z.string(),
  message: inboundMessageSchema,
});
export type InboundEnvelope = z.infer<typeof inboundEnvelopeSchema>;

/** A reply or notice to deliver through a channel (`outbound` exchange, key `<channelType>.<channelId>`). */
export interface OutboundEnvelope {
  version: 1;
  tenantId: string;
  channelId: string;
  channelType: string;
  /** The `messages` row (status queued) this delivery settles. */
  messageId: string;
  conversationId: string;
  /** The customer's identity on the channel. */
  recipient: { externalId: string; displayName?: string; email?: string; phone?: string };
  threadKey: string;
  parts: ContentPart[];
  subject?: string;
  /** The external id of the customer message this answers, where the channel threads replies. */
  inReplyTo?: string;
  /** Who wrote it: an agent, the platform (a survey, an automatic reply) or the company's answer bot. */
  sender?: 'agent' | 'system' | 'bot';
}

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
