import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Consumer, Delivery } from '../core/bus/bus.js';
import { BUNDLE_HEADER, BUNDLE_IDS_HEADER, bundle } from '../core/bus/bundles.js';
import type { MemoryBus } from '../core/bus/memory/memory-bus.js';
import { RabbitMqBus } from '../core/bus/rabbitmq/rabbitmq-bus.js';
import { AMQP_URL, BUS_NAMESPACE, busFactories, deleteQueues, eventually, uniqueName, type BusFactory } from './support/services.js';

// Its own namespace: a queue's type cannot change once declared.
const QUORUM_NAMESPACE = `${BUS_NAMESPACE}_q`;

// Production runs on quorum queues: the contract is proved on them as well as on the type the
// rest of the test run uses.
const contractFactories: BusFactory[] = [
  ...busFactories,
  {
    name: 'rabbitmq-quorum',
    available: Boolean(AMQP_URL),
    open: () => RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: QUORUM_NAMESPACE, queueType: 'quorum', publishTimeoutMs: 3000 }),
  },
];

// One contract, two implementations: what the router and connectors rely on holds on both.
for (const factory of contractFactories) {
  describe.skipIf(!factory.available)(`bus contract: ${factory.name}`, () => {
    let bus: Bus;
    let queue: string;
    let key: string;
    const consumers: Consumer[] = [];
    const declared: string[] = [];

    beforeEach(async () => {
      bus = await factory.open();
      const declare = bus.declareQueue.bind(bus);
      bus.declareQueue = (definition) => {
        declared.push(definition.name);
        return declare(definition);
      };
      queue = uniqueName('contract');
      key = uniqueName('k');
    });
    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.close();
      await bus.close();
      if (factory.name !== 'memory') await deleteQueues(declared.splice(0));
    });

    const collect = async (name: string, options: { fail?: (d: Delivery) => boolean } = {}) => {
      const seen: Delivery[] = [];
      consumers.push(
        await bus.consume(
          name,
          async (delivery) => {
            seen.push(delivery);
            if (options.fail?.(delivery)) throw new Error(`refused ${delivery.messageId}`);
          },
          { prefetch: 20 },
        ),
      );
      return seen;
    };

    it('delivers a confirmed publish with its body, routing key and id', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }] });
      const seen = await collect(queue);
      await bus.publish('events', `${key}.message.created`, { text: '你好' }, { messageId: 'm-1', headers: { tenant: 't1' } });
      await eventually(() => seen.length === 1);
      expect(seen[0]!.json()).toEqual({ text: '你好' });
      expect(seen[0]!.routingKey).toBe(`${key}.message.created`);
      expect(seen[0]!.messageId).toBe('m-1');
      expect(seen[0]!.headers.tenant).toBe('t1');
      expect(seen[0]!.attempt).toBe(0);
    });

    it('deletes a queue with what it holds; declared again, it starts empty', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], transient: true });
      await bus.publish('events', `${key}.message.created`, { n: 1 }, { messageId: 'kept' });
      await eventually(async () => (await bus.depth(queue)) === 1);
      await bus.deleteQueue(queue);
      await expect(bus.depth(queue)).rejects.toThrow();
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], transient: true });
      expect(await bus.depth(queue)).toBe(0);
      const seen = await collect(queue);
      await bus.publish('events', `${key}.message.created`, { n: 2 }, { messageId: 'after' });
      await eventually(() => seen.length === 1);
      expect(seen.map((d) => d.messageId)).toEqual(['after']);
    });

    it('routes by topic pattern: * is one word, # any number', async () => {
      const one = uniqueName('one');
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.*` }] });
      await bus.declareQueue({ name: one, bindings: [{ exchange: 'events', pattern: `${key}.#` }] });
      const star = await collect(queue);
      const hash = await collect(one);
      await bus.publish('events', `${key}.a`, { n: 1 }, { messageId: 'a' });
      await bus.publish('events', `${key}.a.b`, { n: 2 }, { messageId: 'ab' });
      await bus.publish('events', `other.a`, { n: 3 }, { messageId: 'other' });
      await eventually(() => hash.length === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(star.map((d) => d.messageId)).toEqual(['a']);
      expect(hash.map((d) => d.messageId).sort()).toEqual(['a', 'ab']);
    });

    it('adds and removes bindings of a declared queue; removing a missing one does nothing', async () => {
      await bus.declareQueue({ name: queue, bindings: [] });
      const seen = await collect(queue);
      await bus.bind(queue, { exchange: 'events', pattern: `${key}.a` });
      await bus.bind(queue, { exchange: 'events', pattern: `${key}.a` });
      await bus.publish('events', `${key}.a`, { n: 1 }, { messageId: 'bound' });
      await bus.publish('events', `${key}.b`, { n: 2 }, { messageId: 'not-bound' });
      await eventually(() => seen.length === 1);
      await bus.unbind(queue, { exchange: 'events', pattern: `${key}.a` });
      await bus.unbind(queue, { exchange: 'events', pattern: `${key}.never` });
      // Declared again without it, a binding added later stays (declaring only adds).
      await bus.bind(queue, { exchange: 'events', pattern: `${key}.c` });
      await bus.declareQueue({ name: queue, bindings: [] });
      await bus.publish('events', `${key}.a`, { n: 3 }, { messageId: 'unbound' });
      await bus.publish('events', `${key}.c`, { n: 4 }, { messageId: 'kept' });
      await eventually(() => seen.length === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.map((d) => d.messageId)).toEqual(['bound', 'kept']);
    });

    it('keeps order on a single-active-consumer shard: one consumer gets everything, in order', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'inbound', pattern: key }], singleActiveConsumer: true });
      const first = await collect(queue);
      const second = await collect(queue);
      const ids = Array.from({ length: 200 }, (_, i) => String(i));
      await Promise.all(ids.map((id) => bus.publish('inbound', key, { id }, { messageId: id })));
      await eventually(() => first.length + second.length === 200);
      const winner = first.length === 200 ? first : second;
      expect(winner.length).toBe(200);
      expect(winner.map((d) => d.messageId)).toEqual(ids);
    });

    it('retries a failing message with growing delays, then dead-letters it for an operator to replay', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'outbound', pattern: key }], retry: { attempts: 3, baseDelayMs: 50 } });
      let healthy = false;
      const times: number[] = [];
      const seen = await collect(queue, {
        fail: (d) => {
          times.push(Date.now());
          return !healthy && d.messageId === 'poison';
        },
      });
      await bus.publish('outbound', key, { to: 'x' }, { messageId: 'poison' });
      await eventually(async () => (await bus.peekDeadLetters(queue, 10)).length === 1);
      expect(seen.map((d) => d.attempt)).toEqual([0, 1, 2, 3]);
      // 50, 100, 200 ms between tries: each wait longer than the one before.
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps[0]!).toBeGreaterThanOrEqual(40);
      expect(gaps[1]!).toBeGreaterThanOrEqual(90);
      expect(gaps[2]!).toBeGreaterThanOrEqual(180);

      const [letter] = await bus.peekDeadLetters(queue, 10);
      expect(letter!.messageId).toBe('poison');
      expect(letter!.error).toContain('refused poison');
      expect(JSON.parse(letter!.body.toString())).toEqual({ to: 'x' });
      // Peeking does not remove.
      expect(await bus.peekDeadLetters(queue, 10)).toHaveLength(1);

      healthy = true;
      expect(await bus.replayDeadLetters(queue)).toBe(1);
      await eventually(() => seen.length === 5);
      expect(seen[4]!.attempt).toBe(0);
      await eventually(async () => (await bus.peekDeadLetters(queue, 10)).length === 0);
    });

    it('hands batches over in order and retries only the messages a batch handler names', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'inbound', pattern: key }], retry: { attempts: 2, baseDelayMs: 20 } });
      const batches: string[][] = [];
      consumers.push(
        await bus.consumeBatch(
          queue,
          async (deliveries) => {
            batches.push(deliveries.map((d) => d.messageId!));
            const failed = deliveries.filter((d) => d.messageId === '3' && d.attempt === 0);
            return { failed: failed.map((delivery) => ({ delivery, error: new Error('try later') })) };
          },
          { prefetch: 50, batchSize: 10, maxWaitMs: 20 },
        ),
      );
      for (let i = 0; i < 25; i++) await bus.publish('inbound', key, { i }, { messageId: String(i) });
      await eventually(() => batches.flat().length === 26);
      expect(batches.every((b) => b.length <= 10)).toBe(true);
      const flat = batches.flat();
      expect(flat.filter((id) => id === '3')).toHaveLength(2);
      const firstPass = flat.filter((id, i) => !(id === '3' && i === flat.lastIndexOf('3')));
      expect(firstPass).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
      await new Promise((r) => setTimeout(r, 100));
      expect(await bus.peekDeadLetters(queue, 10)).toHaveLength(0);
    });

    // What the outbox relay sends for a pass's events of one routing key: one broker message.
    const publishBundle = async (routingKey: string, ids: string[]) => {
      const parts = ids.map((id) => ({ messageId: id, body: JSON.stringify({ id, text: `"${id}", [ok] {still} \\ 你好` }) }));
      const message = bundle(parts, `${ids[0]}-${ids.at(-1)}`);
      await bus.publish('events', routingKey, message.body, { messageId: message.messageId, headers: { ...message.headers, tenant: 't1' }, json: true });
      return parts;
    };

    it('splits a bundle into one delivery per message, in order, each with its own body and id', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }] });
      const seen = await collect(queue);
      const ids = Array.from({ length: 30 }, (_, i) => `outbox-${i + 1}`);
      const parts = await publishBundle(`${key}.message.created`, ids);
      await bus.publish('events', `${key}.message.created`, { id: 'single' }, { messageId: 'single' });
      await eventually(() => seen.length === 31);
      // Messages run side by side (prefetch); a bundle's run in turn.
      const bundled = seen.filter((d) => d.messageId !== 'single');
      expect(bundled.map((d) => d.messageId)).toEqual(ids);
      expect(bundled.map((d) => d.body.toString())).toEqual(parts.map((p) => p.body));
      expect(bundled[3]!.json()).toEqual(JSON.parse(parts[3]!.body));
      for (const delivery of bundled) {
        expect(delivery.routingKey).toBe(`${key}.message.created`);
        expect(delivery.attempt).toBe(0);
        expect(delivery.headers.tenant).toBe('t1');
        expect(delivery.headers[BUNDLE_HEADER]).toBeUndefined();
        expect(delivery.headers[BUNDLE_IDS_HEADER]).toBeUndefined();
      }
      expect(await bus.depth(queue)).toBe(0);
    });

    it('hands a bundle to a batch handler as its messages, across batches, and settles it once', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], retry: { attempts: 2, baseDelayMs: 20 } });
      const batches: string[][] = [];
      consumers.push(
        await bus.consumeBatch(
          queue,
          async (deliveries) => {
            batches.push(deliveries.map((d) => d.messageId!));
          },
          { prefetch: 5, batchSize: 4, maxWaitMs: 20 },
        ),
      );
      const ids = Array.from({ length: 10 }, (_, i) => `outbox-${i + 1}`);
      await publishBundle(`${key}.message.created`, ids);
      await bus.publish('events', `${key}.message.created`, { id: 'single' }, { messageId: 'single' });
      await eventually(() => batches.flat().length === 11);
      expect(batches.flat()).toEqual([...ids, 'single']);
      expect(batches.every((b) => b.length <= 4)).toBe(true);
      await new Promise((r) => setTimeout(r, 150));
      expect(batches.flat()).toHaveLength(11);
      expect(await bus.depth(queue)).toBe(0);
      expect(await bus.peekDeadLetters(queue, 10)).toHaveLength(0);
    });

    it('retries the message of a bundle that failed alone; the others are not delivered again', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], retry: { attempts: 2, baseDelayMs: 30 } });
      const seen = await collect(queue, { fail: (d) => d.messageId === 'outbox-3' && d.attempt === 0 });
      const ids = ['outbox-1', 'outbox-2', 'outbox-3', 'outbox-4', 'outbox-5'];
      const parts = await publishBundle(`${key}.message.created`, ids);
      await eventually(() => seen.length === 6);
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.map((d) => d.messageId)).toEqual([...ids, 'outbox-3']);
      const retried = seen[5]!;
      expect(retried.attempt).toBe(1);
      expect(retried.body.toString()).toBe(parts[2]!.body);
      expect(retried.routingKey).toBe(`${key}.message.created`);
      expect(retried.headers[BUNDLE_HEADER]).toBeUndefined();
      expect(retried.headers.tenant).toBe('t1');
      expect(await bus.peekDeadLetters(queue, 10)).toHaveLength(0);
    });

    it('parks a message of a bundle that a batch handler names alone, and retries only it', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], retry: { attempts: 2, baseDelayMs: 30 } });
      const handled: Delivery[] = [];
      consumers.push(
        await bus.consumeBatch(
          queue,
          async (deliveries) => {
            handled.push(...deliveries);
            const failed = deliveries.filter((d) => d.messageId === 'outbox-2' && d.attempt === 0);
            return { failed: failed.map((delivery) => ({ delivery, error: new Error('try later') })) };
          },
          { prefetch: 5, batchSize: 2, maxWaitMs: 20 },
        ),
      );
      await publishBundle(`${key}.message.created`, ['outbox-1', 'outbox-2', 'outbox-3']);
      await eventually(() => handled.length === 4);
      await new Promise((r) => setTimeout(r, 200));
      expect(handled.map((d) => `${d.messageId}@${d.attempt}`)).toEqual(['outbox-1@0', 'outbox-2@0', 'outbox-3@0', 'outbox-2@1']);
      expect(await bus.peekDeadLetters(queue, 10)).toHaveLength(0);
    });

    it('dead-letters a message of a bundle past its retries alone, and replays it alone', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${key}.#` }], retry: { attempts: 1, baseDelayMs: 30 } });
      let healthy = false;
      const seen = await collect(queue, { fail: (d) => !healthy && d.messageId === 'outbox-2' });
      const parts = await publishBundle(`${key}.message.created`, ['outbox-1', 'outbox-2', 'outbox-3']);
      await eventually(async () => (await bus.peekDeadLetters(queue, 10)).length === 1);
      expect(seen.map((d) => `${d.messageId}@${d.attempt}`)).toEqual(['outbox-1@0', 'outbox-2@0', 'outbox-3@0', 'outbox-2@1']);
      const letters = await bus.peekDeadLetters(queue, 10);
      expect(letters).toHaveLength(1);
      expect(letters[0]!.messageId).toBe('outbox-2');
      expect(letters[0]!.body.toString()).toBe(parts[1]!.body);
      expect(letters[0]!.routingKey).toBe(`${key}.message.created`);
      expect(letters[0]!.error).toContain('refused outbox-2');
      expect(letters[0]!.headers[BUNDLE_HEADER]).toBeUndefined();

      healthy = true;
      expect(await bus.replayDeadLetters(queue)).toBe(1);
      await eventually(() => seen.length === 5);
      expect(seen[4]!.messageId).toBe('outbox-2');
      expect(seen[4]!.attempt).toBe(0);
    });

    it('redelivers what a consumer held when it dies without acknowledging', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'inbound', pattern: key }], singleActiveConsumer: true });
      const dying = await holdMessagesThenDie(bus, factory.name, queue);
      await bus.publish('inbound', key, { n: 1 }, { messageId: 'held-1' });
      await bus.publish('inbound', key, { n: 2 }, { messageId: 'held-2' });
      await dying.waitHeld(2);
      const survivor = await collect(queue);
      await new Promise((r) => setTimeout(r, 100));
      expect(survivor).toHaveLength(0);
      await dying.kill();
      await eventually(() => survivor.length === 2);
      expect(survivor.map((d) => d.messageId)).toEqual(['held-1', 'held-2']);
      expect(survivor.every((d) => d.redelivered)).toBe(true);
    });

    it('finishes the message in hand on a graceful close, so it is not delivered again', async () => {
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'inbound', pattern: key }] });
      let finished = 0;
      const consumer = await bus.consume(
        queue,
        async () => {
          await new Promise((r) => setTimeout(r, 150));
          finished++;
        },
        { prefetch: 1 },
      );
      await bus.publish('inbound', key, { n: 1 }, { messageId: 'slow' });
      await new Promise((r) => setTimeout(r, 50));
      await consumer.close();
      expect(finished).toBe(1);
      const again = await collect(queue);
      await new Promise((r) => setTimeout(r, 200));
      expect(again).toHaveLength(0);
      expect(await bus.depth(queue)).toBe(0);
    });
  });
}

/** A consumer that takes messages and dies holding them: a killed process, or a dropped in-memory consumer. */
async function holdMessagesThenDie(bus: Bus, kind: BusFactory['name'], queue: string) {
  if (kind === 'memory') {
    const held: string[] = [];
    await bus.consume(
      queue,
      (d) => {
        held.push(d.messageId!);
        return new Promise(() => {});
      },
      { prefetch: 10 },
    );
    return {
      waitHeld: (n: number) => eventually(() => held.length === n),
      kill: async () => (bus as MemoryBus).crashConsumers(queue),
    };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-messages-child.ts', queue], {
    env: {
      ...process.env,
      ...(kind === 'rabbitmq-quorum' ? { BUS_NAMESPACE: QUORUM_NAMESPACE, BUS_QUEUE_TYPE: 'quorum' } : { BUS_NAMESPACE, BUS_QUEUE_TYPE: 'classic' }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await eventually(() => output.includes('ready'), { timeoutMs: 15_000 });
  return {
    waitHeld: (n: number) => eventually(() => output.split('\n').filter((l) => l.startsWith('held')).length === n),
    kill: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
