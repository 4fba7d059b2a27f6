import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import WebSocket, { WebSocketServer } from 'ws';
import { loadConfig } from '../../core/config/config.js';
import type { Context } from '../../core/context.js';
import { createLogger } from '../../core/log/logger.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { OutboundClient } from '../../core/net/outbound.js';
import { OutboxRelay } from '../../core/outbox/outbox.js';
import type { Bus } from '../../core/bus/bus.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { createHttpApp } from '../../console/server/app.js';
import { startConsole, type ConsolePart } from '../../console/server/console-part.js';
import { assemble } from '../../app/pipeline.js';
import { processJobRunner } from '../../app/jobs.js';
import type { JobRunner } from '../../core/jobs/runner.js';
import { MODULES } from '../../app/modules.js';
import type { Part } from '../../app/module.js';
import { callCenterPorts } from '../../callcenter/part.js';
import { builtInConnectors } from '../../connectors/index.js';
import { ConnectorRegistry } from '../../core/connector/registry.js';
import { LOOPBACK_ALLOW } from './connectors.js';
import { freshDatabase } from './services.js';

export interface TestConsole {
  ctx: Context;
  app: Hono;
  part: ConsolePart;
  /** The other modules the console role runs (the CRM's imports…), by name. */
  modules: Map<string, Part>;
  /** The process's one job runner, with the console role's handlers and tasks. */
  jobs: JobRunner;
  /** Every log line the process wrote, for checks that secrets never reach the log. */
  logs: string[];
  client(slug?: string, mode?: 'header' | 'path'): ApiClient;
  /** Serves the app on a loopback port (with WebSocket upgrades); stop() closes it. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A console on a fresh database, answering in-process (app.request). Pass `database` and `bus`
 * to share them between several consoles.
 */
export async function startTestConsole(
  options: { env?: Record<string, string>; database?: Awaited<ReturnType<typeof freshDatabase>>; bus?: Bus } = {},
): Promise<TestConsole> {
  const database = options.database ?? (await freshDatabase());
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-console-')),
    SECRET_KEY: 'ab'.repeat(32),
    TRUST_PROXY: 'true',
    // Tests make several companies on one database.
    SIGNUP: 'open',
    // Provider fakes listen on loopback; the security tests pass OUTBOUND_ALLOW: '' to see refusals.
    OUTBOUND_ALLOW: LOOPBACK_ALLOW,
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const bus = options.bus ?? new MemoryBus();
  const relay = new OutboxRelay(database.db, bus, { logger, pollMs: 50 });
  const ctx: Context = { config, logger, database, bus, relay, metrics: createMetrics(), outbound: new OutboundClient({ allow: config.outbound.allow }) };
  relay.start();
  const registry = new ConnectorRegistry(builtInConnectors);
  // As a console process: every module's API routes, the modules the console role starts, and
  // one job runner with their handlers, polling once they all have started.
  const jobs = processJobRunner(ctx);
  const assembled = assemble(jobs);
  const modules = new Map<string, Part>();
  for (const module of MODULES)
    if (module.name !== 'console' && module.roles.includes('console') && module.start) modules.set(module.name, await module.start(ctx, assembled));
  const part = await startConsole(ctx, {
    connectorDeps: async () => ({ db: database.db, bus, logger, config, registry, outbound: ctx.outbound, callCenter: callCenterPorts(database.db) }),
    routes: assembled.apiRoutes,
    jobs,
  });
  jobs.start();
  const app = createHttpApp(ctx, (a) => {
    for (const module of modules.values()) module.mount?.(a);
    part.mount(a);
  });
  let server: ServerType | undefined;
  const websocket = { server: new WebSocketServer({ noServer: true }) };
  return {
    ctx,
    app,
    part,
    modules,
    jobs,
    logs,
    client: (slug, mode = 'header') => new ApiClient(app, slug, mode),
    listen: () =>
      new Promise<string>((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', websocket }, (info) => resolve(`http://127.0.0.1:${info.port}`));
      }),
    stop: async () => {
      for (const socket of websocket.server.clients) socket.terminate();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await jobs.stop();
      await part.stop();
      for (const module of [...modules.values()].reverse()) await module.stop();
      await relay.stop();
      await ctx.outbound.close();
      if (!options.bus) await bus.close();
      if (!options.database) await database.drop();
    },
  };
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** A browser-like client: keeps its session cookie and sends the CSRF token on changes. */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;
  ip = '203.0.113.7';

  constructor(
    private readonly app: Hono,
    readonly slug: string | undefined,
    private readonly mode: 'header' | 'path',
  ) {}

  url(path: string): string {
    return this.slug && this.mode === 'path' ? path.replace(/^\/api\//, `/t/${this.slug}/api/`) : path;
  }

  /** Sends raw bytes (an upload) with the session's cookie and CSRF token; the answer as `request` gives it. */
  async upload(path: string, bytes: Uint8Array, contentType = 'application/octet-stream'): Promise<Answer> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, 'content-type': contentType };
    if (this.slug && this.mode === 'header') h['x-switchboard-tenant'] = this.slug;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken) h['x-csrf-token'] = this.csrfToken;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const response = await this.app.request(this.url(path), { method: 'POST', headers: h, body: new Blob([new Uint8Array(bytes)]) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** A download: status, headers and the bytes. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.slug && this.mode === 'header') h['x-switchboard-tenant'] = this.slug;
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const response = await this.app.request(this.url(path), { headers: h });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** With `stateless`, the answer's cookie and CSRF token are not kept (for probing many routes). */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, stateless = false): Promise<Answer> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.slug && this.mode === 'header') h['x-switchboard-tenant'] = this.slug;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') h['x-csrf-token'] = this.csrfToken;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const response = await this.app.request(this.url(path), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = stateless ? null : response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = /=$/.test(pair) || /Max-Age=0/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    if (!stateless && parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string' && parsed.csrfToken) this.csrfToken = parsed.csrfToken;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body ?? {});
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  delete = (path: string) => this.request('DELETE', path);

  async signIn(email: string, password: string): Promise<Answer> {
    return this.post('/api/session', { email, password });
  }
}

/** Signs up a company and returns its admin's client. */
export async function signUp(tc: TestConsole, slug: string, options: { email?: string; password?: string; mode?: 'header' | 'path' } = {}) {
  const admin = tc.client(slug, options.mode);
  const email = options.email ?? `admin@${slug}.example`;
  const password = options.password ?? 'admin password 1';
  const answer = await new ApiClient(tc.app, undefined, 'header').post('/api/signup', {
    companyName: `${slug} Ltd`,
    slug,
    name: `${slug} admin`,
    email,
    password,
  });
  if (answer.status !== 201) throw new Error(`sign-up failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  await admin.signIn(email, password);
  return { admin, tenantId: answer.body.tenant.id as string, userId: answer.body.user.id as string, email, password };
}

/** A signed-in agent's real-time feed: collects what arrives and keeps the heartbeat going. */
export class FeedClient {
  readonly received: any[] = [];
  closed: { code: number; reason: string } | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.received.push(JSON.parse(String(data))));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      if (this.heartbeat) clearInterval(this.heartbeat);
    });
  }

  /** Opens the feed with a client's cookie; resolves once the server says it is ready. */
  static async open(
    baseUrl: string,
    client: { cookie?: string; slug?: string },
    options: { heartbeatMs?: number; headers?: Record<string, string>; batch?: boolean } = {},
  ): Promise<FeedClient> {
    const headers: Record<string, string> = { ...options.headers };
    if (client.cookie) headers.cookie = client.cookie;
    if (client.slug) headers['x-switchboard-tenant'] = client.slug;
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/realtime${options.batch ? '?batch=1' : ''}`, { headers });
    const feed = new FeedClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      socket.once('error', reject);
      const check = setInterval(() => {
        if (feed.received.some((m) => m.type === 'ready')) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    if (options.heartbeatMs !== 0) feed.heartbeat = setInterval(() => feed.send({ type: 'heartbeat' }), options.heartbeatMs ?? 200);
    return feed;
  }

  send(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** The events received, whether one a frame or several (`events` frames of a batched feed). */
  events(kind?: string): any[] {
    return this.received.flatMap((m) => (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : [])).filter((e) => !kind || e.kind === kind);
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  close(): void {
    this.stopHeartbeat();
    this.socket.close();
  }
}
