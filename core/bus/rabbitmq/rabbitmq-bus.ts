import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type GetMessage, type Options } from 'amqplib';
import {
  ATTEMPT_HEADER,
  BusUnavailableError,
  ERROR_HEADER,
  EXCHANGES,
  deadLetterQueueName,
  encodeBody,
  retryDelay,
  sameBinding,
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
import { Batcher, errorText } from '../batcher.js';
import { handleInTurn, splitDelivery, Unsettled, type DeliveryFailure } from '../bundles.js';
import { countDelivery } from '../deliveries.js';
import type { Logger } from '../../log/logger.js';
import type { Writable } from 'node:stream';

export interface RabbitMqBusOptions {
  urls: string[];
  logger?: Logger;
  /** How long a publish waits for a lost connection to come back before it fails. */
  publishTimeoutMs?: number;
  /** A poisoned message redelivered this often (crashing its consumer) goes to the dead-letter queue. */
  deliveryLimit?: number;
  /**
   * Prefixes every exchange and queue name (`<namespace>.inbound`), so several installations —
   * or parallel test runs — share one broker without seeing each other's messages.
   */
  namespace?: string;
  /**
   * `quorum` (the default: replicated, survives a node's loss) or `classic`. Classic queues are
   * for throw-away installations that create and drop many queues (test runs): RabbitMQ's quorum
   * queues are not made for that churn.
   */
  queueType?: 'quorum' | 'classic';
  /**
   * How many nodes each quorum queue is replicated on (`x-quorum-initial-group-size`); the
   * broker's default (every node of the cluster) when not given.
   */
  quorumSize?: number;
  /**
   * Nacks in a row after which the connection is dropped and the next broker address tried.
   * A channel opened on a surviving node just after a node died can be nacked on every publish
   * for a minute while a fresh connection works at once.
   */
  nackLimit?: number;
  /** Pause before reconnecting after such a run of nacks. */
  nackPauseMs?: number;
}

interface ConsumerSpec {
  queue: string;
  prefetch: number;
  start(channel: Channel): Promise<void>;
  /** The connection went: forget deliveries in hand, the broker redelivers them. */
  reset(): void;
  channel?: Channel;
  tag?: string;
  closed: boolean;
}

const delayQueueName = (delayMs: number) => `retry.${delayMs}ms`;

/** Quorum queues dead-letter at least once (kept until the target confirms), which needs reject-publish. */
const QUORUM_ARGUMENTS = (deliveryLimit: number, quorumSize?: number): Record<string, unknown> => ({
  'x-queue-type': 'quorum',
  ...(quorumSize ? { 'x-quorum-initial-group-size': quorumSize } : {}),
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
  ...(deliveryLimit > 0 ? { 'x-delivery-limit': deliveryLimit } : {}),
});
const CLASSIC_ARGUMENTS = (): Record<string, unknown> => ({ 'x-queue-type': 'classic' });

/**
 * The bus on RabbitMQ: quorum queues, persistent messages, publisher confirms. One connection
 * per process, one confirm channel for publishing, one channel per consumer (its own prefetch).
 * When the connection drops it reconnects with back-off, walking the list of broker addresses,
 * declares again what it declared, and resumes its consumers; publishes wait for it, up to a
 * limit, and then fail so the caller can answer 5xx and the sender retries.
 */
export class RabbitMqBus implements Bus {
  readonly kind = 'rabbitmq' as const;
  private connection: ChannelModel | undefined;
  private publisher: ConfirmChannel | undefined;
  private readonly queues = new Map<string, QueueDefinition>();
  /** Delay queues declared on the current connection. */
  private readonly delays = new Set<string>();
  private readonly consumers = new Set<ConsumerSpec>();
  private ready: Promise<void>;
  private blocked: Promise<void> | undefined;
  private unblock: (() => void) | undefined;
  private closing = false;
  private urlIndex = 0;
  private readonly publishTimeoutMs: number;
  private readonly deliveryLimit: number;
  /** Publishes nacked in a row (any publish confirmed sets it back to 0). */
  private nacksInARow = 0;
  /** Set when the connection is dropped on purpose: wait this long before connecting again. */
  private reconnectPauseMs = 0;
  private get queueType(): 'quorum' | 'classic' {
    return this.options.queueType ?? 'quorum';
  }

  /** Arguments every durable queue of the configured type takes. */
  private readonly queueArguments: (deliveryLimit: number) => Record<string, unknown>;
  /** The broker-side name of an exchange or queue. */
  private readonly n: (name: string) => string;

  private constructor(private readonly options: RabbitMqBusOptions) {
    this.n = options.namespace ? (name) => `${options.namespace}.${name}` : (name) => name;
    this.queueArguments = (options.queueType ?? 'quorum') === 'quorum' ? (limit) => QUORUM_ARGUMENTS(limit, options.quorumSize) : CLASSIC_ARGUMENTS;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.deliveryLimit = options.deliveryLimit ?? 20;
    this.ready = Promise.resolve();
  }

  static async connect(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
    const bus = new RabbitMqBus(options);
    bus.ready = bus.establish(false);
    await bus.ready;
    return bus;
  }

  async declareQueue(definition: QueueDefinition): Promise<void> {
    // Remembered for reconnecting, with the bindings added since (the broker keeps them all).
    const known = this.queues.get(definition.name)?.bindings ?? [];
    this.queues.set(definition.name, {
      ...definition,
      bindings: [...known.filter((b) => !definition.bindings.some((d) => sameBinding(b, d))), ...definition.bindings],
    });
    await this.whenReady();
    await this.declareOn(this.publisher!, definition);
  }

  async bind(queue: string, binding: QueueBinding): Promise<void> {
    const definition = this.queues.get(queue);
    if (definition && !definition.bindings.some((b) => sameBinding(b, binding))) definition.bindings.push(binding);
    await this.onOwnChannel((channel) => channel.bindQueue(this.n(queue), this.n(binding.exchange), binding.pattern));
  }

  async unbind(queue: string, binding: QueueBinding): Promise<void> {
    const definition = this.queues.get(queue);
    if (definition) definition.bindings = definition.bindings.filter((b) => !sameBinding(b, binding));
    await this.onOwnChannel((channel) => channel.unbindQueue(this.n(queue), this.n(binding.exchange), binding.pattern));
  }

  /** A topology change on a channel of its own: a refusal closes that channel, not the publisher's. */
  private async onOwnChannel(work: (channel: Channel) => Promise<unknown>): Promise<void> {
    await this.whenReady();
    const channel = await this.connection!.createChannel();
    channel.on('error', () => {});
    try {
      await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  async deleteQueue(name: string): Promise<void> {
    this.queues.delete(name);
    await this.whenReady();
    await this.publisher!.deleteQueue(this.n(name));
  }

  async publish(exchange: ExchangeName, routingKey: string, body: Buffer | object, options: PublishOptions = {}): Promise<void> {
    await this.send(this.n(exchange), routingKey, encodeBody(body), {
      persistent: true,
      messageId: options.messageId,
      headers: options.headers,
      contentType: Buffer.isBuffer(body) && !options.json ? 'application/octet-stream' : 'application/json',
    });
  }

  async consume(queue: string, handler: MessageHandler, options: ConsumeOptions): Promise<Consumer> {
    const inFlight = new Set<Promise<void>>();
    const spec: ConsumerSpec = {
      queue,
      prefetch: options.prefetch,
      closed: false,
      reset: () => {},
      start: async (channel) => {
        const { consumerTag } = await channel.consume(this.n(queue), (message) => {
          if (!message) return;
          countDelivery(queue);
          // A bundle's messages one after another, in order; the bundle is settled once all are done.
          const work = handleInTurn(splitDelivery(toDelivery(message)), handler).then((failed) => this.settle(channel, queue, message, failed));
          inFlight.add(work);
          void work.finally(() => inFlight.delete(work));
        });
        spec.tag = consumerTag;
      },
    };
    await this.startConsumer(spec);
    return {
      close: async () => {
        await this.stopConsumer(spec);
        await Promise.allSettled([...inFlight]);
        await spec.channel?.close().catch(() => {});
        this.consumers.delete(spec);
      },
    };
  }

  async consumeBatch(queue: string, handler: BatchHandler, options: BatchConsumeOptions): Promise<Consumer> {
    let batcher: Batcher | undefined;
    const spec: ConsumerSpec = {
      queue,
      prefetch: Math.max(options.prefetch, options.batchSize),
      closed: false,
      reset: () => batcher?.reset(),
      start: async (channel) => {
        // The broker message each delivery came in: a bundle's is settled with its last delivery.
        const messages = new Map<Delivery, Unsettled<ConsumeMessage>>();
        batcher = new Batcher(
          handler,
          options.batchSize,
          options.maxWaitMs,
          async (settlements) => {
            for (const s of settlements) {
              const unsettled = messages.get(s.delivery)!;
              messages.delete(s.delivery);
              const done = unsettled.record(s);
              if (done) await this.settle(channel, queue, unsettled.message, done.failed);
            }
          },
          (error) => this.options.logger?.error({ err: error, queue }, 'settling a batch failed'),
        );
        const own = batcher;
        const { consumerTag } = await channel.consume(this.n(queue), (message) => {
          if (!message) return;
          countDelivery(queue);
          const deliveries = splitDelivery(toDelivery(message));
          const unsettled = new Unsettled(message, deliveries.length);
          for (const delivery of deliveries) {
            messages.set(delivery, unsettled);
            own.push(delivery);
          }
        });
        spec.tag = consumerTag;
      },
    };
    await this.startConsumer(spec);
    return {
      close: async () => {
        await this.stopConsumer(spec);
        await batcher?.close();
        await spec.channel?.close().catch(() => {});
        this.consumers.delete(spec);
      },
    };
  }

  async peekDeadLetters(queue: string, limit: number): Promise<DeadLetter[]> {
    await this.whenReady();
    const channel = await this.connection!.createChannel();
    const letters: DeadLetter[] = [];
    try {
      while (letters.length < limit) {
        const message = await channel.get(this.n(deadLetterQueueName(queue)), { noAck: false });
        if (!message) break;
        // Failed messages of a bundle are parked alone; a bundle itself lands here only when the
        // broker dead-letters it (past its delivery limit): shown as the messages it carries.
        for (const letter of splitDelivery(toDelivery(message))) {
          letters.push({
            body: letter.body,
            routingKey: letter.routingKey,
            messageId: letter.messageId,
            headers: letter.headers,
            error: typeof letter.headers[ERROR_HEADER] === 'string' ? (letter.headers[ERROR_HEADER] as string) : undefined,
          });
        }
      }
    } finally {
      // Closing without acking puts every message back.
      await channel.close().catch(() => {});
    }
    return letters.slice(0, limit);
  }

  async replayDeadLetters(queue: string, limit = Number.MAX_SAFE_INTEGER): Promise<number> {
    await this.whenReady();
    const channel = await this.connection!.createConfirmChannel();
    let moved = 0;
    try {
      while (moved < limit) {
        const message = await channel.get(this.n(deadLetterQueueName(queue)), { noAck: false });
        if (!message) break;
        const headers = { ...(message.properties.headers ?? {}) };
        delete headers[ATTEMPT_HEADER];
        delete headers[ERROR_HEADER];
        delete headers['x-death'];
        channel.publish('', this.n(queue), message.content, { ...message.properties, headers, persistent: true });
        await channel.waitForConfirms();
        channel.ack(message);
        moved++;
      }
    } finally {
      await channel.close().catch(() => {});
    }
    return moved;
  }

  async depth(queue: string): Promise<number> {
    await this.whenReady();
    const channel = await this.connection!.createChannel();
    try {
      return (await channel.checkQueue(this.n(queue))).messageCount;
    } finally {
      await channel.close().catch(() => {});
    }
  }

  async ping(): Promise<boolean> {
    return this.connection !== undefined && this.publisher !== undefined && !this.closing;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.consumers].map((spec) => this.stopConsumer(spec)));
    await this.connection?.close().catch(() => {});
    this.connection = undefined;
    this.publisher = undefined;
  }

  // --- connection life ---

  private async whenReady(): Promise<void> {
    if (this.closing) throw new BusUnavailableError('bus is closed');
    if (this.publisher) return;
    await withTimeout(this.ready, this.publishTimeoutMs, () => new BusUnavailableError('message broker is unreachable'));
  }

  private async establish(retryForever: boolean): Promise<void> {
    let delay = 100;
    for (;;) {
      const url = this.options.urls[this.urlIndex % this.options.urls.length]!;
      try {
        const connection = await amqp.connect(url, { clientProperties: { connection_name: 'switchboard' } });
        coalesceWrites(connection);
        const publisher = await connection.createConfirmChannel();
        for (const exchange of EXCHANGES) await publisher.assertExchange(this.n(exchange), 'topic', { durable: true });
        this.delays.clear();
        for (const definition of this.queues.values()) await this.declareOn(publisher, definition);
        connection.on('error', () => {});
        connection.on('blocked', () => {
          this.blocked = new Promise((resolve) => (this.unblock = resolve));
        });
        connection.on('unblocked', () => {
          this.unblock?.();
          this.blocked = undefined;
        });
        connection.on('close', () => this.lost(connection));
        this.connection = connection;
        this.watchPublisher(connection, publisher);
        for (const spec of this.consumers) if (!spec.closed) await this.openConsumer(spec);
        this.options.logger?.info({ broker: redactUrl(url) }, 'connected to the message broker');
        return;
      } catch (error) {
        this.urlIndex++;
        if (!retryForever && this.urlIndex >= this.options.urls.length * 3) {
          throw new BusUnavailableError(`cannot reach the message broker: ${errorText(error)}`, { cause: error });
        }
        if (this.closing) throw new BusUnavailableError('bus is closed');
        this.options.logger?.warn({ err: errorText(error), retryInMs: delay }, 'message broker unreachable');
        await sleep(delay);
        // Capped at 1 s: when a cluster node dies, the next node takes over within seconds, and a
        // longer wait there is all outage.
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** A channel error (say, a queue declared twice with other arguments) closes only the channel. */
  private watchPublisher(connection: ChannelModel, publisher: ConfirmChannel): void {
    this.publisher = publisher;
    publisher.on('error', () => {});
    publisher.on('close', () => {
      if (this.publisher !== publisher || this.connection !== connection || this.closing) return;
      this.publisher = undefined;
      this.ready = connection.createConfirmChannel().then((next) => this.watchPublisher(connection, next));
      this.ready.catch(() => {});
    });
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.publisher = undefined;
    this.unblock?.();
    this.blocked = undefined;
    for (const spec of this.consumers) {
      spec.reset();
      spec.channel = undefined;
    }
    if (this.closing) return;
    this.options.logger?.warn('lost the message broker connection; reconnecting');
    this.urlIndex++;
    const pause = this.reconnectPauseMs;
    this.reconnectPauseMs = 0;
    this.ready = (pause ? sleep(pause) : Promise.resolve()).then(() => this.establish(true));
    this.ready.catch(() => {});
  }

  /** Drops the connection on purpose (a run of nacks) and reconnects to the next address. */
  private recycle(connection: ChannelModel): void {
    if (this.connection !== connection || this.closing) return;
    this.options.logger?.warn({ nacks: this.nacksInARow }, 'the message broker nacks every publish; reconnecting to the next address');
    this.nacksInARow = 0;
    this.reconnectPauseMs = this.options.nackPauseMs ?? 250;
    this.lost(connection);
    void connection.close().catch(() => {});
  }

  private async startConsumer(spec: ConsumerSpec): Promise<void> {
    this.consumers.add(spec);
    await this.whenReady();
    await this.openConsumer(spec);
  }

  private async openConsumer(spec: ConsumerSpec): Promise<void> {
    const channel = await this.connection!.createChannel();
    channel.on('error', () => {});
    await channel.prefetch(spec.prefetch);
    spec.channel = channel;
    await spec.start(channel);
  }

  private async stopConsumer(spec: ConsumerSpec): Promise<void> {
    spec.closed = true;
    if (spec.channel && spec.tag) await spec.channel.cancel(spec.tag).catch(() => {});
  }

  // --- topology ---

  private async declareOn(channel: Channel, definition: QueueDefinition): Promise<void> {
    const name = this.n(definition.name);
    if (definition.transient) {
      await channel.assertQueue(name, { durable: false, exclusive: true, autoDelete: true });
    } else {
      const deadLetters = this.n(deadLetterQueueName(definition.name));
      const deadLetterArguments = this.queueType === 'quorum' && this.options.quorumSize ? { 'x-quorum-initial-group-size': this.options.quorumSize } : {};
      await channel.assertQueue(deadLetters, { durable: true, arguments: { 'x-queue-type': this.queueType, ...deadLetterArguments } });
      await channel.assertQueue(name, {
        durable: true,
        arguments: {
          ...this.queueArguments(this.deliveryLimit),
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetters,
          ...(definition.singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
        },
      });
      const retry = definition.retry;
      for (let attempt = 0; retry && attempt < retry.attempts; attempt++) {
        await this.declareDelay(channel, retryDelay(attempt, retry.baseDelayMs));
      }
    }
    for (const binding of definition.bindings) await channel.bindQueue(name, this.n(binding.exchange), binding.pattern);
  }

  /**
   * One delay queue per distinct delay, shared by every queue that retries: a message waits in
   * `retry.<ms>ms` for its TTL and is dead-lettered through the default exchange with the routing
   * key it was published with — the name of the queue it came from. Far fewer quorum queues than
   * a delay queue per queue and attempt.
   */
  private async declareDelay(channel: Channel, delayMs: number): Promise<void> {
    const name = this.n(delayQueueName(delayMs));
    if (this.delays.has(name)) return;
    await channel.assertExchange(name, 'fanout', { durable: true });
    await channel.assertQueue(name, {
      durable: true,
      arguments: { ...this.queueArguments(0), 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '' },
    });
    await channel.bindQueue(name, name, '');
    this.delays.add(name);
  }

  // --- publishing and settling ---

  /**
   * Publishes and waits for the broker's confirm. A nack, or a channel or connection lost before
   * the confirm came, means "publish again" (the message may then arrive twice: consumers dedupe
   * by message id) — until `publishTimeoutMs` has passed, when the caller gets a
   * BusUnavailableError. After `nackLimit` nacks in a row the connection is dropped and the next
   * broker address tried.
   */
  private async send(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.publishTimeoutMs;
    const nackLimit = this.options.nackLimit ?? 20;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && Date.now() >= deadline) {
        throw new BusUnavailableError('message broker refused the message', { cause: lastError });
      }
      await this.whenReady();
      if (this.blocked) {
        await withTimeout(this.blocked, this.publishTimeoutMs, () => new BusUnavailableError('message broker is blocking publishers'));
        await this.whenReady();
      }
      const publisher = this.publisher!;
      const connection = this.connection!;
      const outcome = await new Promise<'ack' | 'nack' | Error>((resolve) => {
        try {
          // A full socket buffer returns false: the confirm still arrives; nothing to wait on but it.
          publisher.publish(exchange, routingKey, content, options, (error) =>
            resolve(!error ? 'ack' : error instanceof Error && error.message === 'message nacked' ? 'nack' : toError(error)),
          );
        } catch (error) {
          // The channel closed under us (IllegalOperationError).
          resolve(toError(error));
        }
      });
      if (outcome === 'ack') {
        this.nacksInARow = 0;
        return;
      }
      if (this.closing) throw new BusUnavailableError('bus is closed');
      if (outcome === 'nack') {
        lastError = new Error('message nacked');
        if (++this.nacksInARow >= nackLimit) this.recycle(connection);
        else await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 5)));
      } else {
        lastError = outcome;
        await sleep(Math.min(100, 10 * 2 ** Math.min(attempt, 3)));
      }
    }
  }

  /**
   * Settles a broker message whose deliveries are done: each failed one is parked on its own (in
   * a delay queue to be retried, or in the dead-letter queue), then the message is acked. When
   * parking fails the message is left to the broker, which delivers it again, all of it.
   */
  private async settle(channel: Channel, queue: string, message: ConsumeMessage, failed: DeliveryFailure[]): Promise<void> {
    try {
      await Promise.all(failed.map((f) => this.park(queue, message, f.delivery, f.error)));
      safeAck(channel, message);
    } catch (sendError) {
      // Not parked anywhere: leave it to the broker, which redelivers it.
      this.options.logger?.error({ err: errorText(sendError), queue }, 'could not park a failed message');
      try {
        channel.nack(message, false, true);
      } catch {
        // channel gone: redelivered anyway
      }
    }
  }

  /** Publishes a failed delivery alone, with its own body and id, for a retry or the dead-letter queue. */
  private async park(queue: string, message: ConsumeMessage, delivery: Delivery, error: unknown): Promise<void> {
    const definition = this.queues.get(queue);
    const headers: Headers = {
      ...delivery.headers,
      [ATTEMPT_HEADER]: delivery.attempt + 1,
      [ERROR_HEADER]: errorText(error),
      'x-sb-routing-key': delivery.routingKey,
    };
    const retry = definition?.retry && delivery.attempt < definition.retry.attempts ? definition.retry : undefined;
    const options = { ...message.properties, messageId: delivery.messageId, headers, persistent: true };
    if (retry) await this.send(this.n(delayQueueName(retryDelay(delivery.attempt, retry.baseDelayMs))), this.n(queue), delivery.body, options);
    else await this.send('', this.n(deadLetterQueueName(queue)), delivery.body, options);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function safeAck(channel: Channel, message: ConsumeMessage): void {
  try {
    channel.ack(message);
  } catch {
    // The channel closed: the broker redelivers the message, and consumers dedupe.
  }
}

function toDelivery(message: ConsumeMessage | GetMessage): Delivery {
  const headers = (message.properties.headers ?? {}) as Headers;
  return {
    body: message.content,
    exchange: message.fields.exchange,
    routingKey: String(headers['x-sb-routing-key'] ?? message.fields.routingKey),
    messageId: message.properties.messageId as string | undefined,
    headers,
    attempt: Number(headers[ATTEMPT_HEADER] ?? 0),
    redelivered: message.fields.redelivered,
    json: <T>() => JSON.parse(message.content.toString('utf8')) as T,
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '(invalid url)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(error()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * amqplib writes each frame to the socket on its own (a publish is three frames: method, header,
 * body), and every write is a system call. Frames written in the same tick are sent together:
 * the socket is corked at the first write of a tick and uncorked on the next tick, so a burst of
 * publishes or acks leaves in one `writev`. Back-pressure is unchanged (write still returns false
 * past the socket's high-water mark).
 */
function coalesceWrites(model: ChannelModel): void {
  const socket = (model as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  if (!socket || typeof socket.cork !== 'function') return;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked && !socket.writableEnded) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as Writable['write'];
}
