import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { declareInboundShards } from '../bus/index.js';
import { DATABASE_URL, eventually, freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { ticker } from '../../test/support/ticker-connector.js';
import { z } from 'zod';
import { createChannel, setChannelEnabled, updateChannel } from './channels.js';
import { defineConnector } from './define.js';
import { startPullLoops } from './pull.js';

describe('pull loops', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const children = new Map<string, ChildProcess>();
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    for (const child of children.values()) child.kill('SIGKILL');
    await database.drop();
  });

  const cursor = async (channelId: string) => database.db.selectFrom('pull_cursors').selectAll().where('channel_id', '=', channelId).executeTakeFirst();

  it('runs a channel loop that publishes and keeps its cursor, and stops it when the channel is disabled', async () => {
    const bus = new MemoryBus();
    const deps = testDeps(database.db, bus, [ticker]);
    const [queue] = await declareInboundShards(bus, 1, deps.config.retry);
    const seen: string[] = [];
    await bus.consume(queue!, async (d) => void seen.push(d.json<{ message: { externalId: string } }>().message.externalId), { prefetch: 10 });
    deps.config.inboundShards = 1;
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'ticker', name: 'Clock' });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 100, holder: 'solo' });
    try {
      await eventually(() => seen.length >= 3);
      expect(seen.slice(0, 3)).toEqual(['tick-1', 'tick-2', 'tick-3']);
      await setChannelEnabled(deps, tenantId, channel.id, false);
      await new Promise((r) => setTimeout(r, 300));
      const stoppedAt = (await cursor(channel.id))!.cursor.tick;
      await new Promise((r) => setTimeout(r, 300));
      expect((await cursor(channel.id))!.cursor.tick).toBe(stoppedAt);
    } finally {
      await loops.stop();
    }
  });

  it('publishes a pulled message holding U+0000 or a lone surrogate with U+FFFD in their place, not skipping it', async () => {
    const pulled = defineConnector({
      type: 'pulled',
      displayName: 'Pulled',
      capabilities: { receive: ['text'], send: [] },
      config: z.object({}),
      inbound: {
        kind: 'pull',
        async run(ctx) {
          await ctx.accept([{ text: 'before\u0000after \uD800 你好 😀' }]);
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        },
      },
      normalize: (payload) => ({
        externalId: 'pulled-1',
        sender: { externalId: 'someone' },
        parts: [{ type: 'text', text: (payload as { text: string }).text }],
      }),
      send: async () => 'never',
    });
    const bus = new MemoryBus();
    const deps = testDeps(database.db, bus, [pulled]);
    deps.config.inboundShards = 1;
    const [queue] = await declareInboundShards(bus, 1, deps.config.retry);
    const texts: string[] = [];
    await bus.consume(queue!, async (d) => void texts.push(d.json<{ message: { parts: { text: string }[] } }>().message.parts[0]!.text), { prefetch: 10 });
    const tenantId = await seedTenant(database.db);
    await createChannel(deps, tenantId, { type: 'pulled', name: 'Pulled' });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 50, holder: 'solo' });
    try {
      await eventually(() => texts.length === 1);
      expect(texts).toEqual(['before\uFFFDafter \uFFFD 你好 😀']);
      expect(deps.logs()).toContain('cannot be stored');
    } finally {
      await loops.stop();
    }
  });

  it('runs the loop of a webhook connector beside its routes, and starts it again when the settings change', async () => {
    const started: string[] = [];
    const registrar = defineConnector({
      type: 'registrar',
      displayName: 'Registrar',
      capabilities: { receive: ['text'], send: [] },
      config: z.object({ url: z.string() }),
      inbound: {
        kind: 'http',
        routes: [],
        async run(ctx) {
          started.push(ctx.config.url);
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        },
      },
      normalize: () => [],
      send: async () => 'never',
    });
    const deps = testDeps(database.db, new MemoryBus(), [registrar]);
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'registrar', name: 'Hooks', config: { url: 'one' } });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 50, holder: 'solo' });
    try {
      await eventually(() => started.length === 1);
      await updateChannel(deps, tenantId, channel.id, { config: { url: 'two' } });
      await eventually(() => started.length === 2);
      expect(started).toEqual(['one', 'two']);
      // Unchanged settings leave the running loop alone.
      await new Promise((r) => setTimeout(r, 200));
      expect(started).toHaveLength(2);
    } finally {
      await loops.stop();
    }
  });

  describe.skipIf(!DATABASE_URL)('across processes', () => {
    function startChild(name: string): Promise<void> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/pull-child.ts', database.url!, name], {
        env: { ...process.env, TICKER_NAME: name },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.set(name, child);
      return new Promise((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`child ${name} exited with ${code}`)));
      });
    }

    it('runs exactly one loop per channel among two processes, and the other takes over when it dies', async () => {
      const deps = testDeps(database.db, new MemoryBus(), [ticker]);
      const tenantId = await seedTenant(database.db);
      const { channel } = await createChannel(deps, tenantId, { type: 'ticker', name: 'Shared clock' });
      await Promise.all([startChild('a'), startChild('b')]);

      const first = await eventually(async () => (await cursor(channel.id))?.holder);
      // For a second, only that process writes: the other never got the lock.
      const holders = new Set<string | null | undefined>();
      let lastTick = 0;
      for (let i = 0; i < 20; i++) {
        const row = await cursor(channel.id);
        holders.add(row?.holder);
        expect(Number(row!.cursor.tick)).toBeGreaterThanOrEqual(lastTick);
        lastTick = Number(row!.cursor.tick);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect([...holders]).toEqual([first]);

      children.get(first!)!.kill('SIGKILL');
      const second = await eventually(async () => {
        const holder = (await cursor(channel.id))?.holder;
        return holder && holder !== first ? holder : undefined;
      });
      expect(second).toBe(first === 'a' ? 'b' : 'a');
      // It carries on from the cursor the first one saved.
      expect(Number((await cursor(channel.id))!.cursor.tick)).toBeGreaterThan(lastTick);
    });
  });
});
