import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import type { Bus, Delivery } from '../bus/bus.js';
import { openPgDatabase } from '../db/pg/pg-database.js';
import { openPgliteDatabase } from '../db/pglite/pglite-database.js';
import { migrateUp } from '../db/migrate.js';
import type { DatabaseHandle } from '../db/database.js';
import { OutboxRelay, recordEvents, recordMessage, type EventEnvelope } from './outbox.js';
import {
  DATABASE_URL,
  allMigrations,
  busFactories,
  deleteQueues,
  emptyPgDatabase,
  eventually,
  freshDatabase,
  uniqueName,
} from '../../test/support/services.js';

async function listen(bus: Bus, tenantId: string) {
  const queue = uniqueName('outbox');
  await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${tenantId}.#` }], transient: true });
  const seen: Delivery[] = [];
  const consumer = await bus.consume(queue, async (d) => void seen.push(d), { prefetch: 100 });
  return { seen, consumer };
}

describe('outbox', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('publishes events only when their transaction commits, in order, then marks them sent', async () => {
    const handle = await freshDatabase();
    cleanups.push(() => handle.drop());
    const bus = new MemoryBus();
    const tenant = await handle.db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).returning('id').executeTakeFirstOrThrow();
    const { seen, consumer } = await listen(bus, tenant.id);
    cleanups.push(() => consumer.close());

    await handle.db.transaction().execute(async (trx) => {
      await recordEvents(trx, [
        { tenantId: tenant.id, kind: 'conversation.created', payload: { n: 1 } },
        { tenantId: tenant.id, kind: 'message.created', payload: { n: 2 } },
      ]);
    });
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await recordEvents(trx, [{ tenantId: tenant.id, kind: 'message.created', payload: { n: 'rolled back' } }]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    const relay = new OutboxRelay(handle.db, bus);
    expect(await relay.drain()).toBe(2);
    await eventually(() => seen.length === 2);
    const envelopes = seen.map((d) => d.json<EventEnvelope>());
    expect(envelopes.map((e) => e.payload.n)).toEqual([1, 2]);
    expect(seen.map((d) => d.routingKey)).toEqual([`${tenant.id}.conversation.created`, `${tenant.id}.message.created`]);
    expect(seen[0]!.messageId).toBe(`outbox-${envelopes[0]!.id}`);
    expect(await relay.drain()).toBe(0);
    const pending = await handle.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
    expect(pending).toHaveLength(0);
  });

  it('keeps events in the outbox while the bus is down and publishes them once it is back', async () => {
    const handle = await freshDatabase();
    cleanups.push(() => handle.drop());
    const tenant = await handle.db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).returning('id').executeTakeFirstOrThrow();
    await recordEvents(handle.db, [{ tenantId: tenant.id, kind: 'x.happened', payload: {} }]);
    const broken: Bus = Object.assign(new MemoryBus(), { publish: async () => Promise.reject(new Error('broker down')) });
    expect(await new OutboxRelay(handle.db, broken).drain()).toBe(0);
    const bus = new MemoryBus();
    const { seen } = await listen(bus, tenant.id);
    expect(await new OutboxRelay(handle.db, bus).drain()).toBe(1);
    await eventually(() => seen.length === 1);
  });

  for (const factory of busFactories) {
    it.skipIf(!factory.available)(`publishes a run of events of one routing key as one broker message, in order (${factory.name})`, async () => {
      const handle = await freshDatabase();
      cleanups.push(() => handle.drop());
      const bus = await factory.open();
      cleanups.push(() => bus.close());
      const tenant = await handle.db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).returning('id').executeTakeFirstOrThrow();
      const queue = uniqueName('outbox');
      const replies = uniqueName('replies');
      cleanups.push(() => deleteQueues([queue, replies]));
      await bus.declareQueue({ name: queue, bindings: [{ exchange: 'events', pattern: `${tenant.id}.#` }] });
      await bus.declareQueue({ name: replies, bindings: [{ exchange: 'outbound', pattern: `reply.${tenant.id}` }] });
      const relay = new OutboxRelay(handle.db, bus);

      await recordEvents(
        handle.db,
        Array.from({ length: 50 }, (_, i) => ({ tenantId: tenant.id, kind: 'message.created', payload: { n: i } })),
      );
      expect(await relay.drain()).toBe(50);
      await eventually(async () => (await bus.depth(queue)) === 1);

      // Runs of three kinds, as a batch writes them, with replies for another exchange between
      // them, which go one by one.
      const kinds = ['conversation.created', 'message.created', 'conversation.assigned'];
      await handle.db.transaction().execute(async (trx) => {
        for (const [k, kind] of kinds.entries()) {
          await recordEvents(
            trx,
            Array.from({ length: 10 }, (_, i) => ({ tenantId: tenant.id, kind, payload: { n: 50 + 10 * k + i } })),
          );
          if (k > 0) await recordMessage(trx, { tenantId: tenant.id, exchange: 'outbound', routingKey: `reply.${tenant.id}`, kind: 'reply', body: { n: k } });
        }
      });
      expect(await relay.drain()).toBe(32);
      await eventually(async () => (await bus.depth(queue)) === 4);
      await eventually(async () => (await bus.depth(replies)) === 2);

      // Kinds that alternate are never reordered: each event is a run of its own.
      await recordEvents(
        handle.db,
        Array.from({ length: 4 }, (_, i) => ({ tenantId: tenant.id, kind: kinds[i % 2]!, payload: { n: 80 + i } })),
      );
      expect(await relay.drain()).toBe(4);
      await eventually(async () => (await bus.depth(queue)) === 8);
      await new Promise((r) => setTimeout(r, 100));
      expect(await bus.depth(queue)).toBe(8);

      const seen: Delivery[] = [];
      const consumer = await bus.consume(queue, async (d) => void seen.push(d), { prefetch: 1 });
      cleanups.push(() => consumer.close());
      await eventually(() => seen.length === 84);
      const envelopes = seen.map((d) => d.json<EventEnvelope>());
      expect(seen.map((d) => d.messageId)).toEqual(envelopes.map((e) => `outbox-${e.id}`));
      // Every event in the order it was written.
      expect(envelopes.map((e) => e.payload.n)).toEqual(Array.from({ length: 84 }, (_, i) => i));
      expect(seen.slice(50, 80).map((d) => d.routingKey)).toEqual(kinds.flatMap((kind) => Array(10).fill(`${tenant.id}.${kind}`)));
    });
  }

  const drivers = [
    { name: 'pg', available: Boolean(DATABASE_URL) },
    { name: 'pglite', available: true },
  ] as const;
  for (const driver of drivers) {
    for (const factory of busFactories) {
      it.skipIf(!driver.available || !factory.available)(
        `loses nothing when the process is killed between commit and publish (${driver.name}, ${factory.name})`,
        async () => {
          let target: string;
          let reopen: () => Promise<DatabaseHandle>;
          if (driver.name === 'pg') {
            const empty = await emptyPgDatabase();
            cleanups.push(() => empty.drop());
            target = empty.url;
            reopen = async () => openPgDatabase(empty.url, 2);
          } else {
            const dir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
            cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
            target = dir;
            reopen = () => openPgliteDatabase(dir);
          }
          let handle = await reopen();
          await migrateUp(handle.db, allMigrations);
          await handle.db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).execute();
          // The embedded engine allows one process on its files at a time.
          if (driver.name === 'pglite') await handle.close();

          const output = await runChild('test/support/commit-then-die-child.ts', [target, '25']);
          expect(output.signal).toBe('SIGKILL');
          expect(output.stdout).toContain('committed');

          if (driver.name === 'pglite') handle = await reopen();
          cleanups.push(() => handle.close());
          const tenant = await handle.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
          const bus = await factory.open();
          cleanups.push(() => bus.close());
          const { seen, consumer } = await listen(bus, tenant.id);
          cleanups.push(() => consumer.close());
          const relay = new OutboxRelay(handle.db, bus, { pollMs: 20 });
          relay.start();
          cleanups.push(() => relay.stop());
          await eventually(() => seen.length === 25);
          const names = seen.map((d) => d.json<EventEnvelope>().payload.name);
          expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `skill-${i}`));
        },
      );
    }
  }
});

function runChild(script: string, args: string[]): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ stdout, signal }));
  });
}
