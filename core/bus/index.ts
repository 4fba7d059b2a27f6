import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { inboundQueueName, inboundRoutingKey, type Bus } from './bus.js';

export * from './bus.js';

/** Opens the bus the configuration names: RabbitMQ with AMQP_URL, the in-process bus otherwise. */
export async function openBus(bus: Config['bus'], logger?: Logger): Promise<Bus> {
  if (bus.kind === 'rabbitmq') {
    const { RabbitMqBus } = await import('./rabbitmq/rabbitmq-bus.js');
    return RabbitMqBus.connect({ urls: bus.urls, namespace: bus.namespace, queueType: bus.queueType, quorumSize: bus.quorumSize, logger });
  }
  const { MemoryBus } = await import('./memory/memory-bus.js');
  return new MemoryBus();
}

/**
 * The inbound shards: quorum queues with a single active consumer each, so one router worker at
 * a time handles a shard (order within a conversation holds) and another takes over if it dies.
 */
export async function declareInboundShards(bus: Bus, shards: number, retry: Config['retry']): Promise<string[]> {
  const names: string[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const name = inboundQueueName(shard);
    await bus.declareQueue({
      name,
      bindings: [{ exchange: 'inbound', pattern: inboundRoutingKey(shard) }],
      singleActiveConsumer: true,
      retry: { attempts: retry.attempts, baseDelayMs: retry.baseDelayMs },
    });
    names.push(name);
  }
  return names;
}
