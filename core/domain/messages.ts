// The message shape is the connector SDK's: connectors outside this repository build it too.
import type { InboundMessage } from '@switchboard/connector-sdk';

export type {
  ChannelRouting,
  ContentKind,
  ContentPart,
  InboundEnvelope,
  InboundMessage,
  OutboundEnvelope,
  SenderIdentity,
} from '@switchboard/connector-sdk';
export { channelRoutingSchema, contentPartSchema, inboundEnvelopeSchema, inboundMessageSchema, senderIdentitySchema } from '@switchboard/connector-sdk';

export const outboundRoutingKey = (channelType: string, channelId: string) => `${channelType}.${channelId}`;
export const outboundQueueName = (channelType: string) => `outbound.${channelType}`;
/** The thread key of an inbound message's conversation, used to pick its shard. */
export const conversationKey = (channelId: string, message: Pick<InboundMessage, 'sender' | 'threadKey'>) =>
  `${channelId}|${message.sender.externalId}|${message.threadKey ?? ''}`;
