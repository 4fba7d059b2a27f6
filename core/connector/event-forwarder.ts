import type { Consumer } from '../bus/bus.js';
import { TenantBindings } from '../bus/tenant-bindings.js';
import type { EventEnvelope } from '../outbox/outbox.js';
import { cachedChannelContexts, type ConnectorDeps } from './channel-context.js';
import type { AnyConnector } from './define.js';
import { ConnectorError } from './errors.js';

export const connectorEventsQueue = (type: string) => `connector-events.${type}`;

/**
 * A forwarding connector's queue is bound, per company, to the kinds it forwards only when the
 * company has a channel of that connector: the phone connectors' queues take no event of a
 * company that only chats. `createChannel` widens it in the transaction that adds the channel
 * (channels are never moved to another connector, nor deleted but with their company).
 */
export function connectorEventBindings(deps: Pick<ConnectorDeps, 'db' | 'bus' | 'config'>, connector: AnyConnector): TenantBindings | undefined {
  const forwarding = connector.events;
  if (!forwarding) return undefined;
  return new TenantBindings(deps.bus, deps.db, {
    queue: {
      name: connectorEventsQueue(connector.type),
      bindings: [],
      retry: { attempts: deps.config.retry.attempts, baseDelayMs: deps.config.retry.baseDelayMs },
    },
    kinds: forwarding.kinds,
    wanted: async (db, tenantId) => {
      const channel = await db
        .selectFrom('channels')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('type', '=', connector.type)
        .limit(1)
        .executeTakeFirst();
      return channel ? forwarding.kinds : [];
    },
    wantedByTenant: async (db, among) => {
      let query = db.selectFrom('channels').select('tenant_id').distinct().where('type', '=', connector.type);
      if (among) query = query.where('tenant_id', 'in', among);
      return new Map((await query.execute()).map((r) => [r.tenant_id, forwarding.kinds]));
    },
  });
}

/**
 * For each connector that forwards events: a durable queue bound to the kinds it wants for the
 * companies with one of its channels, and a consumer that hands every event about one of its
 * channels (by `payload.conversation`) to it. Retryable failures come back after growing delays,
 * then rest in the dead-letter queue.
 */
export async function startEventForwarders(deps: ConnectorDeps): Promise<{ stop(): Promise<void> }> {
  const consumers: Consumer[] = [];
  // Every event is offered to every forwarding connector: the channel's row is read once a while, not per event and connector.
  const channels = cachedChannelContexts(deps, deps.config.gatewayChannelCacheMs ?? 0);
  for (const connector of deps.registry.list()) {
    const forwarding = connector.events;
    const bindings = connectorEventBindings(deps, connector);
    if (!forwarding || !bindings) continue;
    const queue = bindings.queue;
    await bindings.start();
    consumers.push(
      await deps.bus.consume(
        queue,
        async (delivery) => {
          const event = delivery.json<EventEnvelope>();
          const channelId = (event.payload.conversation as { channelId?: string } | undefined)?.channelId;
          if (!channelId) return;
          const found = await channels(channelId);
          if (found?.connector.type !== connector.type) return;
          try {
            await forwarding.handle({ id: event.id, kind: event.kind, payload: event.payload, at: event.at }, found.ctx);
          } catch (error) {
            if (error instanceof ConnectorError && !error.retryable) {
              deps.logger.warn({ channelId, kind: event.kind, err: error.message }, 'event not forwarded: refused for good');
              return;
            }
            throw error;
          }
        },
        { prefetch: 16 },
      ),
    );
  }
  return {
    stop: async () => {
      for (const consumer of consumers) await consumer.close();
    },
  };
}
