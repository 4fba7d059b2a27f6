import { randomUUID } from 'node:crypto';
import {
  ATTEMPT_HEADER,
  BusUnavailableError,
  ERROR_HEADER,
  encodeBody,
  retryDelay,
  sameBinding,
  topicMatches,
  type BatchConsumeOptions,
  type BatchHandler,
  type Bus,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type Delivery,
  type ExchangeName,
  type Headers,
  type MessageHandler,
  type PublishOptions,
  type QueueBinding,
  type QueueDefinition,
} from '../bus.js';
import { Batcher, errorText, type Settlement } from '../batcher.js';
import { handleInTurn, splitDelivery, Unsettled, type DeliveryFailure } from '../bundles.js';

interface StoredMessage {
  body: Buffer;
  exchange: string;
  routingKey: string;
  messageId: string | undefined;
  headers: Headers;
  redelivered: boolean;
}

interface MemoryConsumer {
  id: string;
  prefetch: number;
  held: Set<StoredMessage>;
  deliver(message: StoredMessage): void;
}

interface MemoryQueue {
  definition: QueueDefinition;
  ready: StoredMessage[];
  dead: StoredMessage[];
  consumers: MemoryConsumer[];
  timers: Set<NodeJS.Timeout>;
}

/**
 * The in-process bus of the embedded mode, with RabbitMQ's semantics where the code relies on
 * them: topic routing, prefetch, single active consumer, redelivery of unsettled messages when a
 * consumer goes, delayed retries, a dead-letter queue. Messages live in memory: what the embedded
 * mode must not lose is written to the database before it is published (the outbox), or is
 * answered with an error the sender retries.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private queues = new Map<string, MemoryQueue>();
  private closed = false;

  async declareQueue(definition: QueueDefinition): Promise<void> {
    const existing = this.queues.get(definition.name);
    if (existing) {
      // As the broker does: a second declaration adds its bindings to those already there.
      const bindings = [...existing.definition.bindings];
      for (const binding of definition.bindings) if (!bindings.some((b) => sameBinding(b, binding))) bindings.push(binding);
      existing.definition = { ...definition, bindings };
      return;
    }
    this.queues.set(definition.name, {
      definition: { ...definition, bindings: [...definition.bindings] },
      ready: [],
      dead: [],
      consumers: [],
      timers: new Set(),
    });
  }

  async bind(queueName: string, binding: QueueBinding): Promise<void> {
    const queue = this.queue(queueName);
    if (!queue.definition.bindings.some((b) => sameBinding(b, binding))) queue.definition.bindings.push(binding);
  }

  async unbind(queueName: string, binding: QueueBinding): Promise<void> {
    const queue = this.queues.get(queueName);
    if (queue) queue.definition.bindings = queue.definition.bindings.filter((b) => !sameBinding(b, binding));
  }

  async deleteQueue(name: string): Promise<void> {
    const queue = this.queues.get(name);
    if (!queue) return;
    for (const timer of queue.timers) clearTimeout(timer);
    this.queues.delete(name);
  }

  async publish(exchange: ExchangeName, routingKey: string, body: Buffer | object, options: PublishOptions = {}): Promise<void> {
    if (this.closed) throw new BusUnavailableError('bus is closed');
    const content = encodeBody(body);
    for (const queue of this.queues.values()) {
      if (queue.definition.bindings.some((b) => b.exchange === exchange && topicMatches(b.pattern, routingKey))) {
        this.enqueue(queue, {
          body: content,
          exchange,
          routingKey,
          messageId: options.messageId,
          headers: { ...options.headers },
          redelivered: false,
        });
      }
    }
  }

  async consume(queueName: string, handler: MessageHandler, options: ConsumeOptions): Promise<Consumer> {
    const queue = this.queue(queueName);
    const inFlight = new Set<Promise<void>>();
    let stopped = false;
    const consumer = this.attach(queue, options.prefetch, (message) => {
      // A bundle's messages one after another, in order; the bundle is settled once all are done.
      const work = handleInTurn(splitDelivery(toDelivery(message)), handler).then((failed) => this.settle(queue, consumer, message, failed));
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
    return {
      close: async () => {
        if (stopped) return;
        stopped = true;
        this.detach(queue, consumer, false);
        await Promise.allSettled([...inFlight]);
        this.returnHeld(queue, consumer);
      },
    };
  }

  async consumeBatch(queueName: string, handler: BatchHandler, options: BatchConsumeOptions): Promise<Consumer> {
    const queue = this.queue(queueName);
    // The message each delivery came in: a bundle's is settled with its last delivery.
    const byDelivery = new Map<Delivery, Unsettled<StoredMessage>>();
    const batcher = new Batcher(
      handler,
      options.batchSize,
      options.maxWaitMs,
      async (settlements: Settlement[]) => {
        for (const s of settlements) {
          const unsettled = byDelivery.get(s.delivery)!;
          byDelivery.delete(s.delivery);
          const done = unsettled.record(s);
          if (done) this.settle(queue, consumer, unsettled.message, done.failed);
        }
      },
      () => {},
    );
    const consumer = this.attach(queue, Math.max(options.prefetch, options.batchSize), (message) => {
      const deliveries = splitDelivery(toDelivery(message));
      const unsettled = new Unsettled(message, deliveries.length);
      for (const delivery of deliveries) {
        byDelivery.set(delivery, unsettled);
        batcher.push(delivery);
      }
    });
    let stopped = false;
    return {
      close: async () => {
        if (stopped) return;
        stopped = true;
        this.detach(queue, consumer, false);
        await batcher.close();
        this.returnHeld(queue, consumer);
      },
    };
  }

  async peekDeadLetters(queueName: string, limit: number): Promise<DeadLetter[]> {
    return this.queue(queueName)
      .dead.slice(0, limit)
      .map((m) => ({
        body: m.body,
        routingKey: m.routingKey,
        messageId: m.messageId,
        headers: m.headers,
        error: typeof m.headers[ERROR_HEADER] === 'string' ? (m.headers[ERROR_HEADER] as string) : undefined,
      }));
  }

  async replayDeadLetters(queueName: string, limit = Number.MAX_SAFE_INTEGER): Promise<number> {
    const queue = this.queue(queueName);
    const moved = queue.dead.splice(0, limit);
    for (const message of moved) {
      const headers = { ...message.headers };
      delete headers[ATTEMPT_HEADER];
      delete headers[ERROR_HEADER];
      this.enqueue(queue, { ...message, headers, redelivered: false });
    }
    return moved.length;
  }

  async depth(queueName: string): Promise<number> {
    return this.queue(queueName).ready.length;
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) for (const timer of queue.timers) clearTimeout(timer);
  }

  /**
   * Simulates a consumer process that dies: its unsettled messages go back to the queue, marked
   * redelivered, as RabbitMQ does when a channel closes. For tests of that path.
   */
  crashConsumers(queueName: string): void {
    const queue = this.queue(queueName);
    for (const consumer of [...queue.consumers]) this.detach(queue, consumer, true);
  }

  private queue(name: string): MemoryQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`queue ${name} is not declared`);
    return queue;
  }

  private enqueue(queue: MemoryQueue, message: StoredMessage): void {
    queue.ready.push(message);
    this.dispatch(queue);
  }

  private attach(queue: MemoryQueue, prefetch: number, deliver: (m: StoredMessage) => void): MemoryConsumer {
    const consumer: MemoryConsumer = { id: randomUUID(), prefetch, held: new Set(), deliver };
    queue.consumers.push(consumer);
    queueMicrotask(() => this.dispatch(queue));
    return consumer;
  }

  private detach(queue: MemoryQueue, consumer: MemoryConsumer, returnHeld: boolean): void {
    queue.consumers = queue.consumers.filter((c) => c !== consumer);
    if (returnHeld) this.returnHeld(queue, consumer);
    else this.dispatch(queue);
  }

  private returnHeld(queue: MemoryQueue, consumer: MemoryConsumer): void {
    const held = [...consumer.held];
    consumer.held.clear();
    // Back to the head of the queue, in the order they were delivered.
    queue.ready.unshift(...held.map((m) => ({ ...m, redelivered: true })));
    this.dispatch(queue);
  }

  private dispatch(queue: MemoryQueue): void {
    if (this.closed) return;
    const eligible = queue.definition.singleActiveConsumer ? queue.consumers.slice(0, 1) : queue.consumers;
    if (eligible.length === 0) return;
    let progressed = true;
    while (queue.ready.length > 0 && progressed) {
      progressed = false;
      for (const consumer of eligible) {
        if (queue.ready.length === 0) break;
        if (consumer.held.size >= consumer.prefetch) continue;
        const message = queue.ready.shift()!;
        consumer.held.add(message);
        consumer.deliver(message);
        progressed = true;
      }
    }
  }

  /** Settles a message whose deliveries are done: each failed one is parked on its own, as the broker's bus does. */
  private settle(queue: MemoryQueue, consumer: MemoryConsumer, message: StoredMessage, failed: DeliveryFailure[]): void {
    // A message returned to the queue by a crash is no longer this consumer's to settle.
    if (!consumer.held.delete(message)) return;
    for (const { delivery, error } of failed) this.park(queue, message, delivery, error);
    this.dispatch(queue);
  }

  /** Puts a failed delivery, alone, in line for a retry after its delay, or in the dead-letter queue. */
  private park(queue: MemoryQueue, message: StoredMessage, delivery: Delivery, error: unknown): void {
    const parked: StoredMessage = {
      ...message,
      body: delivery.body,
      messageId: delivery.messageId,
      headers: { ...delivery.headers, [ATTEMPT_HEADER]: delivery.attempt + 1, [ERROR_HEADER]: errorText(error) },
    };
    const retry = queue.definition.retry;
    if (retry && delivery.attempt < retry.attempts) {
      const timer = setTimeout(
        () => {
          queue.timers.delete(timer);
          this.enqueue(queue, { ...parked, redelivered: false });
        },
        retryDelay(delivery.attempt, retry.baseDelayMs),
      );
      queue.timers.add(timer);
    } else {
      queue.dead.push(parked);
    }
  }
}

function toDelivery(message: StoredMessage): Delivery {
  return {
    body: message.body,
    exchange: message.exchange,
    routingKey: message.routingKey,
    messageId: message.messageId,
    headers: message.headers,
    attempt: Number(message.headers[ATTEMPT_HEADER] ?? 0),
    redelivered: message.redelivered,
    json: <T>() => JSON.parse(message.body.toString('utf8')) as T,
  };
}
