import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import { signPayload } from '../../core/connector/signatures.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import type { AppApiConfig } from './connector.js';
import { HEADER_DELIVERY, HEADER_SIGNATURE, HEADER_TIMESTAMP } from './inbound.js';

/** The body your webhook receives for an agent's reply. */
export interface AppWebhookMessage {
  deliveryId: string;
  type: 'message.created';
  channelId: string;
  conversationId: string;
  messageId: string;
  user: { id: string };
  threadKey: string;
  parts: OutboundEnvelope['parts'];
  inReplyTo?: string;
  /** Who wrote it: `agent`, `system` (a survey, an automatic reply) or `bot` (the company's answer bot). */
  sender?: { type: 'agent' | 'system' | 'bot' };
}

/**
 * Posts an agent's reply to the company's webhook, signed, and records the attempt. The delivery
 * id is the same on every attempt, so the receiver can drop a repeat. 2xx is delivered; 408, 429,
 * 5xx and network failures are retried by the outbound worker with growing delays; any other 4xx
 * fails at once.
 */
export async function deliverToWebhook(outbound: OutboundEnvelope, ctx: ChannelContext<AppApiConfig>): Promise<SendReceipt> {
  const url = ctx.config.webhookUrl;
  if (!url) throw ConnectorError.permanent('the channel has no webhook URL to deliver replies to', 'no_webhook');
  const deliveryId = `msg_${outbound.messageId}`;
  const message: AppWebhookMessage = {
    deliveryId,
    type: 'message.created',
    channelId: outbound.channelId,
    conversationId: outbound.conversationId,
    messageId: outbound.messageId,
    user: { id: outbound.recipient.externalId },
    threadKey: outbound.threadKey,
    parts: outbound.parts,
    ...(outbound.inReplyTo ? { inReplyTo: outbound.inReplyTo } : {}),
    ...(outbound.sender ? { sender: { type: outbound.sender } } : {}),
  };
  await postSigned(ctx, url, deliveryId, outbound.messageId, JSON.stringify(message));
  return { id: deliveryId, delivered: true };
}

/**
 * One signed POST to the company's webhook, recorded as an attempt of its delivery. Throws a
 * ConnectorError that says whether another attempt can help.
 */
export async function postSigned(ctx: ChannelContext<AppApiConfig>, url: string, deliveryId: string, messageId: string | null, body: string): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  let status: number | null = null;
  let failure: ConnectorError | undefined;
  try {
    const response = await ctx.outbound.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhook/1',
        [HEADER_DELIVERY]: deliveryId,
        [HEADER_TIMESTAMP]: timestamp,
        [HEADER_SIGNATURE]: signPayload(ctx.config.webhookSecret, timestamp, body),
      },
      body,
      // A redirect is not followed: it is a failed delivery, like any other non-2xx.
      timeoutMs: ctx.config.webhookTimeoutMs,
      maxBytes: 64 * 1024,
    });
    status = response.status;
    if (status < 200 || status >= 300) failure = errorForStatus(status, 'the webhook');
  } catch (error) {
    failure = errorForNetwork(error, 'the webhook');
  }
  await ctx.platform.webhookLog.record({ deliveryId, messageId, url, status, error: failure?.message ?? null, durationMs: performance.now() - started });
  if (failure) throw failure;
}
