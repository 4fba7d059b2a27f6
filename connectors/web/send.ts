import { BusUnavailableError } from '../../core/bus/bus.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import type { WebConfig } from './connector.js';

/** The kind of the bus event that carries a reply to the gateway nodes holding the visitor's sockets. */
export const WIDGET_MESSAGE_KIND = 'widget.message';

export interface WidgetPush {
  channelId: string;
  visitorId: string;
  conversationId: string;
  message: { id: string; parts: OutboundEnvelope['parts']; at: string };
}

/**
 * Delivers a reply to a visitor: every gateway node gets it on the `events` exchange and pushes
 * it to the visitor's open sockets; a visitor who is away reads it from the history when the
 * widget comes back (the message row is there). An unknown visitor is a permanent failure.
 */
export async function pushToVisitor(outbound: OutboundEnvelope, ctx: ChannelContext<WebConfig>): Promise<string> {
  if (!(await ctx.platform.visitors.exists(outbound.recipient.externalId)))
    throw ConnectorError.permanent('this visitor is unknown to the web chat', 'unknown_visitor');
  const push: WidgetPush = {
    channelId: ctx.channel.id,
    visitorId: outbound.recipient.externalId,
    conversationId: outbound.conversationId,
    message: { id: outbound.messageId, parts: outbound.parts, at: new Date().toISOString() },
  };
  try {
    await ctx.bus.publish('events', `${ctx.channel.tenantId}.${WIDGET_MESSAGE_KIND}`, push, { messageId: `widget-${outbound.messageId}` });
  } catch (error) {
    if (error instanceof BusUnavailableError) throw ConnectorError.retryable('the bus is unavailable', 'bus', error);
    throw error;
  }
  return `web-${outbound.messageId}`;
}
