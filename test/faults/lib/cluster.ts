// The services of a cluster fault run: three RabbitMQ nodes (quorum queues on all three) and a
// PostgreSQL primary with a synchronous standby, all private, on spare loopback ports; with the
// two node kills the scenarios make. Used by `npm run faults -- --cluster` and the reduced run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inboundQueueName } from '../../../core/bus/bus.js';
import { migrateUp } from '../../../core/db/migrate.js';
import { allMigrations } from '../../../app/migrations.js';
import { openPgDatabase } from '../../../core/db/pg/pg-database.js';
import type { ScenarioOptions } from './faults.js';
import { startPostgresPair, startRabbitCluster } from './private-services.js';

export interface ClusterServices {
  /** The primary's own URL (database `postgres`), for administration before any fault. */
  databaseUrl: string;
  /** Both hosts with target_session_attrs=read-write, for database `name`. */
  databaseUrlFor: (name: string) => string;
  /** The three nodes' addresses. */
  amqpUrl: string;
  queueType: 'quorum';
  gateways: number;
  env: Record<string, string>;
  actions: NonNullable<ScenarioOptions['actions']>;
  teardown(): Promise<void>;
}

/** Starts both clusters (about 30 s); `namespace` is the bus namespace whose inbound queues' leader gets killed. */
export async function startClusterServices(namespace: string, log: (line: string) => void = () => {}): Promise<ClusterServices> {
  const id = randomBytes(3).toString('hex');
  const [rabbits, postgres] = await Promise.allSettled([startRabbitCluster({ name: `sbc${id}n`, log }), startPostgresPair({ name: `sbc_${id}`, log })]);
  if (rabbits.status === 'rejected' || postgres.status === 'rejected') {
    if (rabbits.status === 'fulfilled') await rabbits.value.teardown();
    if (postgres.status === 'fulfilled') await postgres.value.teardown();
    throw rabbits.status === 'rejected' ? rabbits.reason : (postgres as PromiseRejectedResult).reason;
  }
  const cluster = rabbits.value;
  const pair = postgres.value;
  // Asked before the stream: the CLI takes seconds on a busy machine, and leaders stay put
  // until a node fails.
  let leader: Awaited<ReturnType<typeof cluster.leaderOf>> | undefined;
  const inbound = `${namespace}.${inboundQueueName(0)}`;
  return {
    databaseUrl: pair.primary.url,
    databaseUrlFor: (name) => pair.url.replace('/postgres?', `/${name}?`),
    amqpUrl: cluster.url,
    queueType: 'quorum',
    gateways: 2,
    env: { BUS_QUORUM_SIZE: String(cluster.nodes.length) },
    actions: {
      prepare: async () => {
        leader = await cluster.leaderOf(inbound);
        log(`${leader.nodename} leads ${inbound}`);
      },
      killBrokerLeader: async () => {
        const node = leader ?? (await cluster.leaderOf(inbound));
        leader = undefined;
        log(`SIGKILL ${node.nodename}, leader of the inbound queues`);
        const killedAt = Date.now();
        await node.kill();
        return { killedAt, restart: () => node.start() };
      },
      failoverDatabase: async () => {
        log(`SIGKILL ${pair.primary.cluster}, promote ${pair.standby.cluster}`);
        return pair.failover();
      },
    },
    teardown: async () => {
      await cluster.teardown();
      await pair.teardown();
    },
  };
}

/** Creates and migrates database `name` on the primary (replicated to the standby). */
export async function createClusterDatabase(services: ClusterServices, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const handle = openPgDatabase(services.databaseUrlFor(name), 2);
  try {
    await migrateUp(handle.db, allMigrations);
  } finally {
    await handle.close();
  }
  return services.databaseUrlFor(name);
}
