import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../core/attachments/store.js';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createChannel } from '../../core/connector/channels.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createLogger } from '../../core/log/logger.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { telegramFixtures, telegramFiles } from '../../connectors/telegram/fixtures/index.js';
import { SECRET_HEADER, webhookSecret } from '../../connectors/telegram/inbound.js';
import { whatsappFixtures, whatsappMedia } from '../../connectors/whatsapp/fixtures/index.js';
import { SIGNATURE_HEADER } from '../../connectors/whatsapp/inbound.js';
import { fakeGraph, hubSignature, type FakeGraph } from '../fakes/graph-api.js';
import { fakeTelegram, type FakeTelegram } from '../fakes/telegram-bot-api.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

const SECRET_KEY = 'cd'.repeat(32);
const APP_SECRET = 'meta-app-secret-for-the-e2e-0001';

/**
 * Telegram and WhatsApp end to end, in one running Switchboard (PostgreSQL, and RabbitMQ when
 * AMQP_URL is set): a customer's message becomes a conversation the router assigns to the online
 * agent, a replay is stored once, a forged request stores nothing, and the agent's text and image
 * reply reaches the provider's fake with the channel's credentials.
 */
describe.skipIf(!DATABASE_URL)('Telegram and WhatsApp end to end', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let telegram: FakeTelegram;
  let graph: FakeGraph;
  let logs = '';
  let tenantId: string;
  let agentId: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-messengers-'));

  beforeAll(async () => {
    database = await emptyPgDatabase();
    telegram = await fakeTelegram();
    for (const [id, file] of Object.entries(telegramFiles)) telegram.addFile(id, file.bytes, file.path);
    graph = await fakeGraph();
    for (const [id, media] of Object.entries(whatsappMedia)) graph.addMedia(id, media.bytes, media.mimeType);
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      PUBLIC_URL: 'https://support.example.com',
      DATABASE_URL: database.url,
      ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      SECRET_KEY,
      DATA_DIR: dataDir,
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
    tenantId = (await db.insertInto('tenants').values({ slug: 'shop', name: 'Shop' }).returning('id').executeTakeFirstOrThrow()).id;
    const role = await db.insertInto('roles').values({ tenant_id: tenantId, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
    const group = await db.insertInto('groups').values({ tenant_id: tenantId, name: 'Support' }).returning('id').executeTakeFirstOrThrow();
    agentId = (
      await db
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          email: 'mei@example.com',
          name: 'Mei',
          password_hash: null,
          role_id: role.id,
          account_status: 'active',
          agent_status: 'online',
          capacity: JSON.stringify({ chat: 5 }),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db.insertInto('group_members').values({ tenant_id: tenantId, group_id: group.id, user_id: agentId }).execute();
    await db.insertInto('router_settings').values({ tenant_id: tenantId, default_group_id: group.id }).execute();
  });
  afterAll(async () => {
    await running?.stop();
    await telegram?.close();
    await graph?.close();
    await database?.drop();
  });

  const db = () => running.ctx.database.db;
  const post = (channelId: string, body: string, headers: Record<string, string>) =>
    fetch(`${running.url}/hooks/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const storedIn = (channelId: string) => db().selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('direction', '=', 'in').execute();
  const assigned = (channelId: string) =>
    eventually(
      async () => {
        const row = await db().selectFrom('conversations').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
        return row?.assignee_id ? row : undefined;
      },
      { timeoutMs: 15_000 },
    );
  const replyWithTextAndImage = async (conversationId: string, channelId: string) => {
    const png = telegramFiles.AgACAgQAAxkBAAIBX2PhotoLarge!.bytes;
    const file = await new AttachmentStore(db(), dataDir).put(tenantId, channelId, { owner: `agent:${agentId}`, name: 'label.png', bytes: png });
    const { message } = await queueReply(db(), {
      tenantId,
      conversationId,
      sender: { type: 'agent', id: agentId },
      parts: [
        { type: 'text', text: 'Here is your return label.' },
        { type: 'image', attachmentId: file.id, name: 'label.png', mimeType: 'image/png' },
      ],
    });
    running.ctx.relay.poke();
    return eventually(
      async () => {
        const row = await db().selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirstOrThrow();
        return row.status === 'sent' ? row : undefined;
      },
      { timeoutMs: 15_000 },
    );
  };

  it('Telegram: registers its webhook, takes a customer message once, assigns it, and delivers the reply', async () => {
    const deps = await connectorDeps(running.ctx);
    const { channel } = await createChannel(deps, tenantId, {
      type: 'telegram',
      name: 'Shop bot',
      config: { botToken: telegram.token, apiBaseUrl: telegram.url },
    });
    // The gateway's loop registers the webhook as soon as the channel exists.
    await eventually(() => telegram.webhook?.url === `https://support.example.com/hooks/${channel.id}`, { timeoutMs: 10_000 });
    const secret = webhookSecret({ secretKey: Buffer.from(SECRET_KEY, 'hex'), channel: { id: channel.id } as never });
    expect(telegram.webhook?.secret_token).toBe(secret);

    const body = JSON.stringify(telegramFixtures.text);
    expect((await post(channel.id, body, { [SECRET_HEADER]: 'forged-token' })).status).toBe(403);
    expect((await post(channel.id, body, { [SECRET_HEADER]: secret })).status).toBe(200);
    expect((await post(channel.id, body, { [SECRET_HEADER]: secret })).status).toBe(200); // Telegram sends it again
    const conversation = (await assigned(channel.id))!;
    expect(conversation.assignee_id).toBe(agentId);
    await new Promise((r) => setTimeout(r, 300));
    expect((await storedIn(channel.id)).map((m) => m.external_id)).toEqual(['1111111:1365']);

    const sent = (await replyWithTextAndImage(conversation.id, channel.id))!;
    expect(sent.provider_message_id).toMatch(/^1111111:\d+$/);
    expect(telegram.sent().map((c) => [c.method, String(c.params.chat_id)])).toEqual([
      ['sendMessage', '1111111'],
      ['sendPhoto', '1111111'],
    ]);
    expect(logs).not.toContain(telegram.token);
  });

  it('WhatsApp: answers the URL check, refuses a forged webhook, takes a message once, assigns it, replies and follows receipts', async () => {
    const deps = await connectorDeps(running.ctx);
    const { channel } = await createChannel(deps, tenantId, {
      type: 'whatsapp',
      name: 'Shop WhatsApp',
      config: { phoneNumberId: graph.phoneNumberId, accessToken: graph.token, appSecret: APP_SECRET, verifyToken: 'shop-verify-token', apiBaseUrl: graph.url },
    });
    const check = await fetch(`${running.url}/hooks/${channel.id}?hub.mode=subscribe&hub.verify_token=shop-verify-token&hub.challenge=8841`);
    expect(await check.text()).toBe('8841');

    const inbound = structuredClone(whatsappFixtures.text);
    inbound.entry[0].changes[0].value.messages[0].timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify(inbound);
    expect((await post(channel.id, body, { [SIGNATURE_HEADER]: hubSignature('someone-elses-secret-0000', body) })).status).toBe(403);
    expect((await post(channel.id, body, { [SIGNATURE_HEADER]: hubSignature(APP_SECRET, body) })).status).toBe(200);
    expect((await post(channel.id, body, { [SIGNATURE_HEADER]: hubSignature(APP_SECRET, body) })).status).toBe(200); // Meta retries
    const conversation = (await assigned(channel.id))!;
    expect(conversation.assignee_id).toBe(agentId);
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedIn(channel.id)).toHaveLength(1);

    const sent = (await replyWithTextAndImage(conversation.id, channel.id))!;
    expect(graph.messages.map((m) => m.body.type)).toEqual(['text', 'image']);
    expect(graph.messages[1]!.body.image.id).toBe(graph.uploads[0]!.id);
    expect(sent.provider_message_id).toBe(graph.messages[1]!.wamid);

    const receipt = structuredClone(whatsappFixtures.read);
    receipt.entry[0].changes[0].value.statuses[0].id = sent.provider_message_id;
    const raw = JSON.stringify(receipt);
    expect((await post(channel.id, raw, { [SIGNATURE_HEADER]: hubSignature(APP_SECRET, raw) })).status).toBe(200);
    expect((await db().selectFrom('messages').select('status').where('id', '=', sent.id).executeTakeFirstOrThrow()).status).toBe('read');
    for (const secret of [graph.token, APP_SECRET, 'shop-verify-token']) expect(logs).not.toContain(secret);
  });
});
