import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgliteDatabase } from '../../core/db/pglite/pglite-database.js';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { migrateUp } from '../../core/db/migrate.js';
import { allMigrations } from '../../app/migrations.js';

/** Every table of this build, for tests that migrate a database of their own. */
export { allMigrations };
import type { DatabaseHandle } from '../../core/db/database.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { RabbitMqBus } from '../../core/bus/rabbitmq/rabbitmq-bus.js';
import type { Bus } from '../../core/bus/bus.js';

/** Set by .ci/run: tests then hit the real PostgreSQL and RabbitMQ. */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const AMQP_URL = process.env.AMQP_URL || undefined;

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/**
 * Each test file gets its own bus namespace (exchanges and queues prefixed with it), so files
 * running in parallel on one broker never take each other's messages. Pass it to child processes
 * as BUS_NAMESPACE.
 */
export const BUS_NAMESPACE = process.env.BUS_NAMESPACE || uniqueName('t');

/**
 * A fresh, migrated database of its own for one test file: a new database on the PostgreSQL in
 * DATABASE_URL, or an in-memory PGlite without it. `drop()` removes it.
 */
export async function freshDatabase(kind: 'pg' | 'pglite' = DATABASE_URL ? 'pg' : 'pglite'): Promise<DatabaseHandle & { url?: string; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const handle = await openPgliteDatabase('memory://');
    await migrateUp(handle.db, allMigrations);
    return { ...handle, drop: () => handle.close() };
  }
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const name = uniqueName('sbtest');
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = openPgDatabase(url.toString(), 5);
  await migrateUp(handle.db, allMigrations);
  return {
    ...handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** An empty database, not migrated, for migration tests. */
export async function emptyPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const name = uniqueName('sbtest');
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The queue type test runs use (vitest.config.ts sets BUS_QUEUE_TYPE; children inherit it). */
export const TEST_QUEUE_TYPE = (process.env.BUS_QUEUE_TYPE === 'quorum' ? 'quorum' : 'classic') as 'quorum' | 'classic';

export interface BusFactory {
  name: 'memory' | 'rabbitmq' | 'rabbitmq-quorum';
  available: boolean;
  open(): Promise<Bus>;
}

export const busFactories: BusFactory[] = [
  { name: 'memory', available: true, open: async () => new MemoryBus() },
  {
    name: 'rabbitmq',
    available: Boolean(AMQP_URL),
    open: () => RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: BUS_NAMESPACE, queueType: TEST_QUEUE_TYPE, publishTimeoutMs: 3000 }),
  },
];

export async function eventually<T>(probe: () => Promise<T> | T, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError ?? new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** Removes test queues (and their dead-letter queues) so runs do not pile them up on the broker. */
export async function deleteQueues(names: string[]): Promise<void> {
  if (!AMQP_URL || names.length === 0) return;
  const amqp = (await import('amqplib')).default;
  const connection = await amqp.connect(AMQP_URL.split(',')[0]!);
  try {
    const channel = await connection.createChannel();
    for (const name of names) {
      for (const queue of [name, `${name}.dlq`].map((q) => `${BUS_NAMESPACE}.${q}`)) {
        await channel.deleteQueue(queue);
      }
    }
  } finally {
    await connection.close();
  }
}
