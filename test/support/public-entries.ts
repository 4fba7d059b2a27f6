import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMQP_URL, BUS_NAMESPACE, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from './services.js';

export const WHATSAPP_APP_SECRET = 'whatsapp-app-secret-0123456789';
export const WHATSAPP_NUMBER_ID = '106540352242922';

/**
 * `switchboard start` as its own process (every role, on a fresh PostgreSQL database and the
 * test RabbitMQ), with one company signed up through the API and the channels a stranger can
 * reach: the web chat, the app API and a WhatsApp webhook. The process is separate so its
 * memory can be measured alone.
 */
export interface PublicServer {
  url: string;
  pid: number;
  databaseUrl: string;
  slug: string;
  web: { id: string; publicKey: string };
  app: { id: string; apiKey: string };
  whatsapp: { id: string };
  /** A signed-in admin's call to the console API: cookie, CSRF token and company header set. */
  api(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** The process's resident memory, from /proc. */
  rssBytes(): number;
  output(): string;
  stop(): Promise<void>;
}

export async function startPublicServer(): Promise<PublicServer> {
  const database = await emptyPgDatabase();
  const child: ChildProcess = spawn(process.execPath, ['console/cli/bin.mjs', 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-public-')),
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'ef'.repeat(32),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGKILL');
    await exited;
    await database.drop();
  };
  try {
    const url = (await eventually(() => /"url":"(http:[^"]+)"/.exec(output)?.[1], { timeoutMs: 60_000 }))!;
    const slug = 'probe';
    const signUp = await fetch(`${url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'Probe', slug, name: 'Ada', email: 'ada@example.com', password: 'correct horse battery staple' }),
    });
    if (signUp.status !== 201) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await signUp.json()) as { csrfToken: string };
    const api: PublicServer['api'] = async (method, path, body, headers = {}) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          'x-switchboard-tenant': slug,
          cookie,
          'x-csrf-token': csrfToken,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, body: parsed };
    };
    const channel = async (type: string, config: Record<string, unknown>) => {
      const created = await api('POST', '/api/channels', JSON.stringify({ type, name: type, config }));
      if (created.status !== 201) throw new Error(`channel ${type}: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body as { channel: { id: string; publicKey: string | null }; apiKey?: string };
    };
    const web = await channel('web', {});
    const app = await channel('app-api', { webhookSecret: 'webhook-secret-0123456789' });
    const whatsapp = await channel('whatsapp', {
      phoneNumberId: WHATSAPP_NUMBER_ID,
      accessToken: 'whatsapp-access-token-0123456789',
      appSecret: WHATSAPP_APP_SECRET,
      verifyToken: 'verify-token-0123',
    });
    return {
      url,
      pid: child.pid!,
      databaseUrl: database.url,
      slug,
      web: { id: web.channel.id, publicKey: web.channel.publicKey! },
      app: { id: app.channel.id, apiKey: app.apiKey! },
      whatsapp: { id: whatsapp.channel.id },
      api,
      rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-4000)}`);
  }
}

/** The X-Hub-Signature-256 Meta puts on a WhatsApp webhook. */
export const whatsappSignature = (body: Buffer | string) => `sha256=${createHmac('sha256', WHATSAPP_APP_SECRET).update(body).digest('hex')}`;

/** A WhatsApp text message webhook, as Meta sends it (the shape of connectors/whatsapp/fixtures/text.json). */
export function whatsappText(id: string, text: string, name = 'Sheena Nelson'): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: WHATSAPP_NUMBER_ID },
              contacts: [{ profile: { name }, wa_id: '16505551234' }],
              messages: [{ from: '16505551234', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

/**
 * POSTs `totalBytes` as a chunked body (no Content-Length), written chunk by chunk as the socket
 * takes it, until the server answers or drops the connection. Answers the status (0 when the
 * connection was dropped with no answer) and how much was sent by then.
 */
export function postChunked(
  url: string,
  totalBytes: number,
  headers: Record<string, string> = {},
  fill = 'x',
): Promise<{ status: number; sent: number; body: string }> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent, body });
      });
      res.on('error', () => resolve({ status: res.statusCode ?? 0, sent, body }));
    });
    req.on('error', () => {
      if (!answered) resolve({ status: 0, sent, body: '' });
    });
    const write = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

/** Samples `read` every few milliseconds while `work` runs; answers the work's result and the highest sample. */
export async function peakWhile<T>(read: () => number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 10);
  try {
    const result = await work();
    peak = Math.max(peak, read());
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}
