import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart } from '../../core/domain/messages.js';
import type { WebConfig } from './connector.js';

export interface WidgetMessageView {
  id: string;
  direction: 'in' | 'out';
  parts: ContentPart[];
  status: string;
  at: string;
  /** The visitor's own id for a message it sent, so the widget can match its pending copy. */
  clientMessageId?: string;
  author?: string;
  /** Written by the company's answer bot (the widget labels it so). */
  bot?: true;
}

/**
 * What the visitor sees of their conversations on this channel: every message that is not an
 * internal note, after the cursor (a message id), oldest first.
 */
export async function visitorHistory(ctx: ChannelContext<WebConfig>, externalId: string, after: string | undefined, limit = 200) {
  const rows = await ctx.platform.conversations.history(externalId, { after, limit });
  const conversation = await openConversation(ctx, externalId);
  return {
    messages: rows.map(
      (r): WidgetMessageView => ({
        id: r.id,
        direction: r.direction,
        parts: r.content as ContentPart[],
        status: r.status,
        at: r.createdAt.toISOString(),
        ...(r.direction === 'in' && r.externalId?.startsWith(`${externalId}:`) ? { clientMessageId: r.externalId.slice(externalId.length + 1) } : {}),
        ...(r.direction === 'out' && r.senderType === 'agent' && r.agentName ? { author: r.agentName } : {}),
        ...(r.direction === 'out' && r.senderType === 'bot' ? { bot: true as const } : {}),
      }),
    ),
    conversation: conversation ? { id: conversation.id, status: conversation.status } : null,
  };
}

/** The visitor's conversation that is not resolved, if any. */
export async function openConversation(ctx: ChannelContext<WebConfig>, externalId: string) {
  return ctx.platform.conversations.openOf(externalId);
}

/** Whether an agent of the company is online to answer now (else the widget offers the offline form). */
export function agentsOnline(ctx: ChannelContext<WebConfig>): Promise<boolean> {
  return ctx.platform.company.agentsOnline();
}
