// An event queue whose bindings follow the data (core/bus/tenant-bindings.ts), on every bus this
// run has: a fresh database, the bus, companies, and events published as the outbox would.
import { afterAll, beforeAll, describe } from 'vitest';
import type { Bus } from '../../core/bus/bus.js';
import type { Db } from '../../core/db/database.js';
import { eventRoutingKey } from '../../core/outbox/outbox.js';
import { seedTenant } from './connectors.js';
import { busFactories, DATABASE_URL, deleteQueues, eventually, freshDatabase } from './services.js';

export interface EventQueueWorld {
  /** The file's fresh database (PostgreSQL when there is one, else the embedded one). */
  readonly db: Db;
  readonly bus: Bus;
  /** A new company; its id. */
  company(): Promise<string>;
  /** Publishes an event of a company on the `events` exchange, under an id of its own. */
  publish(tenantId: string, kind: string): Promise<void>;
  /**
   * How many messages `queue` holds once it holds `atLeast` and a moment has passed for more to
   * arrive: what the events published so far brought it.
   */
  settledDepth(queue: string, atLeast: number): Promise<number>;
}

/**
 * A describe block per bus, each with its own world; `queue` is removed from the broker before
 * and after. `pg: true` runs it only on PostgreSQL (the file needs concurrent connections).
 */
export function describeOnEachBus(title: string, options: { queue: string; pg?: boolean }, suite: (world: EventQueueWorld) => void): void {
  for (const factory of busFactories) {
    describe.skipIf(!factory.available || (options.pg && !DATABASE_URL))(`${title} on the ${factory.name} bus`, () => {
      let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
      let bus: Bus | undefined;
      let sent = 0;

      beforeAll(async () => {
        database = await freshDatabase();
        bus = await factory.open();
        await deleteQueues([options.queue]);
      });
      afterAll(async () => {
        await bus?.close();
        await deleteQueues([options.queue]);
        await database?.drop();
      });

      suite({
        get db() {
          return database!.db;
        },
        get bus() {
          return bus!;
        },
        company: () => seedTenant(database!.db),
        publish: (tenantId, kind) =>
          bus!.publish(
            'events',
            eventRoutingKey(tenantId, kind),
            { id: String(++sent), tenantId, kind, payload: {}, at: new Date().toISOString() },
            { messageId: `e-${sent}` },
          ),
        settledDepth: async (queue, atLeast) => {
          await eventually(async () => (await bus!.depth(queue)) >= atLeast);
          await new Promise((resolve) => setTimeout(resolve, 150));
          return bus!.depth(queue);
        },
      });
    });
  }
}
