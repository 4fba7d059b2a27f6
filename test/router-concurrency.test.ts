// Several router processes (the real `switchboard start --role router`) against thousands of
// messages on RabbitMQ and PostgreSQL, while agents flip status and capacity, conversations get
// resolved, and one router is killed and replaced. Then the invariants: every message stored
// exactly once, no conversation with two agents at once, no agent above capacity, order kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { RabbitMqBus } from '../core/bus/rabbitmq/rabbitmq-bus.js';
import type { Bus } from '../core/bus/bus.js';
import { resolveConversation, setAgentCapacity, setAgentStatus } from '../router/actions.js';
import { assignmentViolations } from './support/assignment-invariants.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, deleteQueues, freshDatabase } from './support/services.js';
import { addAgent, addGroup, addRule, createWorld, depsFor, envelope, publishInbound, setDefaultGroup, waitFor } from './support/router-world.js';

const SHARDS = 4;
const CUSTOMERS = 400;
const PER_CUSTOMER = 5;
const REPLAYS = 100;
const MAX_CAPACITY = 4;

function startRouterProcess(databaseUrl: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['console/cli/bin.mjs', 'start', '--role', 'router'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      AMQP_URL: AMQP_URL!,
      BUS_NAMESPACE,
      INBOUND_SHARDS: String(SHARDS),
      SECRET_KEY: 'ab'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-router-')),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('switchboard is running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`router exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
  return { child, ready };
}

describe.skipIf(!DATABASE_URL || !AMQP_URL)('router concurrency', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('keeps every invariant with three router processes, agents flipping status and capacity, and a router killed mid-run', { timeout: 90_000 }, async () => {
    const handle = await freshDatabase('pg');
    cleanups.push(() => handle.drop());
    const db = handle.db;
    const world = await createWorld(db, 'busy-co');
    const support = await addGroup(world, 'Support');
    const sales = await addGroup(world, 'Sales', { strategy: 'least_busy' });
    await setDefaultGroup(world, support);
    await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales });
    const agents: string[] = [];
    for (let i = 0; i < 20; i++) {
      const groups = i < 12 ? [support] : i < 16 ? [sales] : [support, sales];
      agents.push(await addAgent(world, `agent-${i}`, { groups, capacity: { chat: 1 + (i % MAX_CAPACITY) } }));
    }

    const routers = [startRouterProcess(handle.url!), startRouterProcess(handle.url!), startRouterProcess(handle.url!)];
    for (const r of routers) children.push(r.child);
    await Promise.all(routers.map((r) => r.ready));

    const bus: Bus = await RabbitMqBus.connect({ urls: AMQP_URL!.split(','), namespace: BUS_NAMESPACE });
    cleanups.push(() => bus.close());
    cleanups.push(() => deleteQueues(Array.from({ length: SHARDS }, (_, n) => `inbound.shard.${n}`)));

    // Chaos while the messages flow: status and capacity flips, resolutions, a sampler.
    const deps = depsFor(db);
    let running = true;
    const sampled: string[] = [];
    let random = 7;
    const next = (n: number) => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) % n);
    const loop = async (everyMs: number, work: () => Promise<void>) => {
      while (running) {
        await work().catch((error) => {
          if (!['ConflictError', 'NotFoundError'].includes((error as Error).name)) throw error;
        });
        await new Promise((r) => setTimeout(r, everyMs));
      }
    };
    const chaos = Promise.all([
      loop(15, async () => {
        const agent = agents[next(agents.length)]!;
        if (next(3) === 0) await setAgentCapacity(deps, { tenantId: world.tenantId, userId: agent, capacity: { chat: 1 + next(MAX_CAPACITY) } });
        else await setAgentStatus(deps, { tenantId: world.tenantId, userId: agent, status: (['online', 'online', 'busy', 'away', 'offline'] as const)[next(5)]! });
      }),
      loop(10, async () => {
        const open = await db.selectFrom('conversations').select('id').where('tenant_id', '=', world.tenantId).where('status', '=', 'assigned').limit(20).execute();
        const pick = open[next(Math.max(1, open.length))];
        if (pick) await resolveConversation(deps, { tenantId: world.tenantId, conversationId: pick.id, actorId: agents[0]! });
      }),
      loop(20, async () => {
        const over = await sql<{ assignee_id: string; n: number }>`select assignee_id, count(*)::int as n from conversations
          where tenant_id = ${world.tenantId} and status = 'assigned' group by assignee_id having count(*) > ${MAX_CAPACITY}`.execute(db);
        for (const row of over.rows) sampled.push(`${row.assignee_id} held ${row.n}`);
      }),
    ]);

    const sent: ReturnType<typeof envelope>[] = [];
    for (let seq = 1; seq <= PER_CUSTOMER; seq++) {
      for (let c = 0; c < CUSTOMERS; c++) {
        sent.push(envelope(world, { from: `customer-${c}`, id: `customer-${c}-${seq}`, text: `${c % 5 === 0 ? 'buy ' : ''}message ${seq}` }));
      }
    }
    const replays = Array.from({ length: REPLAYS }, (_, i) => sent[(i * 37) % sent.length]!);
    const all = [...sent];
    replays.forEach((replay, i) => all.splice(Math.min(all.length, (i + 1) * 20), 0, replay));
    const publishing = (async () => {
      for (let i = 0; i < all.length; i += 50) await Promise.all(all.slice(i, i + 50).map((e) => publishInbound(bus, SHARDS, e)));
    })();

    // A router dies mid-run (no goodbye); a new one takes its place.
    await waitFor(async () => {
      const { n } = await db.selectFrom('messages').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
      return n > sent.length / 3;
    }, 30_000);
    routers[0]!.child.kill('SIGKILL');
    const replacement = startRouterProcess(handle.url!);
    children.push(replacement.child);
    await replacement.ready;
    await publishing;

    await waitFor(async () => {
      const { n } = await db.selectFrom('messages').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', world.tenantId).where('direction', '=', 'in').executeTakeFirstOrThrow();
      return n === sent.length;
    }, 45_000);
    running = false;
    await chaos;

    // Every message stored exactly once.
    const stored = await db.selectFrom('messages').select(['external_id', 'conversation_id', 'id', 'sender_id']).where('tenant_id', '=', world.tenantId).where('direction', '=', 'in').orderBy('id').execute();
    expect(stored).toHaveLength(sent.length);
    expect(new Set(stored.map((m) => m.external_id)).size).toBe(sent.length);

    // Each customer's messages in the order they were sent, in one conversation (reopened when resolved).
    const byCustomer = new Map<string, { conversations: Set<string>; seqs: number[] }>();
    for (const m of stored) {
      const [, c, seq] = /^customer-(\d+)-(\d+)$/.exec(m.external_id!)!;
      const entry = byCustomer.get(c!) ?? { conversations: new Set(), seqs: [] };
      entry.conversations.add(m.conversation_id);
      entry.seqs.push(Number(seq));
      byCustomer.set(c!, entry);
    }
    expect(byCustomer.size).toBe(CUSTOMERS);
    for (const [, entry] of byCustomer) {
      expect(entry.seqs).toEqual([1, 2, 3, 4, 5]);
      expect(entry.conversations.size).toBe(1);
    }

    // Never two agents at once, never above capacity: the sampler, the log and the final state agree.
    expect(sampled).toEqual([]);
    expect(await assignmentViolations(db, world.tenantId)).toEqual([]);
    const log = await db.selectFrom('assignment_log').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
    expect(log.n).toBeGreaterThan(CUSTOMERS);
    const inconsistent = await db
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', world.tenantId)
      .where((eb) => eb.or([eb.and([eb('status', '=', 'assigned'), eb('assignee_id', 'is', null)]), eb('status', '=', 'open')]))
      .execute();
    expect(inconsistent).toEqual([]);
  });
});
