// The broker's deliveries are counted by the consumers that receive them and served on /metrics,
// so a benchmark can say how many deliveries each message costs.
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../core/bus/bundles.js';
import { deliveriesByQueue } from '../core/bus/deliveries.js';
import { RabbitMqBus } from '../core/bus/rabbitmq/rabbitmq-bus.js';
import { createMetrics } from '../core/metrics/metrics.js';
import { AMQP_URL, BUS_NAMESPACE, deleteQueues, eventually, uniqueName } from './support/services.js';

describe.skipIf(!AMQP_URL)('broker deliveries', () => {
  const declared: string[] = [];
  afterAll(() => deleteQueues(declared));

  it('counts each delivery once per queue, single and batched consumers alike, and shows them on /metrics', async () => {
    const bus = await RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: BUS_NAMESPACE, publishTimeoutMs: 3000 });
    try {
      const key = uniqueName('k');
      const single = uniqueName('single');
      const batched = uniqueName('batched');
      declared.push(single, batched);
      for (const name of [single, batched]) await bus.declareQueue({ name, bindings: [{ exchange: 'events', pattern: `${key}.#` }], transient: true });
      let handled = 0;
      await bus.consume(single, async () => void handled++, { prefetch: 10 });
      await bus.consumeBatch(
        batched,
        async (deliveries) => {
          handled += deliveries.length;
        },
        { prefetch: 10, batchSize: 5, maxWaitMs: 10 },
      );
      for (let i = 0; i < 7; i++) await bus.publish('events', `${key}.message.created`, { i }, { messageId: `m-${i}` });
      await eventually(() => expect(handled).toBe(14));
      expect(deliveriesByQueue().get(single)).toBe(7);
      expect(deliveriesByQueue().get(batched)).toBe(7);
      const text = await createMetrics().registry.metrics();
      expect(text).toContain(`switchboard_bus_deliveries_total{queue="${single}"} 7`);
      expect(text).toContain(`switchboard_bus_deliveries_total{queue="${batched}"} 7`);
    } finally {
      await bus.close();
    }
  });

  it('counts a bundle once, however many messages it carries', async () => {
    const bus = await RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: BUS_NAMESPACE, publishTimeoutMs: 3000 });
    try {
      const key = uniqueName('k');
      const single = uniqueName('single');
      const batched = uniqueName('batched');
      declared.push(single, batched);
      for (const name of [single, batched]) await bus.declareQueue({ name, bindings: [{ exchange: 'events', pattern: `${key}.#` }], transient: true });
      let handled = 0;
      await bus.consume(single, async () => void handled++, { prefetch: 10 });
      await bus.consumeBatch(
        batched,
        async (deliveries) => {
          handled += deliveries.length;
        },
        { prefetch: 10, batchSize: 5, maxWaitMs: 10 },
      );
      const message = bundle(
        Array.from({ length: 12 }, (_, i) => ({ messageId: `outbox-${i}`, body: JSON.stringify({ i }) })),
        'outbox-0-11',
      );
      await bus.publish('events', `${key}.message.created`, message.body, { messageId: message.messageId, headers: message.headers, json: true });
      await eventually(() => expect(handled).toBe(24));
      expect(deliveriesByQueue().get(single)).toBe(1);
      expect(deliveriesByQueue().get(batched)).toBe(1);
    } finally {
      await bus.close();
    }
  });
});
