// A router running in the test process on a fresh database and the given bus, with the outbox
// relay publishing and a queue collecting every event of the run.
import { declareInboundShards } from '../../core/bus/index.js';
import type { Bus, Consumer } from '../../core/bus/bus.js';
import { OutboxRelay, type EventEnvelope } from '../../core/outbox/outbox.js';
import { inboundPipeline } from '../../app/pipeline.js';
import { startRouter, type RouterPart } from '../../router/part.js';
import type { RouterDeps } from '../../router/deps.js';
import { deleteQueues, freshDatabase, uniqueName, type BusFactory } from './services.js';
import { silentLogger } from './router-world.js';
import { startWithJobs } from './jobs.js';

export interface Harness {
  db: Awaited<ReturnType<typeof freshDatabase>>['db'];
  bus: Bus;
  deps: RouterDeps;
  shards: number;
  router: RouterPart;
  /** Every event published on the bus so far, in arrival order. */
  events: EventEnvelope[];
  stop(): Promise<void>;
}

export async function startHarness(factory: BusFactory, options: { shards?: number; batchSize?: number } = {}): Promise<Harness> {
  const shards = options.shards ?? 2;
  const handle = await freshDatabase();
  const bus = await factory.open();
  const queues = await declareInboundShards(bus, shards, { attempts: 1, baseDelayMs: 50 });
  const eventsQueue = uniqueName('events');
  await bus.declareQueue({ name: eventsQueue, bindings: [{ exchange: 'events', pattern: '#' }] });
  const events: EventEnvelope[] = [];
  const eventConsumer: Consumer = await bus.consume(eventsQueue, async (d) => void events.push(d.json<EventEnvelope>()), { prefetch: 100 });
  const relay = new OutboxRelay(handle.db, bus, { pollMs: 50 });
  relay.start();
  const deps: RouterDeps = { database: handle, relay, logger: silentLogger };
  // The router with its timers on a job runner, as a router process runs it.
  const { part: router, stop: stopRouter } = await startWithJobs(deps, (jobs) =>
    startRouter({ ...deps, bus, config: { inboundShards: shards } }, { pipeline: inboundPipeline, jobs, batchSize: options.batchSize ?? 50, maxWaitMs: 5 }),
  );
  return {
    db: handle.db,
    bus,
    deps,
    shards,
    router,
    events,
    stop: async () => {
      await stopRouter();
      await eventConsumer.close();
      await relay.stop();
      await bus.close();
      await handle.drop();
      if (factory.name === 'rabbitmq') await deleteQueues([...queues, eventsQueue]);
    },
  };
}
