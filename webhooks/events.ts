import type { EventEnvelope } from '../core/outbox/outbox.js';

/** The events a company webhook may subscribe to, as the API and the console name them. */
export const WEBHOOK_EVENTS = [
  'message.created',
  'conversation.created',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'ticket.created',
  'ticket.updated',
  'contact.created',
  'contact.updated',
  'contact.merged',
  'csat.answered',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (kind: string): kind is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(kind);

/** What a receiver gets: the same body, byte for byte, on every attempt of one delivery. */
export interface WebhookBody {
  /** The delivery id: the same on every attempt and replay; dedupe on it. */
  id: string;
  event: WebhookEvent;
  /** When the event happened. */
  occurredAt: string;
  data: Record<string, unknown>;
}

export const deliveryIdOf = (rowId: string) => `whd_${rowId}`;

/** The event's payload as a receiver sees it: internal routing hints (who may see it) left out. */
export function webhookData(envelope: Pick<EventEnvelope, 'kind' | 'payload'>): Record<string, unknown> {
  const { holders: _holders, ...rest } = envelope.payload;
  return rest;
}
