import type { Config } from './config/config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateUp, type Migrations } from './db/migrate.js';
import { openBus, declareInboundShards, type Bus } from './bus/index.js';
import { OutboxRelay } from './outbox/outbox.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import type { Logger } from './log/logger.js';
import { OutboundClient } from './net/outbound.js';

/** What every part of a running process shares: opened once at start-up, passed down. */
export interface Context {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  bus: Bus;
  relay: OutboxRelay;
  metrics: Metrics;
  /** The one way to reach a URL a company or a customer set (core/net/outbound.ts). */
  outbound: OutboundClient;
}

/** Opens what a process shares; `migrations` are the ones the composition root collected. */
export async function openContext(config: Config, logger: Logger, migrations: Migrations): Promise<Context> {
  const database = await openDatabase(config.database);
  try {
    const applied = await migrateUp(database.db, migrations);
    if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    const bus = await openBus(config.bus, logger);
    await declareInboundShards(bus, config.inboundShards, config.retry);
    const relay = new OutboxRelay(database.db, bus, { logger });
    return { config, logger, database, bus, relay, metrics: createMetrics(), outbound: new OutboundClient({ allow: config.outbound.allow }) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export async function closeContext(context: Context): Promise<void> {
  await context.relay.stop();
  await context.bus.close();
  await context.database.close();
  await context.outbound.close();
}
