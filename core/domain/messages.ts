import type { ConversationKind } from '../db/schema.js';

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
      /** How long a recording plays, in seconds (a voice message). */
      duration?: number;
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

export const outboundRoutingKey = (channelType: string, channelId: string) => `${channelType}.${channelId}`;
export const outboundQueueName = (channelType: string) => `outbound.${channelType}`;
/** The thread key of an inbound message's conversation, used to pick its shard. */
export const conversationKey = (channelId: string, message: Pick<InboundMessage, 'sender' | 'threadKey'>) =>
  `${channelId}|${message.sender.externalId}|${message.threadKey ?? ''}`;
