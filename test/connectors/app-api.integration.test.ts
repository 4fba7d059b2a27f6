import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createChannel } from '../../core/connector/channels.js';
import { gatewayMessageId } from '../../core/domain/message-ref.js';
import { signPayload } from '../../core/connector/signatures.js';
import { webhookReceiver, type WebhookReceiver } from '../../core/connector/testkit/receiver.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';
import { AttachmentStore } from '../../core/attachments/store.js';
import { PNG_1X1 } from '../fakes/wechat-callbacks.js';

const SIGNING_SECRET = 'inbound-signing-secret-0123';
const WEBHOOK_SECRET = 'webhook-signing-secret-4567';

describe.skipIf(!DATABASE_URL || !AMQP_URL)('app API end to end on PostgreSQL and RabbitMQ', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let receiver: WebhookReceiver;
  let logs = '';

  beforeAll(async () => {
    database = await emptyPgDatabase();
    receiver = await webhookReceiver();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'ab'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-appapi-')),
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
  });
  afterAll(async () => {
    await running?.stop();
    await receiver?.close();
    await database?.drop();
  });

  it('takes a message in through the app API and delivers the agent reply to a signed webhook, retrying a 503', async () => {
    const db = running.ctx.database.db;
    const tenant = await db.insertInto('tenants').values({ slug: 'shop', name: 'Shop' }).returning('id').executeTakeFirstOrThrow();
    const deps = await connectorDeps(running.ctx);
    const { channel, apiKey } = await createChannel(deps, tenant.id, {
      type: 'app-api',
      name: 'Shop app',
      config: { webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET, signingSecret: SIGNING_SECRET },
    });

    // In: the company's backend posts a customer's message, signed.
    const body = JSON.stringify({ clientMessageId: 'order-q-1', user: { id: 'cust-7', name: 'Li Lei' }, text: 'Is my parcel on its way?' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const post = () =>
      fetch(`${running.url}/hooks/${channel.id}/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          'x-switchboard-timestamp': timestamp,
          'x-switchboard-signature': signPayload(SIGNING_SECRET, timestamp, body),
        },
        body,
      });
    const accepted = await post();
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({
      accepted: [{ clientMessageId: 'order-q-1', messageId: gatewayMessageId(channel.id, 'order-q-1'), conversationId: null }],
    });
    // The backend's retry of the same message is accepted and stored once.
    expect((await post()).status).toBe(202);

    const stored = await eventually(() =>
      db.selectFrom('messages').selectAll().where('channel_id', '=', channel.id).where('external_id', '=', 'order-q-1').executeTakeFirst(),
    );
    await new Promise((r) => setTimeout(r, 300));
    const copies = await db.selectFrom('messages').select('id').where('channel_id', '=', channel.id).where('direction', '=', 'in').execute();
    expect(copies).toHaveLength(1);

    // Out: an agent answers; the company's webhook fails once with 503, then takes it.
    receiver.failNext(503);
    const { message } = await queueReply(db, {
      tenantId: tenant.id,
      conversationId: stored!.conversation_id,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'Yes, it left the warehouse this morning.' }],
    });
    running.ctx.relay.poke();
    const delivered = await eventually(async () => {
      const row = await db.selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirstOrThrow();
      return row.status === 'delivered' ? row : undefined;
    });
    expect(delivered!.error).toBeNull();

    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    const [first, second] = receiver.requests;
    const deliveryId = `msg_${message.id}`;
    for (const request of [first!, second!]) {
      expect(request.headers['x-switchboard-delivery']).toBe(deliveryId);
      const ts = String(request.headers['x-switchboard-timestamp']);
      expect(request.headers['x-switchboard-signature']).toBe(signPayload(WEBHOOK_SECRET, ts, request.body));
    }
    expect(second!.json).toMatchObject({
      deliveryId,
      type: 'message.created',
      conversationId: stored!.conversation_id,
      user: { id: 'cust-7' },
      parts: [{ type: 'text', text: 'Yes, it left the warehouse this morning.' }],
      inReplyTo: 'order-q-1',
      sender: { type: 'agent' },
    });

    // Every attempt is on record, for the console to show.
    const attempts = await db.selectFrom('webhook_deliveries').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(attempts[0]!.error).toContain('503');

    // The answer bot's reply says it is the bot's, so the app can label it.
    const { message: answer } = await queueReply(db, {
      tenantId: tenant.id,
      conversationId: stored!.conversation_id,
      sender: { type: 'bot', id: null },
      parts: [{ type: 'text', text: 'Parcels leave within a day.' }],
    });
    running.ctx.relay.poke();
    const botRequest = await eventually(() => receiver.requests.find((r) => (r.json as { messageId?: string })?.messageId === answer.id && r.status === 200));
    expect(botRequest!.json).toMatchObject({ sender: { type: 'bot' }, parts: [{ type: 'text', text: 'Parcels leave within a day.' }] });

    // And no secret or key reached the log.
    for (const secret of [SIGNING_SECRET, WEBHOOK_SECRET, apiKey!]) expect(logs).not.toContain(secret);
  });

  it('lets the backend fetch a file a webhook part names, with the channel’s key, and no other channel’s file', async () => {
    const db = running.ctx.database.db;
    const tenant = await db.insertInto('tenants').values({ slug: 'files', name: 'Files' }).returning('id').executeTakeFirstOrThrow();
    const deps = await connectorDeps(running.ctx);
    const open = (name: string, config: Record<string, unknown>) => createChannel(deps, tenant.id, { type: 'app-api', name, config });
    const { channel, apiKey } = await open('Shop app', { webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET });
    const other = await open('Other app', { webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET });

    // An agent replies with an image; the webhook names it by attachmentId only.
    const body = JSON.stringify({ clientMessageId: 'files-1', user: { id: 'cust-9' }, text: 'Send me the label, please' });
    const sent = await fetch(`${running.url}/hooks/${channel.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body,
    });
    expect(sent.status).toBe(202);
    const stored = await eventually(() =>
      db.selectFrom('messages').select('conversation_id').where('channel_id', '=', channel.id).where('external_id', '=', 'files-1').executeTakeFirst(),
    );
    const store = new AttachmentStore(db, running.ctx.config.dataDir);
    const label = await store.put(tenant.id, channel.id, { owner: 'agent:x', name: '面单.png', bytes: PNG_1X1 });
    const { message } = await queueReply(db, {
      tenantId: tenant.id,
      conversationId: stored!.conversation_id,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'image', attachmentId: label.id, name: label.name, mimeType: label.mimeType }],
    });
    running.ctx.relay.poke();
    const hook = await eventually(() => receiver.requests.find((r) => (r.json as { deliveryId?: string })?.deliveryId === `msg_${message.id}`));
    const part = (hook!.json as { parts: { attachmentId: string }[] }).parts[0]!;
    expect(part.attachmentId).toBe(label.id);

    const get = (channelId: string, id: string, key = apiKey) =>
      fetch(`${running.url}/hooks/${channelId}/attachments?id=${encodeURIComponent(id)}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const file = await get(channel.id, part.attachmentId);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''%E9%9D%A2%E5%8D%95.png");
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG_1X1)).toBe(true);

    // Without the key, with another channel's key, another channel's file, or an id that is not one.
    expect((await get(channel.id, part.attachmentId, '')).status).toBe(401);
    expect((await get(channel.id, part.attachmentId, other.apiKey)).status).toBe(401);
    const elsewhere = await store.put(tenant.id, other.channel.id, { owner: 'agent:x', name: 'other.png', bytes: PNG_1X1 });
    expect((await get(channel.id, elsewhere.id)).status).toBe(404);
    const bad = await get(channel.id, 'not-an-id');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('id');
  });
});
