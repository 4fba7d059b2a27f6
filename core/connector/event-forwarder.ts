import type { Consumer } from '../bus/bus.js';
import type { EventEnvelope } from '../outbox/outbox.js';
import { cachedChannelContexts, type ConnectorDeps } from './channel-context.js';
import { ConnectorError } from './errors.js';

export const connectorEventsQueue = (type: string) => `connector-events.${type}`;

/**
 * For each connector that forwards events: a durable queue bound to the kinds it wants, and a
 * consumer that hands every event about one of its channels (by `payload.conversation`) to it.
 * Retryable failures come back after growing delays, then rest in the dead-letter queue.
 */
export async function startEventForwarders(deps: ConnectorDeps): Promise<{ stop(): Promise<void> }> {
  const consumers: Consumer[] = [];
  // Every event is offered to every forwarding connector: the channel's row is read once a while, not per event and connector.
  const channels = cachedChannelContexts(deps, deps.config.gatewayChannelCacheMs ?? 0);
  for (const connector of deps.registry.list()) {
    const forwarding = connector.events;
    if (!forwarding) continue;
    const queue = connectorEventsQueue(connector.type);
    await deps.bus.declareQueue({
      name: queue,
      bindings: forwarding.kinds.map((kind) => ({ exchange: 'events' as const, pattern: `*.${kind}` })),
      retry: { attempts: deps.config.retry.attempts, baseDelayMs: deps.config.retry.baseDelayMs },
    });
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
