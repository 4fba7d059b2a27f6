// A consumer that takes messages and never settles them, until it is killed. It prints each
// message's id so the test knows it holds them.
import { RabbitMqBus } from '../../core/bus/rabbitmq/rabbitmq-bus.js';

const [queue] = process.argv.slice(2);
const bus = await RabbitMqBus.connect({
  urls: process.env.AMQP_URL!.split(','),
  namespace: process.env.BUS_NAMESPACE,
  queueType: process.env.BUS_QUEUE_TYPE === 'quorum' ? 'quorum' : 'classic',
});
await bus.consume(
  queue!,
  (delivery) => {
    process.stdout.write(`held ${delivery.messageId}\n`);
    return new Promise(() => {});
  },
  { prefetch: 10 },
);
process.stdout.write('ready\n');
