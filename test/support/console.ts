import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { loadConfig } from '../../core/config/config.js';
import type { Context } from '../../core/context.js';
import { createLogger } from '../../core/log/logger.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { OutboxRelay } from '../../core/outbox/outbox.js';
import type { Bus } from '../../core/bus/bus.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { createHttpApp } from '../../console/server/app.js';
import { startConsole, type ConsolePart } from '../../console/server/console-part.js';
import { freshDatabase } from './services.js';

export interface TestConsole {
  ctx: Context;
  app: Hono;
  part: ConsolePart;
  /** Every log line the process wrote, for checks that secrets never reach the log. */
  logs: string[];
  client(slug?: string, mode?: 'header' | 'path'): ApiClient;
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
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const bus = options.bus ?? new MemoryBus();
  const relay = new OutboxRelay(database.db, bus, { logger, pollMs: 50 });
  const ctx: Context = { config, logger, database, bus, relay, metrics: createMetrics() };
  relay.start();
  const part = await startConsole(ctx);
  const app = createHttpApp(ctx, (a) => part.mount(a));
  return {
    ctx,
    app,
    part,
    logs,
    client: (slug, mode = 'header') => new ApiClient(app, slug, mode),
    stop: async () => {
      await part.stop();
      await relay.stop();
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

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.slug && this.mode === 'header') h['x-switchboard-tenant'] = this.slug;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') h['x-csrf-token'] = this.csrfToken;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const response = await this.app.request(this.url(path), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = response.headers.get('set-cookie');
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
    if (parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string' && parsed.csrfToken) this.csrfToken = parsed.csrfToken;
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
