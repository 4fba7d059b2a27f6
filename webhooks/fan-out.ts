import { sql } from 'kysely';
import type { Bus, Consumer } from '../core/bus/bus.js';
import type { Db } from '../core/db/database.js';
import type { EventEnvelope } from '../core/outbox/outbox.js';
import { isWebhookEvent, WEBHOOK_EVENTS, webhookData } from './events.js';

export const WEBHOOKS_QUEUE = 'webhooks.events';

/**
 * Turns each event a company's webhooks subscribe to into one delivery row per subscription.
 * The outbox publishes an event at least once, always under its own id: the unique
 * (webhook, event) pair makes a second publication a no-op, so a receiver never gets two
 * deliveries for one event. The message is acknowledged only once the rows are committed.
 */
export async function recordDeliveries(db: Db, envelope: EventEnvelope): Promise<number> {
  if (!envelope.tenantId || !isWebhookEvent(envelope.kind)) return 0;
  // The body without its id; the sender puts `"id":"whd_<row>"` in front (see deliver.ts).
  const body = JSON.stringify({ event: envelope.kind, occurredAt: envelope.at, data: webhookData(envelope) });
  const inserted = await db
    .insertInto('company_webhook_deliveries')
    .columns(['tenant_id', 'webhook_id', 'event_id', 'kind', 'body'])
    .expression((eb) =>
      eb
        .selectFrom('company_webhooks')
        .select([
          'tenant_id',
          'id',
          sql<string>`${String(envelope.id)}::bigint`.as('event_id'),
          sql<string>`${envelope.kind}`.as('kind'),
          sql<string>`${body}`.as('body'),
        ])
        .where('tenant_id', '=', envelope.tenantId!)
        .where('enabled', '=', true)
        .where(sql<boolean>`${envelope.kind} = any(events)`),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0);
}

/** The durable queue of the events webhooks may want, and its consumer. */
export async function startWebhookFanOut(deps: { db: Db; bus: Bus }, onRecorded: () => void): Promise<Consumer> {
  await deps.bus.declareQueue({
    name: WEBHOOKS_QUEUE,
    bindings: WEBHOOK_EVENTS.map((kind) => ({ exchange: 'events' as const, pattern: `*.${kind}` })),
    retry: { attempts: 8, baseDelayMs: 500 },
  });
  return deps.bus.consume(
    WEBHOOKS_QUEUE,
    async (delivery) => {
      if ((await recordDeliveries(deps.db, delivery.json<EventEnvelope>())) > 0) onRecorded();
    },
    { prefetch: 32 },
  );
}
