import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { signPayload } from '../../core/connector/signatures.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createLogger } from '../../core/log/logger.js';
import { ApiClient } from '../support/console.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';

/**
 * A company's settings point the server at addresses behind it. Loopback is what an attacker
 * tries first, so a listener there counts every connection: none may arrive. The installation
 * allows 127.0.0.2 only (OUTBOUND_ALLOW), where the "allowed" fakes listen — a self-hosted
 * provider on the operator's network.
 */

const ALLOWED = '127.0.0.2';

/** A TCP listener that counts connections and answers nothing useful. */
async function listener(host: string, onSocket: (socket: Socket) => void = (s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\ninternal secret')) {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(host: string): Promise<number> {
  const probe = await listener(host);
  await probe.close();
  return probe.port;
}

/** An HTTP server on an allowed address, counting requests. */
async function httpServer(handle: (path: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    const answer = handle(req.url ?? '/');
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, ALLOWED, resolve));
  const url = `http://${ALLOWED}:${(server.address() as AddressInfo).port}`;
  return { url, requests: () => requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!DATABASE_URL)('company-set URLs never reach the network behind the server', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let admin: ApiClient;
  let tenantId: string;
  let v4: Awaited<ReturnType<typeof listener>>;
  let v6: Awaited<ReturnType<typeof listener>> | undefined;
  const loopbackConnections = () => v4.connections() + (v6?.connections() ?? 0);

  beforeAll(async () => {
    v4 = await listener('127.0.0.1');
    v6 = await listener('::1').catch(() => undefined);
    database = await emptyPgDatabase();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      SECRET_KEY: 'cd'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-ssrf-')),
      SIGNUP: 'open',
      OUTBOUND_ALLOW: ALLOWED,
      LOG_LEVEL: 'silent',
    });
    running = await startProcess(config, ROLES, createLogger('silent'));
    // The running server over HTTP, through the console's test client.
    const http = { request: (path: string, init: RequestInit) => fetch(new URL(path, running.url), init) } as unknown as Hono;
    const signUp = await new ApiClient(http, undefined, 'header').post('/api/signup', {
      companyName: 'Mallory Ltd',
      slug: 'mallory',
      name: 'Mallory',
      email: 'mallory@mallory.example',
      password: 'mallory password 1',
    });
    expect(signUp.status).toBe(201);
    tenantId = signUp.body.tenant.id;
    admin = new ApiClient(http, 'mallory', 'header');
    expect((await admin.signIn('mallory@mallory.example', 'mallory password 1')).status).toBe(200);
  });
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
    await v4?.close();
    await v6?.close();
  });

  /** Creates an app-API channel delivering to `webhookUrl`, has a customer write and an agent answer; the reply's final row. */
  async function replyThroughWebhook(webhookUrl: string) {
    const signingSecret = 'inbound-signing-secret-0123';
    const created = await admin.post('/api/channels', {
      type: 'app-api',
      name: `webhook ${webhookUrl}`,
      config: { webhookUrl, webhookSecret: 'webhook-signing-secret-4567', signingSecret },
    });
    expect(created.status).toBe(201);
    const channelId: string = created.body.channel.id;
    const body = JSON.stringify({ clientMessageId: 'q-1', user: { id: 'cust-1' }, text: 'hello' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const accepted = await fetch(`${running.url}/hooks/${channelId}/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${created.body.apiKey}`,
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': signPayload(signingSecret, timestamp, body),
      },
      body,
    });
    expect(accepted.status).toBe(202);
    const db = running.ctx.database.db;
    const inbound = await eventually(() => db.selectFrom('messages').selectAll().where('channel_id', '=', channelId).executeTakeFirst());
    const { message } = await queueReply(db, {
      tenantId,
      conversationId: inbound!.conversation_id,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'an answer' }],
    });
    running.ctx.relay.poke();
    return eventually(
      async () => {
        const row = await db.selectFrom('messages').select(['status', 'error']).where('id', '=', message.id).executeTakeFirstOrThrow();
        return row.status === 'failed' || row.status === 'delivered' ? row : undefined;
      },
      { timeoutMs: 20_000 },
    );
  }

  it('refuses an app-API webhook at loopback however it is written, at the metadata service and on the LAN', async () => {
    const targets = [
      `http://127.0.0.1:${v4.port}/hook`,
      `http://localhost:${v4.port}/hook`,
      `http://2130706433:${v4.port}/hook`,
      `http://0x7f.1:${v4.port}/hook`,
      `http://[::ffff:127.0.0.1]:${v4.port}/hook`,
      ...(v6 ? [`http://[::1]:${v6.port}/hook`] : []),
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/hook',
      'http://[fd00:ec2::254]/latest/meta-data/',
    ];
    for (const url of targets) {
      const reply = await replyThroughWebhook(url);
      expect(reply, url).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot be reached from this server/) });
    }
    expect(loopbackConnections()).toBe(0);
  }, 120_000);

  it('does not follow a webhook’s redirect from an allowed host to loopback', async () => {
    const redirecting = await httpServer(() => ({ status: 307, headers: { location: `http://127.0.0.1:${v4.port}/hook` } }));
    const reply = await replyThroughWebhook(`${redirecting.url}/hook`);
    expect(reply?.status).toBe('failed');
    expect(redirecting.requests()).toBeGreaterThan(0);
    expect(loopbackConnections()).toBe(0);
    await redirecting.close();
  }, 60_000);

  it('never lets a Telegram channel’s API base URL reach loopback', async () => {
    const created = await admin.post('/api/channels', {
      type: 'telegram',
      name: 'bot at home',
      config: { botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi', apiBaseUrl: `http://127.0.0.1:${v4.port}` },
    });
    expect(created.status).toBe(201);
    // The channel's loop calls the Bot API as soon as it starts (within a scan of 2 s).
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(loopbackConnections()).toBe(0);
  }, 30_000);

  it('never lets a Wechaty puppet service endpoint reach loopback', async () => {
    const created = await admin.post('/api/channels', {
      type: 'wechaty',
      name: 'puppet at home',
      config: { puppet: 'wechaty-puppet-service', puppetToken: 'insecure_0123456789abcdef', puppetEndpoint: `127.0.0.1:${v4.port}` },
    });
    expect(created.status).toBe(201);
    const state = await eventually(
      async () => {
        const answer = await admin.get(`/api/channels/${created.body.channel.id}/state`);
        return answer.body?.state === 'error' ? answer.body : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(state.detail).toMatch(/cannot be reached from this server/);
    await admin.post(`/api/channels/${created.body.channel.id}/disable`);
    expect(loopbackConnections()).toBe(0);
  }, 30_000);

  it('refuses an OIDC issuer at loopback or the metadata service, or one that redirects there, when it is saved', async () => {
    const redirecting = await httpServer(() => ({ status: 302, headers: { location: `http://127.0.0.1:${v4.port}/.well-known/openid-configuration` } }));
    for (const issuer of [`http://127.0.0.1:${v4.port}`, `http://localhost:${v4.port}`, 'http://169.254.169.254', redirecting.url]) {
      const saved = await admin.put('/api/sso/oidc', { enabled: true, issuer, clientId: 'switchboard', clientSecret: 'client secret' });
      expect(saved.status, issuer).toBe(400);
      expect(saved.body.issues?.[0]?.field).toBe('issuer');
      // A sign-in anybody can start must not fetch it either.
      const start = await fetch(`${running.url}/api/sso/oidc/start`, { headers: { 'x-switchboard-tenant': 'mallory' }, redirect: 'manual' });
      expect(start.status, issuer).toBe(404);
    }
    expect(loopbackConnections()).toBe(0);
    await redirecting.close();
  }, 60_000);

  it('never repeats the identity provider’s status or body in the answer', async () => {
    const failing = await httpServer(() => ({ status: 503, body: 'internal secret: db-primary.corp:5432' }));
    const saved = await admin.put('/api/sso/oidc', { enabled: true, issuer: failing.url, clientId: 'switchboard', clientSecret: 'client secret' });
    expect(saved.status).toBe(400);
    expect(JSON.stringify(saved.body)).not.toMatch(/503|internal secret|db-primary/);
    await failing.close();
  });

  it('makes no request to the company’s identity provider for an unauthenticated sign-in start', async () => {
    let issuer = '';
    const provider = await httpServer((path) =>
      path === '/.well-known/openid-configuration'
        ? {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }),
          }
        : { status: 404 },
    );
    issuer = provider.url;
    const saved = await admin.put('/api/sso/oidc', { enabled: true, issuer, clientId: 'switchboard', clientSecret: 'client secret' });
    expect(saved.status).toBe(200);
    const before = provider.requests();
    for (let i = 0; i < 3; i++) {
      const start = await fetch(`${running.url}/api/sso/oidc/start`, { headers: { 'x-switchboard-tenant': 'mallory' }, redirect: 'manual' });
      expect(start.status).toBe(302);
      expect(start.headers.get('location')).toMatch(new RegExp(`^${issuer}/authorize\\?`));
    }
    expect(provider.requests()).toBe(before);
    await admin.put('/api/sso/oidc', { enabled: false, issuer: null, clientId: null });
    await provider.close();
  });

  it('answers an e-mail connection test the same for a closed port and one that never answers, and refuses loopback', async () => {
    const silent = await listener(ALLOWED, () => {});
    const closed = await closedPort(ALLOWED);
    const mailbox = (host: string, port: number) => ({
      fromAddress: 'support@mallory.example',
      imapHost: host,
      imapPort: port,
      imapSecurity: 'none',
      imapUser: 'support',
      imapPassword: 'password',
      smtpHost: host,
      smtpPort: port,
      smtpSecurity: 'none',
      smtpUser: 'support',
      smtpPassword: 'password',
    });
    const test = async (host: string, port: number) => {
      const created = await admin.post('/api/channels', { type: 'email', name: `mail ${host}:${port}`, config: mailbox(host, port) });
      expect(created.status).toBe(201);
      // Stopped at once: the mailbox loop would otherwise keep connecting while the test runs.
      await admin.post(`/api/channels/${created.body.channel.id}/disable`);
      const answer = await admin.post(`/api/channels/${created.body.channel.id}/test`);
      expect(answer.status).toBe(200);
      return JSON.stringify(answer.body).replaceAll(String(port), 'PORT');
    };
    const [toClosed, toSilent] = await Promise.all([test(ALLOWED, closed), test(ALLOWED, silent.port)]);
    expect(toClosed).toContain('"ok":false');
    expect(toSilent).toBe(toClosed);

    const home = await test('127.0.0.1', v4.port);
    expect(home).toMatch(/cannot be reached from this server/);
    expect(loopbackConnections()).toBe(0);
    await silent.close();
  }, 90_000);
});
