import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import x from '../../connectors/x/connector.js';
import { xFixtures } from '../../connectors/x/fixtures/index.js';
import { readXPayload } from '../../connectors/x/normalize.js';
import { declareInboundShards } from '../../core/bus/index.js';
import type { Bus } from '../../core/bus/bus.js';
import { loadChannelContext } from '../../core/connector/channel-context.js';
import { createChannel } from '../../core/connector/channels.js';
import { createHooksApp } from '../../core/connector/gateway.js';
import { startPullLoops } from '../../core/connector/pull.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { processInbound } from '../../router/pipeline/process-batch.js';
import { inboundPipeline } from '../../app/pipeline.js';
import { startFakeX, type FakeX } from '../fakes/x.js';
import { seedTenant, testDeps } from '../support/connectors.js';
import { AMQP_URL, BUS_NAMESPACE, busFactories, DATABASE_URL, eventually, freshDatabase } from '../support/services.js';

const SECRET_KEY = randomBytes(32);

describe('X direct messages: webhook and poll', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let bus: Bus;
  let fake: FakeX;
  let deps: ReturnType<typeof testDeps>;
  let tenantId: string;
  let app: Hono;
  /** Every envelope the bus delivered to the router, duplicates included. */
  const delivered: InboundEnvelope[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    bus = await (busFactories.find((f) => f.name === 'rabbitmq' && f.available) ?? busFactories[0]!).open();
    fake = await startFakeX();
    deps = testDeps(database.db, bus, [x], { secretKey: SECRET_KEY, inboundShards: 2 });
    // The router's part, as its consumer runs it: one transaction per delivery, dedupe included.
    for (const queue of await declareInboundShards(bus, 2, deps.config.retry)) {
      await bus.consume(
        queue,
        async (delivery) => {
          const envelope = delivery.json<InboundEnvelope>();
          delivered.push(envelope);
          await database.db.transaction().execute((trx) => processInbound(trx, [envelope], { pipeline: inboundPipeline }));
        },
        { prefetch: 20 },
      );
    }
    tenantId = await seedTenant(database.db);
    app = new Hono().route('/', createHooksApp(deps));
  }, 180_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fake?.close();
    await bus?.close();
    await database?.drop();
  }, 60_000);

  const channel = async (receive: 'poll' | 'webhook' | 'webhook+poll', extra: Record<string, unknown> = {}) =>
    (
      await createChannel(deps, tenantId, {
        type: 'x-dm',
        name: `X ${receive} ${randomBytes(2).toString('hex')}`,
        config: {
          ...fake.credentials,
          apiBaseUrl: fake.url,
          mediaBaseUrl: fake.url,
          caCertificate: fake.ca,
          receive,
          pollIntervalSeconds: 2,
          backfillHours: 1,
          ...extra,
        },
      })
    ).channel;

  const stored = async (channelId: string) =>
    database.db
      .selectFrom('messages')
      .select(['external_id', 'content'])
      .where('channel_id', '=', channelId)
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();

  const deliver = (channelId: string, body: Buffer, signature?: string) =>
    app.request(`http://switchboard.test/hooks/${channelId}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-twitter-webhooks-signature': signature } : {}) },
      body: new Uint8Array(body),
    });

  it('answers the CRC challenge with the HMAC-SHA256 of the token under the consumer secret', async () => {
    const { id } = await channel('webhook');
    const response = await app.request(`http://switchboard.test/hooks/${id}/?crc_token=${encodeURIComponent('9b4507b3-9040-4669-9ba3-b8d1d7b1d7a1')}`);
    expect(response.status).toBe(200);
    const expected = `sha256=${createHmac('sha256', fake.credentials.consumerSecret).update('9b4507b3-9040-4669-9ba3-b8d1d7b1d7a1').digest('base64')}`;
    expect(await response.json()).toEqual({ response_token: expected });
    expect((await app.request(`http://switchboard.test/hooks/${id}/`)).status).toBe(400);
  });

  it('refuses a delivery whose signature was made for other bytes, storing nothing', async () => {
    const { id } = await channel('webhook');
    const dm = fake.customerWrites({ id: '700000001' }, 'refund please');
    const { body, signature } = fake.webhookDelivery([dm]);
    const tampered = Buffer.from(body.toString().replace('refund please', 'refund pleaseX'));
    expect((await deliver(id, tampered, signature)).status).toBe(403);
    expect((await deliver(id, body)).status).toBe(401);
    expect((await deliver(id, body, signature)).status).toBe(200);
    await eventually(async () => (await stored(id)).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await stored(id)).map((m) => m.external_id)).toEqual([`dm:${dm.id}`]);
  });

  it('downloads a DM’s picture with a signed request into the attachment store, one file whether it came by webhook or poll', async () => {
    const { id } = await channel('webhook');
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR42mP8z8DwnwEIGBkZGAAAIAQB/0dmWRsAAAAASUVORK5CYII=', 'base64');
    const dm = fake.customerWrites({ id: '3001969388', name: 'Mia Chen' }, 'the box was crushed', { photo: png });
    const { body, signature } = fake.webhookDelivery([dm]);
    expect((await deliver(id, body, signature)).status).toBe(200);
    const rows = (await eventually(async () => {
      const found = await stored(id);
      return found.length === 1 ? found : undefined;
    }))!;
    const picture = (rows[0]!.content as { type: string; attachmentId?: string; mimeType?: string }[]).find((p) => p.type === 'image')!;
    expect(picture).toMatchObject({ type: 'image', mimeType: 'image/png', size: png.length });
    const file = await database.db.selectFrom('attachments').select(['id', 'owner', 'sha256']).where('channel_id', '=', id).execute();
    expect(file).toEqual([{ id: picture.attachmentId, owner: '3001969388', sha256: createHash('sha256').update(png).digest('hex') }]);
    // The same DM by poll (its normalize again): the picture is not stored a second time.
    const { ctx } = (await loadChannelContext(deps, { id }))!;
    const page = { for_user_id: fake.me.id, dm_event: dm, users: [{ id: '3001969388', name: 'Mia Chen' }], media: [] as unknown[] };
    const polled = await x.normalize(
      {
        ...page,
        media: [
          {
            media_key: dm.attachments!.media_keys[0]!,
            type: 'photo',
            url: `${fake.url}/1.1/ton/data/dm/${dm.id}/${dm.attachments!.media_keys[0]!.slice(2)}/abc.png`,
          },
        ],
      },
      ctx,
    );
    expect((polled as { parts: { attachmentId?: string }[] }[])[0]!.parts.find((p) => p.attachmentId)?.attachmentId).toBe(picture.attachmentId);
    expect(await database.db.selectFrom('attachments').select('id').where('channel_id', '=', id).execute()).toHaveLength(1);
  });

  it('gives the same message for one DM whether it came by webhook or by poll', () => {
    const fromWebhook = readXPayload(xFixtures.webhookImage)[0]!;
    const page = xFixtures.dmEventsPage as { data: Record<string, unknown>[]; includes: { users: unknown[]; media: unknown[] } };
    const fromPoll = readXPayload({ for_user_id: '4337869213', dm_event: page.data[0], users: page.includes.users, media: page.includes.media })[0]!;
    const { raw: _a, ...webhookMessage } = fromWebhook;
    const { raw: _b, ...pollMessage } = fromPoll;
    expect(pollMessage).toEqual(webhookMessage);
    expect(pollMessage).toMatchObject({ externalId: 'dm:954491830116155397', sender: { externalId: '3001969357', displayName: 'Jordan Brinks' } });
    expect(pollMessage.parts).toEqual([
      { type: 'text', text: 'My parcel arrived broken https://t.co/B2EhZCSoUP' },
      { type: 'image', providerId: '954491826240716800', url: 'https://ton.twitter.com/1.1/ton/data/dm/954491830116155397/954491826240716800/3kwpsKHU.jpg' },
    ]);
  });

  it('drops the account’s own DMs in a webhook delivery', async () => {
    const { id } = await channel('webhook');
    const echo = JSON.parse(JSON.stringify(xFixtures.webhookText)) as { direct_message_events: { message_create: { sender_id: string } }[] };
    echo.direct_message_events[0]!.message_create.sender_id = '4337869213';
    const body = Buffer.from(JSON.stringify(echo));
    const before = delivered.length;
    const response = await deliver(id, body, `sha256=${createHmac('sha256', fake.credentials.consumerSecret).update(body).digest('base64')}`);
    expect(response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered.length).toBe(before);
  });

  it('polls every DM across pages, oldest first, within the rate limit; a DM pushed and polled is stored once; echoes are dropped', {
    timeout: 120_000,
  }, async () => {
    const ch = await channel('webhook+poll');
    const customers = Array.from({ length: 5 }, (_, i) => ({ id: String(710000000 + i), name: `Customer ${i}` }));
    Array.from({ length: 230 }, (_, i) => fake.customerWrites(customers[i % 5]!, `question ${i}`, { photo: i % 50 === 0 }));
    // Every customer DM the account has (earlier tests' too): the poll takes them all.
    const dms = fake.events.filter((e) => e.sender_id !== fake.me.id);
    // One of them also arrives by webhook before the poll sees it.
    const pushed = dms.at(-7)!;
    const { body, signature } = fake.webhookDelivery([pushed]);
    expect((await deliver(ch.id, body, signature)).status).toBe(200);
    // Two pages per window: the poll must wait for the reset instead of running into 429.
    fake.limitDmEvents(2, 3);
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 200 });
    try {
      await eventually(async () => (await stored(ch.id)).length >= dms.length, { timeoutMs: 60_000, intervalMs: 200 });
      const rows = await stored(ch.id);
      expect(rows.map((r) => r.external_id)).toHaveLength(dms.length);
      expect(new Set(rows.map((r) => r.external_id)).size).toBe(dms.length);
      expect(rows.map((r) => r.external_id).sort()).toEqual(dms.map((d) => `dm:${d.id}`).sort());
      // Handed over oldest first: each customer's conversation is in the order they wrote.
      const order = [...new Set(delivered.filter((e) => e.channelId === ch.id).map((e) => e.message.externalId))];
      for (const customer of customers) {
        const theirs = dms.filter((d) => d.sender_id === customer.id && d !== pushed).map((d) => `dm:${d.id}`);
        expect(order.filter((id) => theirs.includes(id))).toEqual(theirs);
      }
      expect(fake.calls.filter((c) => c.path.startsWith('/2/dm_events') && c.status === 429)).toEqual([]);

      // The agent answers; the answer shows up in the DM list and is not taken for a customer's message.
      await x.send(
        {
          version: 1,
          tenantId,
          channelId: ch.id,
          channelType: 'x-dm',
          messageId: '1',
          conversationId: '00000000-0000-4000-8000-000000000001',
          recipient: { externalId: customers[0]!.id },
          threadKey: '',
          parts: [{ type: 'text', text: 'On it!' }],
        },
        (await import('../../core/connector/channel-context.js')).contextFor(
          deps,
          x,
          await database.db.selectFrom('channels').selectAll().where('id', '=', ch.id).executeTakeFirstOrThrow(),
        ),
      );
      const later = fake.customerWrites(customers[1]!, 'thanks');
      await eventually(async () => (await stored(ch.id)).some((r) => r.external_id === `dm:${later.id}`), { timeoutMs: 30_000, intervalMs: 200 });
      expect((await stored(ch.id)).map((r) => r.external_id)).not.toContain(`dm:${fake.sent.at(-1)!.eventId}`);
    } finally {
      await loops.stop();
      // Generous from here on: the later tests' polls (every channel's) share the fake's budget.
      fake.limitDmEvents(100_000, 900);
    }
  });

  it('without backfill, takes the DMs written after the first poll and none before', { timeout: 60_000 }, async () => {
    const before = fake.customerWrites({ id: '725000001' }, 'written before the channel existed');
    const ch = await channel('poll', { backfillHours: 0 });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 200 });
    try {
      await eventually(
        async () => (await database.db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', ch.id).executeTakeFirst())?.cursor.since,
        { timeoutMs: 20_000 },
      );
      // Two empty polls go by; then the customer writes.
      await new Promise((r) => setTimeout(r, 4500));
      const after = fake.customerWrites({ id: '725000001' }, 'written after', { at: new Date() });
      await eventually(async () => (await stored(ch.id)).length > 0, { timeoutMs: 20_000, intervalMs: 200 });
      expect((await stored(ch.id)).map((r) => r.external_id)).toEqual([`dm:${after.id}`]);
      expect(before.id).not.toBe(after.id);
    } finally {
      await loops.stop();
    }
  });

  it('takes a DM that X lists late, behind a newer one it already handed over, and only once', { timeout: 60_000 }, async () => {
    const ch = await channel('poll', { backfillHours: 1 });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 200 });
    const count = async (id: string) => (await stored(ch.id)).filter((r) => r.external_id === `dm:${id}`).length;
    try {
      const newer = fake.customerWrites({ id: '726000001' }, 'second message, listed first', { at: new Date() });
      await eventually(async () => (await count(newer.id)) === 1, { timeoutMs: 30_000, intervalMs: 200 });
      // Written 30 s before the one already handed over, but only listed now.
      const late = fake.customerWrites({ id: '726000001' }, 'first message, listed late', { at: new Date(Date.parse(newer.created_at) - 30_000) });
      await eventually(async () => (await count(late.id)) === 1, { timeoutMs: 30_000, intervalMs: 200 });
      await new Promise((r) => setTimeout(r, 4500));
      expect([await count(newer.id), await count(late.id)]).toEqual([1, 1]);
    } finally {
      await loops.stop();
    }
  });

  it('backs off after a 429 or 503 and then carries on', { timeout: 60_000 }, async () => {
    const ch = await channel('poll');
    fake.failNext('/2/dm_events', 503, 429);
    const dm = fake.customerWrites({ id: '720000001' }, 'anyone there?');
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 200 });
    try {
      await eventually(async () => (await stored(ch.id)).some((r) => r.external_id === `dm:${dm.id}`), { timeoutMs: 30_000, intervalMs: 200 });
      expect(deps.logs()).toContain('x poll failed');
    } finally {
      await loops.stop();
    }
  });

  describe.skipIf(!DATABASE_URL || !AMQP_URL)('killed mid-page and mid-handover', () => {
    function startChild(name: string): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/x-poll-child.ts', database.url!, name], {
        env: { ...process.env, BUS_NAMESPACE, SECRET_KEY: SECRET_KEY.toString('hex'), SLOW_PUBLISH_MS: '15' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      return new Promise((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
        child.once('exit', (code, signal) => signal !== 'SIGKILL' && reject(new Error(`child ${name} exited with ${code}`)));
      });
    }

    it('resumes from the confirmed cursor with neither gap nor duplicate', { timeout: 300_000 }, async () => {
      const ch = await channel('poll');
      await database.db.updateTable('channels').set({ enabled: false }).where('id', '!=', ch.id).execute();
      Array.from({ length: 260 }, (_, i) => fake.customerWrites({ id: String(730000000 + (i % 7)) }, `message ${i}`));
      const dms = fake.events.filter((e) => e.sender_id !== fake.me.id);
      const mine = (e: InboundEnvelope) => e.channelId === ch.id;

      // 1. Killed while page 2 is in flight: nothing handed over yet.
      let killedMidPage = false;
      const first = await startChild('first');
      fake.onRequest = (_method, path) => {
        if (!killedMidPage && path.startsWith('/2/dm_events') && path.includes('pagination_token')) {
          killedMidPage = true;
          first.kill('SIGKILL');
          return false;
        }
        return undefined;
      };
      await eventually(() => killedMidPage, { timeoutMs: 30_000 });
      fake.onRequest = undefined;

      // 2. Killed while handing DMs over, after some batches were confirmed.
      const second = await startChild('second');
      await eventually(() => delivered.filter(mine).length >= 60, { timeoutMs: 60_000, intervalMs: 20 });
      second.kill('SIGKILL');
      const cursorAtKill = await database.db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', ch.id).executeTakeFirst();
      // It really died halfway through handing over: the confirmed cursor is short of the newest DM.
      const noted = cursorAtKill?.cursor as { newestAt?: string } | undefined;
      expect(noted?.newestAt).toBeDefined();
      expect(Date.parse(noted!.newestAt!)).toBeLessThan(Date.parse(dms.at(-1)!.created_at));

      // 3. Another process takes over and finishes.
      await startChild('third');
      await eventually(async () => (await stored(ch.id)).length >= dms.length, { timeoutMs: 90_000, intervalMs: 200 });
      await new Promise((r) => setTimeout(r, 3000));
      const rows = await stored(ch.id);
      expect(rows).toHaveLength(dms.length);
      expect(rows.map((r) => r.external_id).sort()).toEqual(dms.map((d) => `dm:${d.id}`).sort());
      expect(cursorAtKill?.cursor).toBeDefined();
      // What the bus carried more than once (a batch published but not yet noted) was stored once.
      expect(delivered.filter(mine).length).toBeGreaterThanOrEqual(dms.length);
    });
  });
});
