import { sql } from 'kysely';
import type { Bus, Consumer } from '../core/bus/bus.js';
import { kindsByTenant, TenantBindings } from '../core/bus/tenant-bindings.js';
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

/**
 * The webhooks queue's bindings: per company, the kinds its webhooks subscribe to (enabled or
 * not, so enabling one again or the sender disabling one changes nothing on the broker). A
 * company without webhooks is not bound at all: its events never reach the queue.
 */
export function webhookBindings(deps: { db: Db; bus: Bus }): TenantBindings {
  return new TenantBindings(deps.bus, deps.db, {
    queue: { name: WEBHOOKS_QUEUE, bindings: [], retry: { attempts: 8, baseDelayMs: 500 } },
    kinds: WEBHOOK_EVENTS,
    wanted: async (db, tenantId) => {
      const rows = await db
        .selectFrom('company_webhooks')
        .select(sql<string>`unnest(events)`.as('kind'))
        .distinct()
        .where('tenant_id', '=', tenantId)
        .execute();
      return rows.map((r) => r.kind).filter(isWebhookEvent);
    },
    wantedByTenant: async (db, among) => {
      let query = db
        .selectFrom('company_webhooks')
        .select(['tenant_id', sql<string>`unnest(events)`.as('kind')])
        .distinct();
      if (among) query = query.where('tenant_id', 'in', among);
      return kindsByTenant((await query.execute()).filter((r) => isWebhookEvent(r.kind)));
    },
  });
}

/** The durable queue of the events companies' webhooks want, and its consumer. */
export async function startWebhookFanOut(deps: { db: Db; bus: Bus }, onRecorded: () => void): Promise<Consumer> {
  await webhookBindings(deps).start();
  return deps.bus.consume(
    WEBHOOKS_QUEUE,
    async (delivery) => {
      if ((await recordDeliveries(deps.db, delivery.json<EventEnvelope>())) > 0) onRecorded();
    },
    { prefetch: 32 },
  );
}
