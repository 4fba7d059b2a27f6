import type { ApiClient } from './client.js';
import type { Body } from './schema.js';

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  failedDeliveries?: number;
  pendingDeliveries?: number;
  lastDeliveryAt?: string | null;
}

export interface WebhookAttempt {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
  at: string;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

/** An event a webhook may subscribe to. */
export type WebhookEvent = Body<'/api/webhooks', 'post'>['events'][number];

/** The company's webhooks and their delivery log. */
export function webhooksApi(client: ApiClient) {
  const one = (id: string) => `/webhooks/${encodeURIComponent(id)}`;
  return {
    list: () => client.get<{ events: string[]; webhooks: WebhookView[] }>('/webhooks'),
    create: (body: Body<'/api/webhooks', 'post'>) => client.post<WebhookView & { secret: string }>('/webhooks', body),
    update: (id: string, body: Body<'/api/webhooks/{id}', 'patch'>) => client.patch<WebhookView>(one(id), body),
    rotateSecret: (id: string) => client.post<{ secret: string }>(`${one(id)}/secret`),
    remove: (id: string) => client.delete<unknown>(one(id)),
    deliveries: (id: string, status?: string, cursor?: string) =>
      client.get<{ deliveries: WebhookDelivery[]; nextCursor: string | null }>(`${one(id)}/deliveries`, { status, cursor, limit: 25 }),
    replay: (id: string, deliveryId: string) => client.post<{ replayed: number }>(`${one(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`),
    replayFailed: (id: string) => client.post<{ replayed: number }>(`${one(id)}/replay-failed`),
  };
}
export type WebhooksApi = ReturnType<typeof webhooksApi>;
