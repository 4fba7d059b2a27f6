import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_NAMES } from '../core/auth/permissions.js';
import { loadConfig, ROLES } from '../core/config/config.js';
import { createChannel } from '../core/connector/channels.js';
import { signPayload } from '../core/connector/signatures.js';
import { webhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../core/connector/testkit/receiver.js';
import { queueReply } from '../core/conversations/reply.js';
import { createLogger } from '../core/log/logger.js';
import { hashToken, randomToken } from '../console/server/auth/tokens.js';
import { connectorDeps } from '../app/gateway.js';
import { startProcess, type RunningProcess } from '../app/start.js';
import { SECRET_HEADER, webhookSecret } from '../connectors/telegram/inbound.js';
import { telegramFixtures } from '../connectors/telegram/fixtures/index.js';
import { fakeTelegram, type FakeTelegram } from './fakes/telegram-bot-api.js';
import { LOOPBACK_ALLOW } from './support/connectors.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from './support/services.js';

const SLUG = 'hooks';

describe.skipIf(!DATABASE_URL || !AMQP_URL)('company webhooks and app-API answers, end to end on PostgreSQL and RabbitMQ', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let receiver: WebhookReceiver;
  let appReceiver: WebhookReceiver;
  let telegram: FakeTelegram;
  let token: string;
  let tenantId: string;
  let hook: { id: string; secret: string };
  let app: { channelId: string; apiKey: string };

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'x-switchboard-tenant': SLUG, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const postApp = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${running.url}/hooks/${app.channelId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.apiKey}`, ...headers },
      body,
    });
  /** What the receiver took for one subscription, one entry per request. */
  const messageDeliveries = (requests: ReceivedRequest[]) => requests.filter((r) => r.headers['x-switchboard-event'] === 'message.created');

  beforeAll(async () => {
    database = await emptyPgDatabase();
    receiver = await webhookReceiver();
    appReceiver = await webhookReceiver();
    telegram = await fakeTelegram();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'cd'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-hooks-')),
      BUS_RETRY_BASE_MS: '200',
      BUS_RETRY_ATTEMPTS: '2',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_DISABLE_AFTER: '6',
      SIGNUP: 'open',
      LOG_LEVEL: 'warn',
    });
    running = await startProcess(config, ROLES, createLogger('silent'));
    const signUp = await fetch(`${running.url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'Hooks Ltd', slug: SLUG, name: 'Hooks admin', email: 'admin@hooks.example', password: 'admin password 1' }),
    });
    const account = (await signUp.json()) as { tenant: { id: string }; user: { id: string } };
    tenantId = account.tenant.id;
    token = randomToken('sbt_');
    await running.ctx.database.db
      .insertInto('api_tokens')
      .values({ tenant_id: tenantId, user_id: account.user.id, name: 'integration', token_hash: hashToken(token), scopes: PERMISSION_NAMES })
      .execute();
    const created = await api('POST', '/api/webhooks', { name: 'CRM', url: receiver.url, events: ['message.created'] });
    expect(created.status).toBe(201);
    hook = created.body;
    const deps = await connectorDeps(running.ctx);
    const appChannel = await createChannel(deps, tenantId, {
      type: 'app-api',
      name: 'Shop app',
      config: { webhookUrl: appReceiver.url, webhookSecret: 'app-webhook-secret-0123456789', rateLimitPerMinute: 30 },
    });
    app = { channelId: appChannel.channel.id, apiKey: appChannel.apiKey! };
  });
  afterAll(async () => {
    await running?.stop();
    await receiver?.close();
    await appReceiver?.close();
    await telegram?.close();
    await database?.drop();
  });

  it('sends one signed message.created per customer message on web chat, the app API and Telegram, once across a retry; the 202 names the message the API lists', async () => {
    const deps = await connectorDeps(running.ctx);
    receiver.failNext(503);

    // The app API: the 202 names the message; the backend's retry of the request gets the same id.
    const body = JSON.stringify({ clientMessageId: 'order-1', user: { id: 'cust-1', name: 'Li Lei' }, text: 'Where is my parcel?' });
    const first = await postApp(body);
    expect(first.status).toBe(202);
    const [accepted] = ((await first.json()) as { accepted: { clientMessageId: string; messageId: string; conversationId: string | null }[] }).accepted;
    expect(accepted).toMatchObject({ clientMessageId: 'order-1', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    // Web chat: a visitor opens a session and writes.
    const web = await createChannel(deps, tenantId, { type: 'web', name: 'Site chat', config: {} });
    const widget = `${running.url}/widget/${web.channel.publicKey}`;
    const session = (await (await fetch(`${widget}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      token: string;
    };
    const chat = await fetch(`${widget}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ clientMessageId: 'web-msg-1', text: 'Hello from the site' }),
    });
    expect(chat.status).toBe(202);

    // Telegram: the Bot API posts an update to the channel's webhook.
    const bot = await createChannel(deps, tenantId, {
      type: 'telegram',
      name: 'Bot',
      config: { botToken: telegram.token, apiBaseUrl: telegram.url, mode: 'webhook' },
    });
    const update = await fetch(`${running.url}/hooks/${bot.channel.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SECRET_HEADER]: webhookSecret({ secretKey: running.ctx.config.secretKey, channel: { id: bot.channel.id } as never }),
      },
      body: JSON.stringify(telegramFixtures.text),
    });
    expect(update.status).toBe(200);

    await eventually(() => new Set(messageDeliveries(receiver.accepted()).map((r) => r.headers['x-switchboard-delivery'])).size === 3, { timeoutMs: 20_000 });
    // The backend retries once more after everything is stored: same id, and now the conversation.
    const again = (await (await postApp(body)).json()) as { accepted: { messageId: string; conversationId: string }[] };
    expect(again.accepted[0]!.messageId).toBe(accepted!.messageId);
    expect(again.accepted[0]!.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 1000));

    const taken = messageDeliveries(receiver.accepted());
    expect(taken).toHaveLength(3);
    const bodies = taken.map(
      (r) =>
        r.json as {
          id: string;
          event: string;
          data: { conversation: { channelId: string }; message: { direction: string; gatewayId?: string; parts: unknown[] } };
        },
    );
    expect(bodies.map((b) => b.data.conversation.channelId).sort()).toEqual([app.channelId, web.channel.id, bot.channel.id].sort());
    expect(bodies.every((b) => b.event === 'message.created' && b.data.message.direction === 'in')).toBe(true);
    // Every request is signed with the subscription's secret; the failed one and its retry share one delivery id.
    for (const request of messageDeliveries(receiver.requests)) {
      const timestamp = String(request.headers['x-switchboard-timestamp']);
      expect(request.headers['x-switchboard-signature']).toBe(signPayload(hook.secret, timestamp, request.body));
      expect((request.json as { id: string }).id).toBe(request.headers['x-switchboard-delivery']);
    }
    const [failed] = messageDeliveries(receiver.requests);
    expect(failed!.status).toBe(503);
    expect(taken.filter((r) => r.headers['x-switchboard-delivery'] === failed!.headers['x-switchboard-delivery'])).toHaveLength(1);

    // The id the 202 gave is the one the API lists for the stored message.
    const listed = await api('GET', `/api/conversations/${again.accepted[0]!.conversationId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.messages.find((m: { gatewayId?: string }) => m.gatewayId === accepted!.messageId)).toMatchObject({
      direction: 'in',
      parts: [{ type: 'text', text: 'Where is my parcel?' }],
    });
    const appBody = bodies.find((b) => b.data.conversation.channelId === app.channelId)!;
    expect(appBody.data.message.gatewayId).toBe(accepted!.messageId);

    // The log shows each attempt with the receiver's answer.
    const log = await api('GET', `/api/webhooks/${hook.id}/deliveries`);
    expect(log.body.deliveries).toHaveLength(3);
    const retried = log.body.deliveries.find((d: { id: string }) => d.id === failed!.headers['x-switchboard-delivery']);
    expect(retried).toMatchObject({
      status: 'delivered',
      attempts: [
        { attempt: 1, statusCode: 503 },
        { attempt: 2, statusCode: 200 },
      ],
    });
  });

  it('replays a failed delivery under the same delivery id, so the receiver takes it once', async () => {
    const db = running.ctx.database.db;
    const inbound = await db.selectFrom('messages').select('conversation_id').where('channel_id', '=', app.channelId).executeTakeFirstOrThrow();
    receiver.failNext(500, 500, 500);
    const { message } = await queueReply(db, {
      tenantId,
      conversationId: inbound.conversation_id,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'It left this morning.' }],
    });
    running.ctx.relay.poke();
    const failedLog = await eventually(
      async () => {
        const answer = await api('GET', `/api/webhooks/${hook.id}/deliveries?status=failed`);
        return answer.body.deliveries.length === 1 ? answer.body.deliveries[0] : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(failedLog.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 500]);
    expect(failedLog.payload.data.message).toMatchObject({ id: message.id, direction: 'out' });

    const replay = await api('POST', `/api/webhooks/${hook.id}/deliveries/${failedLog.id}/replay`);
    expect(replay).toMatchObject({ status: 202, body: { replayed: 1 } });
    // Only a failed one can be replayed.
    await eventually(async () =>
      (await api('GET', `/api/webhooks/${hook.id}/deliveries?status=delivered`)).body.deliveries.some((d: { id: string }) => d.id === failedLog.id),
    );
    expect((await api('POST', `/api/webhooks/${hook.id}/deliveries/${failedLog.id}/replay`)).status).toBe(409);
    const sameId = messageDeliveries(receiver.requests).filter((r) => r.headers['x-switchboard-delivery'] === failedLog.id);
    expect(sameId.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    // One event, one delivery: nothing made a second one.
    const rows = await db.selectFrom('company_webhook_deliveries').select(['event_id']).where('webhook_id', '=', hook.id).execute();
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
  });

  it('shows the agent why a reply failed (the app webhook answered 410) and sends it again on retry', async () => {
    const db = running.ctx.database.db;
    const inbound = await db.selectFrom('messages').select('conversation_id').where('channel_id', '=', app.channelId).executeTakeFirstOrThrow();
    appReceiver.failNext(410);
    const { message } = await queueReply(db, {
      tenantId,
      conversationId: inbound.conversation_id,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'Tracking: 123' }],
    });
    running.ctx.relay.poke();
    const path = `/api/conversations/${inbound.conversation_id}/messages`;
    const view = `/api/conversations/${inbound.conversation_id}`;
    const failed = await eventually(
      async () => (await api('GET', view)).body.messages.find((m: { id: string; status: string }) => m.id === message.id && m.status === 'failed'),
      { timeoutMs: 15_000 },
    );
    expect(failed).toMatchObject({ error: 'the webhook answered 410', errorCode: '410' });

    const retry = await api('POST', `${path}/${message.id}/retry`);
    expect(retry).toMatchObject({ status: 202, body: { message: { id: message.id, status: 'queued' } } });
    running.ctx.relay.poke();
    const delivered = await eventually(
      async () => (await api('GET', view)).body.messages.find((m: { id: string; status: string }) => m.id === message.id && m.status === 'delivered'),
      { timeoutMs: 15_000 },
    );
    expect(delivered.error).toBeUndefined();
    expect((await api('POST', `${path}/${message.id}/retry`)).status).toBe(409);
  });

  it('disables a webhook after a failure streak, tells the admins, and delivers what waited once enabled and replayed', async () => {
    const broken = await webhookReceiver();
    try {
      broken.failNext(...Array<number>(6).fill(502));
      const created = await api('POST', '/api/webhooks', { name: 'Flaky', url: broken.url, events: ['message.created'] });
      for (const id of ['streak-1', 'streak-2']) {
        expect((await postApp(JSON.stringify({ clientMessageId: id, user: { id: 'cust-2' }, text: id }))).status).toBe(202);
      }
      const disabled = await eventually(
        async () => (await api('GET', '/api/webhooks')).body.webhooks.find((w: { id: string; enabled: boolean }) => w.id === created.body.id && !w.enabled),
        { timeoutMs: 20_000 },
      );
      expect(disabled).toMatchObject({ failureStreak: 6, failedDeliveries: 2, disabledReason: expect.stringContaining('6 failed attempts in a row') });
      const audit = await running.ctx.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_type'])
        .where('tenant_id', '=', tenantId)
        .where('action', '=', 'webhook.disabled')
        .execute();
      expect(audit).toEqual([{ action: 'webhook.disabled', actor_type: 'system' }]);
      // Replaying a disabled webhook is refused; enabled again, every failed delivery goes out.
      expect((await api('POST', `/api/webhooks/${created.body.id}/replay-failed`)).status).toBe(409);
      expect((await api('PATCH', `/api/webhooks/${created.body.id}`, { enabled: true })).body).toMatchObject({
        enabled: true,
        failureStreak: 0,
        disabledReason: null,
      });
      expect((await api('POST', `/api/webhooks/${created.body.id}/replay-failed`)).body).toEqual({ replayed: 2 });
      await eventually(() => broken.accepted().length === 2, { timeoutMs: 10_000 });
      expect(new Set(broken.requests.map((r) => r.headers['x-switchboard-delivery'])).size).toBe(2);
    } finally {
      await broken.close();
    }
  });

  it('tells of a new customer, a new conversation and a merge of customers', async () => {
    const people = await webhookReceiver();
    try {
      await api('POST', '/api/webhooks', { name: 'CRM people', url: people.url, events: ['contact.created', 'contact.merged', 'conversation.created'] });
      expect((await postApp(JSON.stringify({ clientMessageId: 'people-1', user: { id: 'cust-new', name: 'Zhao Lei' }, text: 'hello' }))).status).toBe(202);
      await eventually(() => people.accepted().length === 2, { timeoutMs: 10_000 });
      const created = people.accepted().find((r) => r.headers['x-switchboard-event'] === 'contact.created')!.json as {
        data: { contact: { id: string; name: string } };
      };
      expect(created.data.contact.name).toBe('Zhao Lei');
      expect(people.accepted().some((r) => r.headers['x-switchboard-event'] === 'conversation.created')).toBe(true);
      const other = await api('POST', '/api/contacts', { name: 'Zhao Lei (phone)' });
      expect(other.status).toBe(201);
      expect((await api('POST', `/api/contacts/${created.data.contact.id}/merge`, { sourceId: other.body.id })).status).toBe(200);
      await eventually(() => people.accepted().some((r) => r.headers['x-switchboard-event'] === 'contact.merged'), { timeoutMs: 10_000 });
      const merged = people.accepted().find((r) => r.headers['x-switchboard-event'] === 'contact.merged')!.json as {
        data: { contact: { id: string }; mergedIds: string[]; holders?: unknown };
      };
      expect(merged.data).toMatchObject({ contact: { id: created.data.contact.id }, mergedIds: [other.body.id] });
      // Who may see it inside the console is no business of the receiver.
      expect(merged.data.holders).toBeUndefined();
      expect(people.accepted().filter((r) => r.headers['x-switchboard-event'] === 'contact.created')).toHaveLength(2);
    } finally {
      await people.close();
    }
  });

  it('answers 415 for a body that is not JSON, 401 without a key, and 429 with Retry-After past the key’s rate', async () => {
    expect((await postApp('hello', { 'content-type': 'text/plain' })).status).toBe(415);
    const anonymous = await fetch(`${running.url}/hooks/${app.channelId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    let limited: Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const answer = await postApp(JSON.stringify({ clientMessageId: `burst-${i}`, user: { id: 'cust-3' }, text: 'hi' }));
      if (answer.status === 429) limited = answer;
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ error: 'rate_limited' });
  });
});
