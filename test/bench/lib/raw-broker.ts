import amqp from 'amqplib';
import { randomBytes } from 'node:crypto';

export interface RawBrokerResult {
  messages: number;
  msgs_per_s: number;
  seconds: number;
}

/**
 * The broker's own ceiling for the path Switchboard takes: persistent publish with a publisher
 * confirm into a quorum queue, and a consumer that acks each message. No Switchboard code runs:
 * this is the yardstick the end-to-end figures are divided by.
 */
export async function measureRawBroker(options: { url: string; messages: number; payload: Buffer; inFlight?: number }): Promise<RawBrokerResult> {
  const connection = await amqp.connect(options.url);
  const queue = `bench_raw_${randomBytes(4).toString('hex')}`;
  try {
    const publisher = await connection.createConfirmChannel();
    const consumer = await connection.createChannel();
    await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await consumer.prefetch(500);
    let received = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.consume(queue, (message) => {
        if (!message) return;
        consumer.ack(message);
        if (++received === options.messages) resolve();
      });
    });
    const started = performance.now();
    const inFlight = options.inFlight ?? 200;
    let sent = 0;
    const publishOne = (): Promise<void> =>
      new Promise((resolve, reject) => {
        publisher.publish('', queue, options.payload, { persistent: true, contentType: 'application/json' }, (error) => (error ? reject(error) : resolve()));
      });
    const lanes = Array.from({ length: inFlight }, async () => {
      while (sent < options.messages) {
        sent++;
        await publishOne();
      }
    });
    await Promise.all(lanes);
    await done;
    const seconds = (performance.now() - started) / 1000;
    await publisher.deleteQueue(queue);
    return { messages: options.messages, msgs_per_s: Math.round(options.messages / seconds), seconds: Number(seconds.toFixed(3)) };
  } finally {
    await connection.close();
  }
}
