import type { ApiClient } from './client.js';
import type { Answer, Body, Schemas } from './schema.js';

export type WebhookView = Schemas['WebhookView'];

export type WebhookAttempt = Schemas['WebhookAttempt'];

export type WebhookDelivery = Schemas['WebhookDelivery'];

/** An event a webhook may subscribe to. */
export type WebhookEvent = Body<'/api/webhooks', 'post'>['events'][number];

/** The company's webhooks and their delivery log. */
export function webhooksApi(client: ApiClient) {
  const one = (id: string) => `/webhooks/${encodeURIComponent(id)}`;
  return {
    list: () => client.get<Answer<'/api/webhooks', 'get'>>('/webhooks'),
    create: (body: Body<'/api/webhooks', 'post'>) => client.post<Answer<'/api/webhooks', 'post'>>('/webhooks', body),
    update: (id: string, body: Body<'/api/webhooks/{id}', 'patch'>) => client.patch<WebhookView>(one(id), body),
    rotateSecret: (id: string) => client.post<Answer<'/api/webhooks/{id}/secret', 'post'>>(`${one(id)}/secret`),
    remove: (id: string) => client.delete<unknown>(one(id)),
    deliveries: (id: string, status?: string, cursor?: string) =>
      client.get<Answer<'/api/webhooks/{id}/deliveries', 'get'>>(`${one(id)}/deliveries`, { status, cursor, limit: 25 }),
    replay: (id: string, deliveryId: string) =>
      client.post<Answer<'/api/webhooks/{id}/deliveries/{deliveryId}/replay', 'post'>>(`${one(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`),
    replayFailed: (id: string) => client.post<Answer<'/api/webhooks/{id}/replay-failed', 'post'>>(`${one(id)}/replay-failed`),
  };
}
export type WebhooksApi = ReturnType<typeof webhooksApi>;
