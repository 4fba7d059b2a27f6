// The RabbitMQ bus when the broker nacks: a nack means "publish again", and a long run of nacks
// means the connection is bad (a channel opened on a surviving node just after a node died is
// nacked for up to a minute) — the bus drops it and connects to the next address. A queue that
// refuses publishes while full (x-overflow reject-publish) makes the broker nack on demand.
import amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { EXCHANGES } from '../core/bus/bus.js';
import { RabbitMqBus } from '../core/bus/rabbitmq/rabbitmq-bus.js';
import type { Logger } from '../core/log/logger.js';
import { AMQP_URL, eventually, uniqueName } from './support/services.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function recordingLogger(lines: string[]): Logger {
  const record = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  const logger = { info: record, warn: record, error: record, debug: record, trace: record, fatal: record, child: () => logger } as unknown as Logger;
  return logger;
}

/** A queue of one message that nacks what does not fit, bound to the bus's events exchange. */
async function fullQueue(url: string, namespace: string) {
  const connection = await amqp.connect(url);
  cleanups.push(() => connection.close());
  const channel = await connection.createChannel();
  const queue = `${namespace}.full`;
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
  cleanups.push(async () => {
    await channel.deleteQueue(queue);
    for (const exchange of EXCHANGES) await channel.deleteExchange(`${namespace}.${exchange}`);
  });
  await channel.bindQueue(queue, `${namespace}.events`, 'k.#');
  return { channel, queue };
}

describe.skipIf(!AMQP_URL)('rabbitmq bus: nacks', () => {
  it('publishes a nacked message again until it is confirmed, reconnecting after a run of nacks', { timeout: 30_000 }, async () => {
    const url = AMQP_URL!.split(',')[0]!;
    const namespace = uniqueName('nacks');
    const lines: string[] = [];
    const bus = await RabbitMqBus.connect({
      urls: [url, url],
      namespace,
      queueType: 'classic',
      publishTimeoutMs: 15_000,
      nackLimit: 5,
      logger: recordingLogger(lines),
    });
    cleanups.push(() => bus.close());
    const { channel, queue } = await fullQueue(url, namespace);

    await bus.publish('events', 'k.first', { n: 1 }, { messageId: 'first' });
    let settled: 'confirmed' | 'failed' | undefined;
    const second = bus.publish('events', 'k.second', { n: 2 }, { messageId: 'second' }).then(
      () => (settled = 'confirmed'),
      () => (settled = 'failed'),
    );
    // Nacked again and again: after five in a row the bus moves to the next address.
    await eventually(() => lines.some((line) => line.includes('reconnecting to the next address')), { timeoutMs: 10_000 });
    await eventually(() => lines.filter((line) => line.includes('connected to the message broker')).length >= 1, { timeoutMs: 5000 });
    expect(settled).toBeUndefined();
    // Room again: the next attempt is confirmed and the message is there.
    const first = await channel.get(queue, { noAck: true });
    expect(first && JSON.parse(first.content.toString())).toEqual({ n: 1 });
    await second;
    expect(settled).toBe('confirmed');
    const next = await channel.get(queue, { noAck: true });
    expect(next && next.properties.messageId).toBe('second');
  });

  it('gives up with an error when the broker keeps nacking past the publish timeout', { timeout: 30_000 }, async () => {
    const url = AMQP_URL!.split(',')[0]!;
    const namespace = uniqueName('nacks');
    const bus = await RabbitMqBus.connect({ urls: [url], namespace, queueType: 'classic', publishTimeoutMs: 1500 });
    cleanups.push(() => bus.close());
    await fullQueue(url, namespace);
    await bus.publish('events', 'k.first', { n: 1 });
    const started = Date.now();
    await expect(bus.publish('events', 'k.second', { n: 2 })).rejects.toThrow(/refused/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});
