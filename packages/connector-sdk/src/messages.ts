import { z } from 'zod';
import { ValidationError } from './errors.js';
import { assertStorable } from './storable-text.js';

/** The kind of conversation a message opens: each counts against its own capacity of an agent. */
export type ConversationKind = 'chat' | 'email' | 'voice';

/**
 * The one shape every channel's traffic is turned into, and the shape replies take on the way
 * out. Content is a list of parts, so an e-mail with text and two attachments and a WeChat image
 * are the same kind of thing.
 */
export type ContentPart =
  | { type: 'text'; text: string; format?: 'plain' | 'html' | 'markdown' }
  | {
      type: 'image' | 'audio' | 'video' | 'file';
      /** An attachment in the project's store, when it has been downloaded or uploaded. */
      attachmentId?: string;
      /**
       * Where the provider serves it, when it has not (yet) been stored. The console never loads
       * it by itself: the router copies it into the store (router/media/), else the agent gets a link.
       */
      url?: string;
      /** The copy of `url` into the store was refused (a forbidden address) or failed for good. */
      unfetched?: 'refused' | 'failed';
      /** The provider's own handle (WeChat MediaId, Telegram file_id, …). */
      providerId?: string;
      name?: string;
      mimeType?: string;
      size?: number;
      caption?: string;
    }
  | { type: 'location'; latitude: number; longitude: number; label?: string }
  | { type: 'link'; url: string; title?: string; description?: string }
  | { type: 'event'; name: string; data?: Record<string, unknown> };

export type ContentKind = ContentPart['type'];

/** Who wrote an inbound message, as the channel knows them. */
export interface SenderIdentity {
  /** Stable id of the customer on this channel (OpenID, e-mail address, phone number, visitor id). */
  externalId: string;
  displayName?: string;
  email?: string;
  phone?: string;
  /**
   * Which of `phone` and `email` the channel itself proves — the number a call or a WhatsApp
   * message comes from, the address a mail comes from — as opposed to what the customer typed.
   * A proven value lets a new sender land on the one contact that has it verified.
   */
  verified?: readonly ('phone' | 'email')[];
  attributes?: Record<string, unknown>;
}

/** What a connector's `normalize` returns for one provider message. */
export interface InboundMessage {
  /**
   * The provider's message id, or a key derived from the payload when it has none (e.g.
   * sender + time + type). With the channel id it is the dedupe key: a replay is a no-op.
   */
  externalId: string;
  /** Separates parallel threads of one customer on one channel (an e-mail thread, a call). '' when the channel has none. */
  threadKey?: string;
  sender: SenderIdentity;
  parts: ContentPart[];
  /** When the customer sent it (ISO 8601), if the provider says. */
  sentAt?: string;
  /** The conversation kind it opens: chat by default; e-mail and voice count against other capacities. */
  kind?: ConversationKind;
  subject?: string;
  language?: string;
  /** The provider's payload, kept for audit and for fields nobody has mapped yet. */
  raw?: unknown;
  /** Set by channels that route by themselves (a phone menu); the router follows it over its rules. */
  routing?: ChannelRouting;
}

/**
 * What a channel that decides routing itself tells the router about the message's conversation.
 * A call waits in the phone menu (`hold`), is put in a queue the caller chose (`groupId`), and
 * ends on the phone network (`end`) whatever the agents do.
 */
export interface ChannelRouting {
  /** Thread and store, but do not route yet: the channel will say where it goes. */
  hold?: boolean;
  /** Route now to this group (and agent, priority) instead of what the rules say. */
  groupId?: string;
  agentId?: string;
  /** The named agent is on it already (they placed the call): theirs whatever their status or load. */
  direct?: boolean;
  priority?: number;
  /** The conversation is over on the channel: resolve it and free its agent. */
  end?: boolean;
  /** The customer left the queue (a caller sent to voicemail or a callback offer): stop offering it, keep it open. */
  leave?: boolean;
}

/** An inbound message on the bus (`inbound` exchange, key `shard.<n>`). */
export interface InboundEnvelope {
  version: 1;
  tenantId: string;
  channelId: string;
  channelType: string;
  /** When the gateway accepted it (ISO 8601). */
  receivedAt: string;
  message: InboundMessage;
}

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
}

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
    verified: z.array(z.enum(['phone', 'email'])).optional(),
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
