// Several router processes against thousands of messages while agents flip status and capacity
// and conversations get resolved; then the invariants: every message stored exactly once, no
// conversation with two agents at once, no agent above capacity, each customer's order kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleInboundPipeline } from '../app/pipeline.js';
import { RabbitMqBus } from '../core/bus/rabbitmq/rabbitmq-bus.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, TEST_QUEUE_TYPE, deleteQueues, freshDatabase } from './support/services.js';
import { busyCompany, customerMessages, expectInvariants, startChaos, storedCount, withReplays } from './support/concurrency-chaos.js';
import { publishInbound, waitFor } from './support/router-world.js';
import type { InboundEnvelope } from '../core/domain/messages.js';
import type { InboundBatch } from '../router/pipeline/batch.js';
import { processInbound } from '../router/pipeline/process-batch.js';

const SHARDS = 4;

function spawnWatched(args: string[], env: Record<string, string>, readyText: string) {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(readyText)) resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output.slice(-3000)}`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

describe.skipIf(!DATABASE_URL)('router concurrency', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('keeps every invariant with two router processes committing batches at once on PostgreSQL', { timeout: 90_000 }, async () => {
    const handle = await freshDatabase('pg');
    cleanups.push(() => handle.drop());
    const { world, agents } = await busyCompany(handle.db, 'two-routers');
    // Each process has its own customers, as shards would give them; replays stay on their shard.
    const shards = [customerMessages(world, 200, 5, 'north'), customerMessages(world, 200, 5, 'south')];
    const dir = mkdtempSync(join(tmpdir(), 'sb-concurrency-'));
    const chaos = startChaos(handle.db, world, agents);
    const routers = shards.map((sent, i) => {
      const file = join(dir, `shard-${i}.json`);
      writeFileSync(file, JSON.stringify(withReplays(sent, 50)));
      return spawnWatched(['--import', 'tsx', 'test/support/router-batch-child.ts', file, '40'], { DATABASE_URL: handle.url! }, 'done');
    });
    for (const r of routers) children.push(r.child);
    const outputs = await Promise.all(routers.map((r) => r.ready));
    await chaos.stop();
    expect(chaos.counts.flips).toBeGreaterThan(10);
    expect(chaos.counts.resolved).toBeGreaterThan(10);
    await expectInvariants(handle.db, world, shards.flat(), chaos.sampled);
    expect(outputs.join('')).toMatch(/done 1050 0\n[\s\S]*done 1050 0\n/);
  });

  it('decides and stores a shard’s batch while another batch of the company holds the routing lock', { timeout: 60_000 }, async () => {
    const handle = await freshDatabase('pg');
    cleanups.push(() => handle.drop());
    // 50 seats for 60 new conversations: the last ten wait in line.
    const { world } = await busyCompany(handle.db, 'lock-window');
    const shards = [customerMessages(world, 30, 2, 'north'), customerMessages(world, 30, 2, 'south')];
    // North's first batch stops once placed (it holds the lock until it commits) and waits for
    // south's first batch to reach its placing: that one has stored and decided meanwhile.
    let southReady!: () => void;
    const southAtAssign = new Promise<void>((resolve) => (southReady = resolve));
    let overlapped = false;
    const first = (batch: InboundBatch, prefix: string) => batch.envelopes[0]?.message.externalId === `${prefix}-0-1`;
    const pipeline = assembleInboundPipeline()
      .use({ name: 'test-before-assign', run: async (batch) => void (first(batch, 'south') && southReady()) }, { before: 'assign' })
      .use(
        {
          name: 'test-after-assign',
          async run(batch) {
            if (!first(batch, 'north')) return;
            startSouth();
            overlapped = await Promise.race([southAtAssign.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
          },
        },
        { after: 'assign' },
      );
    const runShard = async (sent: InboundEnvelope[]) => {
      for (let i = 0; i < sent.length; i += 20) await handle.db.transaction().execute((trx) => processInbound(trx, sent.slice(i, i + 20), { pipeline }));
    };
    let south: Promise<void> | undefined;
    const startSouth = () => void (south = runShard(shards[1]!));
    await runShard(shards[0]!);
    await south;
    expect(overlapped).toBe(true);
    await expectInvariants(handle.db, world, shards.flat(), []);
    // Every conversation has an agent or waits, and one waits only where its group has no seat
    // left. How many wait depends on the order the shards placed them in: four agents sit in
    // both groups, so which group fills their seats first decides whether a sales conversation
    // still finds one (50 seated and 10 waiting, or 49 and 11).
    const conversations = await handle.db
      .selectFrom('conversations')
      .select(['status', 'group_id', 'assignee_id'])
      .where('tenant_id', '=', world.tenantId)
      .execute();
    expect(conversations).toHaveLength(60);
    expect(conversations.filter((c) => c.status !== 'assigned' && c.status !== 'queued')).toEqual([]);
    const agents = await handle.db
      .selectFrom('users')
      .innerJoin('group_members', 'group_members.user_id', 'users.id')
      .select(['users.id', 'users.capacity', 'group_members.group_id'])
      .where('users.tenant_id', '=', world.tenantId)
      .execute();
    const seated = (agent: string) => conversations.filter((c) => c.status === 'assigned' && c.assignee_id === agent).length;
    const chatCapacity = (capacity: unknown) => (typeof capacity === 'string' ? JSON.parse(capacity) : (capacity as { chat: number })).chat as number;
    const waitingBesideAFreeSeat = [...new Set(conversations.filter((c) => c.status === 'queued').map((c) => c.group_id))].flatMap((group) =>
      agents.filter((a) => a.group_id === group && seated(a.id) < chatCapacity(a.capacity)).map((a) => `${group}: ${a.id}`),
    );
    expect(waitingBesideAFreeSeat).toEqual([]);
  });

  it.skipIf(!AMQP_URL)(
    'keeps every invariant with three `switchboard start --role router` processes on RabbitMQ, one killed mid-run',
    { timeout: 120_000 },
    async () => {
      const handle = await freshDatabase('pg');
      cleanups.push(() => handle.drop());
      const db = handle.db;
      const { world, agents } = await busyCompany(db, 'three-routers');
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: handle.url!,
        DATABASE_POOL_SIZE: '4',
        AMQP_URL: AMQP_URL!,
        BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
        BUS_NAMESPACE,
        INBOUND_SHARDS: String(SHARDS),
        SECRET_KEY: 'ab'.repeat(32),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-router-')),
        LOG_LEVEL: 'info',
      };
      const startRouter = () => spawnWatched(['console/cli/dev.mjs', 'start', '--role', 'router'], env, 'switchboard is running');
      const routers = [startRouter(), startRouter(), startRouter()];
      for (const r of routers) children.push(r.child);
      await Promise.all(routers.map((r) => r.ready));
      const bus = await RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: BUS_NAMESPACE, queueType: TEST_QUEUE_TYPE });
      cleanups.push(() => bus.close());
      cleanups.push(() => deleteQueues(Array.from({ length: SHARDS }, (_, n) => `inbound.shard.${n}`)));

      const sent = customerMessages(world, 400, 5);
      const chaos = startChaos(db, world, agents);
      const all = withReplays(sent, 100);
      const publishing = (async () => {
        for (let i = 0; i < all.length; i += 50) await Promise.all(all.slice(i, i + 50).map((e) => publishInbound(bus, SHARDS, e)));
      })();
      // A router dies mid-run without a goodbye; a new one takes its place.
      await waitFor(async () => (await storedCount(db, world)) > sent.length / 3, 30_000);
      routers[0]!.child.kill('SIGKILL');
      const replacement = startRouter();
      children.push(replacement.child);
      await replacement.ready;
      await publishing;
      await waitFor(async () => (await storedCount(db, world)) === sent.length, 60_000);
      await chaos.stop();
      expect(chaos.counts.flips).toBeGreaterThan(10);
      expect(chaos.counts.resolved).toBeGreaterThan(10);
      await expectInvariants(db, world, sent, chaos.sampled);
    },
  );
});
