import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Bus } from '../../core/bus/bus.js';
import type { Config } from '../../core/config/config.js';
import type { ConnectorDeps } from '../../core/connector/channel-context.js';
import type { AnyConnector } from '../../core/connector/define.js';
import { ConnectorRegistry } from '../../core/connector/registry.js';
import type { Db } from '../../core/db/database.js';
import { createLogger } from '../../core/log/logger.js';
import { parseAllowEntry } from '../../core/net/addresses.js';
import { OutboundClient } from '../../core/net/outbound.js';
import { embeddedServices, type Services } from '../../core/connector/testkit/index.js';
import { allMigrations } from '../../app/migrations.js';
import { callCenterPorts } from '../../callcenter/part.js';

/**
 * What test harnesses put in OUTBOUND_ALLOW: provider fakes listen on loopback, which the
 * installation refuses otherwise. The security tests leave it out to see the refusals.
 */
export const LOOPBACK_ALLOW = '127.0.0.0/8,::1,localhost';

/** The guarded client as a test installation has it: loopback allowed, nothing else private. */
export function loopbackOutbound(): OutboundClient {
  return new OutboundClient({ allow: LOOPBACK_ALLOW.split(',').map((entry) => parseAllowEntry(entry)!) });
}

/** Connector machinery over a test's database and bus, with every log line kept. */
export function testDeps(db: Db, bus: Bus, connectors: AnyConnector[], overrides: Partial<Config> = {}): ConnectorDeps & { logs(): string } {
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
  const config = {
    publicUrl: 'http://switchboard.test',
    dataDir: mkdtempSync(join(tmpdir(), 'sb-conn-')),
    secretKey: randomBytes(32),
    inboundShards: 2,
    retry: { attempts: 2, baseDelayMs: 100 },
    ...overrides,
  } as Config;
  const outbound = loopbackOutbound();
  return { db, bus, logger, config, registry: new ConnectorRegistry(connectors), outbound, callCenter: callCenterPorts(db), logs: () => logText };
}

export async function seedTenant(db: Db, slug = `t-${randomBytes(4).toString('hex')}`): Promise<string> {
  const row = await db.insertInto('tenants').values({ slug, name: slug }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** PGlite in memory and the in-process bus, with every table this build has and the call center over them: for the kit when a file needs no real services. */
export async function embeddedKitServices(): Promise<Services> {
  const services = await embeddedServices(allMigrations);
  return { ...services, callCenter: callCenterPorts(services.db) };
}

/** The real PostgreSQL and RabbitMQ when configured (a fresh database, this file's bus namespace), for the conformance kit. */
export async function realServices(): Promise<Services> {
  const { freshDatabase, busFactories } = await import('./services.js');
  const database = await freshDatabase();
  const factory = busFactories.find((f) => f.name === 'rabbitmq' && f.available) ?? busFactories[0]!;
  const bus = await factory.open();
  return {
    db: database.db,
    bus,
    callCenter: callCenterPorts(database.db),
    close: async () => {
      await bus.close();
      await database.drop();
    },
  };
}
