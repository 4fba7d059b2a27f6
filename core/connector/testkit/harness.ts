import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { declareInboundShards, type Bus, type Consumer } from '../../bus/index.js';
import { MemoryBus } from '../../bus/memory/memory-bus.js';
import type { Db } from '../../db/database.js';
import { openPgliteDatabase } from '../../db/pglite/pglite-database.js';
import { migrateUp, type Migrations } from '../../db/migrate.js';
import type { InboundEnvelope } from '../../domain/messages.js';
import { createLogger } from '../../log/logger.js';
import type { Config } from '../../config/config.js';
import type { CallCenterProvider } from '../call-center-port.js';
import type { AnyConnector, ChannelContext } from '../define.js';
import { ConnectorRegistry } from '../registry.js';
import { createChannel, type ChannelView } from '../channels.js';
import { createConnectorRuntime } from '../runtime.js';
import { createHooksApp } from '../gateway.js';
import { loadChannelContext, type ConnectorDeps } from '../channel-context.js';
import { acceptPayloads } from '../accept.js';
import { getChannel, listChannels } from '../channels.js';
import type { Harness as KitHarness } from '@switchboard/connector-sdk/testkit';
import { parseAllowEntry } from '../../net/addresses.js';
import { OutboundClient } from '../../net/outbound.js';

export interface Services {
  db: Db;
  bus: Bus;
  /** The call center a phone connector asks (the composition root's, over `db`); without it its questions are refused. */
  callCenter?: CallCenterProvider;
  close(): Promise<void>;
}

/** PGlite in memory and the in-process bus, with the tables of `migrations` (the composition root's list). */
export async function embeddedServices(migrations: Migrations): Promise<Services> {
  const database = await openPgliteDatabase('memory://');
  await migrateUp(database.db, migrations);
  const bus = new MemoryBus();
  return {
    db: database.db,
    bus,
    close: async () => {
      await bus.close();
      await database.close();
    },
  };
}

/**
 * One connector, one channel, the gateway's HTTP app and a view of what reached the inbound
 * shards: the conformance kit's world on the real platform (database, bus, gateway). Every log
 * line is kept, to look for secrets.
 */
export interface Harness extends KitHarness {
  deps: ConnectorDeps;
  app: Hono;
  channel: ChannelView;
  apiKey: string | undefined;
}

const LOOPBACK = ['127.0.0.0/8', '::1', 'localhost'].map((entry) => parseAllowEntry(entry)!);

export async function openHarness(connector: AnyConnector, settings: Record<string, unknown>, open: () => Promise<Services>): Promise<Harness> {
  const services = await open();
  let logText = '';
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _enc, done) {
        logText += chunk;
        done();
      },
    }),
  );
  const shards = 2;
  const config = {
    publicUrl: 'http://switchboard.test',
    dataDir: mkdtempSync(join(tmpdir(), 'sb-kit-')),
    secretKey: randomBytes(32),
    inboundShards: shards,
    retry: { attempts: 2, baseDelayMs: 50 },
  } as Config;
  // What the broker confirmed, recorded the moment the publish resolves: exactly what a 2xx promised.
  const published: InboundEnvelope[] = [];
  const inner = services.bus;
  const bus: Bus = {
    kind: inner.kind,
    declareQueue: (definition) => inner.declareQueue(definition),
    deleteQueue: (name) => inner.deleteQueue(name),
    bind: (queue, binding) => inner.bind(queue, binding),
    unbind: (queue, binding) => inner.unbind(queue, binding),
    publish: async (exchange, routingKey, body, options) => {
      await inner.publish(exchange, routingKey, body, options);
      if (exchange === 'inbound') published.push(JSON.parse(JSON.stringify(body)) as InboundEnvelope);
    },
    consume: (queue, handler, options) => inner.consume(queue, handler, options),
    consumeBatch: (queue, handler, options) => inner.consumeBatch(queue, handler, options),
    peekDeadLetters: (queue, limit) => inner.peekDeadLetters(queue, limit),
    replayDeadLetters: (queue, limit) => inner.replayDeadLetters(queue, limit),
    depth: (queue) => inner.depth(queue),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  // The kit's provider fakes listen on loopback, which the installation's client refuses.
  const outbound = new OutboundClient({ allow: LOOPBACK });
  const deps: ConnectorDeps = {
    db: services.db,
    bus,
    logger,
    config,
    registry: new ConnectorRegistry([connector]),
    outbound,
    ...(services.callCenter ? { callCenter: services.callCenter } : {}),
  };
  const queues = await declareInboundShards(services.bus, shards, config.retry);
  const consumers: Consumer[] = [];
  for (const queue of queues) consumers.push(await services.bus.consume(queue, async () => {}, { prefetch: 50 }));
  const tenant = await services.db
    .insertInto('tenants')
    .values({ slug: `kit-${randomBytes(4).toString('hex')}`, name: 'Conformance' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { channel, apiKey } = await createChannel(deps, tenant.id, { type: connector.type, name: 'Conformance', config: settings });
  const runtime = createConnectorRuntime(deps, config, () => {});
  const app = new Hono();
  app.route('/', createHooksApp(deps));
  for (const mount of connector.mounts ?? []) app.route(mount.prefix, await mount.create(runtime));
  const context = async () => {
    const found = await loadChannelContext(deps, { id: channel.id });
    if (!found) throw new Error('the test channel is not there');
    return found.ctx;
  };
  return {
    deps,
    app,
    channel,
    apiKey,
    tenantId: tenant.id,
    published,
    logs: () => logText,
    context,
    accept: async (payloads) => acceptPayloads(connector, await context(), payloads),
    views: async () => [await getChannel(deps, tenant.id, channel.id), await listChannels(deps, tenant.id), channel],
    request: async (path, init) => app.request(`http://switchboard.test${path}`, init),
    close: async () => {
      for (const consumer of consumers) await consumer.close();
      await services.close();
      await outbound.close();
    },
  };
}

/** The channel's connector context, as the platform builds it (for calling normalize and send directly). */
export async function channelContext(harness: Harness): Promise<ChannelContext<any>> {
  return (await harness.context()) as ChannelContext<any>;
}
