import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { browserAvailable, CHROMIUM, startSwitchboard, type TestServer } from '../support/browser.js';
import { eventually } from '../support/services.js';

const BASE_HOST = 'files.test';
const SANDBOX = "default-src 'none'; sandbox";
// The smallest valid PNG (1×1, transparent).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WAVEfmt '), Buffer.alloc(24), Buffer.from('data'), Buffer.alloc(4)]);
// What an attacker uploads: reads the viewer's CSRF token and mints an admin API token with it.
const STEAL = `fetch('/api/session').then(r=>r.json()).then(s=>fetch('/api/api-tokens',{method:'POST',headers:{'x-csrf-token':s.csrfToken,'content-type':'application/json'},body:'{"name":"stolen","scopes":["admin.api_tokens"]}'}))`;
const SVG = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>${STEAL}</script></svg>`);
const HTML = Buffer.from(`<!doctype html><html><body><script>${STEAL}</script></body></html>`);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request with the Host a browser would send for that address (fetch cannot set it). */
function send(
  base: string,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: { ...(options.host ? { host: options.host } : {}), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A company's admin in a browser on the company's own host: its session cookie and CSRF token. */
class Admin {
  constructor(
    private readonly base: string,
    readonly host: string,
    readonly cookie: string,
    private readonly csrf: string,
  ) {}

  call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
    const raw = body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return send(this.base, path, {
      host: this.host,
      method,
      body: raw,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(raw ? { 'content-type': contentType } : {}) },
    });
  }

  async json(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.call(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body.toString());
  }

  /** Uploads a file for a reply to the conversation, as the console does, with the type the browser declared. */
  async upload(conversationId: string, name: string, bytes: Buffer, declaredType: string): Promise<string> {
    const answer = await this.call('POST', `/api/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`, bytes, declaredType);
    expect(answer.status, answer.body.toString()).toBe(201);
    return JSON.parse(answer.body.toString()).id;
  }
}

/** What must hold for every stored file answered, whatever its kind. */
function expectNeverCode(answer: Answer, what: string) {
  expect(answer.status, what).toBe(200);
  expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
  expect(answer.headers['content-security-policy'], what).toBe(SANDBOX);
}

function expectDownload(answer: Answer, what: string) {
  expectNeverCode(answer, what);
  expect(answer.headers['content-type'], what).toBe('application/octet-stream');
  expect(answer.headers['content-disposition'], what).toMatch(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
}

/**
 * Files never run as code on our origin: whoever stored them (an agent, a visitor, a phone
 * platform), whatever they claim to be, on one running Switchboard with two companies on their
 * own hosts.
 */
describe('stored files are never served as code, and only to those they belong to', () => {
  let server: TestServer;
  let acme: Admin;
  let globex: Admin;
  let key: string;
  let conversationId: string;
  let visitorA: string;
  let visitorB: string;
  let twilio: Server;
  const files: Record<'svg' | 'html' | 'png' | 'lyingPng' | 'note' | 'unsent', string> = {} as never;

  const widget = (path: string, token: string, host?: string) => send(server.url, `/widget/${key}${path}?token=${encodeURIComponent(token)}`, { host });
  const hostOf = (slug: string) => `${slug}.${BASE_HOST}:${new URL(server.url).port}`;

  async function signUp(slug: string): Promise<Admin> {
    const answer = await send(server.url, '/api/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: `${slug} Ltd`, slug, name: `${slug} admin`, email: `admin@${slug}.example`, password: 'admin password 1' }),
    });
    expect(answer.status, answer.body.toString()).toBe(201);
    const cookie = String(answer.headers['set-cookie']?.[0]).split(';')[0]!;
    return new Admin(server.url, hostOf(slug), cookie, JSON.parse(answer.body.toString()).csrfToken);
  }

  async function visitor(): Promise<string> {
    const answer = await send(server.url, `/widget/${key}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return JSON.parse(answer.body.toString()).token;
  }

  beforeAll(async () => {
    // A phone platform the company configured: it answers recordings with whatever it likes.
    twilio = createServer((req, res) => {
      if (req.url?.endsWith('/Recordings/RE00000000000000000000000000000001.wav')) res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
      else if (req.url?.endsWith('/Recordings/RE00000000000000000000000000000002.wav')) res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(WAV);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));

    server = await startSwitchboard({ BASE_HOST });
    acme = await signUp('acme');
    globex = await signUp('globex');
    key = (await acme.json('POST', '/api/channels', { type: 'web', name: 'Website', config: {} })).channel.publicKey;
    visitorA = await visitor();
    visitorB = await visitor();
    const sent = await send(server.url, `/widget/${key}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorA}` },
      body: JSON.stringify({ clientMessageId: 'hello-from-a', text: 'Hello, I need help' }),
    });
    expect(sent.status).toBe(202);
    const db = server.process.ctx.database.db;
    conversationId = (await eventually(async () => (await db.selectFrom('conversations').select('id').executeTakeFirst())?.id, { timeoutMs: 20_000 }))!;

    files.svg = await acme.upload(conversationId, 'diagram.svg', SVG, 'image/svg+xml');
    files.html = await acme.upload(conversationId, 'invoice.html', HTML, 'text/html');
    files.png = await acme.upload(conversationId, '收据.png', PNG, 'image/png');
    files.lyingPng = await acme.upload(conversationId, 'photo.png', HTML, 'image/png');
    files.note = await acme.upload(conversationId, 'internal.png', PNG, 'image/png');
    files.unsent = await acme.upload(conversationId, 'draft.png', PNG, 'image/png');
    // The reply takes the waiting conversation for the admin, who must be online for that.
    await acme.call('PUT', '/api/agent/status', { status: 'online' });
    const reply = await acme.call('POST', `/api/conversations/${conversationId}/messages`, {
      clientId: 'files-for-a',
      text: 'Here are your files',
      parts: [
        { type: 'image', attachmentId: files.svg },
        { type: 'file', attachmentId: files.html },
        { type: 'image', attachmentId: files.png },
        { type: 'image', attachmentId: files.lyingPng },
      ],
    });
    expect(reply.status, reply.body.toString()).toBe(201);
    const note = await acme.call('POST', `/api/conversations/${conversationId}/messages`, {
      clientId: 'note-1',
      private: true,
      parts: [{ type: 'image', attachmentId: files.note }],
    });
    expect(note.status, note.body.toString()).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => twilio?.close(resolve));
  });

  it('serves an uploaded SVG with a script, and an HTML file, as downloads the browser cannot run, to visitors and agents', async () => {
    for (const id of [files.svg, files.html]) {
      expectDownload(await widget(`/attachments/${id}`, visitorA), `widget ${id}`);
      expectDownload(await acme.call('GET', `/api/attachments/${id}`), `console ${id}`);
    }
    // Under the company's own host (the console's origin) too.
    expectDownload(await widget(`/attachments/${files.svg}`, visitorA, acme.host), 'widget on the company host');
  });

  it.skipIf(!browserAvailable)('an admin who opens the SVG or HTML on the company host gets a download, and its script mints no API token', async () => {
    const port = new URL(server.url).port;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP *.${BASE_HOST} 127.0.0.1`],
    });
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const [name, value] = acme.cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, domain: `acme.${BASE_HOST}`, path: '/' }]);
      const page = await context.newPage();
      const downloads: string[] = [];
      page.on('download', (download) => downloads.push(download.suggestedFilename()));
      for (const id of [files.svg, files.html]) {
        // A download aborts the navigation; a page that rendered is left until its requests are done.
        await page.goto(`http://acme.${BASE_HOST}:${port}/widget/${key}/attachments/${id}?token=${visitorA}`, { waitUntil: 'networkidle' }).catch(() => {});
      }
      const tokens = await server.process.ctx.database.db.selectFrom('api_tokens').select('name').execute();
      expect(tokens).toEqual([]);
      await eventually(() => downloads.length === 2);
      expect(downloads).toEqual(['diagram.svg', 'invoice.html']);
    } finally {
      await browser.close();
    }
  });

  it('shows a PNG in place, named in UTF-8, still sandboxed', async () => {
    for (const answer of [await widget(`/attachments/${files.png}`, visitorA), await acme.call('GET', `/api/attachments/${files.png}`)]) {
      expectNeverCode(answer, 'png');
      expect(answer.headers['content-type']).toBe('image/png');
      expect(answer.headers['content-disposition']).toBe(`inline; filename="__.png"; filename*=UTF-8''%E6%94%B6%E6%8D%AE.png`);
      expect(answer.body.equals(PNG)).toBe(true);
    }
    expect((await widget(`/attachments/${files.png}`, visitorA)).headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('believes the bytes, not the declared type: HTML named .png and declared image/png is a download', async () => {
    expectDownload(await widget(`/attachments/${files.lyingPng}`, visitorA), 'widget');
    expectDownload(await acme.call('GET', `/api/attachments/${files.lyingPng}`), 'console');
  });

  it("lets a visitor read their own conversation's files only: not another visitor's, not internal notes, not unsent drafts", async () => {
    expect((await widget(`/attachments/${files.png}`, visitorA)).status).toBe(200);
    for (const id of [files.png, files.svg]) expect((await widget(`/attachments/${id}`, visitorB)).status).toBe(404);
    expect((await widget(`/attachments/${files.note}`, visitorA)).status).toBe(404);
    expect((await widget(`/attachments/${files.unsent}`, visitorA)).status).toBe(404);
    // The visitor's own upload, before it is sent, is theirs.
    const upload = await send(server.url, `/widget/${key}/uploads?name=mine.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitorB}` },
      body: PNG,
    });
    expect(upload.status).toBe(201);
    const own = JSON.parse(upload.body.toString()).id;
    expect((await widget(`/attachments/${own}`, visitorB)).status).toBe(200);
    expect((await widget(`/attachments/${own}`, visitorA)).status).toBe(404);
  });

  it("refuses a company's chat under another company's host", async () => {
    expect((await widget(`/attachments/${files.png}`, visitorA, globex.host)).status).toBe(404);
    expect((await widget('/config', visitorA, globex.host)).status).toBe(404);
    expect((await widget(`/attachments/${files.png}`, visitorA, acme.host)).status).toBe(200);
    // The address the embed snippet uses names no company: every company's chat answers there.
    expect((await widget(`/attachments/${files.png}`, visitorA)).status).toBe(200);
  });

  it("serves a call recording by what its bytes are, whatever the phone platform's type says", async () => {
    const created = await acme.json('POST', '/api/channels', {
      type: 'voice-twilio',
      name: 'Phone',
      config: {
        accountSid: `AC${'0'.repeat(32)}`,
        authToken: 'twilio-auth-token-0001',
        apiBaseUrl: `http://127.0.0.1:${(twilio.address() as { port: number }).port}`,
      },
    });
    const db = server.process.ctx.database.db;
    const tenant = await db.selectFrom('tenants').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow();
    const call = async (sid: string) =>
      (
        await db
          .insertInto('calls')
          .values({
            tenant_id: tenant.id,
            channel_id: created.channel.id,
            provider_call_id: `CA${sid}`,
            direction: 'in',
            from_number: '+8613900000009',
            to_number: '4000',
            state: 'ended',
            ivr_flow_id: null,
            ivr_menu: null,
            group_id: null,
            agent_id: null,
            agent_leg_id: null,
            bridge_id: null,
            wait_seconds: 1,
            talk_seconds: 5,
            recording_ref: `twilio:RE${sid}`,
            disposition: 'answered',
            cause: 'completed',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    const page = await acme.call('GET', `/api/calls/${await call('00000000000000000000000000000001')}/recording`);
    expectDownload(page, 'recording of HTML');
    expect(page.headers['cache-control']).toContain('no-store');

    const audio = await acme.call('GET', `/api/calls/${await call('00000000000000000000000000000002')}/recording`);
    expectNeverCode(audio, 'recording of audio');
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.headers['content-disposition']).toMatch(/^inline; filename="recording-[0-9a-f-]+\.wav"/);
    expect(audio.body.equals(WAV)).toBe(true);
  });
});
