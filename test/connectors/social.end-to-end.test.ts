import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xFixtures } from '../../connectors/x/fixtures/index.js';
import { AttachmentStore } from '../../core/attachments/store.js';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createChannel } from '../../core/connector/channels.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createLogger } from '../../core/log/logger.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { signedWeiboQuery, startFakeWeibo, weiboPushBody, type FakeWeibo } from '../fakes/weibo.js';
import { startFakeX, type FakeX } from '../fakes/x.js';
import { addAgent, addGroup, createWorld, setDefaultGroup, type World } from '../support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

/**
 * Weibo and X through the whole process — gateway, bus, router, outbound workers — on
 * PostgreSQL (and RabbitMQ when AMQP_URL is set; the in-process bus otherwise): a customer's
 * message becomes a conversation the router assigns, and the agent's reply reaches the fake
 * with valid authentication.
 */
describe.skipIf(!DATABASE_URL)('Weibo and X end to end', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let weibo: FakeWeibo;
  let x: FakeX;
  let world: World;
  let agentId: string;
  let logs = '';
  const APP_SECRET = 'weibo-app-secret-e2e-0123';

  beforeAll(async () => {
    database = await emptyPgDatabase();
    weibo = await startFakeWeibo();
    x = await startFakeX();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      SECRET_KEY: 'cd'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-social-')),
      BUS_RETRY_BASE_MS: '200',
      BUS_RETRY_ATTEMPTS: '3',
      LOG_LEVEL: 'debug',
    });
    const logger = createLogger(
      'debug',
      new Writable({
        write(chunk, _e, done) {
          logs += chunk;
          done();
        },
      }),
    );
    running = await startProcess(config, ROLES, logger);
    const db = running.ctx.database.db;
    world = await createWorld(db, 'brand');
    const group = await addGroup(world, 'Social');
    agentId = await addAgent(world, 'Wang Fang', { groups: [group] });
    await setDefaultGroup(world, group);
  }, 240_000);
  afterAll(async () => {
    await running?.stop();
    await weibo?.close();
    await x?.close();
    await database?.drop();
  }, 60_000);

  const db = () => running.ctx.database.db;
  const conversationOf = (channelId: string) =>
    eventually(() => db().selectFrom('conversations').selectAll().where('channel_id', '=', channelId).where('assignee_id', 'is not', null).executeTakeFirst(), {
      timeoutMs: 20_000,
    });
  const settled = (messageId: string) =>
    eventually(
      async () => {
        const row = await db().selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow();
        return row.status !== 'queued' ? row : undefined;
      },
      { timeoutMs: 30_000 },
    );

  it('Weibo: a fan’s message is assigned to the agent; a retry is stored once, a bad signature nothing; the reply reaches Weibo', {
    timeout: 90_000,
  }, async () => {
    const deps = await connectorDeps(running.ctx);
    const { channel } = await createChannel(deps, world.tenantId, {
      type: 'weibo',
      name: 'Brand Weibo',
      config: { appSecret: APP_SECRET, accessToken: weibo.accessToken, apiBaseUrl: weibo.url, uploadBaseUrl: weibo.url },
    });
    const body = weiboPushBody({ type: 'text', senderId: '5000000001', receiverId: '1902538057', createdAt: new Date(), text: '快递到哪了？' });
    const push = (query: Record<string, string>) =>
      fetch(`${running.url}/hooks/${channel.id}/?${new URLSearchParams(query)}`, { method: 'POST', body: new Uint8Array(body) });
    expect((await push(signedWeiboQuery('not-the-secret'))).status).toBe(403);
    const first = await push(signedWeiboQuery(APP_SECRET));
    expect(first.status).toBe(200);
    expect((await push(signedWeiboQuery(APP_SECRET))).status).toBe(200);

    const conversation = await conversationOf(channel.id);
    expect(conversation!.assignee_id).toBe(agentId);
    await new Promise((r) => setTimeout(r, 500));
    const inbound = await db().selectFrom('messages').select('id').where('channel_id', '=', channel.id).where('direction', '=', 'in').execute();
    expect(inbound).toHaveLength(1);

    const { message } = await queueReply(db(), {
      tenantId: world.tenantId,
      conversationId: conversation!.id,
      sender: { type: 'agent', id: agentId },
      parts: [{ type: 'text', text: '今天下午送到' }],
    });
    running.ctx.relay.poke();
    const sent = await settled(message.id);
    expect(sent!.status).toBe('sent');
    expect(weibo.replies.at(-1)).toMatchObject({ receiverId: '5000000001', type: 'text', data: { text: '今天下午送到' } });
    expect(weibo.requests.at(-1)!.query.access_token).toBe(weibo.accessToken);
    expect(logs).not.toContain(APP_SECRET);
    expect(logs).not.toContain(weibo.accessToken);
  });

  it('X: a DM pushed by the webhook is assigned to the agent; the text-and-image reply is uploaded and sent with valid OAuth', {
    timeout: 90_000,
  }, async () => {
    const deps = await connectorDeps(running.ctx);
    const { channel } = await createChannel(deps, world.tenantId, {
      type: 'x-dm',
      name: 'Brand on X',
      config: { ...x.credentials, apiBaseUrl: x.url, mediaBaseUrl: x.url, caCertificate: x.ca, receive: 'webhook' },
    });
    const dm = x.customerWrites({ id: '6000000001', name: 'Sam' }, 'My order is late');
    const { body, signature } = x.webhookDelivery([dm]);
    const deliver = (sig?: string) =>
      fetch(`${running.url}/hooks/${channel.id}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sig ? { 'x-twitter-webhooks-signature': sig } : {}) },
        body: new Uint8Array(body),
      });
    expect((await deliver('sha256=AAAA')).status).toBe(403);
    expect((await deliver(signature)).status).toBe(200);
    expect((await deliver(signature)).status).toBe(200);

    const conversation = await conversationOf(channel.id);
    expect(conversation!.assignee_id).toBe(agentId);
    const contact = await db().selectFrom('contacts').select('name').where('id', '=', conversation!.contact_id).executeTakeFirstOrThrow();
    expect(contact.name).toBe('Sam');

    const file = await new AttachmentStore(db(), running.ctx.config.dataDir).put(world.tenantId, channel.id, {
      owner: `agent:${agentId}`,
      name: 'label.png',
      bytes: xFixtures.pixelPng,
    });
    const { message } = await queueReply(db(), {
      tenantId: world.tenantId,
      conversationId: conversation!.id,
      sender: { type: 'agent', id: agentId },
      parts: [
        { type: 'text', text: 'Here is the shipping label' },
        { type: 'image', attachmentId: file.id, name: 'label.png' },
      ],
    });
    running.ctx.relay.poke();
    const sent = await settled(message.id);
    expect(sent!.error).toBeNull();
    expect(sent!.status).toBe('sent');
    const last = x.sent.at(-1)!;
    expect(last).toMatchObject({ recipientId: '6000000001', text: 'Here is the shipping label' });
    expect(last.media).toEqual([expect.objectContaining({ bytes: xFixtures.pixelPng.length, mediaType: 'image/png', category: 'dm_image' })]);
    expect(sent!.provider_message_id).toBe(last.eventId);
    // Every call to X carried a valid OAuth signature (the fake answers 401 otherwise).
    expect(x.calls.filter((c) => c.status === 401)).toEqual([]);
    expect(logs).not.toContain(x.credentials.consumerSecret);
    expect(logs).not.toContain(x.credentials.accessTokenSecret);
  });
});
