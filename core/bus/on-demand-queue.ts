import type { BatchHandler, Bus, Consumer, MessageHandler, QueueDefinition } from './bus.js';
import type { Logger } from '../log/logger.js';

/**
 * How the queue's messages are handled: one at a time, or in batches (what arrives while a batch
 * is handled waits for the next; an idle queue's first message waits up to `maxWaitMs` for more).
 */
export type OnDemandHandler = { each: MessageHandler } | { batch: BatchHandler; batchSize: number; maxWaitMs: number };

/**
 * A transient queue that exists only while someone here needs what it carries: a process's feed
 * to the sockets connected to it. `want()` declares and consumes it (resolving once it does, so
 * everything published after that arrives); `release()` says the last user left, and the queue
 * is deleted after `idleMs` unless wanted again in between (a page reload keeps it). Declaring
 * and deleting happen one after the other, never interleaved.
 */
export class OnDemandQueue {
  private consumer: Consumer | undefined;
  private work: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly definition: QueueDefinition,
    private readonly handler: OnDemandHandler,
    private readonly options: { prefetch: number; idleMs: number; logger: Logger },
  ) {}

  /** Whether the queue is there now. */
  get active(): boolean {
    return this.consumer !== undefined;
  }

  want(): Promise<void> {
    this.cancelIdle();
    return this.serially(async () => {
      if (this.consumer) return;
      await this.bus.declareQueue(this.definition);
      const { prefetch } = this.options;
      const handler = this.handler;
      this.consumer =
        'each' in handler
          ? await this.bus.consume(this.definition.name, handler.each, { prefetch })
          : await this.bus.consumeBatch(this.definition.name, handler.batch, { prefetch, batchSize: handler.batchSize, maxWaitMs: handler.maxWaitMs });
    });
  }

  release(): void {
    this.cancelIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.serially(() => this.remove()).catch((error: unknown) =>
        this.options.logger.warn({ queue: this.definition.name, err: error instanceof Error ? error.message : String(error) }, 'idle queue not removed'),
      );
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  async stop(): Promise<void> {
    this.cancelIdle();
    await this.serially(async () => {
      await this.consumer?.close();
      this.consumer = undefined;
    });
  }

  private async remove(): Promise<void> {
    if (!this.consumer) return;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer.close();
    await this.bus.deleteQueue(this.definition.name);
  }

  private cancelIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.work.then(task);
    this.work = run.catch(() => {});
    return run;
  }
}
