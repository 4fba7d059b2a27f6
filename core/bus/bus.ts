/**
 * The message bus every part talks through. Two implementations keep the same contract:
 * `rabbitmq/` (amqplib, quorum queues, publisher confirms) for scale-out, and `memory/` for the
 * embedded single-process mode. `test/bus.contract.test.ts` runs one suite against both.
 * Both split a bundle (several messages sent as one, see bundles.ts) into its messages: handlers
 * only ever see single messages.
 */

/** The three topic exchanges. */
export const EXCHANGES = ['inbound', 'outbound', 'events'] as const;
export type ExchangeName = (typeof EXCHANGES)[number];

export type Headers = Record<string, string | number | boolean>;

export interface PublishOptions {
  /** Stable id of the message; consumers may dedupe on it. */
  messageId?: string;
  headers?: Headers;
  /** Says a Buffer body is JSON text already (an object body always is). */
  json?: boolean;
}

export interface Delivery {
  readonly body: Buffer;
  readonly exchange: string;
  readonly routingKey: string;
  readonly messageId: string | undefined;
  readonly headers: Headers;
  /** How many times this message failed before: 0 on its first delivery. */
  readonly attempt: number;
  /** true when the broker delivered it before to a consumer that did not settle it. */
  readonly redelivered: boolean;
  json<T = unknown>(): T;
}

export interface QueueBinding {
  exchange: ExchangeName;
  /** Topic pattern: `*` matches one word, `#` zero or more. */
  pattern: string;
}

export interface QueueDefinition {
  name: string;
  bindings: QueueBinding[];
  /** One consumer at a time gets every message; another takes over when it goes. */
  singleActiveConsumer?: boolean;
  /**
   * Failed messages come back after a growing delay (base × 2^attempt), up to `attempts` retries;
   * then they rest in `<name>.dlq`. Without it a failure goes straight to the dead-letter queue.
   */
  retry?: { attempts: number; baseDelayMs: number };
  /** A private queue of one process (e.g. a console node's event feed): gone when it closes. */
  transient?: boolean;
}

export interface ConsumeOptions {
  /** Unsettled broker messages a consumer holds at most (a bundle counts as one). */
  prefetch: number;
}

export interface BatchConsumeOptions extends ConsumeOptions {
  /** Most messages handed over at once. */
  batchSize: number;
  /** How long a partial batch waits for more before it is handed over. */
  maxWaitMs: number;
}

export type MessageHandler = (delivery: Delivery) => Promise<void>;

/**
 * A batch handler resolves when every message is done (all are acked together), throws when the
 * whole batch failed (all are retried), or names the ones that failed (only those are retried).
 */
export type BatchHandler = (deliveries: Delivery[]) => Promise<void | BatchFailures>;
export interface BatchFailures {
  failed: { delivery: Delivery; error: unknown }[];
}

export interface Consumer {
  /** Stops taking messages, lets the batch in hand finish and settle, then returns. */
  close(): Promise<void>;
}

export interface DeadLetter {
  body: Buffer;
  routingKey: string;
  messageId: string | undefined;
  headers: Headers;
  /** The last error, as the consumer reported it. */
  error: string | undefined;
}

export interface Bus {
  readonly kind: 'rabbitmq' | 'memory';
  /** Declares a queue and its bindings; declaring it again adds bindings, never removes any. */
  declareQueue(definition: QueueDefinition): Promise<void>;
  /**
   * Adds a binding to a declared queue, kept across reconnects: for queues whose bindings follow
   * the data (which companies want which events, see tenant-bindings.ts).
   */
  bind(queue: string, binding: QueueBinding): Promise<void>;
  /** Removes a binding; removing one that is not there does nothing. */
  unbind(queue: string, binding: QueueBinding): Promise<void>;
  /** Deletes a queue with what it holds, and forgets it: it is not declared again on reconnecting. */
  deleteQueue(name: string): Promise<void>;
  /** Resolves once the broker has taken responsibility for the message (publisher confirm). */
  publish(exchange: ExchangeName, routingKey: string, body: Buffer | object, options?: PublishOptions): Promise<void>;
  consume(queue: string, handler: MessageHandler, options: ConsumeOptions): Promise<Consumer>;
  consumeBatch(queue: string, handler: BatchHandler, options: BatchConsumeOptions): Promise<Consumer>;
  /** Looks at up to `limit` messages in the queue's dead-letter queue without removing them. */
  peekDeadLetters(queue: string, limit: number): Promise<DeadLetter[]>;
  /** Moves up to `limit` dead letters back to the queue, with a fresh attempt count. */
  replayDeadLetters(queue: string, limit?: number): Promise<number>;
  /** Messages ready in a queue (not counting those held by consumers). */
  depth(queue: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class BusUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BusUnavailableError';
  }
}

export const ATTEMPT_HEADER = 'x-sb-attempt';
export const ERROR_HEADER = 'x-sb-error';

export function encodeBody(body: Buffer | object): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
}

export function retryDelay(attempt: number, baseDelayMs: number): number {
  return baseDelayMs * 2 ** attempt;
}

export const sameBinding = (a: QueueBinding, b: QueueBinding) => a.exchange === b.exchange && a.pattern === b.pattern;

export const deadLetterQueueName = (queue: string) => `${queue}.dlq`;

/** Topic matching as RabbitMQ does it: words split by '.', `*` one word, `#` zero or more. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey === '' ? [] : routingKey.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') {
      for (let skip = j; skip <= k.length; skip++) if (match(i + 1, skip)) return true;
      return false;
    }
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/** The inbound shard a conversation's messages travel on: same key, same shard, order kept. */
export function shardOf(key: string, shards: number): number {
  // FNV-1a: cheap, stable across processes and versions.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export const inboundQueueName = (shard: number) => `inbound.shard.${shard}`;
export const inboundRoutingKey = (shard: number) => `shard.${shard}`;
