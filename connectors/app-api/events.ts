import type { ChannelContext, ChannelEvent, EventForwarding } from '../../core/connector/define.js';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import type { AppApiConfig } from './connector.js';
import { postSigned } from './send.js';

/** What happens to a conversation, told to the company's backend on the same signed webhook as replies. */
export const FORWARDED_KINDS = ['conversation.assigned', 'conversation.transferred', 'conversation.resolved', 'conversation.reopened'] as const;

export interface AppWebhookEvent {
  deliveryId: string;
  type: (typeof FORWARDED_KINDS)[number];
  channelId: string;
  conversationId: string;
  user: { id: string } | null;
  status: string;
  assigneeId: string | null;
  at: string;
}

async function forward(event: ChannelEvent, ctx: ChannelContext<AppApiConfig>): Promise<void> {
  const url = ctx.config.webhookUrl;
  if (!url) return;
  const conversation = event.payload.conversation as ConversationSnapshot;
  const externalId = await ctx.platform.contacts.externalIdOf(conversation.contactId);
  const body: AppWebhookEvent = {
    deliveryId: `evt_${event.id}`,
    type: event.kind as AppWebhookEvent['type'],
    channelId: ctx.channel.id,
    conversationId: conversation.id,
    user: externalId ? { id: externalId } : null,
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    at: event.at,
  };
  await postSigned(ctx, url, body.deliveryId, null, JSON.stringify(body));
}

export const conversationEvents: EventForwarding<AppApiConfig> = { kinds: FORWARDED_KINDS, handle: forward };
