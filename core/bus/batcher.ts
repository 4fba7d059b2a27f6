import type { BatchHandler, Delivery } from './bus.js';

export type Settlement = { delivery: Delivery; outcome: 'ack' } | { delivery: Delivery; outcome: 'fail'; error: unknown };

/**
 * Collects pushed deliveries into batches and hands them to the handler one batch at a time, in
 * arrival order, so a shard's order is kept. A batch is cut only when the handler is free: what
 * arrives while it works waits and goes in the next batch whole (up to `batchSize`), so batches
 * grow with the load instead of queueing up as many small ones, each paying a transaction. When
 * idle, the first delivery waits up to `maxWaitMs` for company. Both bus implementations use it;
 * they differ only in how a settlement reaches the broker.
 */
export class Batcher {
  private pending: Delivery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closed = false;
  /** A batch is with the handler: the next is cut when it is done. */
  private working = false;

  constructor(
    private readonly handler: BatchHandler,
    private readonly batchSize: number,
    private readonly maxWaitMs: number,
    private readonly settle: (settlements: Settlement[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(delivery: Delivery): void {
    if (this.closed) return;
    this.pending.push(delivery);
    if (this.working) return;
    if (this.pending.length >= this.batchSize) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
  }

  /** Drops what was not handed over yet (the broker redelivers it) and waits for the batch in hand. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending = [];
    await this.running;
  }

  /** Forgets everything, for when the channel is gone and the broker will redeliver. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  get busy(): number {
    return this.inFlight + this.pending.length;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.working || this.closed || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.batchSize);
    this.inFlight += batch.length;
    this.working = true;
    this.running = this.run(batch).finally(() => {
      this.working = false;
      // What came meanwhile has waited for as long as this batch took: it goes now.
      this.flush();
    });
  }

  private async run(batch: Delivery[]): Promise<void> {
    let settlements: Settlement[];
    try {
      const result = await this.handler(batch);
      const failed = new Map(result?.failed.map((f) => [f.delivery, f.error]) ?? []);
      settlements = batch.map((delivery) => (failed.has(delivery) ? { delivery, outcome: 'fail', error: failed.get(delivery) } : { delivery, outcome: 'ack' }));
    } catch (error) {
      settlements = batch.map((delivery) => ({ delivery, outcome: 'fail', error }));
    }
    try {
      await this.settle(settlements);
    } catch (error) {
      this.onError(error);
    } finally {
      this.inFlight -= batch.length;
    }
  }
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 1000);
}
